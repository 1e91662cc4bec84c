"""Which sections the interface of each kind of block has: TIA's rule as one table, with its evidence.

Every reader of the rule reads this table and restates nothing: the generation of blocks (a JSON spec or an SCL
source declares members only in a section its kind has: :data:`SECTIONS_BY_TYPE`) and the check of a SimaticML
export (a section its kind does not have is an ``INVALID_DECLARATION`` at the ``<Section>``'s line, worded as
the SCL source's: :func:`interface_section_errors`), so an FC with a ``Static`` section is refused by every entry,
whether it arrives as SCL or as SimaticML.

Evidence, per row: the STEP 7 Professional help, "Sections of the block interface" (which of Input, Output,
InOut, Static, Temp, Constant and Return functions, function blocks and organization blocks have; a global data
block declares only static data), and the exports TIA wrote: every export of ``../shared/corpus`` lists exactly
its row's sections (empty ones included) in the row's order, 106 of 106 interfaces, V14 SP1-V21
(``tests/compiler/test_interface_section_mutants.py`` holds the table to the corpus). A kind without a row (an ARRAY
DB: no export in the corpus) is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .diagnostics import Diagnostic
from .interface import Interface, Section

__all__ = ("ROWS", "SECTIONS_BY_TYPE", "InterfaceRow", "interface_section_errors", "misplaced_sections", "row_of",
           "section_refusal")


@dataclass(frozen=True, slots=True)
class InterfaceRow:
    """One kind of block: the sections its export has (``sections``, TIA's order), those a spec or an SCL source
    declares members in (``declared``; the others TIA writes itself), where members may be retentive
    (``retain``) and the evidence (``evidence``: the help topic and the corpus's exports of the kind)."""

    kind: str
    sections: tuple[str, ...]
    declared: tuple[str, ...]
    retain: tuple[str, ...]
    evidence: str


_HELP = 'STEP 7 Professional help, "Sections of the block interface"'
ROWS: tuple[InterfaceRow, ...] = (
    InterfaceRow("OB", ("Input", "Temp", "Constant"), ("Input", "Temp", "Constant"), (),
                 f"{_HELP} (an OB's Input holds its start information); 11 OB exports (LAD, SCL)"),
    InterfaceRow("FB", ("Base", "Input", "Output", "InOut", "Static", "Temp", "Constant"),
                 ("Input", "Output", "InOut", "Static", "Temp", "Constant"), ("Input", "Output", "InOut", "Static"),
                 f"{_HELP}; 32 FB exports (LAD, FBD, SCL, F_LAD, F_FBD, GRAPH); Base only in the 6 GRAPH FBs, "
                 "written by TIA (GRAPH_BASE)"),
    InterfaceRow("FC", ("Input", "Output", "InOut", "Temp", "Constant", "Return"),
                 ("Input", "Output", "InOut", "Temp", "Constant", "Return"), (),
                 f"{_HELP} (no static data: an FC has no instance); 18 FC exports (LAD, FBD, SCL, STL, F_FBD)"),
    InterfaceRow("GlobalDB", ("Static",), ("Static",), ("Static",),
                 f"{_HELP} (a global DB declares static data only); 14 global DB exports"),
    InterfaceRow("InstanceDB", ("Base", "Input", "Output", "InOut", "Static"), (), (),
                 "the FB's parameters and statics, copied by TIA (a spec or source names the FB); 13 instance DB "
                 "exports (DB, F_DB); Base as its FB's (a GRAPH FB's instance: no export in the corpus, so not "
                 "refused)"),
    InterfaceRow("TechnologicalInstanceDB", ("Base", "Input", "Output", "InOut", "Static"), (), (),
                 "the technology object's interface, written by TIA; 3 exports (CONT_C, TO_PositioningAxis)"),
    InterfaceRow("UDT", ("None",), ("None",), (), "a PLC data type's members: 15 PlcStruct exports"),
)
"""One row per kind of block; the kind as a spec names it (``UDT`` for a PLC data type)."""

_BY_KIND = MappingProxyType({row.kind: row for row in ROWS})
SECTIONS_BY_TYPE: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {row.kind: row.declared for row in ROWS if row.kind != "TechnologicalInstanceDB"})
"""Kind -> the sections a JSON spec or an SCL source declares members in (the generation's view of the table)."""


def row_of(kind: str) -> InterfaceRow | None:
    """The row of ``kind`` (a spec's kind, or an export's element name: ``PlcStruct`` is ``UDT``); None: not
    judged."""
    return _BY_KIND.get("UDT" if kind == "PlcStruct" else kind)


def section_refusal(kind: str, section: str, sections: tuple[str, ...]) -> str:
    """The one wording of the finding: ``kind`` has no ``section`` (``sections``: those it may have)."""
    return f"{kind} has no section {section!r}; sections: {', '.join(sections) or 'none'}"


def misplaced_sections(interface: Interface, kind: str) -> list[Section]:
    """The top-level sections of ``interface`` (an export of a ``kind``) that its row does not have; none for a
    kind without a row."""
    row = row_of(kind)
    return [] if row is None else [section for section in interface.sections.sections
                                   if section.name not in row.sections]


def interface_section_errors(misplaced: list[Section], kind: str, *, block: str | None = None,
                             file: str | None = None) -> list[Diagnostic]:
    """An ``INVALID_DECLARATION`` at each of ``misplaced`` (:func:`misplaced_sections` of an export of a ``kind``)."""
    row = row_of(kind)
    return [Diagnostic(section_refusal(row.kind, section.name, row.sections), section.line, 0, block=block,
                       file=file, code="INVALID_DECLARATION")
            for section in misplaced] if row is not None else []
