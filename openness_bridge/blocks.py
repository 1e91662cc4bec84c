"""The bridge's blocks and block folders (``PlcSoftware.BlockGroup``); external sources are in
:mod:`openness_bridge.blocks_sources`.

Blocks are found by walking the group tree (``PlcBlockComposition.Find`` is one level deep); a block's kind is its
.NET class (``FB``, ``GlobalDB``…), its language ``PlcBlock.ProgrammingLanguage``. Rename sets ``PlcBlock.Name``
(settable in the API reference), delete is ``PlcBlock.Delete()``, folders are ``PlcBlockUserGroupComposition.Create``
and ``PlcBlockUserGroup.Delete()``. Every change runs through the session's ``change`` (exclusive access +
transaction). ``OpennessBackend.blocks`` is a :class:`BridgeBlocks`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.blocks import BlockInfo, BlocksWithGeneration, FolderRemoval
from engineering_api.backend.errors import (
    AlreadyExistsError,
    NotFoundError,
    ValidationError,
)
from engineering_api.rules.naming import check_block_name
from openness_bridge import groups
from openness_bridge.blocks_sources import SourceOperations
from openness_bridge.plc_software import block_kind

if TYPE_CHECKING:
    from engineering_api.rules.source_generation import ProgramAccess
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeBlocks", "names_in_use")


def names_in_use(software: Any) -> set[str]:
    """Casefolded names of every block, PLC data type and tag table of a ``PlcSoftware``: TIA keeps them unique per
    PLC."""
    names = {str(b.Name).casefold() for _, b in groups.walk_objects(software.BlockGroup, "Blocks")}
    names |= {str(t.Name).casefold() for _, t in groups.walk_objects(software.TypeGroup, "Types")}
    tables = groups.walk_objects(software.TagTableGroup, "TagTables")
    return names | {str(t.Name).casefold() for _, t in tables}


class BridgeBlocks(SourceOperations, BlocksWithGeneration):
    """Blocks, block folders and (from :class:`~openness_bridge.blocks_sources.SourceOperations`) external sources
    of a PLC over Openness.

    Args:
        session: the Openness session: calls on its thread, transactions, the open project, scratch folders.
        generation: the program, compile and tag areas, which "generate blocks from source" reads and writes
            through (:func:`engineering_api.rules.source_generation.generate_blocks`).
    """

    def __init__(self, session: BridgeSession, *, generation: ProgramAccess) -> None:
        super().__init__(session)
        self._generation = generation

    def _software_of(self, device: str) -> Any:
        return self._session.plc_software(self._session.project(), device)

    def _block_info(self, block: Any, folder: str) -> BlockInfo:
        kind = block_kind(block)
        instance_of = None
        if kind == "InstanceDB":
            instance_db = self._session.namespace("Siemens.Engineering.SW.Blocks").InstanceDB
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

    # ----- blocks -------------------------------------------------------------------------------
    def list_blocks(self, device: str) -> list[BlockInfo]:
        def run() -> list[BlockInfo]:
            software = self._software_of(device)
            return [self._block_info(b, f) for f, b in groups.walk_objects(software.BlockGroup, "Blocks")]

        return self._session.call("PlcBlockGroup.Blocks", run)

    def get_block(self, device: str, name: str) -> BlockInfo:
        def run() -> BlockInfo:
            return self._block_info(*reversed(self._locate_block(self._software_of(device), name)))

        return self._session.call("PlcBlockComposition.Find", run)

    def delete_block(self, device: str, name: str) -> BlockInfo:
        def run() -> BlockInfo:
            folder, block = self._locate_block(self._software_of(device), name)
            info = self._block_info(block, folder)
            block.Delete()
            return info

        return self._session.change("PlcBlock.Delete", run)

    def rename_block(self, device: str, name: str, new_name: str) -> BlockInfo:
        check_block_name(new_name, "newName")

        def run() -> BlockInfo:
            software = self._software_of(device)
            folder, block = self._locate_block(software, name)
            if new_name.casefold() != name.casefold() and new_name.casefold() in names_in_use(software):
                raise AlreadyExistsError(f"'{new_name}' already exists in '{device}'.", code="OBJECT_EXISTS")
            block.Name = new_name  # TIA renames the block and its SimaticML Name; number and group stay
            return self._block_info(block, folder)

        return self._session.change("PlcBlock.Name", run)

    # ----- block folders ------------------------------------------------------------------------
    def block_folders(self, device: str) -> list[str]:
        return self._session.call(
            "PlcBlockGroup.Groups", lambda: sorted(groups.group_paths(self._software_of(device).BlockGroup)))

    def create_block_folder(self, device: str, path: str) -> str:
        def run() -> str:
            return groups.create_group(self._software_of(device).BlockGroup, path)[0]

        return self._session.change("PlcBlockUserGroupComposition.Create", run, invocation=ValidationError)

    def delete_block_folder(self, device: str, path: str) -> FolderRemoval:
        def run() -> FolderRemoval:
            group = groups.require_group(self._software_of(device).BlockGroup, path)
            removed = [str(b.Name) for _, b in groups.walk_objects(group, "Blocks")]
            group.Delete()  # TIA deletes the group with its subgroups and blocks
            return FolderRemoval(folder=groups.normalise(path), removed=removed)

        return self._session.change("PlcBlockUserGroup.Delete", run)

