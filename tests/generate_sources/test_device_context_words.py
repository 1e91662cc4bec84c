"""Which of the PLC's FBs and UDTs a source names unquoted (``is_word_of``, ``words_of``): the words the name scan of
the whole text finds (``_NAME.findall``), checked against that scan over generated texts and every corpus SCL source,
and made the cheaper way for the number of names ``device_context`` looks up."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramObjectInfo
from engineering_api.rules import source_generation
from engineering_api.rules.source_generation import _DEFINED, _NAME, WORD_SET_FROM, device_context, is_word_of, words_of
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"

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
        searched, looked_up = words_of(text, WORD_SET_FROM - 1), words_of(text, WORD_SET_FROM)
        for word in sorted(words)[::5]:
            for name in (word, word[1:], word[:-1], "x" + word, word + "1"):
                if name:
                    assert is_word_of(text, name) == searched(name) == looked_up(name) == (name in words), (
                        path.name, name)
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


class _Program:
    def __init__(self) -> None:
        self.exported: list[str] = []

    def export_program_object(self, device: str, name: str) -> Any:
        self.exported.append(name)
        raise e.NotFoundError(f"{name} is not exported here", code="NOT_FOUND")


@pytest.mark.parametrize("fbs", [3, WORD_SET_FROM - 1, WORD_SET_FROM, 2000])
def test_the_plc_s_names_are_looked_up_in_one_scan_when_there_are_many(fbs: int,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Searching the text once per name costs (names x text): with the PLC's 2,000 FBs over the largest corpus
    source, ~35 times the one scan making its words. From :data:`WORD_SET_FROM` names the words are made once."""
    searches: list[str] = []

    def counted(text: str, name: str) -> bool:
        searches.append(name)
        return is_word_of(text, name)

    monkeypatch.setattr(source_generation, "is_word_of", counted)
    objects = [ProgramObjectInfo(name=f"Unit{i}", kind="FB" if i % 2 else "UDT") for i in range(fbs)]
    objects.append(ProgramObjectInfo(name="Tags", kind="TagTable"))
    text = "FUNCTION F : Void\nVAR\n a : Unit1;\n b : Unit2;\n c : Unit21x;\nEND_VAR\nBEGIN\nEND_FUNCTION\n"
    program = _Program()
    context = device_context(SimpleNamespace(program=program), "PLC_1", text, objects)
    assert program.exported == ["Unit1", "Unit2"]
    assert len(context.fbs) + len(context.udts) == fbs
    assert len(searches) == (fbs if fbs < WORD_SET_FROM else 0)
