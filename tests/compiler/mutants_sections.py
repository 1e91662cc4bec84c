"""Mutants of TIA's block interface rule, generated from its table (:data:`simatic_xml.block_interfaces.ROWS`), not
from shapes: for every top-level section of a real export, the export with that section renamed to each section
its kind does not have (every other row's sections), refused at the ``<Section>``'s line; for every SCL source
block of a kind with a row, each of its section keywords changed to one that declares a section the kind has not.

A renamed section keeps its members (a section whose members mean something of their own, a constant or the
function value, is renamed only when empty), so nothing else of the file changes: the only new finding a check may give
is the rule's one. The control is the file itself (TIA wrote it, so every entry accepts it).

The near-miss at each row's boundary (:func:`xml_member_mutants`, :func:`scl_member_mutants`): one new member, in a
new section of each name the row has not (refused at that section's line) and in each section of the row that the
export has and a member of that kind means nothing else in (accepted: nothing changes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from simatic_xml.block_interfaces import ROWS, InterfaceRow, row_of
from tests.compiler.mutants import Mutant, local_name, xml_parser, serialised
from tests.lib.shared_corpus import SHARED

__all__ = ("FAMILY", "SCL_KEYWORDS", "interface_sections", "scl_member_mutants", "scl_section_mutants",
           "xml_member_mutants", "xml_section_mutants")

FAMILY = "interface section"
_ALL_SECTIONS = tuple(dict.fromkeys(name for row in ROWS for name in row.sections))
_OWN_MEANING = ("Constant", "Return", "Base")
SCL_KEYWORDS = {"Input": "VAR_INPUT", "Output": "VAR_OUTPUT", "InOut": "VAR_IN_OUT", "Static": "VAR_STAT",
                "Temp": "VAR_TEMP"}
"""The SCL keyword that declares each section (``VAR_STAT``: ``VAR`` declares temporary data in an FC or OB)."""
_SCL_KIND = {"FUNCTION_BLOCK": "FB", "FUNCTION": "FC", "ORGANIZATION_BLOCK": "OB", "DATA_BLOCK": "GlobalDB"}
_BLOCK = re.compile(r"^(FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK)\b(.*)$", re.M)
_SECTION = re.compile(r"^(\s*)(VAR_INPUT|VAR_OUTPUT|VAR_IN_OUT|VAR_TEMP|VAR_STAT|VAR)\b", re.M)


def interface_sections(root: etree._Element) -> list[etree._Element]:
    """The top-level ``<Section>`` elements of the export's block interface."""
    for sections in root.iter("{*}Sections"):
        parent = sections.getparent()
        if parent is not None and local_name(parent) == "Interface":
            return [el for el in sections if local_name(el) == "Section"]
    return []


def xml_section_mutants(path: Path, made: Counter[tuple[str, ...]] | None = None,
                        per_context: int = 0) -> Iterator[Mutant]:
    """Every top-level section of ``path`` (an export of a kind with a row) renamed to each section its kind has
    not and the export does not hold; with ``per_context``, at most that many of each context (kind, language,
    section, new name) counted in ``made`` across calls."""
    made = Counter() if made is None else made
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    element = next((local_name(el) for el in root if local_name(el).startswith("SW.")), "")
    row = row_of(element.rsplit(".", 1)[-1])
    if row is None:
        return
    sections = interface_sections(root)
    language = next((el.text or "" for el in root.iter("ProgrammingLanguage")), "")
    present = {el.get("Name") for el in sections}
    for section in sections:
        old = section.get("Name", "")
        if old in _OWN_MEANING and len(section):
            continue  # its members' meaning is the section's (a constant, the function value): the code would change
        for name in _ALL_SECTIONS:
            if name in row.sections or name in present:
                continue
            context = (row.kind, language, old, name)
            if per_context and made[context] >= per_context:
                continue
            made[context] += 1
            section.set("Name", name)
            yield Mutant(FAMILY, path, serialised(root, data), section.sourceline or 0, "INVALID_DECLARATION")
        section.set("Name", old)


_MEMBER = "Mut_member"
"""The name of the member the near-miss mutants add (no corpus file has one)."""
_TIA_WRITES = ("Return", "Base")
"""Sections no member is added to: the function value is one member, GRAPH_BASE is TIA's own."""


def _line_of_member(data: bytes) -> int:
    return data[:data.index(f'Name="{_MEMBER}"'.encode())].count(b"\n") + 1


