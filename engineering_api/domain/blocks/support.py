"""Shared helpers of the Blocks operations: reading and writing blocks through the port, specs."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from stat import S_ISDIR
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.areas.blocks import BlockInfo
from engineering_api.backend.models import ProgramDocument
from engineering_api.domain.blockgen import spec_failure, target_for
from engineering_api.domain.blocks.schemas import BlockSpecInput, BlockWriteResult, FolderInput
from engineering_api.domain.common import NEEDS_PLC
from engineering_api.domain.import_findings import import_checked
from engineering_api.errors import codes
from engineering_api.jobs.operations import OperationContext
from engineering_api.lib.paths import safe_file_stem
from simatic_xml import SimaticMLError, parse_bytes, to_bytes
from simatic_xml.generate import generate_xml, parse_spec
from simatic_xml.generate.to_scl import SourceRefused, document_to_scl, interface_spec
from simatic_xml.model import Block, Document
from simatic_xml.scl_text import tokens_to_text

if TYPE_CHECKING:
    from simatic_xml.diagnostics import Diagnostic

__all__ = (
    "BLOCK_PATH", "DB_KINDS", "SECTION", "SOURCE_PATH", "SPEC_TYPE", "WRITES", "block_xml", "export_target",
    "folder_path_of", "generate_block", "networks_of", "parse_document", "read_block", "require_block", "source_of",
    "spec_dict",
    "spec_of_document", "target_file", "text_of", "write_block",
)

SECTION = "Blocks"
WRITES = (*NEEDS_PLC, e.AlreadyExistsError, e.ConflictError)
SCL = (".scl", ".txt", ".src")
BLOCK_PATH = "/api/devices/{deviceName}/blocks"
SOURCE_PATH = "/api/devices/{deviceName}/external-sources"
_SPEC_KEYS = ("blockType", "name", "number", "language", "title", "comment", "author", "family", "headerName",
              "version", "memoryLayout", "secondaryType", "cyclicTime", "phaseShift", "instanceOf", "instanceOfType",
              "returnType", "interface", "networks", "description")
DB_KINDS = ("GlobalDB", "InstanceDB", "ArrayDB", "TechnologicalInstanceDB")
SPEC_TYPE = {"OB": "OB", "FB": "FB", "FC": "FC", "GlobalDB": "GlobalDB"}


# ----- helpers -----------------------------------------------------------------------------------
def parse_document(data: bytes, source: str) -> Document:
    try:
        return parse_bytes(data)
    except SimaticMLError as exc:
        raise e.ValidationError(f"{source} is not valid SimaticML: {exc}", code=codes.INVALID_SIMATICML) from None


def require_block(doc: Document, source: str) -> Document:
    if not isinstance(doc.object, Block):
        routes = {"SW.Tags.PlcTagTable": "POST /api/devices/{deviceName}/tag-tables/actions/import-simaticml-sync",
                  "SW.Types.PlcStruct": "POST /api/devices/{deviceName}/udts with xml"}
        route = routes.get(doc.object.element)
        raise e.ValidationError(
            f"{source} holds a {doc.object.element}, not a program block (" + (
                f"import it with {route})." if route else "PLC data types and tag tables have their own routes)."),
            code=codes.NOT_A_BLOCK,
        )
    return doc


def read_block(ctx: OperationContext, device: str, name: str) -> tuple[BlockInfo, bytes, Document]:
    info = ctx.backend.blocks.get_block(device, name)
    data = ctx.backend.program.export_program_object(device, name)
    return info, data, parse_document(data, name)


def write_block(ctx: OperationContext, device: str, name: str, data: bytes, *, folder: str,
           overwrite: bool, found: list[Diagnostic] | None = None) -> BlockWriteResult:
    """Import ``data`` as the block ``name`` through :func:`import_checked` (``found``: the check's errors of
    ``data``, when the caller refused by them already)."""
    document = ProgramDocument(source=f"{name}.xml", data=data, folder=folder)
    reports = import_checked(ctx, device, [document], overwrite=overwrite,
                             found=None if found is None else {document.source: found})
    written = reports[0].name or name
    try:
        block = ctx.backend.blocks.get_block(device, written)
    except e.NotFoundError:
        raise e.ValidationError(
            f"'{written}' is not a program block (PLC data types and tag tables have their own routes).",
            code=codes.NOT_A_BLOCK,
        ) from None
    return BlockWriteResult(block=block, reports=reports)


def spec_dict(data: BlockSpecInput) -> dict[str, Any]:
    if data.spec is not None:
        return dict(data.spec)
    raw = msgspec.to_builtins(data)
    spec = {k: raw[k] for k in _SPEC_KEYS if raw.get(k) is not None}
    kind = str(spec.get("blockType", "")).upper()
    if kind in ("DB", "GLOBALDB", "INSTANCEDB", "IDB", "GLOBAL_DB") and spec.get("language") not in (None, "DB"):
        spec.pop("language")  # T-IA clients send Language "SCL" for data blocks
    return spec


def generate_block(spec: dict[str, Any], version: str, ctx: OperationContext | None = None,
              device: str | None = None) -> bytes:
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
        data = ctx.backend.program.export_program_object(device, fb)
        spec = spec_of_document(parse_document(data, fb))
        spec.pop("networks", None)
        spec["language"] = "SCL"
        return {fb: parse_spec(spec)}
    except (e.EngineeringError, SimaticMLError):
        return None


def spec_of_document(doc: Document) -> dict[str, Any]:
    obj = doc.object
    kind = type(obj).__name__
    spec: dict[str, Any] = {"blockType": "UDT" if kind == "PlcStruct" else kind, "name": obj.name}
    if isinstance(obj, Block) and obj.programming_language and kind not in DB_KINDS:
        spec["language"] = obj.programming_language
    iface = interface_spec(doc)
    if kind == "PlcStruct":
        iface = {"None": iface.get("None", [])}
    if iface:
        spec["interface"] = iface
    if isinstance(obj, Block) and kind == "FC" and obj.interface is not None:
        ret = obj.interface.sections.section("Return")
        if ret is not None and ret.members:
            spec["returnType"] = ret.members[0].datatype
    return spec


def _check_name(ctx: OperationContext, spec: dict[str, Any]) -> None:
    if not isinstance(spec.get("name"), str) or not spec.get("name"):
        raise e.ValidationError("name: a block needs a name", code=codes.INVALID_SPEC, details={"field": "name"})


def block_xml(ctx: OperationContext, data: BlockSpecInput, device: str) -> tuple[bytes, str]:
    if data.raw_xml is not None:
        doc = require_block(parse_document(data.raw_xml.encode("utf-8"), "rawXml"), "rawXml")
        return to_bytes(doc), doc.object.name or ""
    spec = spec_dict(data)
    _check_name(ctx, spec)
    return generate_block(spec, target_for(ctx, None), ctx, device), str(spec["name"])


def text_of(obj: Any, name: str) -> str | None:
    texts = obj.texts(name) if hasattr(obj, "texts") else None
    return next((i.text for i in texts.items if i.text), None) if texts is not None else None


def networks_of(obj: Any) -> list[dict[str, Any]]:
    out = []
    for index, unit in enumerate(getattr(obj, "compile_units", []), start=1):
        source = unit.network_source
        body = source.body if source is not None else None
        entry: dict[str, Any] = {"index": index, "title": text_of(unit, "Title"),
                                 "language": unit.programming_language or getattr(obj, "programming_language", None)}
        if body is not None and body.tag == "StructuredText":
            entry["scl"] = tokens_to_text(body)
        out.append(entry)
    return out


def source_of(doc: Document) -> str:
    try:
        return document_to_scl(doc)
    except SourceRefused as exc:
        raise e.ValidationError(
            f"No SCL source for '{doc.object.name}': {exc.reason}.", code=codes.NO_SCL_SOURCE,
            details={"reason": exc.reason}
        ) from None


_NOTHING_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
"""The errors of a look at a path that pathlib takes for "nothing there" (``pathlib._IGNORED_ERRNOS``)."""
_NOTHING_THERE_ON_WINDOWS = frozenset({21, 123, 1921})
"""And the Windows errors it takes so (CPython 3.11's ``pathlib._IGNORED_WINERRORS``): ERROR_NOT_READY (a drive
that is not ready), ERROR_INVALID_NAME (a name Windows refuses, bpo-35306), ERROR_CANT_RESOLVE_FILENAME (a link
that points to itself, Windows' ELOOP)."""


def export_target(path: str, name: str, ext: str, overwrite: bool) -> Path:
    """The file an export of ``name`` to ``path`` (a folder, or the file itself) writes; a dry run's answer too.

    Raises:
        AlreadyExistsError: ``FILE_EXISTS``: the file exists and ``overwrite`` is off.
    """
    target = Path(path)
    found = _stat_or_none(target)  # the Path: a trailing separator dropped, as is_dir and exists looked
    if found is not None and S_ISDIR(found.st_mode):
        target = target / (safe_file_stem(name) + ext)
        found = _stat_or_none(target)
    if found is not None and not overwrite:
        raise e.AlreadyExistsError(
            f"The file '{target.name}' already exists; TIA does not overwrite (send overwrite: true).",
            code=codes.FILE_EXISTS
        )
    return target


def _stat_or_none(path: str | Path) -> os.stat_result | None:
    """What ``os.stat`` says of ``path``, None where ``Path.exists`` and ``Path.is_dir`` answer False: nothing there,
    a looping link, a name the system refuses, a drive that is not ready (pathlib's ``_ignore_error``); any other
    error is raised, as they raise it."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno in _NOTHING_THERE or getattr(exc, "winerror", None) in _NOTHING_THERE_ON_WINDOWS:
            return None
        raise
    except ValueError:  # a name the OS cannot take (a NUL)
        return None


def target_file(path: str, name: str, ext: str, overwrite: bool) -> Path:
    """:func:`export_target`, its folder created (one look where it exists, as it mostly does)."""
    target = export_target(path, name, ext, overwrite)
    if not os.path.isdir(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
    return target


def folder_path_of(data: FolderInput) -> str:
    value = data.folder_path or data.folder_name or data.path
    if not value:
        raise e.ValidationError("Send the folder as 'folderPath' (a/b/c).", code=codes.VALIDATION_FAILED,
                                details={"field": "folderPath"})
    return value
