"""Files Openness reads and writes: every export and import goes through a fresh folder inside the file roots.

TIA exports only to a file path and refuses to overwrite one, and imports only from a file, so each call gets a
new folder under the scratch root (by default inside the first configured file root, where the service may
write), and the folder is removed afterwards whatever happened.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.lib.staging import staging_folder

if TYPE_CHECKING:
    from collections.abc import Iterator

    from openness_bridge.loader import OpennessApi

__all__ = ("ScratchFolders",)


class ScratchFolders:
    """The session's scratch area: fresh folders for Openness' file exchanges, and exports and imports through them.

    Args:
        api: the loaded Openness namespaces (``FileInfo``, ``ExportOptions``, ``ImportOptions``).
        root: where the folders are made (created when missing); the system temp folder when None.
    """

    def __init__(self, api: OpennessApi, root: Path | None) -> None:
        self._api = api
        self.root = root
        """Where the folders are made."""

    @contextmanager
    def folder(self, purpose: str) -> Iterator[Path]:
        """A fresh, empty folder for one Openness file exchange, removed on exit."""
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
        if self.root is None:
            folder = Path(tempfile.mkdtemp(prefix=f"{purpose}-"))
            try:
                yield folder
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            return
        with staging_folder(self.root, purpose) as folder:  # the root is shared: the folder names its owner
            yield folder

    def export_bytes(self, obj: Any, purpose: str = "export") -> bytes:
        """``obj.Export(FileInfo, ExportOptions.WithDefaults)`` (block, UDT, tag or watch table) as bytes."""
        with self.folder(purpose) as folder:
            target = folder / "export.xml"
            obj.Export(self._api.io.FileInfo(str(target)), self._api.engineering.ExportOptions.WithDefaults)
            return target.read_bytes()

    def import_bytes(self, composition: Any, data: bytes, *, override: bool, purpose: str = "import") -> Any:
        """``composition.Import(FileInfo, ImportOptions.None|Override)`` of ``data``; returns what Import returns."""
        with self.folder(purpose) as folder:
            path = folder / "import.xml"
            path.write_bytes(data)
            options = getattr(self._api.engineering.ImportOptions, "Override" if override else "None")
            return composition.Import(self._api.io.FileInfo(str(path)), options)
