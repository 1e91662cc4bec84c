"""Handlers for cross-references and external sources (SCL text -> blocks).

Generation follows TIA's "generate blocks from source" (the port's ``generate_blocks_from_source``, by default
:mod:`engineering_api.rules.source_generation`): a source with errors gives a 422 whose ``details.diagnostics``
lists every finding (wire shape of :class:`simatic_xml.diagnostics.Diagnostic`, lines and columns in the source
text); a generated source answers its warnings (``MISSING_*`` references to objects the PLC does not hold yet)
as ``diagnostics``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.blocks import ExternalSourceInfo
from engineering_api.backend.models import ProgramObjectInfo
from engineering_api.domain.blockgen import target_for
from engineering_api.domain.blocks.schemas import (
    BlockRef,
    CrossReferences,
    GenerateInput,
    GenerateResult,
    ImportAndGenerateInput,
    SourceFileInput,
)
from engineering_api.domain.blocks.support import DB_KINDS, parse_document
from engineering_api.domain.common import program_revision_key
from engineering_api.jobs.operations import OperationContext
from engineering_api.rules.program_objects import BLOCK_KINDS
from engineering_api.lib.content_memo import RevisionMemo, WalkMemo
from simatic_xml.model import Document

__all__ = (
    "cross_references", "from_file", "generate_source", "import_and_generate", "users_of",
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


def _document_references(xml: bytes) -> list[tuple[str, str]]:
    return _references(parse_document(xml, "block"))


_REFERENCES: WalkMemo[bytes, list[tuple[str, str]]] = WalkMemo(_document_references)
"""What a block refers to, kept per content for the blocks of the last query: a query reads again only the blocks
that changed since, at any program size."""


def _references_of(ctx: OperationContext, device: str, blocks: Any) -> dict[str, list[tuple[str, str]]]:
    """What each block of ``blocks`` (names) refers to."""
    def refers(name: str, references: Callable[[bytes], list[tuple[str, str]]]) -> list[tuple[str, str]]:
        xml = ctx.backend.program.export_program_object(device, name)
        try:
            return references(xml)
        except e.ValidationError:
            parse_document(xml, name)  # the refusal again, naming the block
            raise

    with _REFERENCES.walk() as references:
        return {name: refers(name, references) for name in blocks}


def _users(refs_of: dict[str, list[tuple[str, str]]], target: str) -> list[tuple[str, str]]:
    """(block, how) for each other block that refers to ``target``: its first reference."""
    found = []
    for name, refs in refs_of.items():
        if name != target:
            how = next((how for ref, how in refs if ref == target), None)
            if how is not None:
                found.append((name, how))
    return found


@dataclass(slots=True)
class _ProgramReferences:
    """A PLC's blocks, what each refers to, and who refers to each: one revision of its program."""

    blocks: dict[str, ProgramObjectInfo]
    kinds: dict[str, str]
    """Every program object's kind by name (blocks, types, tag tables)."""
    refs_of: dict[str, list[tuple[str, str]]]
    users: dict[str, list[tuple[str, str]]]
    """For each name, (block, how) of every other block that refers to it, its first reference, in block order."""
    tags: dict[str, Any] | None = None
    """The PLC tags by name, read by the first query that names one."""

    def tags_of(self, ctx: OperationContext, device: str) -> dict[str, Any]:
        if self.tags is None:  # two queries at once read the same tags: either's is kept
            self.tags = {t.name: t for t in ctx.backend.tags.list_all_tags(device)}
        return self.tags


def _program_references(ctx: OperationContext, device: str) -> _ProgramReferences:
    objects = ctx.backend.program.list_program_objects(device)  # one listing: the blocks are its block kinds
    blocks = {o.name: o for o in objects if o.kind in BLOCK_KINDS}
    refs_of = _references_of(ctx, device, blocks)
    users: dict[str, list[tuple[str, str]]] = {}
    for name, refs in refs_of.items():
        seen = {name}
        for ref, how in refs:
            if ref not in seen:
                seen.add(ref)
                users.setdefault(ref, []).append((name, how))
    return _ProgramReferences(blocks, {o.name: o.kind for o in objects}, refs_of, users)


_PROGRAM_REFERENCES: RevisionMemo[tuple[str, str], _ProgramReferences] = RevisionMemo()
"""The index of the last few program revisions: a query of an unchanged program reads what it answers."""


def users_of(ctx: OperationContext, device: str, target: str) -> list[tuple[str, str]]:
    """(block, how) for each block of the PLC that calls, instantiates, types with or accesses ``target``."""
    blocks = [b.name for b in ctx.backend.blocks.list_blocks(device)]
    return _users(_references_of(ctx, device, blocks), target)


