"""The fake backend's blocks and external sources area (``FakeBackend.blocks``)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from engineering_api.backend.areas.blocks import BlockInfo, BlocksWithGeneration, ExternalSourceInfo, FolderRemoval
from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.folders import check_file_name, target_folder
from engineering_api.rules.naming import check_block_name
from engineering_api.rules.program_objects import block_not_found, plain_new_name
from fakes.program import BLOCK_KINDS, ExternalSource
from fakes.types_ops import is_consistent
from simatic_xml import parse_bytes, to_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.rules.source_generation import GenerationAccess
    from fakes.program import PlcSoftware, ProgramObject
    from fakes.session import FakeSession

__all__ = ("FakeBlocks",)


def _info(obj: ProgramObject, software: PlcSoftware, memo: dict[str, bool] | None = None) -> BlockInfo:
    return BlockInfo(
        name=obj.name, block_type=obj.kind, number=obj.number, language=obj.language, folder=obj.folder,
        instance_of=obj.instance_of, consistent=is_consistent(software, obj, memo=memo),
        know_how_protected=b"<IsKnowHowProtected>true" in obj.xml,
    )


def _source_info(source: ExternalSource) -> ExternalSourceInfo:
    return ExternalSourceInfo(name=source.name, folder=source.folder, length=len(source.text),
                              line_count=len(source.text.splitlines()))


def _block(software: PlcSoftware, name: str) -> ProgramObject:
    obj = software.blocks.get(name)
    if obj is None or obj.kind not in BLOCK_KINDS:
        raise block_not_found(name, (k for k, o in software.blocks.items() if o.kind in BLOCK_KINDS))
    return obj


def _folder_path(software: PlcSoftware, category: str, folder: str) -> str:
    normalised = target_folder(folder)
    if normalised and normalised not in software.folders.get(category, set()):
        raise ValidationError(f"The folder '{folder}' does not exist; create it first.", code=codes.FOLDER_NOT_FOUND)
    return normalised


class FakeBlocks(BlocksWithGeneration):
    """Blocks, block folders and external sources of the fake's PLC software.

    Args:
        session: the open project, read or changed in transactions.
        refuse_instance_rename: ``refuse_instance_rename(device, name)`` raises ConflictError
            ``INSTANCE_WRITE_PROTECTED`` when the block ``name`` is an instance of a released library type (the
            library area's rule: an instance is named like its type).
        generation: the program, compile and tag areas, which "generate blocks from source" reads and writes
            through (:func:`engineering_api.rules.source_generation.generate_blocks`).
    """

    def __init__(self, session: FakeSession, *, refuse_instance_rename: Callable[[str, str], None],
                 generation: GenerationAccess) -> None:
        self._session = session
        self._refuse_instance_rename = refuse_instance_rename
        self._generation = generation

    def _read_software(self, device: str) -> PlcSoftware:
        return self._session.software(self._session.project(), device)[1]

    def list_blocks(self, device: str) -> list[BlockInfo]:
        software = self._read_software(device)
        memo: dict[str, bool] = {}  # one consistency verdict per object for the whole listing
        return [_info(obj, software, memo) for obj in software.blocks.values() if obj.kind in BLOCK_KINDS]

    def block_folders(self, device: str) -> list[str]:
        return sorted(self._read_software(device).folders.get("blocks", set()))

    def get_block(self, device: str, name: str) -> BlockInfo:
        software = self._read_software(device)
        return _info(_block(software, name), software)

    def delete_block(self, device: str, name: str) -> BlockInfo:
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            info = _info(_block(software, name), software)
            software.remove("blocks", name)
        return info

    def rename_block(self, device: str, name: str, new_name: str) -> BlockInfo:
        self._refuse_instance_rename(device, name)  # whatever the new name
        check_block_name(new_name, "newName")
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            obj = _block(software, name)
            doc = parse_bytes(obj.xml)
            # A block of a V20 software unit keeps its namespace: the rename changes <Name> only, and the block
            # stays known by Namespace.Name (new_name may be given plain or qualified).
            namespace = doc.object.attr("Namespace")
            plain = plain_new_name(new_name, namespace if isinstance(namespace, str) else None)
            attributes = doc.object.attributes
            assert attributes is not None  # the block was found by its Name, which its AttributeList holds
            attributes["Name"] = plain
            key = doc.object.qualified_name or plain
            other = software.named(key)
            if other is not None and other is not obj:
                raise AlreadyExistsError(f"'{key}' already exists in '{device}'.", code=codes.OBJECT_EXISTS)
            software.rename("blocks", name, key)
            renamed = replace(software.blocks[key], xml=to_bytes(doc))
            software.blocks[key] = renamed
            return _info(renamed, software)

    def create_block_folder(self, device: str, path: str) -> str:
        return self._session.add_folder(device, "blocks", path)

    def delete_block_folder(self, device: str, path: str) -> FolderRemoval:
        removed = self._session.remove_folder(device, "blocks", path)
        return FolderRemoval(folder=path.strip("/"), removed=removed)

    def list_external_sources(self, device: str) -> list[ExternalSourceInfo]:
        return [_source_info(s) for s in self._read_software(device).external_sources.values()]

    def external_source_folders(self, device: str) -> list[str]:
        return sorted(self._read_software(device).folders.get("external_sources", set()))

    def add_external_source(self, device: str, name: str, text: str, *, folder: str,
                            overwrite: bool) -> ExternalSourceInfo:
        check_file_name(name, kind="external source")
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            target = _folder_path(software, "external_sources", folder)
            clash = software.external_sources.spelled(name)
            if clash is not None and not overwrite:
                raise AlreadyExistsError(f"The external source '{name}' already exists.", code=codes.SOURCE_EXISTS)
            if clash is not None:
                del software.external_sources[clash]
            source = ExternalSource(name=name, text=text, folder=target)
            software.external_sources[name] = source
        return _source_info(source)

    def read_external_source(self, device: str, name: str) -> str:
        software = self._read_software(device)
        if name not in software.external_sources:
            raise NotFoundError(f"The external source '{name}' was not found.", code=codes.SOURCE_NOT_FOUND)
        return software.external_sources[name].text

    def delete_external_source(self, device: str, name: str) -> ExternalSourceInfo:
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            if name not in software.external_sources:
                raise NotFoundError(f"The external source '{name}' was not found.", code=codes.SOURCE_NOT_FOUND)
            return _source_info(software.external_sources.pop(name))

    def create_external_source_folder(self, device: str, path: str) -> str:
        return self._session.add_folder(device, "external_sources", path)

    def delete_external_source_folder(self, device: str, path: str) -> FolderRemoval:
        removed = self._session.remove_folder(device, "external_sources", path)
        return FolderRemoval(folder=path.strip("/"), removed=removed)
