"""Mutants of the corpus's SCL sources for the opt-in style rules (:mod:`engineering_api.rules.compiler.style`).

Each generator takes one real source and changes one code block (FB, FC or OB) of it: a mutant must add its one
style finding at its line, a control (the near miss: the same change the rule must accept) none. The rest of the
file stays as its authors wrote it, so a finding elsewhere is the rule's own fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from engineering_api.ci.program import load
from engineering_api.rules.compiler.check import check
from engineering_api.rules.compiler.style import StyleSettings
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl import parse

__all__ = ("LIMIT", "USES", "StyleMutant", "block_length_mutants", "block_prefix_mutants", "code_blocks",
           "member_prefix_mutants", "nesting_mutants", "statement_count", "style_check", "unused_mutants")

LIMIT = 4
"""The nesting depth the mutants are made for (the rule's default)."""
TEMP = "zzStyleTemp"
_HEADER = re.compile(r'^(\s*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK|TYPE)\s+)("[^"]*"|[A-Za-z_]\w*)')
_BEGIN = re.compile(r"^\s*BEGIN\b", re.IGNORECASE)


@dataclass(frozen=True)
class StyleMutant:
    """One changed source: ``code`` at ``line`` in ``block`` is what the check must add (None: a control, which must
    add no finding of ``family`` to ``block``), under ``settings``."""

    family: str
    path: Path
    text: str
    block: str
    line: int
    code: Optional[str]
    settings: StyleSettings

    @property
    def refused(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class CodeBlock:
    """An FB, FC or OB of a source: its name, kind, header line and the line of its BEGIN and END_ (1-based)."""

    name: str
    kind: str
    header: int
    begin: int
    end: int


def style_check(path: Path, text: str, settings: Optional[StyleSettings]) -> list[Diagnostic]:
    """``scl check``'s findings of ``text`` as the file ``path``, with the style ``settings``."""
    return check(load([str(path)], texts={str(path): text.encode("utf-8")}, style=settings), info=True)


def code_blocks(text: str) -> list[CodeBlock]:
    """The FBs, FCs and OBs of a source that parses, each with a BEGIN (none when it does not parse)."""
    try:
        source = parse(text)
    except Exception:  # a source the parser refuses holds no block to mutate
        return []
    lines = text.split("\n")
    found = []
    for block in source.blocks:
        if block.kind not in ("FUNCTION_BLOCK", "FUNCTION", "ORGANIZATION_BLOCK") or block.namespace:
            continue
        begin = next((n for n in range(block.line, block.end_line) if _BEGIN.match(lines[n - 1])), None)
        if begin is not None and _HEADER.match(lines[block.line - 1]):
            kind = {"FUNCTION_BLOCK": "FB", "FUNCTION": "FC", "ORGANIZATION_BLOCK": "OB"}[block.kind]
            found.append(CodeBlock(block.name, kind, block.line, begin, block.end_line))
    return found


def _insert(text: str, at: int, added: list[str]) -> str:
    """``text`` with ``added`` lines before its line ``at`` (1-based)."""
    lines = text.split("\n")
    return "\n".join(lines[:at - 1] + added + lines[at - 1:])


def _wrapped(text: str, block: CodeBlock, opening: str, closing: str, levels: int) -> str:
    """The body of ``block`` inside ``levels`` of ``opening`` ... ``closing``."""
    closed = _insert(text, block.end, [closing] * levels)
    return _insert(closed, block.begin + 1, [opening] * levels)


def nesting_mutants(path: Path, text: str) -> Iterator[StyleMutant]:
    """A block's body inside ``LIMIT + 1`` IFs: the innermost wrapper is one level too deep (one finding: the
    statements inside it are not reported again). Control: the same inside REGIONs, which are no level."""
    settings = StyleSettings(max_nesting=LIMIT)
    for block in code_blocks(text)[:1]:
        yield StyleMutant("nesting", path, _wrapped(text, block, "IF TRUE THEN", "END_IF;", LIMIT + 1), block.name,
                          block.begin + LIMIT + 1, "STYLE_NESTING_DEPTH", settings)
        yield StyleMutant("nesting", path, _wrapped(text, block, "REGION zzStyle", "END_REGION", LIMIT + 1),
                          block.name, 0, None, settings)


def _temp(text: str, block: CodeBlock, declared: list[str], uses: list[str]) -> str:
    """``block`` with one more VAR_TEMP section holding ``declared`` and ``uses`` as its first statements."""
    used = _insert(text, block.begin + 1, uses)
    return _insert(used, block.begin, ["VAR_TEMP", *declared, "END_VAR"])


USES = {
    "plain": ([f"   {TEMP} : Int;"], [f"#{TEMP} := 0;"]),
    "slice": ([f"   {TEMP} : Word;"], [f"#{TEMP}.%X0 := TRUE;"]),
    "overlay": ([f"   {TEMP} : Word;", f"   {TEMP}View AT {TEMP} : Array[0..15] of Bool;"],
                [f"#{TEMP}View[3] := TRUE;"]),
    "region": ([f"   {TEMP} : Int;"], ["REGION zzStyle", f"#{TEMP} := 1;", "END_REGION"]),
    "nested": ([f"   {TEMP} : Int;"], ["IF FALSE THEN", "REGION zzStyle", f"#{TEMP} := 1;", "END_REGION", "END_IF;"]),
}
"""The uses of an added temporary a control makes, each written as TIA's sources write it: a read or write, a bit
slice, an AT overlay (the overlay used, the member it overlays not named), inside a REGION, nested."""


def unused_mutants(path: Path, text: str) -> Iterator[StyleMutant]:
    """One more temporary the body never names: reported at its declaration. Controls: the same temporary used in
    each way of :data:`USES`."""
    settings = StyleSettings(unused_sections=frozenset({"Temp"}))
    for block in code_blocks(text)[:1]:
        yield StyleMutant("unused", path, _temp(text, block, [f"   {TEMP} : Int;"], []), block.name, block.begin + 1,
                          "STYLE_UNUSED_LOCAL", settings)
        for how, (declared, uses) in USES.items():
            yield StyleMutant(f"unused-{how}", path, _temp(text, block, declared, uses), block.name, 0, None, settings)


def member_prefix_mutants(path: Path, text: str) -> Iterator[StyleMutant]:
    """One more temporary whose name lacks the Temp prefix (the prefix is the first letters of the added name, so
    only the added one matters): reported at its declaration. Control: the prefix it has."""
    for block in code_blocks(text)[:1]:
        changed = _temp(text, block, [f"   {TEMP} : Int;"], [f"#{TEMP} := 0;"])
        yield StyleMutant("member-prefix", path, changed, block.name, block.begin + 1, "STYLE_MEMBER_PREFIX",
                          StyleSettings(member_prefixes={"Temp": "zzStyleX"}))
        yield StyleMutant("member-prefix", path, changed, block.name, block.begin + 1, None,
                          StyleSettings(member_prefixes={"Temp": "zzStyleT"}))


def _renamed(text: str, block: CodeBlock, name: str) -> str:
    lines = text.split("\n")
    match = _HEADER.match(lines[block.header - 1])
    assert match is not None
    quote = '"' if match.group(2).startswith('"') else ""
    lines[block.header - 1] = match.group(1) + f"{quote}{name}{quote}" + lines[block.header - 1][match.end():]
    return "\n".join(lines)


def block_prefix_mutants(path: Path, text: str) -> Iterator[StyleMutant]:
    """A block renamed so that it lacks its kind's prefix: reported at its header. Control: renamed with it."""
    for block in code_blocks(text)[:1]:
        settings = StyleSettings(block_prefixes={block.kind: "Pfx_"})
        yield StyleMutant("block-prefix", path, _renamed(text, block, f"Pfy_{block.name}"), f"Pfy_{block.name}",
                          block.header, "STYLE_BLOCK_PREFIX", settings)
        yield StyleMutant("block-prefix", path, _renamed(text, block, f"Pfx_{block.name}"), f"Pfx_{block.name}", 0,
                          None, settings)


def statement_count(path: Path, text: str, block: str) -> Optional[int]:
    """The statements the rule counts in ``block``: the count its finding gives at a limit of one (None: one or
    none, which that limit does not tell apart)."""
    found = [d for d in style_check(path, text, StyleSettings(max_statements=1))
             if d.code == "STYLE_BLOCK_LENGTH" and d.block == block]
    if not found:
        return None
    count = re.search(r"has (\d+) statements", found[0].message)
    assert count is not None
    return int(count.group(1))


def block_length_mutants(path: Path, text: str) -> Iterator[StyleMutant]:
    """Three statements added to a block of ``count`` at a limit of ``count + 2``: reported at the header.
    Control: the limit ``count + 3`` (exactly as many as it has)."""
    for block in code_blocks(text)[:1]:
        count = statement_count(path, text, block.name)
        if count is None:
            continue
        added = _insert(text, block.begin + 1, ['"zzStyleTag" := 1;', '"zzStyleTag" := 2;',
                                                'IF FALSE THEN', 'END_IF;'])
        yield StyleMutant("block-length", path, added, block.name, block.header, "STYLE_BLOCK_LENGTH",
                          StyleSettings(max_statements=count + 2))
        yield StyleMutant("block-length", path, added, block.name, 0, None, StyleSettings(max_statements=count + 3))
