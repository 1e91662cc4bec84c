"""A constant declared without a value is TIA's own form, so every check accepts it (issue 89 lists it among what
passes every entry; the corpus shows TIA writes it): TIA V17's export ``fb/sitrainsh_Block_1.xml`` holds the
Constant member ``f : Bool`` with no ``<StartValue>``, and TIA's exported sources of Tayoriko's library
(``Indirect_AI.scl`` and four more, marked accept in ``SOURCES.tsv``) declare ``zero : Byte;`` in ``VAR CONSTANT``.
A constant without a value has its type's default value, as any member without a start value.

Controls generated from every constant of the corpus: each Constant member's start value of every export removed,
each ``VAR CONSTANT`` value of every SCL source removed; none may gain a finding. (A JSON spec still asks for a
value: :func:`simatic_xml.generate.spec_members.parse_interface`, not TIA's rule but the API's.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.rules.compiler.check import source_text
from tests.compiler.mutants import Mutant, local_name, run_mutants, serialised, xml_parser
from tests.compiler.mutants_sections import interface_sections
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
XML = sorted((CORPUS / "simaticml").rglob("*.xml")) if (CORPUS / "simaticml").is_dir() else []
SCL = sorted(p for p in (CORPUS / "scl").rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []
FAMILY = "constant without a value"

pytestmark = READS_SHARED

_CONSTANTS = re.compile(r"\bVAR[ \t]+CONSTANT\b(.*?)\bEND_VAR\b", re.I | re.S)
_VALUE = re.compile(r"^[^:\n/]*:[^:=\n]*?(\s*:=[^;\n]*);", re.M)


def _xml_controls(path: Path) -> Iterator[Mutant]:
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    for section in (el for el in interface_sections(root) if el.get("Name") == "Constant"):
        for member in (el for el in section if local_name(el) == "Member"):
            value = next((el for el in member if local_name(el) == "StartValue"), None)
            if value is None:
                continue
            at = member.index(value)
            member.remove(value)
            yield Mutant(FAMILY, path, serialised(root, data), member.sourceline or 0, None)
            member.insert(at, value)


def _scl_controls(path: Path, text: str) -> Iterator[Mutant]:
    for section in _CONSTANTS.finditer(text):
        for value in _VALUE.finditer(text, section.start(1), section.end(1)):
            changed = text[:value.start(1)] + text[value.end(1):]
            yield Mutant(FAMILY, path, changed.encode("utf-8"), text.count("\n", 0, value.start()) + 1, None)


def test_the_corpus_holds_constants_without_a_value_as_tia_wrote_them() -> None:
    export = (CORPUS / "simaticml" / "fb" / "sitrainsh_Block_1.xml").read_bytes()
    assert re.search(rb'<Section Name="Constant">\s*<Member Name="f" Datatype="Bool"[^>]*/>', export)
    source = next(p for p in SCL if p.name == "Indirect_AI.scl")
    assert re.search(r"(?m)^\s*zero : Byte;", source_text(source.read_bytes()))


def _some(made: Iterator[Mutant], count: int) -> list[Mutant]:
    return [mutant for _, mutant in zip(range(count), made)]


def test_a_constant_without_its_value_is_accepted_in_every_export_and_source() -> None:
    """Two constants of each export and source that has them (all of them by hand: without ``_some``)."""
    exports = {path: _some(_xml_controls(path), 2) for path in XML}
    counts, problems = run_mutants({path: made for path, made in exports.items() if made})
    assert not problems, "\n".join(problems[:20])
    assert counts[(FAMILY, False)] >= 7, counts
    sources = {path: _some(_scl_controls(path, source_text(path.read_bytes())), 2) for path in SCL}
    counts, problems = run_mutants({path: made for path, made in sources.items() if made})
    assert not problems, "\n".join(problems[:20])
    assert counts[(FAMILY, False)] >= 40, counts
