"""Blocks operations: program blocks, their content, interface and networks, folders, XML and SCL
export/import, external sources and cross-references (reference section "Blocks").

Generation and conversion are pure library code (``simatic_xml.generate``: specs -> SimaticML,
``from_scl``: SCL source -> specs, ``to_scl``: SimaticML -> SCL source); reading and writing a PLC goes
through the backend port, so the same operations serve the fake and TIA. Every block write is a
SimaticML import (all or nothing), as Openness does it.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.areas.blocks import (
    BlockInfo,
    ExternalSourceInfo,
    FolderRemoval,
)
from engineering_api.backend.models import ProgramDocument, ProgramImportReport
from engineering_api.domain.blockgen import import_documents, spec_failure, target_for
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    OperationContext,
    RouteSpec,
    SnapshotTarget,
)
from engineering_api.lib.schema import CamelStruct
from simatic_xml import SimaticMLError, parse_bytes, to_bytes
from simatic_xml.generate import build_document, generate_xml, parse_spec
from simatic_xml.generate.from_scl import source_to_specs
from simatic_xml.generate.to_scl import SourceRefused, document_to_scl, interface_spec
from simatic_xml.model import Block, CompileUnit, Document
from simatic_xml.scl import SclSyntaxError
from simatic_xml.scl import parse as parse_scl
from simatic_xml.scl_text import tokens_to_text

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Blocks"
_NEEDS_PLC = (e.NotFoundError, e.ValidationError, e.NoProjectOpenError, e.PortalUnavailableError)
_WRITES = (*_NEEDS_PLC, e.AlreadyExistsError, e.ConflictError)
XML = (".xml",)
SCL = (".scl", ".txt", ".src")
_BLOCK_PATH = "/api/devices/{deviceName}/blocks"
_SOURCE_PATH = "/api/devices/{deviceName}/external-sources"
_SPEC_KEYS = ("blockType", "name", "number", "language", "title", "comment", "author", "family", "headerName",
              "version", "memoryLayout", "secondaryType", "cyclicTime", "phaseShift", "instanceOf", "instanceOfType",
              "returnType", "interface", "networks", "description")
_DB_KINDS = ("GlobalDB", "InstanceDB", "ArrayDB", "TechnologicalInstanceDB")
_SPEC_TYPE = {"OB": "OB", "FB": "FB", "FC": "FC", "GlobalDB": "GlobalDB"}


# ----- inputs ------------------------------------------------------------------------------------
class DeviceRef(CamelStruct):
    """A PLC by name."""

    device_name: str


class BlockRef(CamelStruct):
    """A block of a PLC."""

    device_name: str
    block_name: str


class BlockSpecInput(CamelStruct):
    """A JSON block spec (see ``simatic_xml.generate``) given flat, or as ``spec``, or the SimaticML as ``rawXml``.

    T-IA's minimal ``{BlockType, Name, Language}`` is a spec too.
    """

    block_type: str | None = None
    name: str | None = None
    number: int | None = None
    language: str | None = None
    title: Any = None
    comment: Any = None
    author: str | None = None
    family: str | None = None
    header_name: str | None = None
    version: str | None = None
    memory_layout: str | None = None
    secondary_type: str | None = None
    cyclic_time: int | None = None
    phase_shift: int | None = None
    instance_of: str | None = None
    instance_of_type: str | None = None
    return_type: str | None = None
    interface: dict[str, Any] | None = None
    networks: list[Any] | None = None
    description: str | None = None
    spec: dict[str, Any] | None = None
    raw_xml: str | None = None


class CreateBlockInput(BlockSpecInput, kw_only=True):
    """A new block: a spec (or rawXml), the folder to put it in, and whether to replace a block of that name."""

    device_name: str
    folder: str = ""
    overwrite: bool = False


class UpdateBlockInput(BlockSpecInput, kw_only=True):
    """The new content of a block (a spec or rawXml); the block keeps its name, folder and (unless given) number."""

    device_name: str
    block_name: str


class RenameInput(CamelStruct):
    """Old and new block name."""

    device_name: str
    block_name: str
    new_name: str


class ExportInput(CamelStruct):
    """A block and the file (or folder) inside the roots to write it to; TIA does not overwrite."""

    device_name: str
    block_name: str
    export_path: str
    overwrite: bool = False


class ExportSourceInput(CamelStruct):
    """The SCL source file (or folder) inside the roots to write."""

    device_name: str
    block_name: str
    export_path: str
    overwrite: bool = False


class ImportInput(CamelStruct):
    """A SimaticML file inside the roots."""

    device_name: str
    import_file_path: str
    overwrite: bool = False
    folder: str = ""


class NetworksInput(CamelStruct):
    """Networks to append, in the spec's network form (``{"title", "scl" | "lad" | "fbd"}``)."""

    device_name: str
    block_name: str
    networks: list[dict[str, Any]]


class MemberInput(CamelStruct):
    """An interface member in the spec's member form, and the section it goes to."""

    device_name: str
    block_name: str
    section: str
    name: str
    data_type: str | None = None
    start_value: Any = None
    comment: Any = None
    retain: bool | None = None
    accessible_from_hmi: bool | None = None
    visible_in_hmi: bool | None = None
    writable_from_hmi: bool | None = None
    setpoint: bool | None = None
    members: list[dict[str, Any]] | None = None
    position: int | None = None
    """Index in the section (default: at the end)."""


class MemberUpdateInput(CamelStruct):
    """What to change in a member; omitted fields keep their value."""

    device_name: str
    block_name: str
    member_name: str
    new_name: str | None = None
    data_type: str | None = None
    start_value: Any = None
    comment: Any = None
    retain: bool | None = None
    accessible_from_hmi: bool | None = None
    visible_in_hmi: bool | None = None
    writable_from_hmi: bool | None = None
    setpoint: bool | None = None
    members: list[dict[str, Any]] | None = None


class MemberRef(CamelStruct):
    """A member of a block's interface."""

    device_name: str
    block_name: str
    member_name: str


