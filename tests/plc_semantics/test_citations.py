"""The citations of the semantics suite checked: each check's ``source`` is parsed into the document it names, that
document's edition and the table or page that states the value (:mod:`tests.plc_semantics.citations`).

A check without a document is one resting on thin evidence (marked ``thin``); the citations still lacking an edition
or a place are the known ones of ``citation_gaps.json``, each with what it lacks: a new check is cited completely,
and a citation completed must leave that list.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.plc_semantics.citations import Citation, all_checks, citation_of

_GAPS = Path(__file__).with_name("citation_gaps.json")


def test_a_citation_is_read_into_document_edition_and_table_or_page() -> None:
    assert citation_of("S7-1200 System Manual A5E02486680-AK (09/2016), 5.4.4, Table 5-32") == Citation(
        "A5E02486680-AK", "AK", "Table 5-32")
    assert citation_of("S7-1200 System Manual A5E02486680-05, 7.2 Timers, p. 175: Q updates").gaps() == ()
    assert citation_of("STEP 7 help DIV/MOD (S7-1500)").gaps() == ("edition", "table or page")
    assert citation_of("IEC 61131-3:2013, Table 2").gaps() == ()
    # a table cited for a second document is not the first one's
    assert citation_of("Functions A5E00739858-01, 25.6 SFB 2; S7-1200 System Manual, Table 7-26").place == ""
    assert citation_of("practitioner report of a real S7-1500").gaps() == ("document", "edition", "table or page")


def test_every_check_without_a_document_is_marked_thin() -> None:
    checks = all_checks()
    assert len(checks) > 400  # the whole suite, not one family
    undocumented = [(family, name) for family, name, source, thin in checks
                    if "document" in citation_of(source).gaps() and not thin]
    assert undocumented == []


def test_the_citations_lacking_an_edition_or_a_place_are_the_known_ones() -> None:
    known = json.loads(_GAPS.read_text(encoding="utf-8"))["gaps"]
    found = {source: " / ".join(gaps) for _f, _n, source, _t in all_checks() if (gaps := citation_of(source).gaps())}
    new = {source: gaps for source, gaps in found.items() if known.get(source) != gaps}
    assert new == {}, "cite the document's edition (its number's suffix) and the table or page"
    completed = sorted(set(known) - set(found))
    assert completed == [], "these citations are complete (or gone) now: take them out of citation_gaps.json"
