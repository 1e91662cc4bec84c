"""What ends a line of an SCL source: ``\\n`` alone (``simatic_xml.scl.lexer.source_lines``), as the lexer counts.

``str.splitlines()`` also splits at ``\\v \\f \\x1c \\x1d \\x1e \\x85 \\u2028 \\u2029``: the generator numbered the
source's lines so, and one such character in a comment or a string shifted every line after it from the parser's
numbers, and the block's body was taken from the wrong lines: ``ok`` with no network at all, the statements lost.

The class, over the accepted corpus sources (a seeded sample of 12 of the 204: all of them take a minute): each of those
characters put into the first comment and into the first string of a source generates the same blocks, each with
its networks and their statements (the character kept as text where it was put), or, for a character XML 1.0 has
not (SimaticML cannot hold it), a clear error at its place and no block; never fewer networks than bodies."""

from __future__ import annotations

import random

import pytest

from simatic_xml import tokens_to_text
from simatic_xml.generate.from_scl import source_to_specs
from simatic_xml.generate.from_source import generate_source, read_text
from simatic_xml.model import Block
from simatic_xml.scl import parse, source_lines, tokenize
from simatic_xml.generate.errors import SpecError
from tests.generate_sources.corpus_sources import ACCEPTED, CORPUS, repo_of, source_context

IN_XML = ("\x85", "\u2028", "\u2029")
"""splitlines() line ends that XML 1.0 holds: kept as text of their comment or string."""
NOT_IN_XML = ("\v", "\f", "\x1c", "\x1d", "\x1e")
"""splitlines() line ends that XML 1.0 has no character for: the source is refused at the character."""
SAMPLE = 12


def _networks(result) -> dict[str, list[str]]:
    """Block name -> the text of each of its networks, as generated."""
    out: dict[str, list[str]] = {}
    for block in result.blocks:
        obj = block.document.object
        units = obj.compile_units if isinstance(obj, Block) else []
        out[block.name] = [tokens_to_text(u.network_source.body) if u.network_source and u.network_source.body
                           is not None else "" for u in units]
    return out


def _places(text: str) -> tuple[str, list[tuple[str, int]]]:
    """The text and where to put a character in it: inside its first comment and its first string (a source without a
    comment gets one at the end of its first line, where it moves nothing)."""
    tokens = tokenize(text, keep_comments=True)
    if not any(t.kind == "COMMENT" for t in tokens):
        first_line_end = text.index("\n")
        text = text[:first_line_end] + " // added" + text[first_line_end:]
        tokens = tokenize(text, keep_comments=True)
    places = []
    for kind, offset in (("COMMENT", 2), ("STRING", 1)):
        first = next((t for t in tokens if t.kind == kind), None)
        if first is not None:
            places.append((kind, first.pos + offset))
    return text, places


@pytest.mark.parametrize("name", random.Random(71).sample(ACCEPTED, SAMPLE))
def test_a_line_end_of_str_splitlines_in_a_comment_or_string_keeps_every_network(name: str) -> None:
    text, places = _places(read_text(CORPUS / name).removeprefix("\ufeff"))
    context = source_context(repo_of(name))
    before = generate_source(text, file=name, version="V19", context=context)
    assert before.ok and before.blocks, before.diagnostics
    expected = _networks(before)
    for kind, at in places:
        for char in IN_XML + NOT_IN_XML:
            changed = text[:at] + char + text[at:]
            after = generate_source(changed, file=name, version="V19", context=context)
            where = f"{char!r} in the first {kind} of {name}"
            if char in NOT_IN_XML:
                line = changed.count("\n", 0, at) + 1
                assert not after.ok and not after.blocks, where
                assert [(d.line, d.severity) for d in after.diagnostics] == [(line, "Error")], where
                assert f"U+{ord(char):04X}" in after.diagnostics[0].message, where
                continue
            assert after.ok, (where, after.diagnostics)
            got = _networks(after)
            assert {n: len(v) for n, v in got.items()} == {n: len(v) for n, v in expected.items()}, where
            assert {n: [t.replace(char, "") for t in v] for n, v in got.items()} == expected, where


