"""``type_from_text`` reads an elementary type's text once (``_ELEMENTARY_TEXTS``): a remembered reading is the
reading, whatever members, sections, version or issue list come with the text, on every member type of the
corpus exports and on texts that only look elementary."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.rules.compiler import program
from engineering_api.rules.compiler.program import TypeIssue, type_from_text
from simatic_xml import parse_bytes
from simatic_xml.interface import Member, Section, Sections

CORPUS = Path("/work/shared/corpus/simaticml")


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


@pytest.mark.parametrize("extra", [{}, {"members": WITH}, {"version": "1.0"},
                                   {"sections": Sections([Section("None", [Member("x", "Int")])])}])
def test_a_remembered_reading_is_the_reading(extra: dict[str, object]) -> None:
    texts = _corpus_types() + LOOK_ALIKES
    assert len(texts) > 100
    for text in texts:
        program._ELEMENTARY_TEXTS.clear()
        fresh_issues: list[TypeIssue] = []
        fresh = type_from_text(text, issues=fresh_issues, **extra)  # type: ignore[arg-type]
        again_issues: list[TypeIssue] = []
        again = type_from_text(text, issues=again_issues, **extra)  # type: ignore[arg-type]  # remembered now
        assert (again, again_issues) == (fresh, fresh_issues), text
    program._ELEMENTARY_TEXTS.clear()
    for text in texts:
        type_from_text(text, **extra)  # type: ignore[arg-type]
    assert {"Int", " Int ", "String[20]"} <= program._ELEMENTARY_TEXTS.keys()  # the remembered path really ran
    assert not {"Struct", '"Int"', "Array[0..1] of Int", "Unknown_Type"} & program._ELEMENTARY_TEXTS.keys()
