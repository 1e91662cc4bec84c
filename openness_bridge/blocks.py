"""The bridge's blocks (``PlcSoftware.BlockGroup`` and each software unit's: :mod:`openness_bridge.units`), block
folders (``PlcSoftware.BlockGroup``'s and each unit's, as ``Software units/<unit>/...``) and external sources
(``PlcSoftware.ExternalSourceGroup``, the PLC's "External source files", and each software unit's: listed, found and
deleted there, added and foldered where the folder says: :func:`openness_bridge.units.creation_root`).

Blocks are found by walking the group tree (``PlcBlockComposition.Find`` is one level deep); a block's kind is its
.NET class (``FB``, ``GlobalDB``…), its language ``PlcBlock.ProgrammingLanguage``. Rename sets ``PlcBlock.Name``
(settable in the API reference), delete is ``PlcBlock.Delete()``, folders are ``PlcBlockUserGroupComposition.Create``
and ``PlcBlockUserGroup.Delete()``. Every change runs through the session's ``change`` (exclusive access +
transaction). ``OpennessBackend.blocks`` is a :class:`BridgeBlocks`.

For external sources Openness offers ``PlcExternalSourceComposition.CreateFromFile(name, path)`` (TIA copies the
file's text into the project), ``Find``, ``PlcExternalSource.Delete()`` and the user groups
(``…UserGroupComposition.Create``, ``PlcExternalSourceUserGroup.Delete()``). It has no member that gives a source's
text back: ``PlcExternalSource`` has ``Name``, ``Parent``, ``Delete``, ``GenerateBlocksFromSource`` and attribute
access only (15.1 API stubs), and no ``Export``. So ``read_external_source`` is ``NO_OPENNESS_EQUIVALENT`` and listed
sources report ``length`` and ``lineCount`` 0 (unknown); ``add_external_source`` reports them for the text it was
given.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.blocks import BlockInfo, BlocksWithGeneration, ExternalSourceInfo, FolderRemoval
from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, NotSupportedError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.folders import check_file_name
from engineering_api.rules.naming import check_block_name
from engineering_api.rules.program_objects import plain_new_name
from openness_bridge import groups
from openness_bridge.plc_software import block_kind
from openness_bridge.units import (
    SoftwareObject, create_user_group, creation_root, find_block, find_software_object, require_user_group,
    software_blocks, software_external_sources, software_tag_tables, software_types, user_group_paths,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from engineering_api.rules.source_generation import GenerationAccess
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeBlocks", "names_in_use", "program_object_names")


def program_object_names(session: BridgeSession, software: Any) -> set[str]:
    """Casefolded names of every block and PLC data type of a ``PlcSoftware``, its own and its software units',
    each as TIA names it (:mod:`openness_bridge.units`: ``Namespace.Name`` inside a unit's namespace): one name
    space per PLC, whatever the case.

    The qualified name is what must be free. No Siemens documentation of the rule was found (searched: software
    units, namespaces, block names unique per PLC); a TIA V18 project holds two FCs of the plain name ``fcMain`` in
    two units' namespaces (``nsConvoyeur.fcMain``, ``nsMainPerceuse.fcMain``: ChrisSiem/TestChris@a826097
    ``PLC_1/Software units/{Convoyeur,Perceuse}/Program blocks``), so a plain name is not taken PLC-wide. Whether a
    namespaced object's plain name is free for the PLC's own (root namespace) objects is not documented either;
    this follows the fake (:func:`engineering_api.rules.program_objects.read_object` keys objects by qualified name).
    An object outside a namespace (the PLC's own, or a unit's without one) is named by its plain ``Name``, so those
    stay unique across the PLC and all units, the conservative rule of the name space TIA keeps per PLC.
    """
    objects = chain(software_blocks(session, software), software_types(session, software))
    return {found.name.casefold() for found in objects}


def names_in_use(session: BridgeSession, software: Any) -> set[str]:
    """Casefolded names of every block, PLC data type (:func:`program_object_names`) and tag table
    (:func:`openness_bridge.units.software_tag_tables`) of a ``PlcSoftware`` and its software units: TIA keeps them
    unique per PLC."""
    tables = software_tag_tables(session, software)
    return program_object_names(session, software) | {found.name.casefold() for found in tables}


class BridgeBlocks(BlocksWithGeneration):
    """Blocks, block folders, external sources and their folders of a PLC over Openness.

    Args:
        session: the Openness session: calls on its thread, transactions, the open project, scratch folders.
        generation: the program, compile and tag areas, which "generate blocks from source" reads and writes
            through (:func:`engineering_api.rules.source_generation.generate_blocks`).
    """

    def __init__(self, session: BridgeSession, *, generation: GenerationAccess) -> None:
        self._session = session
        self._generation = generation

    def _software_of(self, device: str) -> Any:
        return self._session.plc_software(self._session.project(), device)

    def _block_info(self, found: SoftwareObject) -> BlockInfo:
        block, kind = found.obj, block_kind(found.obj)
        instance_of = None
        if kind == "InstanceDB":
            instance_db = self._session.namespace("Siemens.Engineering.SW.Blocks").InstanceDB
            instance_of = str(groups.cast_as(block, instance_db).InstanceOfName or "") or None
        language = str(block.ProgrammingLanguage.ToString())
        return BlockInfo(
            name=found.name, block_type=kind, number=int(block.Number), folder=found.folder,
            language=None if language == "Undef" else language, instance_of=instance_of,
            consistent=bool(block.IsConsistent), know_how_protected=bool(block.IsKnowHowProtected),
        )

    def _locate_block(self, software: Any, name: str) -> SoftwareObject:
        """The block anywhere below "Program blocks" or a software unit's, or ``NotFoundError``
        (``BLOCK_NOT_FOUND``)."""
        return find_block(self._session, software, name)

    # ----- blocks -------------------------------------------------------------------------------
    def list_blocks(self, device: str) -> list[BlockInfo]:
        def run() -> list[BlockInfo]:
            software = self._software_of(device)
            return [self._block_info(found) for found in software_blocks(self._session, software)]

        return self._session.call("PlcBlockGroup.Blocks", run)

    def get_block(self, device: str, name: str) -> BlockInfo:
        def run() -> BlockInfo:
            return self._block_info(self._locate_block(self._software_of(device), name))

        return self._session.call("PlcBlockComposition.Find", run)

    def delete_block(self, device: str, name: str) -> BlockInfo:
        def run() -> BlockInfo:
            found = self._locate_block(self._software_of(device), name)
            info = self._block_info(found)
            found.obj.Delete()
            return info

        return self._session.change("PlcBlock.Delete", run)

    def rename_block(self, device: str, name: str, new_name: str) -> BlockInfo:
        check_block_name(new_name, "newName")

        def run() -> BlockInfo:
            software = self._software_of(device)
            found = self._locate_block(software, name)
            # A unit block in a namespace keeps it: found.name is Namespace.Name there, Name the plain part.
            namespace = found.name[:-len(str(found.obj.Name)) - 1] or None
            plain = plain_new_name(new_name, namespace)
            qualified = f"{namespace}.{plain}" if namespace else plain
            # The name the block will have is what must be free (program_object_names: qualified names)
            if (qualified.casefold() != found.name.casefold()
                    and qualified.casefold() in names_in_use(self._session, software)):
                raise AlreadyExistsError(f"'{qualified}' already exists in '{device}'.", code=codes.OBJECT_EXISTS)
            found.obj.Name = plain  # TIA renames the block and its SimaticML Name; number and group stay
            return self._block_info(SoftwareObject(found.folder, found.obj, qualified, found.unit))

        return self._session.change("PlcBlock.Name", run)

    # ----- block folders ------------------------------------------------------------------------
    def block_folders(self, device: str) -> list[str]:
        return self._folders(device, "BlockGroup", "PlcBlockGroup.Groups")

    def _folders(self, device: str, system_group: str, operation: str) -> list[str]:
        """The user groups of the PLC's ``system_group`` and of each unit's (``Software units/<unit>/...``)."""
        return self._session.call(
            operation, lambda: sorted(user_group_paths(self._session, self._software_of(device), system_group)))

    def create_block_folder(self, device: str, path: str) -> str:
        return self._create_folder(device, "BlockGroup", path, "PlcBlockUserGroupComposition")

    def delete_block_folder(self, device: str, path: str) -> FolderRemoval:
        # TIA deletes the group with its subgroups and blocks
        return self._delete_folder(device, "BlockGroup", path, "Blocks", "PlcBlockUserGroup")

    def _create_folder(self, device: str, system_group: str, path: str, composition: str) -> str:
        """Create the user groups of ``path`` below the PLC's ``system_group``, or a unit's for a folder as listed
        (``Software units/<unit>/...``: :func:`openness_bridge.units.create_user_group`)."""

        def run() -> str:
            return create_user_group(self._session, self._software_of(device), system_group, path)[0]

        return self._session.change(f"{composition}.Create", run, invocation=ValidationError)

    def _delete_folder(self, device: str, system_group: str, path: str, items: str, group_class: str) -> FolderRemoval:
        """Delete the folder ``path`` (a unit's as listed too) with what it holds; the removal names its ``items``
        as they are listed (a unit's block as ``Namespace.Name``)."""

        def run() -> FolderRemoval:
            software = self._software_of(device)
            folder, group, root = require_user_group(self._session, software, system_group, path)
            removed = root.names_below(group, items, namespaced=items == "Blocks")
            group.Delete()
            return FolderRemoval(folder=folder, removed=removed)

        return self._session.change(f"{group_class}.Delete", run)

    # ----- external sources ---------------------------------------------------------------------
    def _sources(self, device: str) -> Iterator[SoftwareObject]:
        """Every external source of the PLC and its software units (folder ``Software units/<unit>/...``)."""
        return software_external_sources(self._session, self._session.plc_software(self._session.project(), device))

    def _locate_source(self, device: str, name: str) -> tuple[str, Any]:
        """(folder, source) anywhere below "External source files", the PLC's or a software unit's, by its exact name:
        ``PlcExternalSourceComposition.Find`` in each group (:func:`~openness_bridge.units.find_software_object`), not
        a ``Name`` read per source; ``NotFoundError`` (``SOURCE_NOT_FOUND``)."""
        software = self._session.plc_software(self._session.project(), device)
        found = find_software_object(self._session, software, "ExternalSourceGroup", "ExternalSources", name,
                                     namespaced=False)
        if found is None:
            raise NotFoundError(f"The external source '{name}' was not found.", code=codes.SOURCE_NOT_FOUND)
        return found.folder, found.obj

    def list_external_sources(self, device: str) -> list[ExternalSourceInfo]:
        def run() -> list[ExternalSourceInfo]:
            # length/lineCount stay 0: Openness cannot read a source's text back (module docstring).
            return [ExternalSourceInfo(name=found.name, folder=found.folder) for found in self._sources(device)]

        return self._session.call("PlcExternalSourceGroup.ExternalSources", run)

    def external_source_folders(self, device: str) -> list[str]:
        return self._folders(device, "ExternalSourceGroup", "PlcExternalSourceGroup.Groups")

    def add_external_source(self, device: str, name: str, text: str, *, folder: str,
                            overwrite: bool) -> ExternalSourceInfo:
        check_file_name(name, kind="external source")

        def run() -> ExternalSourceInfo:
            # A unit's folder as listed (Software units/<unit>/...) is in that unit's "External source files"
            root, below = creation_root(self._session, self._software_of(device), "ExternalSourceGroup", folder)
            normalised, group = groups.folder_of(root.group, below, shown=folder)
            target = root.folder(normalised)
            # Source names are checked over the units' sources too (conservative: TIA's rule is not documented)
            clash = next((found.obj for found in self._sources(device) if found.name.casefold() == name.casefold()),
                         None)
            if clash is not None and not overwrite:
                raise AlreadyExistsError(f"The external source '{name}' already exists.", code=codes.SOURCE_EXISTS)
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
            self._locate_source(device, name)  # an unknown source is still a precise 404
            raise NotSupportedError(
                f"Openness cannot read the text of the external source '{name}': PlcExternalSource has no member that "
                "returns its content (only Name, Delete and GenerateBlocksFromSource). Keep the text you added, or "
                "generate the blocks and export them (SimaticML) instead.",
                code=codes.NO_OPENNESS_EQUIVALENT, details={"method": "read_external_source"},
            )

        return self._session.call("PlcExternalSourceComposition.Find", run)

    def delete_external_source(self, device: str, name: str) -> ExternalSourceInfo:
        def run() -> ExternalSourceInfo:
            folder, source = self._locate_source(device, name)
            source.Delete()
            return ExternalSourceInfo(name=name, folder=folder)

        return self._session.change("PlcExternalSource.Delete", run)

    def create_external_source_folder(self, device: str, path: str) -> str:
        return self._create_folder(device, "ExternalSourceGroup", path, "PlcExternalSourceUserGroupComposition")

    def delete_external_source_folder(self, device: str, path: str) -> FolderRemoval:
        return self._delete_folder(device, "ExternalSourceGroup", path, "ExternalSources", "PlcExternalSourceUserGroup")
