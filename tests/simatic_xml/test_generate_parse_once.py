"""Generating an SCL source parses each network's text into tokens once where the check and the build agree."""

from __future__ import annotations

import pytest

from simatic_xml import scl_parse
from simatic_xml.generate.from_source import generate_source
from simatic_xml.generate.spec_types import NetworkSpec
from simatic_xml.scl.ast import Stmt
from simatic_xml.scl.lexer import Token
from simatic_xml.scl_context import SclContext
from simatic_xml.xmlnode import XmlNode

_FB = """FUNCTION_BLOCK "Counter"
VAR_INPUT
  step : Int;
END_VAR
VAR
  total : Int;
END_VAR
BEGIN
  {comment}#total := #total + #step;
  IF #total > GLOBAL_LIMIT THEN
    #total := 0;
  END_IF;
END_FUNCTION_BLOCK
"""


@pytest.fixture(name="parses")
def fx_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    parse = scl_parse.parse_scl_tokens

    def counted(text: str, *, version: str, context: SclContext) -> tuple[XmlNode, list[Stmt], list[Token]]:
        texts.append(text)
        return parse(text, version=version, context=context)

    # Every parse of a network's text goes through parse_scl_tokens (parse_scl calls it
    # through its module; the network checks import it from there when they run).
    monkeypatch.setattr(scl_parse, "parse_scl_tokens", counted)
    return texts


def _generate(comment: str, version: str | None = None) -> bytes:
    result = generate_source(_FB.format(comment=comment), file="Counter.scl", version=version)
    assert result.ok and not [d for d in result.diagnostics if d.severity == "Error"], result.diagnostics
    return result.blocks[0].xml


def test_a_network_the_check_reads_as_written_is_parsed_once(parses: list[str]) -> None:
    _generate("// a line comment stays in the text the check reads\n  ")
    assert len(parses) == 1


def test_a_network_whose_check_text_has_its_block_comments_blanked_is_parsed_once(parses: list[str]) -> None:
    """Blanking a comment leaves the significant tokens: the network's own text is parsed, for the check and the
    build (it was parsed twice, the blanked text for the check and the text for the build)."""
    xml = _generate("(* #step in a block comment is no operand *)\n  ")
    assert len(parses) == 1 and "(* #step in a block comment" in parses[0]
    assert b"#step in a block comment" in xml


def test_a_network_whose_check_text_has_its_region_names_blanked_is_parsed_once(parses: list[str]) -> None:
    xml = _generate("REGION #step in a region name is no operand\n  END_REGION ; // closed\n  ")
    assert len(parses) == 1 and "REGION #step" in parses[0]
    assert b"#step in a region name" in xml


def test_a_region_word_that_is_no_region_parses_the_checked_text_as_before(parses: list[str]) -> None:
    """``Region`` at a line's start used as a name reads otherwise once the rest of its line is blanked: the check
    reads the blanked text (its verdict as before), the build the network's text."""
    text = _FB.format(comment="Region := 1;\n  ").replace("total : Int;", "total : Int;\n  Region : Int;")
    result = generate_source(text, file="Counter.scl")
    assert len(parses) >= 2 and "Region := 1;" in parses[0] and "Region := 1;" not in parses[1]
    assert [d.code for d in result.diagnostics if d.severity == "Error"] == ["SYNTAX_ERROR"]


def test_a_member_written_a_dot_hash_name_is_parsed_once(parses: list[str]) -> None:
    """``a.#b`` is read ``a. b`` by the check: a member either way, so the network's text serves both."""
    text = _FB.format(comment="#s.#x := 1;\n  ").replace("total : Int;", "total : Int;\n  s : Struct x : Int; "
                                                                           "END_STRUCT;")
    result = generate_source(text, file="Counter.scl")
    assert result.ok, result.diagnostics
    assert len(parses) == 1 and "#s.#x" in parses[0]


