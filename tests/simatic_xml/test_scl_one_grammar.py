"""One SCL grammar: the StructuredText writer (``text_to_tokens``, behind ``scl build``, the REST SCL import and every
generated SCL network) reads a network with the front end's lexer and parser (``simatic_xml.scl``), so it refuses
exactly what ``scl check`` refuses, at the same position, and never writes tokens for text that is not SCL."""

from __future__ import annotations

import random

import pytest

from simatic_xml.errors import GenerationNotSupportedError, SclSyntaxError
from simatic_xml.generate.from_source import generate_source
from simatic_xml.scl import parse_statements, tokenize
from simatic_xml.scl_context import SclContext
from simatic_xml.scl_text import text_to_tokens, tokens_to_text

from tests.simatic_xml.sxml_corpus import CORPUS, bodies

# The statements on which the writer's own reader and the front end disagreed (issue 75): the writer accepted each.
REFUSED = [
    # SHL/SHR are instructions with named parameters (SHL(IN := ..., N := ...)), not infix operators.
    pytest.param("#a := #b SHL 2;\n", id="SHL-as-operator"),
    # A quote inside a string is written $' in TIA's SCL; 'QWERTY''test' does not compile
    # (industrialmonitordirect.com, "Siemens TIA Portal SCL String Escape Sequences for $ and ' Characters").
    pytest.param("#s := 'a''b';\n", id="doubled-quote"),
    # REGION's name is the rest of its line, so END_REGION on that line is part of the name: the REGION is not closed.
    pytest.param("REGION one #x := 1; END_REGION\n", id="one-line-REGION"),
    # SCL has no IN operator and no set constructor.
    pytest.param("#b := #x IN [1..5];\n", id="IN-set"),
    pytest.param("#x := IN [1..5];\n", id="IN-range"),
    pytest.param("#a := ;\n", id="missing-operand"),
]

ACCEPTED = [
    pytest.param("#a := SHL(IN := #b, N := 2);\n", id="SHL-call"),
    pytest.param("#s := 'a$'b';\n", id="escaped-quote"),
    pytest.param("REGION one\n    #x := 1;\nEND_REGION\n", id="REGION"),
    pytest.param("CASE #x OF\n    1..5:\n        #b := TRUE;\nEND_CASE;\n", id="CASE-range"),
]


def _verdict(call, text: str) -> tuple[str, int, int] | None:
    try:
        call(text)
    except GenerationNotSupportedError:  # valid SCL whose SimaticML form is unknown: the front end accepts it
        return None
    except SclSyntaxError as exc:
        return exc.message, exc.line, exc.col
    return None


@pytest.mark.parametrize("text", REFUSED)
def test_the_writer_refuses_what_the_front_end_refuses_at_its_position(text: str) -> None:
    expected = _verdict(parse_statements, text)
    assert expected is not None
    assert _verdict(text_to_tokens, text) == expected
    assert _verdict(lambda t: text_to_tokens(t, version="v3"), text) == expected


@pytest.mark.parametrize("text", REFUSED)
def test_scl_build_refuses_them_with_the_checkers_syntax_error(text: str) -> None:
    body = "".join("    " + line for line in text.splitlines(keepends=True))
    source = ("FUNCTION_BLOCK \"B\"\nVAR\n    a : Int;\n    b : Bool;\n    x : Int;\n    s : String;\nEND_VAR\n"
              f"BEGIN\n{body}END_FUNCTION_BLOCK\n")
    result = generate_source(source, file="B.scl")
    assert not result.blocks
    assert [d.code for d in result.diagnostics if d.severity == "Error"] == ["SYNTAX_ERROR"]


@pytest.mark.parametrize("text", ACCEPTED)
def test_the_valid_forms_are_written_and_read_back(text: str) -> None:
    assert _verdict(parse_statements, text) is None
    assert tokens_to_text(text_to_tokens(text)) == text


def _mutants(text: str, rng: random.Random, count: int) -> list[str]:
    """``text`` with one token deleted, doubled, or swapped with the next: mostly invalid SCL, some still valid."""
    toks = [t for t in tokenize(text) if t.kind != "EOF"]
    out: list[str] = []
    for _ in range(count):
        k = rng.randrange(len(toks))
        tok = toks[k]
        end = tok.pos + len(tok.text)
        how = rng.choice(("delete", "double", "swap"))
        if how == "delete":
            out.append(text[:tok.pos] + text[end:])
        elif how == "double":
            out.append(text[:end] + " " + tok.text + text[end:])
        elif k + 1 < len(toks):
            nxt = toks[k + 1]
            nend = nxt.pos + len(nxt.text)
            out.append(text[:tok.pos] + nxt.text + text[end:nxt.pos] + tok.text + text[nend:])
    return out


def test_one_verdict_on_mutants_of_every_corpus_scl_network() -> None:
    """TIA's own SCL networks, mutated: the writer's verdict (refused, and where) is the front end's on each."""
    if not CORPUS.is_dir():
        pytest.skip(f"SimaticML corpus not found at {CORPUS}")
    rng = random.Random(75)
    checked = refused = 0
    for _path, body in bodies("StructuredText"):
        text = tokens_to_text(body)
        assert _verdict(text_to_tokens, text) is None  # TIA's own text is accepted
        for mutant in _mutants(text, rng, 8):
            expected = _verdict(parse_statements, mutant)
            assert _verdict(text_to_tokens, mutant) == expected, mutant
            checked += 1
            refused += expected is not None
    assert checked >= 100 and refused >= checked // 3  # the mutants exercise the refusing side


def test_the_writer_takes_labels_from_the_syntax_tree() -> None:
    """A bare word labelling a CASE branch is a CASE label, not a jump label (the writer's own reading wrote
    ``Access Scope="Label"`` for ``xboMyInput1A:`` in the corpus's BjAlvestad FB_MyTestFB_A.scl); a jump label and
    a GOTO target stay labels, a data type labelling a CASE TypeOf branch stays a plain token."""
    context = SclContext()
    context.local_names.update({"sel", "y"})
    text = ("CASE #x OF\n    sel:\n        #y := 1;\nEND_CASE;\nStart:\n#y := 2;\nGOTO Start;\n"
            "CASE TypeOf(#v) OF\n    Real:\n        #y := 3;\nEND_CASE;\n")
    body = text_to_tokens(text, context=context)
    assert [n.attrs["Name"] for n in body.iter("Label")] == ["Start", "Start"]
    assert [c.attrs["Name"] for c in body.iter("Component")][:2] == ["x", "sel"]
    assert any(n.tag == "Token" and n.attrs.get("Text") == "Real" for n in body.iter())
    assert tokens_to_text(body) == text.replace(" sel:", " #sel:")  # a local written without '#' reads back with it
