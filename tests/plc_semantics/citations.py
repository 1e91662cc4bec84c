"""The parts of a citation in the semantics suite (a :class:`~tests.plc_semantics.harness.Check`'s ``source``): the
document it names, that document's edition, and the table or page that states the value.

A Siemens manual is named by its number, whose suffix is the edition (``A5E02486680-AK``: the S7-1200 System Manual,
edition AK, V4.2 09/2016); a standard by its number and year (``IEC 61131-3:2013``, ``IEEE 754-2008``); the STEP 7
(TIA Portal) online help has no edition of its own unless the TIA Portal version is named (``STEP 7 V17 help``). A
place is a table (``Table 5-32``) or a page (``p. 128``); a section number alone (``7.4``) spans many pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ("Citation", "all_checks", "citation_of")

_MANUAL = re.compile(r"\bA5E\d{8}-([0-9A-Z]{2})\b")
_STANDARD = re.compile(r"\b(?:IEC 61131-3|IEEE 754)(?:[:-](\d{4}))?")
_HELP = re.compile(r"\bSTEP 7(?: V(\d+))? help\b|\bTIA Portal help\b|\bSTEP 7 help\b")
_PLACE = re.compile(r"\bTables? \d+(?:[-.]\d+)?|\bp(?:p?\.|ages?) \d+")
_OWN_DOCS = re.compile(r"\bdocs/[\w.-]+\.md\b")


@dataclass(frozen=True)
class Citation:
    """What a source text names; an empty string where it names nothing of that part."""

    document: str
    edition: str
    place: str

    def gaps(self) -> tuple[str, ...]:
        """The parts the citation lacks, in the order document, edition, place."""
        return tuple(part for part, value in (("document", self.document), ("edition", self.edition),
                                              ("table or page", self.place)) if not value)


def citation_of(source: str) -> Citation:
    """The first manual, standard or help topic ``source`` names (a manual before a help topic: the one with an
    edition), its edition, and the first table or page in the same part of the text (parts are separated by ``;``,
    so a table cited for a second document is not taken for the first's)."""
    for pattern, edition in ((_MANUAL, 1), (_STANDARD, 1), (_HELP, 1), (_OWN_DOCS, None)):
        found = pattern.search(source)
        if found is None:
            continue
        start = source.rfind(";", 0, found.start()) + 1
        end = source.find(";", found.end())
        place = _PLACE.search(source, start, len(source) if end < 0 else end)
        return Citation(found.group(0), (found.group(edition) or "") if edition else "",
                        place.group(0) if place else "")
    return Citation("", "", "")


def all_checks() -> list[tuple[str, str, str, bool]]:
    """(family, check name, source, thin) of every check of the suite's families (tests/plc_semantics)."""
    import importlib
    import pkgutil

    import tests.plc_semantics as suite
    from tests.plc_semantics.harness import Family

    families: dict[int, Family] = {}
    for info in pkgutil.iter_modules(suite.__path__):
        module = importlib.import_module(f"{suite.__name__}.{info.name}")
        for value in vars(module).values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Family):
                    families[id(item)] = item
    return [(family.name, check.name, check.source, check.thin) for family in families.values()
            for _case, _step, check in family.checks()]
