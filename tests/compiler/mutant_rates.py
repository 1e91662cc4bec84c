"""The rule families' rates on the corpus's mutants, the figures ``docs/simaticml-scl.md`` reports::

    .venv/bin/python -m tests.compiler.mutant_rates

One module above every family's module (``tests.compiler.mutants`` and its ``mutants_*`` siblings), which all
import the base: the families never import this back."""

from __future__ import annotations

from pathlib import Path

from engineering_api.rules.compiler.check import Source, check_sources, source_text
from tests.compiler.mutants import (block_number_mutants, flgnet_mutants, scl_access_mutants, scl_arrow_mutants,
                                    scl_declaration_mutants, tag_table_mutants, verdict, watch_table_mutants,
                                    xml_declaration_mutants)
from tests.compiler.mutants_arrays import array_element_mutants, scl_array_start_mutants
from tests.compiler.mutants_contexts import scl_context_mutants
from tests.compiler.mutants_expanded import expanded_start_mutants
from tests.compiler.mutants_sections import (scl_member_mutants, scl_section_mutants, xml_member_mutants,
                                             xml_section_mutants)
from tests.compiler.mutants_st import judged, st_arrow_mutants, st_label_mutants, st_literal_mutants, st_twice_mutants
from tests.compiler.mutants_statements import scl_input_arrow_mutants, scl_label_mutants, scl_literal_mutants
from tests.lib.shared_corpus import SHARED

__all__ = ("rates",)


def rates(corpus: Path) -> dict[str, tuple[int, int, int, int]]:
    """Family -> (mutants refused as expected, mutants, controls accepted, controls) over every corpus file: the
    figures ``docs/simaticml-scl.md`` reports (``.venv/bin/python -m tests.compiler.mutant_rates``)."""
    xml = sorted((corpus / "simaticml").rglob("*.xml"))
    scl = sorted(p for p in (corpus / "scl").rglob("*") if p.suffix.lower() in (".scl", ".db", ".udt"))
    texts = {p: source_text(p.read_bytes()) for p in scl}
    runs = [
        {p: list(xml_declaration_mutants(p, per_family=8)) for p in xml},
        {p: list(scl_declaration_mutants(p, texts[p])) for p in scl},
        {p: list(tag_table_mutants(p)) for p in xml if p.parent.name == "tagtable"},
        {p: list(flgnet_mutants(p)) for p in xml},
        {p: list(block_number_mutants(p)) for p in xml},
        {p: list(scl_access_mutants(p, texts[p])) for p in scl},
        {p: list(scl_arrow_mutants(p, texts[p])) for p in scl},
        {p: [*xml_section_mutants(p), *xml_member_mutants(p)] for p in xml},
        {p: [*scl_section_mutants(p, texts[p]), *scl_member_mutants(p, texts[p])] for p in scl},
        {p: list(array_element_mutants(p)) for p in xml},
        {p: list(scl_array_start_mutants(p, texts[p], per_file=1000)) for p in scl},
        {p: [*scl_label_mutants(p, texts[p]), *scl_literal_mutants(p, texts[p]), *scl_input_arrow_mutants(p, texts[p])]
         for p in scl},
        {p: [*st_label_mutants(p), *st_literal_mutants(p), *st_arrow_mutants(p), *st_twice_mutants(p)] for p in xml},
        {p: list(scl_context_mutants(p, texts[p])) for p in scl},
        {p: list(expanded_start_mutants(p)) for p in xml},
    ]
    out: dict[str, list[int]] = {}
    for mutants in runs:
        for path, made in mutants.items():
            original = check_sources([Source(str(path), path.read_bytes())])
            if any(d.code in ("SYNTAX_ERROR", "CLASSIC_SCL") for d in original):
                continue
            for mutant in made:
                row = out.setdefault(mutant.family, [0, 0, 0, 0])
                slot = 0 if mutant.refused else 2
                row[slot + 1] += 1
                row[slot] += judged(mutant, original, check_sources([Source(str(path), mutant.data)])) is None
    for table in (p for p in xml if p.parent.name == "tagtable"):
        source = Source(str(table), table.read_bytes())
        for clean, mutant in watch_table_mutants(table):
            row = out.setdefault(mutant.family, [0, 0, 0, 0])
            slot = 0 if mutant.refused else 2
            row[slot + 1] += 1
            original = check_sources([source, Source(str(mutant.path), clean)])
            row[slot] += verdict(mutant, original, check_sources([source, Source(str(mutant.path), mutant.data)])) \
                is None
    return {family: (a, b, c, d) for family, (a, b, c, d) in sorted(out.items())}


if __name__ == "__main__":
    for family, (refused, made, accepted, controls) in rates(
            SHARED / "corpus").items():
        print(f"| {family} | {refused}/{made} | {f'{accepted}/{controls}' if controls else '-'} |")
