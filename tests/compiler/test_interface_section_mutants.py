"""TIA's block interface rule, one table (:mod:`simatic_xml.block_interfaces`), every entry: the table holds every
corpus export's sections, and the mutants generated from it (every top-level section of every corpus export renamed
to each section its kind has not; an OB's or a global DB's first section keyword of every corpus SCL source changed
to one declaring such a section) are refused at the section's line by the one check (every CLI check command, the
editor, the REST compile), and by the REST import with the same findings.

Before the table, an FC export with a ``Static`` section, an OB with ``InOut``, a global DB with ``Input`` passed
every entry as SimaticML (the rule lived only in the generation of blocks from a spec or a source).
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.rules.compiler.check import source_text
from simatic_xml.block_interfaces import ROWS, row_of
from tests.compiler.mutants import run_mutants
from tests.compiler.mutants_sections import (FAMILY, interface_sections, scl_member_mutants, scl_section_mutants,
                                             xml_member_mutants, xml_section_mutants)
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
XML = sorted((CORPUS / "simaticml").rglob("*.xml")) if (CORPUS / "simaticml").is_dir() else []
SCL = sorted(p for p in (CORPUS / "scl").rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []

pytestmark = READS_SHARED


def test_every_corpus_export_has_its_rows_sections_in_the_rows_order() -> None:
    seen: Counter[str] = Counter()
    for path in XML:
        root = etree.parse(str(path)).getroot()
        element = next((str(el.tag) for el in root if str(el.tag).startswith("SW.")), "")
        row = row_of(element.rsplit(".", 1)[-1])
        if row is None:
            continue
        names = [el.get("Name") for el in interface_sections(root)]
        assert names == [name for name in row.sections if name in names], (path.name, names, row.sections)
        seen[row.kind] += 1
    # each row's evidence: the kind is in the corpus (the docstring's count of exports)
    assert set(seen) == {row.kind for row in ROWS}, seen
    for row in ROWS:
        assert f"{seen[row.kind]} " in row.evidence or row.kind == "InstanceDB" and "13 instance DB" in row.evidence, \
            (row.kind, seen[row.kind], row.evidence)


def test_section_mutants_of_every_export_are_refused_at_the_section() -> None:
    """Two exports per context (kind, language, section, new name): all 1,290 mutants run by hand,
    ``python -m tests.compiler.mutants_sections``."""
    made: Counter[tuple[str, ...]] = Counter()
    counts, problems = run_mutants({path: list(xml_section_mutants(path, made, per_context=2)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    # every row, in every language the corpus has it in, each of its sections renamed to each name it has not
    assert {kind for kind, *_ in made} == {row.kind for row in ROWS}, made
    assert counts[(FAMILY, True)] == sum(made.values()) >= 150, (counts, len(made))


def test_section_mutants_of_every_scl_source_are_refused_at_the_keyword() -> None:
    made: Counter[tuple[str, ...]] = Counter()  # three sources per (kind, keyword), the smallest first
    counts, problems = run_mutants({path: list(scl_section_mutants(path, source_text(path.read_bytes()), made, 3))
                                    for path in sorted(SCL, key=lambda p: p.stat().st_size)})
    assert not problems, "\n".join(problems[:20])
    assert {kind for kind, _ in made} == {"OB", "GlobalDB"} and counts[(FAMILY, True)] >= 11, (counts, made)


def test_a_member_in_a_section_its_kind_has_not_is_refused_and_in_one_it_has_accepted() -> None:
    """The near-miss at every row's boundary: one new member in a new section of each name the row has not (refused
    at its line) and in each section of the row the export has (accepted), one export per context (kind, language,
    section, verdict); all 733 by hand, ``python -m tests.compiler.mutant_rates``."""
    made: Counter[tuple[str, ...]] = Counter()
    counts, problems = run_mutants({path: list(xml_member_mutants(path, made, per_context=1)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    for row in ROWS:  # each row refuses every section it has not and accepts a member in each one it declares
        refused = {section for kind, _, section, verdict in made if kind == row.kind and verdict == "True"}
        accepted = {section for kind, _, section, verdict in made if kind == row.kind and verdict == "False"}
        assert refused | accepted | {"Return", "Base"} >= {s for r in ROWS for s in r.sections}, (row.kind, made)
        assert accepted >= set(row.declared) - {"Return"}, (row.kind, accepted)
    assert counts[(FAMILY, True)] >= 45 and counts[(FAMILY, False)] >= 80, counts


def test_a_member_section_of_every_scl_source_is_refused_or_accepted_by_the_table() -> None:
    made: Counter[tuple[str, ...]] = Counter()  # two sources per (kind, keyword), the smallest first
    counts, problems = run_mutants({path: list(scl_member_mutants(path, source_text(path.read_bytes()), made, 2))
                                    for path in sorted(SCL, key=lambda p: p.stat().st_size)})
    assert not problems, "\n".join(problems[:20])
    assert {kind for kind, _, verdict in made if verdict == "True"} == {"OB", "GlobalDB"}, made
    assert {kind for kind, _, verdict in made if verdict == "False"} == {"OB", "FB", "FC", "GlobalDB"}, made
    assert counts[(FAMILY, True)] >= 5 and counts[(FAMILY, False)] >= 7, counts


def test_the_language_page_table_is_the_tables_view() -> None:
    from tools import reference_pages

    page = reference_pages.LANGUAGE_PAGE.read_text(encoding="utf-8")
    assert reference_pages.block_interfaces_table() in page, "run make docs and commit docs/simaticml-scl.md"