class FolderInput(CamelStruct):
    """A folder path (``a/b``); ``folderName`` and ``path`` are accepted too."""

    device_name: str
    folder_path: str | None = None
    folder_name: str | None = None
    path: str | None = None


class SourceTextInput(CamelStruct):
    """An external source from text."""

    device_name: str
    name: str
    text: str
    folder: str = ""
    overwrite: bool = False


class SourceFileInput(CamelStruct):
    """An external source from a file inside the roots (named after the file unless ``name`` is given)."""

    device_name: str
    file_path: str
    name: str | None = None
    folder: str = ""
    overwrite: bool = False


class SourceRef(CamelStruct):
    """An external source of a PLC."""

    device_name: str
    source_name: str


class GenerateInput(CamelStruct):
    """Generate blocks from an external source; existing blocks are replaced unless ``overwrite`` is false."""

    device_name: str
    source_name: str
    overwrite: bool = True
    folder: str = ""


class ImportAndGenerateInput(CamelStruct):
    """SCL text to keep as an external source and generate into blocks (T-IA: ``{SclContent, SourceName}``)."""

    device_name: str
    scl_content: str
    source_name: str = "Source.scl"
    overwrite: bool = True
    folder: str = ""


# ----- outputs -----------------------------------------------------------------------------------
class BlockContent(CamelStruct):
    """A block with its SimaticML and, for SCL blocks, DBs and UDT-like blocks, its SCL source."""

    name: str
    block_type: str
    number: int | None
    programming_language: str | None
    title: str | None
    author: str | None
    is_protected: bool
    is_know_how_protected: bool
    needs_compilation: bool
    modified_date: str | None
    folder: str
    interface: dict[str, Any]
    networks: list[dict[str, Any]]
    raw_xml: str
    source_text: str | None
    source_text_reason: str | None = None


class BlockWriteResult(CamelStruct):
    """A written block and the import report."""

    block: BlockInfo
    reports: list[ProgramImportReport]


class FileWritten(CamelStruct):
    """A file written inside the roots."""

    block_name: str
    path: str
    size: int


class SourceText(CamelStruct):
    """A block's SCL source."""

    block_name: str
    source_text: str


class GenerateResult(CamelStruct):
    """Blocks generated from an external source, in import order."""

    source_name: str
    blocks: list[str]
    order: list[str]
    reports: list[ProgramImportReport]


class MemberResult(CamelStruct):
    """A block after an interface edit."""

    block_name: str
    section: str
    member: dict[str, Any] | None
    interface: dict[str, Any]


class CrossReferences(CamelStruct):
    """What a block uses and who uses it (T-IA: ``{BlockName, Sources[...]}``)."""

    block_name: str
    uses: list[dict[str, Any]]
    used_by: list[dict[str, Any]]
    sources: list[dict[str, Any]]


# ----- helpers -----------------------------------------------------------------------------------
def _doc(data: bytes, source: str) -> Document:
    try:
        return parse_bytes(data)
    except SimaticMLError as exc:
        raise e.ValidationError(f"{source} is not valid SimaticML: {exc}", code="INVALID_SIMATICML") from None


def _require_block(doc: Document, source: str) -> Document:
    if not isinstance(doc.object, Block):
        raise e.ValidationError(
            f"{source} holds a {doc.object.element}, not a program block (PLC data types and tag tables have "
            "their own routes).", code="NOT_A_BLOCK",
        )
    return doc


def _read(ctx: OperationContext, device: str, name: str) -> tuple[BlockInfo, bytes, Document]:
    info = ctx.backend.get_block(device, name)
    data = ctx.backend.export_program_object(device, name)
    return info, data, _doc(data, name)


def _write(ctx: OperationContext, device: str, name: str, data: bytes, *, folder: str, overwrite: bool) -> BlockWriteResult:
    reports = ctx.backend.import_program_documents(
        device, [ProgramDocument(source=f"{name}.xml", data=data, folder=folder)], overwrite=overwrite)
    written = reports[0].name or name
    try:
        block = ctx.backend.get_block(device, written)
    except e.NotFoundError:
        raise e.ValidationError(
            f"'{written}' is not a program block (PLC data types and tag tables have their own routes).",
            code="NOT_A_BLOCK",
        ) from None
    return BlockWriteResult(block=block, reports=reports)


def _spec_dict(data: BlockSpecInput) -> dict[str, Any]:
    if data.spec is not None:
        return dict(data.spec)
    raw = msgspec.to_builtins(data)
    spec = {k: raw[k] for k in _SPEC_KEYS if raw.get(k) is not None}
    kind = str(spec.get("blockType", "")).upper()
    if kind in ("DB", "GLOBALDB", "INSTANCEDB", "IDB", "GLOBAL_DB") and spec.get("language") not in (None, "DB"):
        spec.pop("language")  # T-IA clients send Language "SCL" for data blocks
    return spec


def _generate(spec: dict[str, Any], version: str, ctx: OperationContext | None = None, device: str | None = None) -> bytes:
    types = None
    try:
        if spec.get("instanceOf") and ctx is not None and device is not None:
            types = _instance_types(ctx, device, str(spec["instanceOf"]))
        return generate_xml(spec, version, types=types)
    except SimaticMLError as exc:
        raise spec_failure(exc) from None


def _instance_types(ctx: OperationContext, device: str, fb: str) -> dict[str, Any] | None:
    """The FB's spec, so an instance DB gets the FB's members (None when the FB cannot be turned into one)."""
    try:
        data = ctx.backend.export_program_object(device, fb)
        spec = _spec_of_document(_doc(data, fb))
        spec.pop("networks", None)
        spec["language"] = "SCL"
        return {fb: parse_spec(spec)}
    except (e.EngineeringError, SimaticMLError):
        return None


