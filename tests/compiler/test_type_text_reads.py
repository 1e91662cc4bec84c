"""``type_from_text`` reads an elementary type's text once (``_ELEMENTARY_TEXTS``): a remembered reading is the
reading, whatever members, sections, version or issue list come with the text, on every member type of the
corpus exports and on texts that only look elementary."""

from __future__ import annotations


from typing import TypedDict

import pytest

from engineering_api.rules.compiler import program
from engineering_api.rules.compiler.program import TypeIssue, type_from_text
from simatic_xml import parse_bytes
from simatic_xml.interface import Member, Section, Sections
from simatic_xml.xmltext import CACHE_SIZE
from tests.lib.shared_corpus import SHARED

CORPUS = (SHARED / "corpus/simaticml")


def _corpus_types() -> list[str]:
    texts: set[str] = set()

    def add(members: list[Member]) -> None:
        for member in members:
            texts.add(member.datatype)
            add(member.members)

    for path in sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else ():
        interface = getattr(parse_bytes(path.read_bytes()).object, "interface", None)
        for section in interface.sections.sections if interface is not None else ():
            add(section.members)
    return sorted(texts)


LOOK_ALIKES = ["Int", " Int ", "int", "INT", "String[20]", "WString [ 5 ]", "String", "Struct", "STRUCT", '"Int"',
               "Array[0..1] of Int", "Ref_To Int", "TON_TIME", "IEC_TIMER", "Unknown_Type", "Int ", "", "Bool"]
WITH = [Member("a", "Int"), Member("b", "Bool")]


class ReadContext(TypedDict, total=False):
    """What ``type_from_text`` may be given besides the text: the context a reading is remembered under."""

    members: list[Member]
    version: str
    sections: Sections


EXTRAS: list[ReadContext] = [{}, {"members": WITH}, {"version": "1.0"},
                             {"sections": Sections([Section("None", [Member("x", "Int")])])}]


@pytest.mark.parametrize("filled_with", EXTRAS, ids=["plain", "members", "version", "sections"])
def test_a_remembered_reading_is_the_reading(filled_with: ReadContext) -> None:
    """Remembered under one context (``filled_with``), read under each other: what a fresh reading under that
    context gives, issues included."""
    texts = _corpus_types() + LOOK_ALIKES
    assert len(texts) > 100
    for text in texts:
        for read_with in EXTRAS:
            program._ELEMENTARY_TEXTS.clear()
            fresh_issues: list[TypeIssue] = []
            fresh = type_from_text(text, issues=fresh_issues, **read_with)
            program._ELEMENTARY_TEXTS.clear()
            type_from_text(text, issues=[], **filled_with)  # remembered now, or not
            again_issues: list[TypeIssue] = []
            again = type_from_text(text, issues=again_issues, **read_with)
            assert (again, again_issues) == (fresh, fresh_issues), (text, filled_with, read_with)
    program._ELEMENTARY_TEXTS.clear()
    for text in texts:
        type_from_text(text, **filled_with)
    assert {"Int", " Int ", "String[20]"} <= program._ELEMENTARY_TEXTS.keys()  # the remembered path really ran
    assert not {"Struct", '"Int"', "Array[0..1] of Int", "Unknown_Type"} & program._ELEMENTARY_TEXTS.keys()


def test_a_long_type_text_is_not_kept_and_a_full_table_starts_again() -> None:
    program._ELEMENTARY_TEXTS.clear()
    long_text = "String[" + "1" * 100_000 + "]"
    type_from_text(long_text)
    assert long_text not in program._ELEMENTARY_TEXTS
    for n in range(CACHE_SIZE + 10):
        type_from_text(f"String[{n}]")
    assert 0 < len(program._ELEMENTARY_TEXTS) <= CACHE_SIZE
    assert f"String[{CACHE_SIZE + 9}]" in program._ELEMENTARY_TEXTS
    program._ELEMENTARY_TEXTS.clear()
