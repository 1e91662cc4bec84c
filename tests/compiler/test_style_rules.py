"""The opt-in style rules (issue 94): ``STYLE_BLOCK_PREFIX``, ``STYLE_MEMBER_PREFIX``, ``STYLE_UNUSED_LOCAL``,
``STYLE_NESTING_DEPTH`` and ``STYLE_BLOCK_LENGTH``, on mutants of every corpus SCL source with code
(:mod:`tests.compiler.mutants_style`), each with its control; on the corpus itself (no finding at permissive
settings; every unused member one the body's tokens never name); and off by default (the whole corpus's report
byte-identical without the settings and with them present but off).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.rules.compiler.check import check, source_text
from engineering_api.rules.compiler.style import StyleSettings
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl import parse
from simatic_xml.scl.ast import Name, walk
from simatic_xml.scl.lexer import Token, tokenize
from tests.compiler.mutants_style import (StyleMutant, block_length_mutants, block_prefix_mutants, code_blocks,
                                          member_prefix_mutants, nesting_mutants, style_check, unused_mutants)
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
SCL = sorted(p for p in (CORPUS / "scl").rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []

pytestmark = READS_SHARED

Generator = Callable[[Path, str], Iterator[StyleMutant]]
FAMILIES: dict[str, tuple[Generator, str, int]] = {
    "nesting": (nesting_mutants, "STYLE_NESTING_DEPTH", 150),
    "unused": (unused_mutants, "STYLE_UNUSED_LOCAL", 150),
    "member-prefix": (member_prefix_mutants, "STYLE_MEMBER_PREFIX", 150),
    "block-prefix": (block_prefix_mutants, "STYLE_BLOCK_PREFIX", 150),
    "block-length": (block_length_mutants, "STYLE_BLOCK_LENGTH", 60),
}
"""Each family: its generator, the code its mutants must get, and how many mutants the corpus gives at least."""


def _texts() -> dict[Path, str]:
    return {path: source_text(path.read_bytes()) for path in SCL}


def _in_block(found: list[Diagnostic], code: str, block: str) -> list[Diagnostic]:
    return [d for d in found if d.code == code and d.block == block]


def judged(mutant: StyleMutant, original: list[Diagnostic], got: list[Diagnostic], code: str) -> str | None:
    """What is wrong with ``got`` (None: nothing): a mutant gains exactly its one finding, at its line, a control
    none. The block's findings from before compare by message (the change moved their lines); a finding deeper
    than a nesting mutant's wrapper is the wrapper's, so those mutants may lose the block's own."""
    before = Counter(d.message for d in original if d.code == code)
    mine = _in_block(got, code, mutant.block)
    wanted = [d for d in mine if mutant.code is not None and d.line == mutant.line]
    new = Counter(d.message for d in mine if d not in wanted) - before
    if new:
        return f"new findings {sorted(new)}"
    if mutant.code is not None and len(wanted) != 1:
        return f"wanted one {code} at line {mutant.line}, got {[(d.line, d.message) for d in mine]}"
    return None


@pytest.mark.parametrize("family", FAMILIES)
def test_each_rule_fires_on_its_mutants_and_not_on_their_controls(family: str) -> None:
    generator, code, least = FAMILIES[family]
    counts: Counter[bool] = Counter()
    problems = []
    originals: dict[tuple[Path, str], list[Diagnostic]] = {}
    for path, text in _texts().items():
        for mutant in generator(path, text):
            key = (path, repr(mutant.settings))
            if key not in originals:
                originals[key] = style_check(path, text, mutant.settings)
            got = style_check(path, mutant.text, mutant.settings)
            if any(d.code in ("SYNTAX_ERROR", "CLASSIC_SCL") for d in got):
                continue  # the change broke the source (a body TIA exported with a label jumped into): no verdict
            counts[mutant.refused] += 1
            problem = judged(mutant, originals[key], got, code)
            if problem:
                problems.append(f"{path.name} [{mutant.block}] {mutant.family}: {problem}")
    assert not problems, "\n".join(problems[:20])
    assert counts[True] >= least and counts[False] >= counts[True], counts


