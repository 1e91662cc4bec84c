"""The bridge's blocks and block folders (``PlcSoftware.BlockGroup``); external sources are in
:mod:`openness_bridge.blocks_sources`.

Blocks are found by walking the group tree (``PlcBlockComposition.Find`` is one level deep); a block's kind is its
.NET class (``FB``, ``GlobalDB``…), its language ``PlcBlock.ProgrammingLanguage``. Rename sets ``PlcBlock.Name``
(settable in the API reference), delete is ``PlcBlock.Delete()``, folders are ``PlcBlockUserGroupComposition.Create``
and ``PlcBlockUserGroup.Delete()``. Every change runs through ``_change`` (exclusive access + transaction).

Mixed into :class:`openness_bridge.backend.OpennessBackend`; port methods not defined here stay pending
(:mod:`openness_bridge.pending`).
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.blocks import BlockInfo, FolderRemoval
from engineering_api.backend.errors import (
    AlreadyExistsError,
    NotFoundError,
    ValidationError,
)
from engineering_api.rules.naming import check_block_name
from openness_bridge import groups
from openness_bridge.blocks_sources import SourceOperations
from openness_bridge.plc_software import block_kind

__all__ = ("BlockOperations",)


class BlockOperations(SourceOperations):
    """Mixed into ``OpennessBackend``; relies on its ``_call``/``_change``, ``_project`` and helpers."""

    def _software_of(self, device: str) -> Any:
        return self._plc_software(self._project(), device)  # type: ignore[attr-defined]

    def _block_info(self, block: Any, folder: str) -> BlockInfo:
        kind = block_kind(block)
        instance_of = None
        if kind == "InstanceDB":
            instance_db = self._namespace("Siemens.Engineering.SW.Blocks").InstanceDB  # type: ignore[attr-defined]
            instance_of = str(groups.cast_as(block, instance_db).InstanceOfName or "") or None
        language = str(block.ProgrammingLanguage.ToString())
        return BlockInfo(
            name=str(block.Name), block_type=kind, number=int(block.Number), folder=folder,
            language=None if language == "Undef" else language, instance_of=instance_of,
            consistent=bool(block.IsConsistent), know_how_protected=bool(block.IsKnowHowProtected),
        )

    def _locate_block(self, software: Any, name: str) -> tuple[str, Any]:
        """(folder, block) anywhere below "Program blocks", or ``NotFoundError`` (``BLOCK_NOT_FOUND``)."""
        for folder, block in groups.walk_objects(software.BlockGroup, "Blocks"):
            if str(block.Name) == name:
                return folder, block
        raise NotFoundError(f"The block '{name}' was not found.", code="BLOCK_NOT_FOUND")

    def _names_in_use(self, software: Any) -> set[str]:
        """Casefolded names of every block, PLC data type and tag table: TIA keeps them unique per PLC."""
        names = {str(b.Name).casefold() for _, b in groups.walk_objects(software.BlockGroup, "Blocks")}
        names |= {str(t.Name).casefold() for _, t in groups.walk_objects(software.TypeGroup, "Types")}
        tables = groups.walk_objects(software.TagTableGroup, "TagTables")
        return names | {str(t.Name).casefold() for _, t in tables}

    # ----- blocks -------------------------------------------------------------------------------
    def list_blocks(self, device: str) -> list[BlockInfo]:
        def run() -> list[BlockInfo]:
            software = self._software_of(device)
            return [self._block_info(b, f) for f, b in groups.walk_objects(software.BlockGroup, "Blocks")]

        return self._call("PlcBlockGroup.Blocks", run)  # type: ignore[attr-defined]

    def get_block(self, device: str, name: str) -> BlockInfo:
        def run() -> BlockInfo:
            return self._block_info(*reversed(self._locate_block(self._software_of(device), name)))

        return self._call("PlcBlockComposition.Find", run)  # type: ignore[attr-defined]

    def delete_block(self, device: str, name: str) -> BlockInfo:
        def run() -> BlockInfo:
            folder, block = self._locate_block(self._software_of(device), name)
            info = self._block_info(block, folder)
            block.Delete()
            return info

        return self._change("PlcBlock.Delete", run)  # type: ignore[attr-defined]

    def rename_block(self, device: str, name: str, new_name: str) -> BlockInfo:
        check_block_name(new_name, "newName")

        def run() -> BlockInfo:
            software = self._software_of(device)
            folder, block = self._locate_block(software, name)
            if new_name.casefold() != name.casefold() and new_name.casefold() in self._names_in_use(software):
                raise AlreadyExistsError(f"'{new_name}' already exists in '{device}'.", code="OBJECT_EXISTS")
            block.Name = new_name  # TIA renames the block and its SimaticML Name; number and group stay
            return self._block_info(block, folder)

        return self._change("PlcBlock.Name", run)  # type: ignore[attr-defined]

    # ----- block folders ------------------------------------------------------------------------
    def block_folders(self, device: str) -> list[str]:
        return self._call(  # type: ignore[attr-defined]
            "PlcBlockGroup.Groups", lambda: sorted(groups.group_paths(self._software_of(device).BlockGroup)))

    def create_block_folder(self, device: str, path: str) -> str:
        def run() -> str:
            return groups.create_group(self._software_of(device).BlockGroup, path)[0]

        return self._change("PlcBlockUserGroupComposition.Create", run, invocation=ValidationError)  # type: ignore[attr-defined]

    def delete_block_folder(self, device: str, path: str) -> FolderRemoval:
        def run() -> FolderRemoval:
            group = groups.require_group(self._software_of(device).BlockGroup, path)
            removed = [str(b.Name) for _, b in groups.walk_objects(group, "Blocks")]
            group.Delete()  # TIA deletes the group with its subgroups and blocks
            return FolderRemoval(folder=groups.normalise(path), removed=removed)

        return self._change("PlcBlockUserGroup.Delete", run)  # type: ignore[attr-defined]
