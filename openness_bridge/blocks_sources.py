"""The bridge's external sources (``PlcSoftware.ExternalSourceGroup``, the PLC's "External source files").

Openness offers ``PlcExternalSourceComposition.CreateFromFile(name, path)`` (TIA copies the file's text into the
project), ``Find``, ``PlcExternalSource.Delete()`` and the user groups (``…UserGroupComposition.Create``,
``PlcExternalSourceUserGroup.Delete()``). It has no member that gives a source's text back: ``PlcExternalSource``
has ``Name``, ``Parent``, ``Delete``, ``GenerateBlocksFromSource`` and attribute access only (15.1 API stubs), and no
``Export``. So ``read_external_source`` is ``NO_OPENNESS_EQUIVALENT`` and listed sources report ``length`` and
``lineCount`` 0 (unknown); ``add_external_source`` reports them for the text it was given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.blocks import ExternalSourceInfo, FolderRemoval
from engineering_api.backend.errors import (
    AlreadyExistsError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.rules.folders import check_file_name
from openness_bridge import groups

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("SourceOperations",)


class SourceOperations:
    """The external-source half of :class:`openness_bridge.blocks.BridgeBlocks` (``session``: calls on the session's
    thread, transactions, the open project, scratch folders)."""

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    def _source_root(self, device: str) -> Any:
        return self._session.plc_software(self._session.project(), device).ExternalSourceGroup

    def _locate_source(self, root: Any, name: str) -> tuple[str, Any]:
        """(folder, source) anywhere below "External source files"; ``NotFoundError`` (``SOURCE_NOT_FOUND``)."""
        for folder, source in groups.walk_objects(root, "ExternalSources"):
            if str(source.Name) == name:
                return folder, source
        raise NotFoundError(f"The external source '{name}' was not found.", code="SOURCE_NOT_FOUND")

    def list_external_sources(self, device: str) -> list[ExternalSourceInfo]:
        def run() -> list[ExternalSourceInfo]:
            # length/lineCount stay 0: Openness cannot read a source's text back (module docstring).
            return [ExternalSourceInfo(name=str(s.Name), folder=f)
                    for f, s in groups.walk_objects(self._source_root(device), "ExternalSources")]

        return self._session.call("PlcExternalSourceGroup.ExternalSources", run)

    def external_source_folders(self, device: str) -> list[str]:
        return self._session.call(
            "PlcExternalSourceGroup.Groups", lambda: sorted(groups.group_paths(self._source_root(device))))

    def add_external_source(self, device: str, name: str, text: str, *, folder: str, overwrite: bool) -> ExternalSourceInfo:
        check_file_name(name, kind="external source")

        def run() -> ExternalSourceInfo:
            root = self._source_root(device)
            target, group = groups.folder_of(root, folder)
            clash = next((s for _, s in groups.walk_objects(root, "ExternalSources")
                          if str(s.Name).casefold() == name.casefold()), None)
            if clash is not None and not overwrite:
                raise AlreadyExistsError(f"The external source '{name}' already exists.", code="SOURCE_EXISTS")
            if clash is not None:
                clash.Delete()  # same transaction: a failing CreateFromFile brings the old source back
            with self._session.scratch("source") as staging:
                path = staging / name
                path.write_text(text, encoding="utf-8-sig", newline="")
                group.ExternalSources.CreateFromFile(name, str(path))  # TIA copies the text into the project
            return ExternalSourceInfo(name=name, folder=target, length=len(text), line_count=len(text.splitlines()))

        return self._session.change("PlcExternalSourceComposition.CreateFromFile", run, invocation=ValidationError)

    def read_external_source(self, device: str, name: str) -> str:
        def run() -> str:
            self._locate_source(self._source_root(device), name)  # an unknown source is still a precise 404
            raise NotSupportedError(
                f"Openness cannot read the text of the external source '{name}': PlcExternalSource has no member that "
                "returns its content (only Name, Delete and GenerateBlocksFromSource). Keep the text you added, or "
                "generate the blocks and export them (SimaticML) instead.",
                code="NO_OPENNESS_EQUIVALENT", details={"method": "read_external_source"},
            )

        return self._session.call("PlcExternalSourceComposition.Find", run)

    def delete_external_source(self, device: str, name: str) -> ExternalSourceInfo:
        def run() -> ExternalSourceInfo:
            folder, source = self._locate_source(self._source_root(device), name)
            source.Delete()
            return ExternalSourceInfo(name=name, folder=folder)

        return self._session.change("PlcExternalSource.Delete", run)

    def create_external_source_folder(self, device: str, path: str) -> str:
        def run() -> str:
            return groups.create_group(self._source_root(device), path)[0]

        return self._session.change("PlcExternalSourceUserGroupComposition.Create", run, invocation=ValidationError)

    def delete_external_source_folder(self, device: str, path: str) -> FolderRemoval:
        def run() -> FolderRemoval:
            group = groups.require_group(self._source_root(device), path)
            removed = [str(s.Name) for _, s in groups.walk_objects(group, "ExternalSources")]
            group.Delete()
            return FolderRemoval(folder=groups.normalise(path), removed=removed)

        return self._session.change("PlcExternalSourceUserGroup.Delete", run)