def _spec_of_document(doc: Document) -> dict[str, Any]:
    obj = doc.object
    kind = type(obj).__name__
    spec: dict[str, Any] = {"blockType": "UDT" if kind == "PlcStruct" else kind, "name": obj.name}
    if isinstance(obj, Block) and obj.programming_language and kind not in _DB_KINDS:
        spec["language"] = obj.programming_language
    iface = interface_spec(doc)
    if kind == "PlcStruct":
        iface = {"None": iface.get("None", [])}
    if iface:
        spec["interface"] = iface
    if kind == "FC" and obj.interface is not None:
        ret = obj.interface.sections.section("Return")
        if ret is not None and ret.members:
            spec["returnType"] = ret.members[0].datatype
    return spec


def _check_name(ctx: OperationContext, spec: dict[str, Any]) -> None:
    if not isinstance(spec.get("name"), str) or not spec.get("name"):
        raise e.ValidationError("name: a block needs a name", code="INVALID_SPEC", details={"field": "name"})


def _block_xml(ctx: OperationContext, data: BlockSpecInput, device: str) -> tuple[bytes, str]:
    if data.raw_xml is not None:
        doc = _require_block(_doc(data.raw_xml.encode("utf-8"), "rawXml"), "rawXml")
        return to_bytes(doc), doc.object.name or ""
    spec = _spec_dict(data)
    _check_name(ctx, spec)
    return _generate(spec, target_for(ctx, None), ctx, device), str(spec["name"])


def _texts(obj: Any, name: str) -> str | None:
    texts = obj.texts(name) if hasattr(obj, "texts") else None
    return next((i.text for i in texts.items if i.text), None) if texts is not None else None


def _networks(obj: Any) -> list[dict[str, Any]]:
    out = []
    for index, unit in enumerate(getattr(obj, "compile_units", []), start=1):
        source = unit.network_source
        body = source.body if source is not None else None
        entry: dict[str, Any] = {"index": index, "title": _texts(unit, "Title"),
                                 "language": unit.programming_language or getattr(obj, "programming_language", None)}
        if body is not None and body.tag == "StructuredText":
            entry["scl"] = tokens_to_text(body)
        out.append(entry)
    return out


def _source_of(doc: Document) -> str:
    try:
        return document_to_scl(doc)
    except SourceRefused as exc:
        raise e.ValidationError(
            f"No SCL source for '{doc.object.name}': {exc.reason}.", code="NO_SCL_SOURCE", details={"reason": exc.reason}
        ) from None


_UNSAFE = re.compile(r"[^\w\-. ()]")


