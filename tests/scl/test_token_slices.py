"""A network's tokens cut from its source's lexing (``simatic_xml.scl.token_slices``) are the tokens of lexing the
network's text anew: kinds, texts, lines, columns, offsets and the comments before each, or none are cut.

Checked over every block body of the corpus's sources (each generated network is cut: none lexed again) and over
generated sources and cuts: tabs (TIA's export tab taken off), CRLF, lone CR, astral characters, comments over lines,
strings and names with quotes, REGIONs at a cut's edges, cuts that start after BEGIN or in a line's middle.
"""

from __future__ import annotations

import random

import pytest

from simatic_xml.generate.from_scl import body_location, without_export_tab
from simatic_xml.generate.from_source import generate_source
from simatic_xml.scl.errors import SclError, SclSyntaxError
from simatic_xml.scl.lexer import Token, source_lines, tokenize, tokenize_source
from simatic_xml.scl.parser import parse_source
from simatic_xml.scl.token_slices import network_tokens, offer_network, slice_tokens, source_scope
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"


def _shape(tokens: list[Token]) -> list[tuple[object, ...]]:
    return [(t.kind, t.text, t.line, t.col, t.pos, [(c.kind, c.text, c.line, c.col, c.pos) for c in t.pre or []])
            for t in tokens]


def _corpus_sources() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() in (".scl", ".udt", ".db"):
            out.append((path.relative_to(CORPUS).as_posix(), path.read_bytes().decode("utf-8-sig", "replace")))
    return out


def _cut(text: str, tokens: list[Token], body: str, line: int, col: int, tab: bool) -> list[Token] | None:
    with source_scope(text, tokens):
        offer_network(body, line, col, tab_taken=tab)
        return network_tokens(body)


def test_every_corpus_block_body_is_cut_from_its_source_as_lexing_it_anew() -> None:
    cut = 0
    for where, text in _corpus_sources():
        try:
            source, tokens = parse_source(text, where)
        except SclError:
            continue
        assert tokens is not None, where
        lines = source_lines(text)
        for block in source.blocks:
            body, line, col = body_location(block, lines)
            body, tab = without_export_tab(body)
            if not body.strip():
                continue
            got = _cut(text, tokens, body, line, col, tab)
            assert got is not None, f"{where}:{block.name}: not cut"
            assert _shape(got) == _shape(tokenize(body, keep_comments=True)), f"{where}:{block.name}"
            cut += 1
    assert cut > 200  # the corpus's bodies: every one cut, none lexed again


def test_a_generated_source_lexes_each_network_no_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generating a corpus source lexes the source once and none of its networks again."""
    text = (CORPUS / "fseenig__Automacao_GIT").rglob("*.scl").__next__().read_text(encoding="utf-8-sig")
    calls: list[str] = []
    real = tokenize

    def counted(source: str, keep_comments: bool = False) -> list[Token]:
        calls.append(source)
        return real(source, keep_comments)

    monkeypatch.setattr("simatic_xml.scl.parser.tokenize", counted)  # what a network's parse lexes with
    result = generate_source(text, file="x.scl", version="V19")
    assert result.blocks and calls == []


# Generated sources: pieces the lexer treats at the edges of a cut.
_PIECES = [
    "x := 1;", "#a := #b + 2.5;", "IF #c THEN", "END_IF;", "REGION Main part", "END_REGION", "END_REGION ;",
    "REGION", "Region := 3;", "#s.Region := 1;", "x.", "(* one *)", "(* over\nlines *)", "(* nested (* in *) *)",
    "/* c\r\nc */", "// line comment", "'it''s $'q$' ok'", '"quoted ""name"""', "#\"q name\" := 'a';",
    "T#1s", "16#FF", "P#M10.0 BYTE 10", "%MW10", "TITLE = a title", "\t", "  ", "\r", "😀", "'😀'", "// 😀 x",
    "BEGIN", "END_FUNCTION", ";", "x := y.#z;", "(/* doc */)", "a :=", "b", "..", "= 1;", "'a\rb'", "(*\r*)",
    "(* a\n\tb\r\n\t*)", "x :=\n\t\t1;", "REGION a // b", "//\r",
]


def _random_source(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 8)):
        parts = [rng.choice(_PIECES) for _ in range(rng.randint(0, 4))]
        lead = rng.choice(["", "\t", "\t\t", "  ", "\t "])
        lines.append(lead + " ".join(parts) + rng.choice(["", " ", "\t", "\r"]))
    return rng.choice(["\n", "\r\n"]).join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_generated_cuts_equal_lexing_anew_or_are_refused(seed: int) -> None:
    rng = random.Random(seed)
    cut = refused = 0
    for _ in range(400):
        text = _random_source(rng)
        try:
            tokens, _ = tokenize_source(text)
        except SclSyntaxError:
            continue
        if tokens is None:
            continue
        lines = source_lines(text)
        first = rng.randrange(len(lines))
        last = rng.randrange(first, len(lines)) + 1
        col = rng.randint(1, len(lines[first]) + 1) if rng.random() < 0.3 else 1
        body = "\n".join([lines[first][col - 1:], *lines[first + 1:last]]).rstrip()
        body, tab = without_export_tab(body) if rng.random() < 0.5 else (body, False)
        if not body:
            continue
        got = _cut(text, tokens, body, first + 1, col, tab)
        if got is None:
            refused += 1
            continue
        cut += 1
        try:
            expected = tokenize(body, keep_comments=True)
        except SclSyntaxError as exc:
            raise AssertionError(f"cut tokens for a text that does not lex: {body!r} ({exc})") from None
        assert _shape(got) == _shape(expected), (text, body)
    assert cut > 100 and refused > 0  # both sides of the rules are exercised


@pytest.mark.parametrize(("source", "body", "starts"), [
    ("BEGIN\nx := 1; REGION := 2;\n", "x := 1; REGION", [6]),  # the REGION's look past the cut sees ':='
    ("BEGIN\nREGION Region := 3;\n", "Region := 3;", [13]),  # a REGION's name in the source
    ("BEGIN\n#a.\nREGION x\n", "REGION x", [10]),  # after '.', REGION is a name in the source
    ("BEGIN\nx := 1; // c  \n", "x := 1; // c", [6]),  # the comment's blanks run past the cut
    ("BEGIN\nx := 1;y\n", "x := 1;", [6]),  # the source's line goes on past the cut
    ("BEGIN\nx := 1;\n", "x := 2;", [6]),  # not the source's text
    ("BEGIN\nTITLE = t\nx;\n", "TITLE = t\nx;", [6, 16]),  # a TITLE runs to its line's end
    ("BEGIN\n(* a\nb *) x;\n", "b *) x;", [11]),  # the cut starts inside a comment
])
def test_cuts_the_lexer_could_read_otherwise_are_refused(source: str, body: str, starts: list[int]) -> None:
    tokens, _ = tokenize_source(source)
    assert tokens is not None
    assert slice_tokens(source, tokens, body, starts) is None


def test_a_source_whose_region_follows_a_comment_after_a_dot_is_lexed_as_each_mode_lexes_it() -> None:
    text = "x := a. (* c *) REGION THEN;\n"
    with_comments, significant = tokenize_source(text)
    assert with_comments is not None
    assert _shape(with_comments) == _shape(tokenize(text, keep_comments=True))
    assert _shape(significant) == _shape(tokenize(text))
    assert [t.kind for t in significant] != [t.kind for t in with_comments if t.kind != "COMMENT"]
