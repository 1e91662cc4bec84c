"""Compile findings in the lines the client sent: one numbering for import and compile.

A compiler counts an SCL block's lines from its body (TIA's editor does too), while the import of the SCL source
the client sent counts from that file. For a block generated from an external source of the PLC, the compile
answer names the source (``file``) and the line in it (``line``); a block with no source in the PLC keeps its own
numbering. The console, which draws the block's body, counts back (:func:`to_block_lines`): one offset, the line of
the block's ``BEGIN`` in its source, both ways.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import EngineeringError
from simatic_xml.scl.lexer import source_lines

if TYPE_CHECKING:
    from engineering_api.backend.models import CompileResult
    from engineering_api.backend.port import EngineeringBackend

__all__ = ("body_starts", "in_source_lines", "to_block_lines")

_DECLARATION = re.compile(
    r'^\s*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK)\s+(?:"((?:[^"]|"")+)"|([A-Za-z_]\w*))',
    re.IGNORECASE)
_BEGIN = re.compile(r"^\s*BEGIN\b", re.IGNORECASE)


def body_starts(text: str) -> dict[str, int]:
    """Block name -> the number of its ``BEGIN`` line in an SCL source (the body's line 1 is the next one)."""
    starts: dict[str, int] = {}
    current: str | None = None
    for number, line in enumerate(source_lines(text), 1):  # numbered as the compiler numbers them
        declared = _DECLARATION.match(line)
        if declared:
            current = (declared.group(1) or declared.group(2)).replace('""', '"')
        elif current is not None and _BEGIN.match(line):
            starts.setdefault(current, number)
            current = None
    return starts


def in_source_lines(backend: EngineeringBackend, device: str, result: CompileResult) -> CompileResult:
    """``result`` with each finding in an SCL block generated from one of the PLC's external sources counted in that
    source."""
    wanted = {d.block for d in result.diagnostics if d.block and d.file is None and d.line > 0
              and d.network in (None, 1)}
    if not wanted:
        return result
    where: dict[str, tuple[str, int]] = {}
    for source in backend.blocks.list_external_sources(device):
        try:
            text = backend.blocks.read_external_source(device, source.name)
        except EngineeringError:
            continue  # gone since it was listed: its blocks keep their own numbering
        for block, begin in body_starts(text).items():
            if block in wanted:
                where.setdefault(block, (source.name, begin))
    if not where:
        return result
    diagnostics = []
    for finding in result.diagnostics:
        found = where.get(finding.block or "") if finding.file is None and finding.network in (None, 1) else None
        if found is not None and finding.line > 0:
            finding = msgspec.structs.replace(finding, file=found[0], line=found[1] + finding.line)
        diagnostics.append(finding)
    return msgspec.structs.replace(result, diagnostics=diagnostics)


def to_block_lines(backend: EngineeringBackend, device: str, diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wire findings (dicts) counted in a source back in their block's body lines, for a view of the block."""
    begins: dict[tuple[str, str], int] = {}
    for name in {d["file"] for d in diagnostics if d.get("file") and d.get("block")}:
        try:
            text = backend.blocks.read_external_source(device, name)
        except EngineeringError:
            continue
        begins.update({(name, block): begin for block, begin in body_starts(text).items()})
    shown = []
    for finding in diagnostics:
        begin = begins.get((finding.get("file") or "", finding.get("block") or ""))
        shown.append({**finding, "line": finding["line"] - begin} if begin is not None
                     and finding.get("line", 0) > begin
                     else finding)
    return shown