def _target_file(path: str, name: str, ext: str, overwrite: bool) -> Path:
    target = Path(path)
    if target.is_dir():
        target = target / (_UNSAFE.sub("_", name) + ext)
    if target.exists() and not overwrite:
        raise e.AlreadyExistsError(
            f"The file '{target.name}' already exists; TIA does not overwrite (send overwrite: true).", code="FILE_EXISTS"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _folder(data: FolderInput) -> str:
    value = data.folder_path or data.folder_name or data.path
    if not value:
        raise e.ValidationError("Send the folder as 'folderPath' (a/b/c).", code="VALIDATION_FAILED",
                                details={"field": "folderPath"})
    return value


# ----- handlers: blocks --------------------------------------------------------------------------
def _tree(ctx: OperationContext, data: DeviceRef) -> dict[str, Any]:
    blocks = ctx.backend.list_blocks(data.device_name)
    folders = ctx.backend.block_folders(data.device_name)
    root: dict[str, Any] = {"name": "Program blocks", "type": "Folder", "nodeType": "Folder", "isFolder": True,
                            "path": "", "children": []}
    nodes = {"": root}
    for path in sorted(folders, key=lambda p: (p.count("/"), p)):
        parent = nodes[path.rsplit("/", 1)[0] if "/" in path else ""]
        node = {"name": path.rsplit("/", 1)[-1], "type": "Folder", "nodeType": "Folder", "isFolder": True,
                "path": path, "children": []}
        parent["children"].append(node)
        nodes[path] = node
    for block in blocks:
        parent = nodes.get(block.folder, root)
        parent["children"].append({
            "name": block.name, "type": block.block_type, "nodeType": "Block", "isFolder": False,
            "programmingLanguage": block.language, "number": block.number, "isConsistent": block.consistent,
            "isKnowHowProtected": block.know_how_protected, "path": block.folder,
            "blockInfo": msgspec.to_builtins(block),
        })
    return root


def _content(ctx: OperationContext, data: BlockRef) -> BlockContent:
    info, raw, doc = _read(ctx, data.device_name, data.block_name)
    obj = doc.object
    source, reason = None, None
    try:
        source = document_to_scl(doc)
    except SourceRefused as exc:
        reason = exc.reason
    return BlockContent(
        name=info.name, block_type=info.block_type, number=info.number, programming_language=info.language,
        title=_texts(obj, "Title"), author=str(obj.attr("HeaderAuthor")) if obj.attr("HeaderAuthor") else None,
        is_protected=info.know_how_protected, is_know_how_protected=info.know_how_protected,
        needs_compilation=not info.consistent, modified_date=info.modified_date, folder=info.folder,
        interface=interface_spec(doc), networks=_networks(obj), raw_xml=raw.decode("utf-8-sig"),
        source_text=source, source_text_reason=reason,
    )


def _create(ctx: OperationContext, data: CreateBlockInput) -> BlockWriteResult:
    xml, name = _block_xml(ctx, data, data.device_name)
    return _write(ctx, data.device_name, name, xml, folder=data.folder, overwrite=data.overwrite)


def _update(ctx: OperationContext, data: UpdateBlockInput) -> BlockWriteResult:
    info = ctx.backend.get_block(data.device_name, data.block_name)
    if data.raw_xml is None:
        spec = _spec_dict(data)
        given = spec.setdefault("name", info.name)
        if given != info.name:
            raise e.ValidationError(
                f"name: the block keeps its name '{info.name}' (use the rename route to rename it)",
                code="INVALID_SPEC", details={"field": "name"},
            )
        if "number" not in spec and info.number is not None:
            spec["number"] = info.number
        xml = _generate(spec, target_for(ctx, None), ctx, data.device_name)
    else:
        doc = _doc(data.raw_xml.encode("utf-8"), "rawXml")
        if doc.object.name != info.name:
            raise e.ValidationError(
                f"rawXml names '{doc.object.name}'; the block keeps its name '{info.name}'.", code="INVALID_SPEC",
                details={"field": "rawXml"},
            )
        xml = to_bytes(doc)
    return _write(ctx, data.device_name, info.name, xml, folder=info.folder, overwrite=True)


def _add_networks(ctx: OperationContext, data: NetworksInput) -> BlockWriteResult:
    info, _, doc = _read(ctx, data.device_name, data.block_name)
    obj = doc.object
    if info.block_type not in ("OB", "FB", "FC") or not isinstance(obj, Block):
        raise e.ValidationError(f"'{info.name}' is a {info.block_type}; only OB, FB and FC have networks.",
                                code="NO_NETWORKS")
    if not data.networks:
        raise e.ValidationError("networks: send at least one network", code="INVALID_SPEC", details={"field": "networks"})
    spec = _spec_of_document(doc)
    spec["networks"] = data.networks
    try:
        generated = build_document(spec, doc.engineering_version if doc.engineering_version else None).object
    except SimaticMLError as exc:
        raise spec_failure(exc) from None
    units = [c for c in generated.children or () if isinstance(c, CompileUnit)]
    children = list(obj.children or [])
    last = max((i for i, c in enumerate(children) if isinstance(c, CompileUnit)), default=-1)
    obj.children = children[: last + 1] + units + children[last + 1:]
    return _write(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder, overwrite=True)


# ----- interface members -------------------------------------------------------------------------
def _editable(info: BlockInfo) -> str:
    kind = _SPEC_TYPE.get(info.block_type)
    if kind is None:
        raise e.ValidationError(
            f"The interface of '{info.name}' ({info.block_type}) cannot be edited here"
            + ("; it comes from its FB: edit the FB" if info.block_type == "InstanceDB" else ""),
            code="INTERFACE_NOT_EDITABLE",
        )
    return kind


def _member_object(block_type: str, section: str, member: dict[str, Any], version: str) -> Any:
    """Validate a member for a block type and section with the generator; returns the SimaticML member."""
    spec: dict[str, Any] = {"blockType": block_type, "name": "Member_Check", "interface": {section: [member]}}
    if block_type != "GlobalDB":
        spec["language"] = "SCL"
    try:
        parsed = parse_spec(spec)
        doc = build_document(parsed, version)
    except SimaticMLError as exc:
        failure = spec_failure(exc)
        field = str(failure.details.get("field", ""))
        failure.details["field"] = re.sub(r"^interface\.\w+\[0\]\.?", "", field) or "member"
        raise failure from None
    return copy.deepcopy(doc.object.interface.sections.section(section).members[0])


def _find(doc: Document, name: str) -> tuple[Any, int, Any] | None:
    for section in doc.object.interface.sections.sections if doc.object.interface else ():
        for index, member in enumerate(section.members):
            if member.name.lower() == name.lower():
                return section, index, member
    return None


def _member_dict(data: MemberInput | MemberUpdateInput, base: dict[str, Any]) -> dict[str, Any]:
    raw = msgspec.to_builtins(data)
    out = dict(base)
    for key in ("dataType", "startValue", "comment", "retain", "accessibleFromHmi", "visibleInHmi",
                "writableFromHmi", "setpoint", "members"):
        if raw.get(key) is not None:
            out[key] = raw[key]
    return out


def _usages(doc: Document, name: str) -> list[str]:
    """Where a local member is used in the block's networks (``network 2, line 3: <text>``)."""
    found = []
    pattern = re.compile(r'#"?' + re.escape(name) + r'\b"?', re.IGNORECASE)
    for index, unit in enumerate(getattr(doc.object, "compile_units", []), start=1):
        body = unit.network_source.body if unit.network_source is not None else None
        if body is None:
            continue
        if body.tag == "StructuredText":
            for number, line in enumerate(tokens_to_text(body).splitlines(), start=1):
                if pattern.search(line):
                    found.append(f"network {index}, line {number}: {line.strip()}")
            continue
        for access in body.iter("Access"):
            if access.attrs.get("Scope") != "LocalVariable":
                continue
            first = next(access.iter("Component"), None)
            if first is not None and first.attrs.get("Name", "").lower() == name.lower():
                found.append(f"network {index} ({unit.programming_language or 'LAD'})")
                break
    return found


def _member_result(doc: Document, info: BlockInfo, section: str, member: Any) -> MemberResult:
    from simatic_xml.generate.to_scl import member_spec

    return MemberResult(block_name=info.name, section=section, member=member_spec(member) if member else None,
                        interface=interface_spec(doc))


def _add_member(ctx: OperationContext, data: MemberInput) -> MemberResult:
    info, _, doc = _read(ctx, data.device_name, data.block_name)
    block_type = _editable(info)
    if _find(doc, data.name) is not None:
        raise e.AlreadyExistsError(f"'{info.name}' already has a member '{data.name}'.", code="MEMBER_EXISTS")
    member = _member_object(block_type, data.section, _member_dict(data, {"name": data.name}), doc.engineering_version)
    section = doc.object.interface.sections.section(data.section)
    if section is None:
        raise e.ValidationError(f"section: '{info.name}' has no section {data.section}", code="INVALID_SPEC",
                                details={"field": "section"})
    position = len(section.members) if data.position is None else max(0, min(data.position, len(section.members)))
    section.members.insert(position, member)
    _write(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder, overwrite=True)
    return _member_result(doc, info, data.section, member)


def _update_member(ctx: OperationContext, data: MemberUpdateInput) -> MemberResult:
    from simatic_xml.generate.to_scl import member_spec

    info, _, doc = _read(ctx, data.device_name, data.block_name)
    block_type = _editable(info)
    found = _find(doc, data.member_name)
    if found is None:
        raise e.NotFoundError(f"'{info.name}' has no member '{data.member_name}'.", code="MEMBER_NOT_FOUND")
    section, index, old = found
    new_name = data.new_name or old.name
    if new_name.lower() != old.name.lower():
        if _find(doc, new_name) is not None:
            raise e.AlreadyExistsError(f"'{info.name}' already has a member '{new_name}'.", code="MEMBER_EXISTS")
        used = _usages(doc, old.name)
        if used:
            raise e.ConflictError(
                f"'{old.name}' is still used in '{info.name}' ({used[0]}); change the networks first.",
                code="MEMBER_IN_USE", details={"usages": used},
            )
    base = member_spec(old)
    if data.data_type is not None and data.data_type.lower() != "struct":
        base.pop("members", None)  # a new type: the old members and start value no longer fit
        base.pop("startValue", None)
    merged = _member_dict(data, {**base, "name": new_name})
    section.members[index] = _member_object(block_type, section.name, merged, doc.engineering_version)
    _write(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder, overwrite=True)
    return _member_result(doc, info, section.name, section.members[index])


def _delete_member(ctx: OperationContext, data: MemberRef) -> MemberResult:
    info, _, doc = _read(ctx, data.device_name, data.block_name)
    _editable(info)
    found = _find(doc, data.member_name)
    if found is None:
        raise e.NotFoundError(f"'{info.name}' has no member '{data.member_name}'.", code="MEMBER_NOT_FOUND")
    section, index, member = found
    used = _usages(doc, member.name)
    if used:
        raise e.ConflictError(
            f"'{member.name}' is still used in '{info.name}' ({used[0]}); remove the uses first.",
            code="MEMBER_IN_USE", details={"usages": used},
        )
    del section.members[index]
    _write(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder, overwrite=True)
    return _member_result(doc, info, section.name, None)


# ----- export / import ---------------------------------------------------------------------------
def _export(ctx: OperationContext, data: ExportInput) -> FileWritten:
    ctx.backend.get_block(data.device_name, data.block_name)
    xml = ctx.backend.export_program_object(data.device_name, data.block_name)
    target = _target_file(data.export_path, data.block_name, ".xml", data.overwrite)
    target.write_bytes(xml)
    return FileWritten(block_name=data.block_name, path=str(target), size=len(xml))


def _import(ctx: OperationContext, data: ImportInput) -> BlockWriteResult:
    path = Path(data.import_file_path)
    raw = path.read_bytes()
    doc = _require_block(_doc(raw, path.name), path.name)
    return _write(ctx, data.device_name, doc.object.name or path.stem, raw, folder=data.folder, overwrite=data.overwrite)


def _export_xml(ctx: OperationContext, data: BlockRef) -> str:
    ctx.backend.get_block(data.device_name, data.block_name)
    return ctx.backend.export_program_object(data.device_name, data.block_name).decode("utf-8-sig")


def _source(ctx: OperationContext, data: BlockRef) -> SourceText:
    _, _, doc = _read(ctx, data.device_name, data.block_name)
    return SourceText(block_name=data.block_name, source_text=_source_of(doc))


def _export_source(ctx: OperationContext, data: ExportSourceInput) -> FileWritten:
    _, _, doc = _read(ctx, data.device_name, data.block_name)
    text = _source_of(doc)
    ext = ".udt" if doc.object.element.endswith("PlcStruct") else ".db" if "DB" in type(doc.object).__name__ else ".scl"
    target = _target_file(data.export_path, data.block_name, ext, data.overwrite)
    encoded = text.encode("utf-8-sig")
    target.write_bytes(encoded)
    return FileWritten(block_name=data.block_name, path=str(target), size=len(encoded))


def _load_start_values(ctx: OperationContext, data: BlockRef) -> dict[str, Any]:
    info = ctx.backend.get_block(data.device_name, data.block_name)
    if info.block_type not in _DB_KINDS:
        raise e.ValidationError(f"'{info.name}' is a {info.block_type}; only data blocks have start values.",
                                code="NOT_A_DATA_BLOCK")
    raise e.ConflictError(
        f"Loading the start values of '{info.name}' into its actual values needs an online connection to the PLC "
        f"'{data.device_name}', and it is offline (the simulated PLC is not available yet).",
        code="NOT_ONLINE",
    )


def _export_prodiag(ctx: OperationContext, data: BlockRef) -> dict[str, Any]:
    ctx.backend.get_block(data.device_name, data.block_name)
    raise e.NotSupportedError(
        "ProDiag export needs the ProDiag option and supervisions defined on the block; this project model has "
        "neither, so there is nothing to export.",
        code="PRODIAG_NOT_AVAILABLE",
    )


# ----- cross-references --------------------------------------------------------------------------
_QUOTED = re.compile(r'"([^"]+)"')


def _references(doc: Document) -> list[tuple[str, str]]:
    """(name, how) pairs a block refers to: calls, instance DBs, types, global operands."""
    refs: list[tuple[str, str]] = []
    obj = doc.object

    def add(name: str, how: str) -> None:
        if name and (name, how) not in refs:
            refs.append((name, how))

    if obj.attr("InstanceOfName"):
        add(str(obj.attr("InstanceOfName")), "InstanceOf")

    def members(items: list[Any]) -> None:
        for member in items:
            for name in _QUOTED.findall(member.datatype):
                add(name, "Type")
            members(member.members)

    interface = getattr(obj, "interface", None)
    for section in interface.sections.sections if interface else ():
        members(section.members)
    for unit in getattr(obj, "compile_units", []):
        body = unit.network_source.body if unit.network_source is not None else None
        if body is None:
            continue
        for node in body.iter():
            if node.tag == "CallInfo" and node.attrs.get("Name"):
                add(node.attrs["Name"], "Call")
            elif node.tag == "Instance" and node.attrs.get("Scope") == "GlobalVariable":
                first = next(node.iter("Component"), None)
                if first is not None:
                    add(first.attrs.get("Name", ""), "Call")
            elif node.tag == "Access" and node.attrs.get("Scope") == "GlobalVariable":
                first = next(node.iter("Component"), None)
                if first is not None:
                    add(first.attrs.get("Name", ""), "Operand")
    return refs


def _cross_references(ctx: OperationContext, data: BlockRef) -> CrossReferences:
    target = ctx.backend.get_block(data.device_name, data.block_name)
    blocks = {b.name: b for b in ctx.backend.list_blocks(data.device_name)}
    kinds = {o.name: o.kind for o in ctx.backend.list_program_objects(data.device_name)}
    refs_of: dict[str, list[tuple[str, str]]] = {}
    for name in blocks:
        refs_of[name] = _references(_doc(ctx.backend.export_program_object(data.device_name, name), name))

    def describe(name: str, how: str) -> dict[str, Any]:
        kind = kinds.get(name)
        if how == "Operand" and kind in _DB_KINDS:
            how = "Access"
        return {"name": name, "type": kind or ("GlobalTag" if how == "Operand" else "Unknown"),
                "usage": how, "exists": kind is not None,
                "display": f'"{name}"'}

    uses = [describe(n, how) for n, how in refs_of[target.name] if n != target.name]
    used_by = []
    for name, refs in refs_of.items():
        if name == target.name:
            continue
        for ref, how in refs:
            if ref == target.name:
                used_by.append({"name": name, "type": blocks[name].block_type, "usage": how, "display": f'"{name}"'})
                break
    sources = [{"name": u["name"], "type": u["type"], "direction": "Uses", "usage": u["usage"]} for u in uses] + [
        {"name": u["name"], "type": u["type"], "direction": "UsedBy", "usage": u["usage"]} for u in used_by
    ]
    return CrossReferences(block_name=target.name, uses=uses, used_by=used_by, sources=sources)


# ----- external sources --------------------------------------------------------------------------
def _from_file(ctx: OperationContext, data: SourceFileInput) -> ExternalSourceInfo:
    path = Path(data.file_path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return ctx.backend.add_external_source(data.device_name, data.name or path.name, text, folder=data.folder,
                                           overwrite=data.overwrite)


def _generate_text(ctx: OperationContext, device: str, source_name: str, text: str, *, overwrite: bool,
                   folder: str) -> GenerateResult:
    try:
        source = parse_scl(text, path=source_name)
    except SclSyntaxError as exc:
        raise e.ValidationError(
            f"{source_name}: line {exc.line}, column {exc.col}: {exc.message}", code="SCL_SYNTAX_ERROR",
            details={"source": source_name, "line": exc.line, "column": exc.col, "reason": exc.message},
        ) from None
    if not source.blocks:
        raise e.ValidationError(f"{source_name} holds no block.", code="SCL_SYNTAX_ERROR",
                                details={"source": source_name, "line": 1, "column": 1})
    known = {o.name for o in ctx.backend.list_program_objects(device) if o.kind == "FB"}
    version = target_for(ctx, None)
    try:
        specs = source_to_specs(source, text, known_fbs=known)
        parsed = {s["name"]: parse_spec(s) for s in specs}
        documents = []
        for spec in specs:
            types = {k: v for k, v in parsed.items() if k == spec.get("instanceOf")} or (
                _instance_types(ctx, device, spec["instanceOf"]) if spec.get("instanceOf") else None)
            documents.append((f"{spec['name']}.xml", generate_xml(parsed[spec["name"]], version, types=types), folder))
    except SimaticMLError as exc:
        failure = spec_failure(exc)
        failure.message = f"{source_name}: {failure.message}"
        failure.details["source"] = source_name
        raise failure from None
    if not overwrite:
        existing = {o.name.lower() for o in ctx.backend.list_program_objects(device)}
        clash = [s["name"] for s in specs if s["name"].lower() in existing]
        if clash:
            raise e.AlreadyExistsError(
                f"{source_name}: {', '.join(clash)} already exist(s) in '{device}'; generate with overwrite to replace.",
                code="OBJECT_EXISTS", details={"source": source_name, "names": clash},
            )
    ctx.progress(50, f"importing {len(documents)} blocks")
    result = import_documents(ctx, device, documents, overwrite=overwrite)
    return GenerateResult(source_name=source_name, blocks=[s["name"] for s in specs],
                          order=[o.removesuffix(".xml") for o in result.order], reports=result.reports)


def _generate_source(ctx: OperationContext, data: GenerateInput) -> GenerateResult:
    text = ctx.backend.read_external_source(data.device_name, data.source_name)
    return _generate_text(ctx, data.device_name, data.source_name, text, overwrite=data.overwrite, folder=data.folder)


def _import_and_generate(ctx: OperationContext, data: ImportAndGenerateInput) -> GenerateResult:
    name = data.source_name if "." in data.source_name else f"{data.source_name}.scl"
    result = _generate_text(ctx, data.device_name, name, data.scl_content, overwrite=data.overwrite, folder=data.folder)
    ctx.backend.add_external_source(data.device_name, name, data.scl_content, folder="", overwrite=True)
    return result


def _snap(name_of: Any) -> Any:
    return lambda d: [SnapshotTarget(d.device_name, "block", name_of(d))]


_BY_BLOCK = _snap(lambda d: d.block_name)
_SPEC_EXAMPLE = {
    "blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real", "folder": "",
    "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
    "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}],
}
_SCL_EXAMPLE = 'FUNCTION "FC_One" : Int\nVERSION : 0.1\nBEGIN\n\t#FC_One := 1;\nEND_FUNCTION\n'

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="blocks.list", summary="List all blocks in the device program.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.list_blocks(d.device_name), input=DeviceRef, output=list[BlockInfo],
        route=RouteSpec("GET", _BLOCK_PATH), async_route=RouteSpec("GET", f"{_BLOCK_PATH}/async"), mutating=False,
        errors=_NEEDS_PLC,
    ),
    Operation(
        name="blocks.tree", summary="Get the block tree structure including folders.", section=SECTION,
        handler=_tree, input=DeviceRef, output=dict[str, Any], route=RouteSpec("GET", f"{_BLOCK_PATH}/tree"),
        mutating=False, errors=_NEEDS_PLC,
    ),
    Operation(
        name="blocks.content", summary="Get the full content of a block including its interface and network code.",
        section=SECTION, handler=_content, input=BlockRef, output=BlockContent,
        route=RouteSpec("GET", f"{_BLOCK_PATH}/{{blockName}}/content"), mutating=False, errors=_NEEDS_PLC,
    ),
    Operation(
        name="blocks.create", summary="Create a new block (OB, FB, FC, or DB) with optional interface and network code.",
        section=SECTION, handler=_create, input=CreateBlockInput, output=BlockWriteResult,
        route=RouteSpec("POST", _BLOCK_PATH), errors=_WRITES, example=_SPEC_EXAMPLE,
        snapshot_targets=_snap(lambda d: d.name or (d.spec or {}).get("name") or ""),
    ),
    Operation(
        name="blocks.generate-and-import", summary="Generate a block from {BlockType, Name, Language} (or a spec) and import it.",
        section=SECTION, handler=_create, input=CreateBlockInput, output=BlockWriteResult,
        route=RouteSpec("POST", f"{_BLOCK_PATH}/generate-and-import"), errors=_WRITES,
        example={"BlockType": "FB", "Name": "FB_New", "Language": "SCL"},
        snapshot_targets=_snap(lambda d: d.name or (d.spec or {}).get("name") or ""),
    ),
    Operation(
        name="blocks.update", summary="Update the content of an existing block (interface and network code).",
        section=SECTION, handler=_update, input=UpdateBlockInput, output=BlockWriteResult,
        route=RouteSpec("PUT", f"{_BLOCK_PATH}/{{blockName}}/content"), errors=_WRITES, snapshot_targets=_BY_BLOCK,
    ),
    Operation(
        name="blocks.delete", summary="Delete a block from the device program.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.delete_block(d.device_name, d.block_name), input=BlockRef,
        output=BlockInfo, route=RouteSpec("DELETE", f"{_BLOCK_PATH}/{{blockName}}"), errors=_NEEDS_PLC,
        snapshot_targets=_BY_BLOCK,
    ),
    Operation(
        name="blocks.rename", summary="Rename an existing block.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.rename_block(d.device_name, d.block_name, d.new_name), input=RenameInput,
        output=BlockInfo, route=RouteSpec("POST", f"{_BLOCK_PATH}/actions/rename"),
        async_route=RouteSpec("POST", f"{_BLOCK_PATH}/actions/rename-async"), errors=_WRITES,
        snapshot_targets=_BY_BLOCK, example={"blockName": "FC_Old", "newName": "FC_New"},
    ),
    Operation(
        name="blocks.export", summary="Export a block to an XML file.", section=SECTION, handler=_export,
        input=ExportInput, output=FileWritten, route=RouteSpec("POST", f"{_BLOCK_PATH}/actions/export-sync"),
        async_route=RouteSpec("POST", f"{_BLOCK_PATH}/actions/export"), long_running=True,
        files={"export_path": FileRule(extensions=None)}, errors=(*_NEEDS_PLC, e.AlreadyExistsError),
        example={"blockName": "FB_Motor", "exportPath": "export/FB_Motor.xml"},
    ),
    Operation(
        name="blocks.import", summary="Import a block from an XML file.", section=SECTION, handler=_import,
        input=ImportInput, output=BlockWriteResult, route=RouteSpec("POST", f"{_BLOCK_PATH}/actions/import-sync"),
        async_route=RouteSpec("POST", f"{_BLOCK_PATH}/actions/import"), long_running=True,
        files={"import_file_path": FileRule(extensions=XML, must_exist=True, allow_directory=False)}, errors=_WRITES,
        example={"importFilePath": "export/FB_Motor.xml", "overwrite": False},
    ),
    Operation(
        name="blocks.networks.add", summary="Add one or more networks to an existing block.", section=SECTION,
        handler=_add_networks, input=NetworksInput, output=BlockWriteResult,
        route=RouteSpec("POST", f"{_BLOCK_PATH}/{{blockName}}/networks"), errors=_WRITES, snapshot_targets=_BY_BLOCK,
        example={"networks": [{"title": "Count", "scl": "#Count := #Count + 1;"}]},
    ),
    Operation(
        name="blocks.members.add", summary="Add a new member to the block interface (Input, Output, InOut, Static, Temp, etc.).",
        section=SECTION, handler=_add_member, input=MemberInput, output=MemberResult,
        route=RouteSpec("POST", f"{_BLOCK_PATH}/{{blockName}}/interface/members"), errors=_WRITES,
        snapshot_targets=_BY_BLOCK, example={"section": "Static", "name": "Count", "dataType": "Int", "startValue": 0},
    ),
    Operation(
        name="blocks.members.update", summary="Update an existing interface member (change data type, comment, etc.).",
        section=SECTION, handler=_update_member, input=MemberUpdateInput, output=MemberResult,
        route=RouteSpec("PUT", f"{_BLOCK_PATH}/{{blockName}}/interface/members/{{memberName}}"), errors=_WRITES,
        snapshot_targets=_BY_BLOCK, example={"dataType": "DInt", "comment": "counter"},
    ),
    Operation(
        name="blocks.members.delete", summary="Delete an interface member from a block.", section=SECTION,
        handler=_delete_member, input=MemberRef, output=MemberResult,
        route=RouteSpec("DELETE", f"{_BLOCK_PATH}/{{blockName}}/interface/members/{{memberName}}"), errors=_WRITES,
        snapshot_targets=_BY_BLOCK,
    ),
    Operation(
        name="blocks.folders.create", summary="Create a new folder in the program blocks tree.", section=SECTION,
        handler=lambda ctx, d: {"folder": ctx.backend.create_block_folder(d.device_name, _folder(d))},
        input=FolderInput, output=dict[str, str], route=RouteSpec("POST", f"{_BLOCK_PATH}/folders"),
        errors=(*_NEEDS_PLC, e.AlreadyExistsError), example={"folderPath": "Motors/Pumps"},
    ),
    Operation(
        name="blocks.folders.delete", summary="Delete a folder from the program blocks tree (with what is inside).",
        section=SECTION, handler=lambda ctx, d: ctx.backend.delete_block_folder(d.device_name, _folder(d)),
        input=FolderInput, output=FolderRemoval, route=RouteSpec("DELETE", f"{_BLOCK_PATH}/folders"), errors=_NEEDS_PLC,
    ),
    Operation(
        name="blocks.export-xml", summary="Export a block as SimaticML XML and return the XML content directly.",
        section=SECTION, handler=_export_xml, input=BlockRef, output=str,
        route=RouteSpec("GET", f"{_BLOCK_PATH}/{{blockName}}/export-xml"), mutating=False, errors=_NEEDS_PLC,
    ),
    Operation(
        name="blocks.source", summary="The SCL source of a block (as TIA's Generate source from blocks).",
        section=SECTION, handler=_source, input=BlockRef, output=SourceText,
        route=RouteSpec("GET", f"{_BLOCK_PATH}/{{blockName}}/source"), mutating=False, errors=_NEEDS_PLC,
    ),
    Operation(
        name="blocks.export-source", summary="Export a block as SCL source code to a file path.", section=SECTION,
        handler=_export_source, input=ExportSourceInput, output=FileWritten,
        route=RouteSpec("POST", f"{_BLOCK_PATH}/{{blockName}}/actions/export-source"),
        files={"export_path": FileRule(extensions=None)}, errors=(*_NEEDS_PLC, e.AlreadyExistsError),
        example={"exportPath": "sources/FC_Scale.scl"},
    ),
    Operation(
        name="blocks.load-start-values", summary="Load start values to actual values for a data block.",
        section=SECTION, handler=_load_start_values, input=BlockRef, output=dict[str, Any],
        route=RouteSpec("POST", f"{_BLOCK_PATH}/{{blockName}}/actions/load-start-values"),
        errors=(*_NEEDS_PLC, e.ConflictError),
    ),
    Operation(
        name="blocks.export-prodiag", summary="Export ProDIAG diagnostic data from a block to a file.", section=SECTION,
        handler=_export_prodiag, input=BlockRef, output=dict[str, Any],
        route=RouteSpec("POST", f"{_BLOCK_PATH}/{{blockName}}/actions/export-prodiag"),
        errors=(*_NEEDS_PLC, e.NotSupportedError),
    ),
    Operation(
        name="blocks.cross-references", summary="What a block uses (calls, instance DBs, types, global tags) and who uses it.",
        section=SECTION, handler=_cross_references, input=BlockRef, output=CrossReferences,
        route=RouteSpec("GET", f"{_BLOCK_PATH}/{{blockName}}/cross-references"), mutating=False, errors=_NEEDS_PLC,
    ),
    Operation(
        name="external-sources.list", summary="List all external sources in the device.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.list_external_sources(d.device_name), input=DeviceRef,
        output=list[ExternalSourceInfo], route=RouteSpec("GET", _SOURCE_PATH), mutating=False, errors=_NEEDS_PLC,
    ),
    Operation(
        name="external-sources.from-file", summary="Create an external source from an existing SCL file on disk.",
        section=SECTION, handler=_from_file, input=SourceFileInput, output=ExternalSourceInfo,
        route=RouteSpec("POST", f"{_SOURCE_PATH}/from-file"),
        files={"file_path": FileRule(must_exist=True, allow_directory=False)}, errors=(*_NEEDS_PLC, e.AlreadyExistsError),
        example={"filePath": "sources/Motor.scl"},
    ),
    Operation(
        name="external-sources.from-text", summary="Create an external source from raw SCL text content.",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.add_external_source(d.device_name, d.name, d.text, folder=d.folder,
                                                               overwrite=d.overwrite),
        input=SourceTextInput, output=ExternalSourceInfo, route=RouteSpec("POST", f"{_SOURCE_PATH}/from-text"),
        errors=(*_NEEDS_PLC, e.AlreadyExistsError), example={"name": "One.scl", "text": _SCL_EXAMPLE},
    ),
    Operation(
        name="external-sources.delete", summary="Delete an external source from the device.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.delete_external_source(d.device_name, d.source_name), input=SourceRef,
        output=ExternalSourceInfo, route=RouteSpec("DELETE", f"{_SOURCE_PATH}/{{sourceName}}"), errors=_NEEDS_PLC,
    ),
    Operation(
        name="external-sources.generate", summary="Generate (compile) blocks from an external source into the TIA Portal project.",
        section=SECTION, handler=_generate_source, input=GenerateInput, output=GenerateResult,
        route=RouteSpec("POST", f"{_SOURCE_PATH}/{{sourceName}}/generate"), long_running=True, errors=_WRITES,
    ),
    Operation(
        name="external-sources.folders.create", summary="Create a folder in the external sources tree.",
        section=SECTION,
        handler=lambda ctx, d: {"folder": ctx.backend.create_external_source_folder(d.device_name, _folder(d))},
        input=FolderInput, output=dict[str, str], route=RouteSpec("POST", f"{_SOURCE_PATH}/folders"),
        errors=(*_NEEDS_PLC, e.AlreadyExistsError), example={"folderPath": "Library"},
    ),
    Operation(
        name="external-sources.folders.delete", summary="Delete a folder from the external sources tree.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.delete_external_source_folder(d.device_name, _folder(d)),
        input=FolderInput, output=FolderRemoval, route=RouteSpec("DELETE", f"{_SOURCE_PATH}/folders"),
        errors=_NEEDS_PLC,
    ),
    Operation(
        name="external-sources.import-and-generate", summary="Import raw SCL source text and compile it into TIA Portal blocks.",
        section=SECTION, handler=_import_and_generate, input=ImportAndGenerateInput, output=GenerateResult,
        route=RouteSpec("POST", f"{_SOURCE_PATH}/import-and-generate"), long_running=True, errors=_WRITES,
        example={"SclContent": _SCL_EXAMPLE, "SourceName": "One.scl"},
    ),
)
