"""The lexer's master pattern names each alternative by an empty group after it (so that the regular expression
engine rules an alternative out by its first character) and writes the first letter of ``(?i:TITLE)`` and
``(?i:P#…)`` as its class: it matches as the alternatives written as before, each in a group of its own.

Checked over every corpus source and generated texts, at every offset the lexer's scan may start from.
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from simatic_xml.scl import lexer
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"

_BLANKS = r"[ \t\r\f\v\ufeff\u00a0]"
_AS_WRITTEN = {  # the alternatives as they were written before their first character became a class
    "TITLE": r"(?i:TITLE)\b[ \t]*=(?![>=])[^\n]*",
    "BASED": r"\d+#[0-9A-Fa-f_]+",
    "POINTER": r"(?i:P#[ \t]*(?:DB\d+\.DBX[ \t]*|DI\d+\.DIX[ \t]*|[IQEAMLVP][ \t]*)?\d+\.[0-7](?![\d.])"
               r"(?:[ \t]+[A-Z_]\w*[ \t]+\d+(?![\w.#]))?)",
}
_GROUPED = re.compile(
    _BLANKS + "*(?:" + "|".join(f"({_AS_WRITTEN.get(name, rx)})" for name, rx in lexer._SPEC) + ")|" + _BLANKS
    + r"+\Z")


def _matches(text: str, start: int) -> list[tuple[str, int, int]]:
    """(kind, token start, end) of the master's scan from ``start``, and of the grouped pattern's."""
    out = []
    for m in lexer._MASTER.finditer(text, start):
        index = m.lastindex
        out.append(("" if index is None else lexer._KINDS[index], m.end(1) if index else -1, m.end()))
    return out


def _grouped(text: str, start: int) -> list[tuple[str, int, int]]:
    out = []
    for m in _GROUPED.finditer(text, start):
        index = m.lastindex
        out.append(("" if index is None else lexer._SPEC[index - 1][0], m.start(index) if index else -1, m.end()))
    return out


def test_only_two_characters_match_each_first_letter_written_as_a_class() -> None:
    for letter, cases in (("T", {"T", "t"}), ("P", {"P", "p"})):
        rx = re.compile(f"(?i:{letter})")
        assert {chr(c) for c in range(sys.maxunicode + 1) if rx.fullmatch(chr(c))} == cases


def test_the_master_matches_as_the_grouped_alternatives_over_the_corpus() -> None:
    for path in sorted(CORPUS.rglob("*.scl")):
        text = path.read_bytes().decode("utf-8-sig", "replace")
        assert _matches(text, 0) == _grouped(text, 0), path


_PIECES = ["TITLE = x", "title = y", "title=>", "Title_1 = 2", "tıtle = x", "P#M10.0", "p#DB1.DBX0.0 BYTE 10",
           "ſ#1", "16#FF", "123#", "1#z", "T#1s", "t#2ms", "LT#5s", "S5T#1s", "ſ5t#1s", "DT#2020-01-01", "K#1", "İ#2",
           "x", "#y",
           "'s'", '"q"', "(* c *)", "// c", "/* c */", ":=", ";", "%MW1", " ", "\t", "\r\n", "\n", "😀", "1.5e3"]


@pytest.mark.parametrize("seed", range(4))
def test_the_master_matches_as_the_grouped_alternatives_over_generated_texts(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        text = "".join(rng.choice(_PIECES) + rng.choice(["", " "]) for _ in range(rng.randint(1, 10)))
        start = rng.randrange(len(text) + 1)
        assert _matches(text, start) == _grouped(text, start), (text, start)
