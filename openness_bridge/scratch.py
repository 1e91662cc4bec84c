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

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("ScratchFiles",)


class ScratchFiles:
    """Mixed into ``OpennessBackend``; uses its ``_api`` and ``_scratch_root``."""

    _scratch_root: Path | None = None

    @contextmanager
    def _scratch(self, purpose: str) -> Iterator[Path]:
        """A fresh, empty folder for one Openness file exchange, removed on exit."""
        root = self._scratch_root
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{purpose}-", dir=root))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _export_bytes(self, obj: Any, purpose: str = "export") -> bytes:
        """``obj.Export(FileInfo, ExportOptions.WithDefaults)`` (block, UDT, tag or watch table) as bytes."""
        with self._scratch(purpose) as folder:
            target = folder / "export.xml"
            obj.Export(self._api.io.FileInfo(str(target)), self._api.engineering.ExportOptions.WithDefaults)  # type: ignore[attr-defined]
            return target.read_bytes()

    def _import_bytes(self, composition: Any, data: bytes, *, override: bool, purpose: str = "import") -> Any:
        """``composition.Import(FileInfo, ImportOptions.None|Override)`` of ``data``; returns what Import returns."""
        with self._scratch(purpose) as folder:
            path = folder / "import.xml"
            path.write_bytes(data)
            options = getattr(self._api.engineering.ImportOptions, "Override" if override else "None")  # type: ignore[attr-defined]
            return composition.Import(self._api.io.FileInfo(str(path)), options)
