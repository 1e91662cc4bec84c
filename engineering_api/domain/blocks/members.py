"""Handlers for interface members: add, update, delete (refused while networks use them)."""

from __future__ import annotations

import copy
import re
from typing import Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.areas.blocks import BlockInfo
from engineering_api.domain.blockgen import spec_failure
from engineering_api.domain.blocks.schemas import (MemberInput, MemberRef, MemberResult, MemberSettings,
                                                    MemberUpdateInput)
from engineering_api.domain.blocks.support import SPEC_TYPE, read_block, write_block
from engineering_api.errors import codes
from engineering_api.jobs.operations import OperationContext
from simatic_xml import SimaticMLError, to_bytes
from simatic_xml.generate import build_document, parse_spec
from simatic_xml.generate.to_scl import interface_spec
from simatic_xml.interface import Section
from simatic_xml.model import Document
from simatic_xml.objects import Block, PlcStruct
from simatic_xml.scl import source_lines
from simatic_xml.scl_text import tokens_to_text

__all__ = (
    "add_member", "deletable_member", "delete_member", "update_member",
)


# ----- interface members -------------------------------------------------------------------------
def _editable(info: BlockInfo) -> str:
    kind = SPEC_TYPE.get(info.block_type)
    if kind is None:
        raise e.ValidationError(
            f"The interface of '{info.name}' ({info.block_type}) cannot be edited here"
            + ("; it comes from its FB: edit the FB" if info.block_type == "InstanceDB" else ""),
            code=codes.INTERFACE_NOT_EDITABLE,
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
    built = _section(doc, section)
    assert built is not None  # the document was just built with this one section
    return copy.deepcopy(built.members[0])


def _section(doc: Document, name: str) -> Section | None:
    """The top-level interface section ``name`` of a block or PLC data type document."""
    obj = doc.object
    interface = obj.interface if isinstance(obj, (Block, PlcStruct)) else None
    return interface.section(name) if interface is not None else None


def _find(doc: Document, name: str) -> tuple[Any, int, Any] | None:
    obj = doc.object
    interface = obj.interface if isinstance(obj, (Block, PlcStruct)) else None
    for section in interface.sections.sections if interface else ():
        for index, member in enumerate(section.members):
            if member.name.lower() == name.lower():
                return section, index, member
    return None


_SETTINGS = tuple(info.encode_name for info in msgspec.structs.fields(MemberSettings))
"""The wire names of a member's settings (``dataType``, ``startValue``...)."""


def _member_dict(data: MemberSettings, base: dict[str, Any]) -> dict[str, Any]:
    raw = msgspec.to_builtins(data)
    out = dict(base)
    for key in _SETTINGS:
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
            for number, line in enumerate(source_lines(tokens_to_text(body)), start=1):
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


def add_member(ctx: OperationContext, data: MemberInput) -> MemberResult:
    info, _, doc = read_block(ctx, data.device_name, data.block_name)
    block_type = _editable(info)
    if _find(doc, data.name) is not None:
        raise e.AlreadyExistsError(f"'{info.name}' already has a member '{data.name}'.", code=codes.MEMBER_EXISTS)
    member = _member_object(block_type, data.section, _member_dict(data, {"name": data.name}), doc.engineering_version)
    section = _section(doc, data.section)
    if section is None:
        raise e.ValidationError(f"section: '{info.name}' has no section {data.section}", code=codes.INVALID_SPEC,
                                details={"field": "section"})
    position = len(section.members) if data.position is None else max(0, min(data.position, len(section.members)))
    section.members.insert(position, member)
    write_block(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder, overwrite=True)
    return _member_result(doc, info, data.section, member)


def update_member(ctx: OperationContext, data: MemberUpdateInput) -> MemberResult:
    from simatic_xml.generate.to_scl import member_spec

    info, _, doc = read_block(ctx, data.device_name, data.block_name)
    block_type = _editable(info)
    found = _find(doc, data.member_name)
    if found is None:
        raise e.NotFoundError(f"'{info.name}' has no member '{data.member_name}'.", code=codes.MEMBER_NOT_FOUND)
    section, index, old = found
    new_name = data.new_name or old.name
    if new_name.lower() != old.name.lower():
        if _find(doc, new_name) is not None:
            raise e.AlreadyExistsError(f"'{info.name}' already has a member '{new_name}'.", code=codes.MEMBER_EXISTS)
        used = _usages(doc, old.name)
        if used:
            raise e.ConflictError(
                f"'{old.name}' is still used in '{info.name}' ({used[0]}); change the networks first.",
                code=codes.MEMBER_IN_USE, details={"usages": used},
            )
    base = member_spec(old)
    if data.data_type is not None and data.data_type.lower() != "struct":
        base.pop("members", None)  # a new type: the old members and start value no longer fit
        base.pop("startValue", None)
    merged = _member_dict(data, {**base, "name": new_name})
    section.members[index] = _member_object(block_type, section.name, merged, doc.engineering_version)
    write_block(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder, overwrite=True)
    return _member_result(doc, info, section.name, section.members[index])


def deletable_member(ctx: OperationContext, data: MemberRef) -> tuple[Any, Any, Any, int, Any]:
    """The block info, document, section, index and member a delete would remove (the call and its preview).

    Raises:
        NotFoundError: no such block or member (``MEMBER_NOT_FOUND``).
        ConflictError: a network still uses the member (``MEMBER_IN_USE``); the block is not editable.
    """
    info, _, doc = read_block(ctx, data.device_name, data.block_name)
    _editable(info)
    found = _find(doc, data.member_name)
    if found is None:
        raise e.NotFoundError(f"'{info.name}' has no member '{data.member_name}'.", code=codes.MEMBER_NOT_FOUND)
    section, index, member = found
    used = _usages(doc, member.name)
    if used:
        raise e.ConflictError(
            f"'{member.name}' is still used in '{info.name}' ({used[0]}); remove the uses first.",
            code=codes.MEMBER_IN_USE, details={"usages": used},
        )
    return info, doc, section, index, member


def delete_member(ctx: OperationContext, data: MemberRef) -> MemberResult:
    info, doc, section, index, _ = deletable_member(ctx, data)
    del section.members[index]
    write_block(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder, overwrite=True)
    return _member_result(doc, info, section.name, None)