def test_an_ob_s_event_input_read_as_a_word_is_parsed_again_for_the_build(parses: list[str]) -> None:
    """An OB's ``#IO_State`` is read `` IO_State`` by the check, which may be a keyword (``#END_IF``): the check
    parses its copy, the build the text."""
    text = ('ORGANIZATION_BLOCK "Diag"\nVAR_TEMP t : Int; END_VAR\nBEGIN\n  IF #IO_State = 0 THEN #t := 1; END_IF;\n'
            'END_ORGANIZATION_BLOCK\n')
    result = generate_source(text, file="Diag.scl")
    assert len(parses) == 2 and "#IO_State" not in parses[0] and "#IO_State" in parses[1], result.diagnostics


COMMENTS = ("(* #undeclared_x *)", "(* a\n  b *)", "/* #c */", "(* (* nested #n *) *)", "(*\r#r*)",
            "(/* a doc comment */)", "(* unclosed", "REGION r (* #c *)\n  END_REGION\n  ", "x := (* #c *) 1;",
            "// (* in a line comment\n  ", "'(* in a string *)';", "\nREGION #r // c\n  END_REGION ; ;\n",
            "\nREGION\nEND_REGION;\n", "\nEND_REGION #e\n", "\nREGION := 1;\n", "\nRegion.x := 1;\n",
            "\nREGION a\nEND_REGION ; ;\n", "\nREGION a\nEND_REGION ; #x := 1;\n", "#s.#x := 1;",
            "#s.#END_IF := #s.#\"q r\";", "#a[1..#n] := 0;", "#s.#Region := 1;", "x := 'a.#b';", "#s.#TITLE := 1;",
            "#s. #x := 1;", "#s.#x.#y[#i].#z := #s.#x;")
"""Block comments and REGION lines put into real code: every kind of comment, one left open, one on a REGION line
(the region's text there), one in an expression, ``(*`` in a line comment and in a string (no comment); regions
with and without names, a stray END_REGION, REGION and Region as names, a second ``;`` and code after ``END_REGION ;``
on its line (blanked with the name: the copy reads otherwise); members written ``a.#b`` (keywords, quoted, REGION
and TITLE as names, in a string, after ``..``)."""


def _outcome(text: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    result = generate_source(text, file="mutant.scl", version="V19")
    return [(b.name, b.xml) for b in result.blocks], [repr(d) for d in result.diagnostics]


def test_one_parse_of_a_blanked_network_changes_no_verdict_and_no_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    """The class: a seeded sample of accepted corpus sources, each text of :data:`COMMENTS` put at a statement's
    end: what is generated (every byte) and every diagnostic are those of the two parses (blanked text for the
    check, text for the build)."""
    import random

    from simatic_xml.generate import checks
    from tests.generate_sources.corpus_sources import ACCEPTED, CORPUS

    rng = random.Random(71)
    sources = [(CORPUS / name).read_text(encoding="utf-8-sig") for name in rng.sample(ACCEPTED, 3)]
    sources.append(_FB.format(comment=""))
    mutants = []
    for text in sources:
        ends = [i for i, c in enumerate(text) if c == ";" and text[i + 1:i + 2] in ("\n", "\r")]
        for comment in COMMENTS:
            at = ends[rng.randrange(len(ends))] + 1 if ends else len(text)
            mutants.append(text[:at] + " " + comment + text[at:])
    parsed_as_written: list[bool] = []
    shortcut = checks._parsed_as_written

    def recorded(copy: NetworkSpec, net: NetworkSpec, context: SclContext) -> bool:
        parsed_as_written.append(shortcut(copy, net, context))
        return parsed_as_written[-1]

    monkeypatch.setattr(checks, "_parsed_as_written", recorded)
    once = [_outcome(text) for text in mutants]
    assert True in parsed_as_written and False in parsed_as_written  # both ways were taken
    monkeypatch.setattr(checks, "_parsed_as_written", lambda copy, net, context: False)  # the two parses
    assert once == [_outcome(text) for text in mutants]
    assert any(blocks for blocks, _ in once) and any(not blocks for blocks, _ in once)


def test_a_build_for_another_structured_text_version_parses_again(parses: list[str]) -> None:
    _generate("", version="V16")  # StructuredText v3, the check parses v4
    assert len(parses) == 2