def test_the_lines_are_the_lexer_s() -> None:
    text = "A\r\nB // x\u2028y\x85z\fw\vv\x1c\x1d\x1e\u2029u\nC\n"
    assert source_lines(text) == ["A", "B // x\u2028y\x85z\fw\vv\x1c\x1d\x1e\u2029u", "C", ""]
    assert [t.line for t in tokenize(text)][:3] == [1, 2, 3]


def test_a_body_that_cannot_be_taken_from_the_text_is_an_error_not_an_empty_block(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the body's lines ever be missed again, the generation fails instead of writing a block without it."""
    from simatic_xml.generate import from_scl

    text = 'FUNCTION "FC_W" : Int\nVAR_INPUT v : Int; END_VAR\nBEGIN\n  #FC_W := #v;\nEND_FUNCTION\n'
    from simatic_xml.scl import lexer

    def lost(text: str) -> list[str]:
        return ["" for _ in text.split("\n")]

    monkeypatch.setattr(from_scl, "source_lines", lost)
    monkeypatch.setattr(lexer, "source_lines", lost)  # generate_source splits once for its blocks
    with pytest.raises(SpecError, match="statements of the block could not be taken"):
        source_to_specs(parse(text), text)
    result = generate_source(text, file="w.scl", version="V19")
    assert not result.ok and not result.blocks
    assert any("could not be taken" in d.message for d in result.diagnostics), result.diagnostics


def test_a_block_without_begin_keeps_the_statements_after_its_declarations() -> None:
    """TIA imports code that follows the declarations without BEGIN (ESS PLCFactory's sources in the corpus): those
    statements are the block's network (they were dropped: a block without a network, and success)."""
    text = ('FUNCTION_BLOCK "FB_NoBegin"\r\nVERSION : 0.1\r\n   VAR\r\n      n : Int;\r\n   END_VAR\r\n'
            '    // counts\r\n    #n := #n + 1;\r\n    IF #n > 10 THEN #n := 0; END_IF;\r\nEND_FUNCTION_BLOCK\r\n')
    result = generate_source(text, file="nobegin.scl", version="V19")
    assert result.ok, result.diagnostics
    body = "    // counts\n    #n := #n + 1;\n    IF #n > 10 THEN #n := 0; END_IF;"
    assert _networks(result) == {"FB_NoBegin": [body]}


def test_a_finding_s_source_line_is_counted_as_the_compiler_counts() -> None:
    """The compile answer moves a finding into its source's lines from the line of the block's BEGIN: counted with the
    same line ends as the parser, or every finding after a U+2028 in a comment is a line off."""
    from engineering_api.domain.source_lines import body_starts

    text = 'FUNCTION "FC_W" : Int // a\u2028b\x85c\nVAR_INPUT v : Int; END_VAR\nBEGIN\n  #FC_W := #v;\nEND_FUNCTION\n'
    begin = next(t for t in tokenize(text) if t.kind == "BEGIN")
    assert body_starts(text) == {"FC_W": begin.line} == {"FC_W": 3}


def test_source_lines_takes_one_carriage_return_off_each_line_and_nothing_else() -> None:
    """The rule (a line ends at ``\\n``; the ``\\r`` of a CRLF belongs to its end), against every text of up to seven
    characters of ``a``, ``\\r`` and ``\\n``: the lines split in C (a text without ``\\r`` as it is, else with each
    ``\\r\\n`` made ``\\n``) are those of the rule, ``x\\r\\r\\n`` keeping one ``\\r`` and a last ``\\r`` taken off."""
    import itertools

    def rule(text: str) -> list[str]:
        return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]

    for size in range(8):
        for chars in itertools.product("a\r\n", repeat=size):
            text = "".join(chars)
            assert source_lines(text) == rule(text), repr(text)
