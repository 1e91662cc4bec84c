"""Which of the PLC's FBs and UDTs a source names unquoted (``is_word_of``): the words the name scan of the whole
text finds (``_NAME.findall``), checked against that scan over generated texts and every corpus SCL source."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engineering_api.rules.source_generation import _DEFINED, _NAME, is_word_of

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "scl"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/scl")

# letters, decimal digits, other digits and numerals that are word characters but no \d (superscripts, Roman
# numerals), underscores, non-word characters SCL uses, Unicode letters and digits (Arabic-Indic)
_ALPHABET = "ab_AB019²Ⅻé٣ \t\n\".#:;()[]"


def _words(text: str) -> set[str]:
    return set(_NAME.findall(text))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=_ALPHABET, max_size=40), st.text(alphabet=_ALPHABET, min_size=1, max_size=4))
def test_a_name_is_a_word_of_a_text_exactly_where_the_scan_finds_it(text: str, name: str) -> None:
    assert is_word_of(text, name) == (name in _words(text))
    for word in _words(text):
        assert is_word_of(text, word)


def test_every_corpus_source_s_words_and_near_misses() -> None:
    """Each word the scan finds in a corpus source, and each with a character more or less: found exactly where
    the scan finds it."""
    checked = 0
    for path in sorted(CORPUS.rglob("*"))[::3]:
        if path.suffix.lower() not in (".scl", ".udt", ".db"):
            continue
        text = path.read_bytes().decode("utf-8-sig", "replace")
        words = _words(text)
        for word in sorted(words)[::5]:
            for name in (word, word[1:], word[:-1], "x" + word, word + "1"):
                if name:
                    assert is_word_of(text, name) == (name in words), (path.name, name)
                    checked += 1
    assert checked > 1000


def test_the_names_a_source_defines_are_found_as_by_a_search_at_every_position() -> None:
    """``_DEFINED`` looks ahead for a keyword's first letter: the same matches as trying each position."""
    plain = re.compile(r'\b(?:FUNCTION_BLOCK|FUNCTION|DATA_BLOCK|ORGANIZATION_BLOCK|TYPE)\s+"([^"]+)"')
    found = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() in (".scl", ".udt", ".db"):
            text = path.read_bytes().decode("utf-8-sig", "replace")
            assert _DEFINED.findall(text) == plain.findall(text), path.name
            found += len(plain.findall(text))
    assert found > 100
