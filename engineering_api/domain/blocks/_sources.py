"""Handlers for cross-references and external sources (SCL text -> blocks).

Generation follows TIA's "generate blocks from source" (:mod:`simatic_xml.generate.from_source`): a
source with errors gives a 422 whose ``details.diagnostics`` lists every finding (wire shape of
:class:`simatic_xml.diagnostics.Diagnostic`, lines and columns in the source text); a generated source
answers its warnings (``MISSING_*`` references to objects the PLC does not hold yet) as ``diagnostics``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.blocks import ExternalSourceInfo
from engineering_api.domain.blockgen import import_documents, spec_failure, target_for
from engineering_api.domain.blocks._schemas import (
    BlockRef,
    CrossReferences,
    GenerateInput,
    GenerateResult,
    ImportAndGenerateInput,
    SourceFileInput,
)
from engineering_api.domain.blocks._support import _DB_KINDS, _doc
from engineering_api.jobs.operations import OperationContext
from simatic_xml import SimaticMLError
from simatic_xml.diagnostics import Diagnostic, wire_list
from simatic_xml.generate.from_source import SourceContext, generate_source
from simatic_xml.model import Document

# ----- cross-references --------------------------------------------------------------------------
_QUOTED = re.compile(r'"([^"]+)"')
_GLOBAL_BOUND = re.compile(r'\.\.\s*"|\[\s*"', re.IGNORECASE)


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
    device = data.device_name
    target = ctx.backend.get_block(device, data.block_name)
    blocks = {b.name: b for b in ctx.backend.list_blocks(device)}
    kinds = {o.name: o.kind for o in ctx.backend.list_program_objects(device)}
    refs_of: dict[str, list[tuple[str, str]]] = {}
    for name in blocks:
        refs_of[name] = _references(_doc(ctx.backend.export_program_object(device, name), name))
    operands = {n for n, how in refs_of[target.name] if how == "Operand" and n not in kinds}
    tags = {t.name: t for t in ctx.backend.list_all_tags(device)} if operands else {}

    def describe(name: str, how: str) -> dict[str, Any]:
        kind = kinds.get(name)
        if how == "Operand" and kind in _DB_KINDS:
            how = "Access"
        return {"name": name, "type": kind or ("GlobalTag" if how == "Operand" else "Unknown"),
                "usage": how, "exists": kind is not None or name in tags,
                "display": f'"{name}"'}

    def referred(name: str, type_name: str) -> dict[str, Any]:
        """An object as TIA's cross-reference list shows it: name, type, address, device, path."""
        block, tag = blocks.get(name), tags.get(name)
        if block is not None:
            address = f"{block.block_type} {block.number}" if block.number is not None else ""
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
    used_by = []
    for name, refs in refs_of.items():
        if name == target.name:
            continue
        for ref, how in refs:
            if ref == target.name:
                used_by.append({"name": name, "type": blocks[name].block_type, "usage": how, "display": f'"{name}"'})
                break
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
def _from_file(ctx: OperationContext, data: SourceFileInput) -> ExternalSourceInfo:
    path = Path(data.file_path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return ctx.backend.add_external_source(data.device_name, data.name or path.name, text, folder=data.folder,
                                           overwrite=data.overwrite)


def _device_context(ctx: OperationContext, device: str, text: str) -> SourceContext:
    """What the PLC already holds: FBs (with their interface when an instance DB of the source needs it),
    UDTs, other blocks and tags, so references into the project are not reported as missing."""
    context = SourceContext()
    wanted = set(_QUOTED.findall(text)) | set(re.findall(r"[^\W\d]\w*", text))  # quoted or not
    for obj in ctx.backend.list_program_objects(device):
        if obj.kind == "FB":
            context.fbs[obj.name] = _object_spec(ctx, device, obj.name) if obj.name in wanted else None
        elif obj.kind in ("UDT", "PlcStruct", "PlcType"):
            context.udts[obj.name] = _object_spec(ctx, device, obj.name) if obj.name in wanted else None
        else:
            context.names.add(obj.name)
    if _GLOBAL_BOUND.search(text):  # tags and constants matter only for a global constant as array bound
        try:
            for tag in ctx.backend.list_all_tags(device):
                context.names.add(tag.name)
            for table in ctx.backend.list_tag_tables(device):
                for constant in ctx.backend.list_constants(device, table.name, "user"):
                    context.names.add(constant.name)
        except e.EngineeringError:
            pass
    return context


def _object_spec(ctx: OperationContext, device: str, name: str) -> Any:
    """An FB or UDT of the PLC as a spec read with the source rules (an instance DB takes the FB's members,
    start values go into UDT members), or None when it cannot be read."""
    from simatic_xml.generate.from_source import add_export  # one reader of exports for the CLI and REST

    try:
        probe = SourceContext()
        add_export(probe, ctx.backend.export_program_object(device, name))
        return probe.fbs.get(name) or probe.udts.get(name)
    except (e.EngineeringError, SimaticMLError):
        return None


def _failure(source_name: str, diagnostics: list[Diagnostic]) -> e.EngineeringError:
    """422 with every diagnostic as structured data (``details.diagnostics``), the first error in the message."""
    errors = [d for d in diagnostics if d.severity == "Error"]
    first = errors[0]
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    where = f"line {first.line}, column {first.column}: " if first.line else ""
    block = f"{first.block}: " if first.block else ""
    # The answer's code keeps the ones clients know: SCL_SYNTAX_ERROR, INVALID_SPEC (declarations and
    # operands), or the finding's own (BLOCK_TOO_LARGE …).
    if first.code in ("SYNTAX_ERROR", "CLASSIC_SCL", "NO_BLOCK"):
        code = "SCL_SYNTAX_ERROR"
    elif first.code in ("INVALID_DECLARATION", "UNDECLARED"):
        code = "INVALID_SPEC"
    else:
        code = first.code
    return e.ValidationError(
        f"{source_name}: {where}{block}{first.message}{more}", code=code,
        details={"source": source_name, "line": first.line, "column": first.column, "reason": first.message,
                 "diagnostics": wire_list(diagnostics)},
    )


def _generate_text(ctx: OperationContext, device: str, source_name: str, text: str, *, overwrite: bool,
                   folder: str) -> GenerateResult:
    result, diagnostics = _generated(ctx, device, source_name, text)
    documents = [(f"{b.name}.xml", b.xml, folder) for b in result.blocks]
    names = [b.name for b in result.blocks]
    if not overwrite:
        _refuse_existing(ctx, device, source_name, names)
    ctx.progress(50, f"importing {len(documents)} blocks")
    imported = import_documents(ctx, device, documents, overwrite=overwrite, models=[b.document for b in result.blocks])
    # TIA keeps a block that refers to user objects the PLC lacks inconsistent until it compiles
    missing = sorted({d.block for d in diagnostics if (d.code or "").startswith("MISSING_") and d.block})
    if missing:
        ctx.backend.mark_needs_compile(device, missing)
    return GenerateResult(source_name=source_name, blocks=names,
                          order=[o.removesuffix(".xml") for o in imported.order], reports=imported.reports,
                          diagnostics=wire_list(diagnostics))


def _generated(ctx: OperationContext, device: str, source_name: str, text: str) -> tuple[Any, list[Diagnostic]]:
    """The blocks a source generates, with its diagnostics (the call and its preview).

    Raises:
        ValidationError: the source has errors, or the target version cannot express it.
    """
    version = target_for(ctx, None)
    try:
        result = generate_source(text, file=source_name, version=version, context=_device_context(ctx, device, text))
    except SimaticMLError as exc:  # the target version cannot express the source (GRAPH, V16 …)
        failure = spec_failure(exc)
        failure.message = f"{source_name}: {failure.message}"
        failure.details["source"] = source_name
        raise failure from None
    diagnostics = [replace(d, file=source_name) for d in result.diagnostics]
    if not result.ok:
        raise _failure(source_name, diagnostics)
    return result, diagnostics


def _refuse_existing(ctx: OperationContext, device: str, source_name: str, names: list[str]) -> None:
    """Without overwrite, a generated block whose name the PLC already holds refuses the whole source."""
    existing = {o.name.lower() for o in ctx.backend.list_program_objects(device)}
    clash = [n for n in names if n.lower() in existing]
    if clash:
        raise e.AlreadyExistsError(
            f"{source_name}: {', '.join(clash)} already exist(s) in '{device}'; generate with overwrite to replace.",
            code="OBJECT_EXISTS", details={"source": source_name, "names": clash},
        )


def _generate_source(ctx: OperationContext, data: GenerateInput) -> GenerateResult:
    text = ctx.backend.read_external_source(data.device_name, data.source_name)
    return _generate_text(ctx, data.device_name, data.source_name, text, overwrite=data.overwrite, folder=data.folder)


def _import_and_generate(ctx: OperationContext, data: ImportAndGenerateInput) -> GenerateResult:
    name = data.source_name if "." in data.source_name else f"{data.source_name}.scl"
    result = _generate_text(ctx, data.device_name, name, data.scl_content, overwrite=data.overwrite, folder=data.folder)
    ctx.backend.add_external_source(data.device_name, name, data.scl_content, folder="", overwrite=True)
    return result