def xml_member_mutants(path: Path, made: Counter[tuple[str, ...]] | None = None,
                       per_context: int = 0) -> Iterator[Mutant]:
    """A member ``Mut_member : Int`` added to ``path`` (an export of a kind with a row): in a new section of each name
    its row has not, on one line with it (refused at that line), and in each section of the row the export has but
    those TIA writes (the control); with ``per_context``, at most that many of each context (kind, language,
    section, refused) counted in ``made`` across calls."""
    made = Counter() if made is None else made
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    element = next((local_name(el) for el in root if local_name(el).startswith("SW.")), "")
    row = row_of(element.rsplit(".", 1)[-1])
    sections = interface_sections(root)
    if row is None or not sections:
        return
    language = next((el.text or "" for el in root.iter("ProgrammingLanguage")), "")
    namespace = str(sections[0].tag)[:-len("Section")]
    member = etree.Element(f"{namespace}Member", {"Name": _MEMBER, "Datatype": "Int"})
    etree.SubElement(member, f"{namespace}StartValue").text = "0"  # a constant has one (TIA's default otherwise)
    present = {el.get("Name", ""): el for el in sections}
    for name in _ALL_SECTIONS:
        refused = name not in row.sections
        context = (row.kind, language, name, str(refused))
        if name in _TIA_WRITES or (not refused and name not in present) or \
                (per_context and made[context] >= per_context):
            continue
        made[context] += 1
        if refused:
            holder = etree.Element(f"{namespace}Section", {"Name": name})
            holder.tail, sections[-1].tail = sections[-1].tail, sections[-1].tail
            sections[-1].addnext(holder)
        else:
            holder = present[name]
        holder.append(member)
        text = serialised(root, data)
        yield Mutant(FAMILY, path, text, _line_of_member(text), "INVALID_DECLARATION" if refused else None)
        holder.remove(member)
        if refused:
            parent = holder.getparent()
            assert parent is not None  # the holder was put into its sections above
            parent.remove(holder)


def _first_sections(text: str) -> Iterator[tuple[InterfaceRow, re.Match[str]]]:
    """For each block of an SCL source of a kind with a row: its row and its first section keyword's match."""
    blocks = list(_BLOCK.finditer(text))
    for index, block in enumerate(blocks):
        row = row_of(_SCL_KIND[block.group(1)])
        end = blocks[index + 1].start() if index + 1 < len(blocks) else len(text)
        first = _SECTION.search(text, block.end(), end)
        if row is not None and first is not None:
            yield row, first


def scl_member_mutants(path: Path, text: str, made: Counter[tuple[str, ...]] | None = None,
                       per_context: int = 0) -> Iterator[Mutant]:
    """For every block of the SCL source ``path`` (``text``) of a kind with a row: a section of one member
    ``Mut_member : Int`` put before its first section, declared by each keyword of :data:`SCL_KEYWORDS` (refused at
    the keyword when the kind has not the section, accepted when it has). Left out as :func:`scl_section_mutants`
    leaves them out, and a parameter (a call of the block in the file would lack it): an FB's or FC's Input,
    Output, InOut."""
    for row, first in _first_sections(text):
        at = first.start(2)
        line = text.count("\n", 0, at) + 1
        for section, keyword in SCL_KEYWORDS.items():
            refused = section not in row.sections
            if (section == "Static" and row.kind in ("FC", "OB")) or (section == "Temp" and row.kind == "GlobalDB"):
                continue  # as scl_section_mutants
            if not refused and row.kind in ("FB", "FC") and section in ("Input", "Output", "InOut"):
                continue
            keyword = "VAR" if section == "Static" else keyword  # as TIA writes an FB's or a DB's statics
            context = (row.kind, keyword, str(refused))
            if per_context and made is not None and made[context] >= per_context:
                continue
            if made is not None:
                made[context] += 1
            indent = text[text.rfind("\n", 0, at) + 1:at]
            added = f"{keyword} {_MEMBER} : Int; END_VAR\n{indent}"
            yield Mutant(FAMILY, path, (text[:at] + added + text[at:]).encode("utf-8"), line,
                         "INVALID_DECLARATION" if refused else None)


def scl_section_mutants(path: Path, text: str, made: Counter[tuple[str, ...]] | None = None,
                        per_context: int = 0) -> Iterator[Mutant]:
    """For every block of the SCL source ``path`` (``text``) of a kind with a row: its first section keyword
    changed to each keyword declaring a section the kind has not (one per keyword): an OB's or a global DB's."""
    for row, first in _first_sections(text):
        line = text.count("\n", 0, first.start(2)) + 1
        for section, keyword in SCL_KEYWORDS.items():
            if section in row.sections or (section == "Static" and row.kind in ("FC", "OB")):
                continue  # VAR_STAT in an FC or OB: TIA's verdict not documented (its VAR declares Temp there)
            if section == "Temp" and row.kind == "GlobalDB":
                continue  # a DB's members made temporary vanish from the blocks that use them: findings of theirs
            if per_context and made is not None and made[(row.kind, keyword)] >= per_context:
                continue
            if made is not None:
                made[(row.kind, keyword)] += 1
            changed = text[:first.start(2)] + keyword + text[first.end(2):]
            yield Mutant(FAMILY, path, changed.encode("utf-8"), line, "INVALID_DECLARATION")


if __name__ == "__main__":
    from tests.compiler.mutants import run_mutants

    corpus = SHARED / "corpus" / "simaticml"
    counts, problems = run_mutants({path: list(xml_section_mutants(path)) for path in sorted(corpus.rglob("*.xml"))})
    print(dict(counts), *problems[:20], sep="\n")