def test_a_nesting_mutant_of_a_block_already_too_deep_is_reported_once_at_its_outermost_level() -> None:
    """The REGION control of a block whose own code nests beyond the limit still has the block's findings, none
    new; the IF mutant has one, at the wrapper: what is deeper is inside it."""
    deep = [(path, text, block) for path, text in _texts().items() for block in code_blocks(text)
            if _in_block(style_check(path, text, StyleSettings(max_nesting=4)), "STYLE_NESTING_DEPTH", block.name)]
    assert len(deep) >= 5, "the corpus has blocks nested deeper than 4"
    for path, text, block in deep[:5]:
        mutant = next(m for m in nesting_mutants(path, text) if m.block == block.name and m.refused)
        found = _in_block(style_check(path, mutant.text, mutant.settings), "STYLE_NESTING_DEPTH", block.name)
        assert [d.line for d in found] == [mutant.line], (path.name, block.name)


PERMISSIVE = StyleSettings(block_prefixes={}, member_prefixes={}, unused_sections=frozenset(), max_nesting=1000,
                           max_statements=100_000)


def test_the_corpus_at_permissive_settings_gets_no_style_finding() -> None:
    """Every rule on, at settings every real block meets: no prefix asked, no section judged, limits no block
    reaches."""
    found = [f"{path.name}:{d.line} {d.code}" for path, text in _texts().items()
             for d in style_check(path, text, PERMISSIVE) if d.code.startswith("STYLE_")]
    assert found == []


def _body_names(tokens: list[Token], first: int, last: int) -> set[str]:
    """The lower-case names the body of the block on the lines ``first`` to ``last`` writes as an operand (not
    after a ``.``, except ``.#x``), read from the lexer's tokens: the oracle of the unused rule, which reads the
    AST. A block without BEGIN has no body."""
    mine = [t for t in tokens if first <= t.line <= last]
    begin = next((i for i, t in enumerate(mine) if t.kind == "BEGIN"), len(mine))
    return {t.text.lstrip("#").lower() for before, t in zip(mine[begin:], mine[begin + 1:])
            if t.kind in ("IDENT", "LOCAL") and (before.kind != "." or t.kind == "LOCAL")}


def test_every_unused_member_of_the_corpus_is_one_its_body_never_names() -> None:
    """Every section judged: each finding names a member no token of its block's body names, nor the AT overlay
    of it (or the member it overlays); the uses through slices, overlays, REGIONs, ``.#x`` and LAD/FBD networks
    are the controls (the last by plc check of the SimaticML exports, whose LAD/FBD blocks are never judged)."""
    every = StyleSettings(unused_sections=frozenset({"Temp", "Static", "Input", "Output", "InOut"}))
    wrong, reported = [], 0
    for path, text in _texts().items():
        found = [d for d in style_check(path, text, every) if d.code == "STYLE_UNUSED_LOCAL"]
        if not found:
            continue
        blocks = {b.name: b for b in parse(text).blocks}
        tokens = tokenize(text)
        for d in found:
            reported += 1
            block = blocks[d.block or ""]
            name = d.message.split('"')[1].lower()
            pairs = {(decl.name.lower(), (decl.at or "").lower()) for section in block.sections
                     for decl in section.decls if decl.at}
            aliases = {name} | {a for a, b in pairs if b == name} | {b for a, b in pairs if a == name}
            if aliases & _body_names(tokens, block.line, block.end_line):
                wrong.append(f"{path.name}:{d.line} {d.message}")
    assert wrong == [], "\n".join(wrong[:20])
    assert reported >= 100, reported


def test_a_simaticml_block_with_a_lad_or_fbd_network_gets_no_unused_member() -> None:
    """Every section judged, on every SimaticML export: a block with a LAD or FBD network is never judged (what
    those networks use is not read as operands here), though some of its members are named by no SCL network of it
    (``PericlesLe_S0832_TRENDS_CONTROL.xml`` mixes SCL and LAD networks); a block of SCL networks alone is."""
    from engineering_api.ci.program import load

    every = StyleSettings(unused_sections=frozenset({"Temp", "Static", "Input", "Output", "InOut"}))
    graphical, named_by_scl_alone = 0, 0
    for path in sorted((CORPUS / "simaticml").rglob("*.xml")):
        loaded = load([str(path)], style=every)
        found = {d.block for d in check(loaded, info=True) if d.code == "STYLE_UNUSED_LOCAL"}
        for block in loaded.program.blocks.values():
            if not any(net.flgnet is not None for net in block.networks):
                continue
            graphical += 1
            assert block.name not in found, (path.name, block.name)
            scl = [n.statements for n in block.networks if n.flgnet is None]
            names = {node.name.lower() for body in scl for s in body for node in walk(s) if isinstance(node, Name)}
            named_by_scl_alone += any(v.name.lower() not in names for v in block.decls)
    assert graphical >= 20 and named_by_scl_alone >= 10, (graphical, named_by_scl_alone)