def cross_references(ctx: OperationContext, data: BlockRef) -> CrossReferences:
    device = data.device_name
    target = ctx.backend.blocks.get_block(device, data.block_name)
    index = _PROGRAM_REFERENCES.get(lambda: program_revision_key(ctx, device), lambda: _program_references(ctx, device))
    blocks, kinds, refs_of = index.blocks, index.kinds, index.refs_of
    operands = {n for n, how in refs_of[target.name] if how == "Operand" and n not in kinds}
    tags = index.tags_of(ctx, device) if operands else {}

    def describe(name: str, how: str) -> dict[str, Any]:
        kind = kinds.get(name)
        if how == "Operand" and kind in DB_KINDS:
            how = "Access"
        return {"name": name, "type": kind or ("GlobalTag" if how == "Operand" else "Unknown"),
                "usage": how, "exists": kind is not None or name in tags,
                "display": f'"{name}"'}

    def referred(name: str, type_name: str) -> dict[str, Any]:
        """An object as TIA's cross-reference list shows it: name, type, address, device, path."""
        block, tag = blocks.get(name), tags.get(name)
        if block is not None:
            address = f"{block.kind} {block.number}" if block.number is not None else ""
            path = "/".join(filter(None, ["Program blocks", block.folder]))
        elif tag is not None:
            address, path = tag.logical_address, f"PLC tags/{tag.table_name}" if tag.table_name else "PLC tags"
        else:
            address, path = "", ""
        return {"name": name, "typeName": type_name, "address": address, "device": device, "path": path}

    def location(source: str, how: str) -> dict[str, str]:
        # The usage is what the program text shows (Call, InstanceOf, Type, Operand, Access); read or write
        # access per operand is not tracked, so it is not claimed.
        return {"referenceLocation": f'"{source}"', "referenceType": how, "access": how}

    uses = [describe(n, how) for n, how in refs_of[target.name] if n != target.name]
    used_by = [{"name": name, "type": blocks[name].kind, "usage": how, "display": f'"{name}"'}
               for name, how in index.users.get(target.name, ())]
    # T-IA Connect's shape: each source object with the objects it refers to and where. The block itself is the
    # source of what it uses; each block that uses it is a source referring to it.
    sources = []
    if uses:
        sources.append({**referred(target.name, target.block_type), "direction": "Uses", "referenceObjects": [
            {**referred(u["name"], u["type"]), "locations": [location(target.name, u["usage"])]} for u in uses]})
    for u in used_by:
        sources.append({**referred(u["name"], u["type"]), "direction": "UsedBy", "referenceObjects": [
            {**referred(target.name, target.block_type), "locations": [location(u["name"], u["usage"])]}]})
    total = sum(len(source["referenceObjects"]) for source in sources)
    return CrossReferences(block_name=target.name, uses=uses, used_by=used_by, sources=sources,
                           source_count=len(sources), total_reference_count=total)


# ----- external sources --------------------------------------------------------------------------
def from_file(ctx: OperationContext, data: SourceFileInput) -> ExternalSourceInfo:
    path = Path(data.file_path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return ctx.backend.blocks.add_external_source(data.device_name, data.name or path.name, text, folder=data.folder,
                                           overwrite=data.overwrite)


def _generate_text(ctx: OperationContext, device: str, source_name: str, text: str, *, overwrite: bool,
                   folder: str) -> GenerateResult:
    # One port call: in a farm the agent holding the project generates and imports (rules/source_generation.py).
    done = ctx.backend.blocks.generate_blocks_from_source(device, source_name, text, version=target_for(ctx, None),
                                                   overwrite=overwrite, folder=folder, progress=ctx.progress)
    return GenerateResult(source_name=source_name, blocks=done.blocks, order=done.order, reports=done.reports,
                          diagnostics=done.diagnostics)


def generate_source(ctx: OperationContext, data: GenerateInput) -> GenerateResult:
    text = ctx.backend.blocks.read_external_source(data.device_name, data.source_name)
    return _generate_text(ctx, data.device_name, data.source_name, text, overwrite=data.overwrite, folder=data.folder)


def import_and_generate(ctx: OperationContext, data: ImportAndGenerateInput) -> GenerateResult:
    name = data.source_name if "." in data.source_name else f"{data.source_name}.scl"
    result = _generate_text(ctx, data.device_name, name, data.scl_content, overwrite=data.overwrite, folder=data.folder)
    ctx.backend.blocks.add_external_source(data.device_name, name, data.scl_content, folder="", overwrite=True)
    return result
