"""The start value range rule in a context its generator (:func:`tests.compiler.mutants.xml_declaration_mutants`, a
block's own members) did not reach (issue 89: "in a UDT member used by a DB"): a start value a data block (or an
instance DB) gives a member of a PLC data type or system type it holds, written inside that member's expanded
interface (``<Member Datatype='"Udt"'><Sections><Section Name="None"><Member Name="x" Datatype="Int"><StartValue>``).

Every such start value of an integer type in the corpus's exports is moved one past its type's range (refused
``INVALID_DECLARATION`` at its ``<Member>``'s line) and, as the control, to the type's last value. Before, no entry
judged a start value inside an expanded interface: a DB's ``RemotePort := 65536`` of its ``TCON_IP_v4`` passed.

Left: a technology object's instance DB holds its members under its ``Base`` section's expanded interface
(``<Section Name="Base"><Sections Datatype="TO_PositioningAxis">``), which the check does not read as members, so
their start values are not judged and no mutant is made of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tests.compiler.mutants import INT_RANGES, Mutant, local_name, serialised, xml_parser

__all__ = ("FAMILY", "LARGE", "expanded_start_mutants")

FAMILY = "start value in an expanded interface"
LARGE = 200_000
"""Exports this large are left out of ``make test``'s samples, run by ``python -m tests.compiler.mutant_rates`` (a
631 KB DB of 22 such start values, each check of it a tenth of a second)."""


def _expanded_members(root: etree._Element) -> Iterator[etree._Element]:
    """The members of every ``<Sections>`` nested in a member (a type's expanded interface), at any depth, once
    each; none under a ``Base`` section (a technology object's or GRAPH FB's base interface, which the check does
    not read as members: left, see the module docstring)."""
    seen: set[etree._Element] = set()
    for sections in root.iter():
        holder = sections.getparent()
        if local_name(sections) != "Sections" or holder is None or local_name(holder) != "Member" or any(
                local_name(up) == "Section" and up.get("Name") == "Base" for up in sections.iterancestors()):
            continue
        for member in sections.iter():
            if local_name(member) == "Member" and member not in seen:
                seen.add(member)
                yield member


def expanded_start_mutants(path: Path, per_type: int = 0) -> Iterator[Mutant]:
    """For every integer start value (not ``Informative``) in an expanded interface of ``path``: one past its type's
    range (refused at its member) and its last value (the control); with ``per_type``, at most that many of each
    integer type in this file."""
    data = path.read_bytes()
    if b"<Sections>" not in data:
        return
    root = etree.fromstring(data, xml_parser())
    made: Counter[str] = Counter()
    for member in _expanded_members(root):
        datatype = member.get("Datatype", "")
        start = next((el for el in member if local_name(el) == "StartValue"), None)
        if (datatype not in INT_RANGES or start is None or start.get("Informative") or start.get("ConstantName")
                or (per_type and made[datatype] >= per_type)):
            continue
        made[datatype] += 1
        old, high = start.text, INT_RANGES[datatype][1]
        for value, code in ((high + 1, "INVALID_DECLARATION"), (high, None)):
            start.text = str(value)
            yield Mutant(FAMILY, path, serialised(root, data), member.sourceline or 0, code)
        start.text = old
