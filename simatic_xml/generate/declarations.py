"""The declaration rules of a SimaticML interface: the rules an SCL source's declarations meet
(:func:`~.spec_members.check_declaration`, the one copy), applied to every member of every section of a block's or
PLC data type's export, a DB's and a UDT's members with their start values and an array's element start values.

TIA refuses the same declaration however it arrives: an SCL source's ``s : String[300];`` is refused by "generate
blocks from source", the same member in a DB export by the import or the compile (STEP 7 help, "STRING" and
"Valid values for data types"; Siemens, "Data types" of the S7-1200/S7-1500 programming guideline, 81318674).
Each finding is an ``INVALID_DECLARATION`` at the line of the ``<Member>`` it is about, worded as the SCL
source's (``start value: 70000 is out of range for Int (-32768..32767)``).

A member of a PLC data type or system type carries its expanded interface (``<Sections>`` inside the member): the
start values there are the block's own values of the type's members (a DB's ``RemotePort`` of its ``TCON_IP_v4``,
a DB's values of a UDT's members: TIA writes a value the DB sets apart from the type's default without
``Informative``), so each is judged as a start value of its member's elementary type
(:func:`~.spec_members.check_start_value`: an Int 32768 is out of range wherever it is declared); the expanded
members' data types are the type's, not the block's, and are not judged here, nor are arrays' and structures' values
inside them. Not judged: a start value TIA marks ``Informative`` (a copy of the FB's or UDT's, judged there), a
start value naming a constant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic
from .errors import SpecError
from .datatypes import array_bounds
from .spec_members import check_declaration, check_start_value, element_refusal

if TYPE_CHECKING:
    from collections.abc import Container

    from ..interface import Interface, Member, StartValue

__all__ = ("interface_declaration_errors",)

_PARTS = {"dataType": "data type", "startValue": "start value", "members": "members"}


def interface_declaration_errors(interface: Interface, *, block: str | None = None, file: str | None = None,
                                 skip: Container[str] = ()) -> list[Diagnostic]:
    """Every ``INVALID_DECLARATION`` of ``interface`` (a SimaticML block's or UDT's), each at its member's line;
    the members of the sections named in ``skip`` are not judged (a section its kind has not: that is the one
    finding, not what its members would be in it)."""
    out: list[Diagnostic] = []
    for section in interface.sections.sections:
        if section.name in skip:
            continue
        for member in section.members:
            _member(member, section.name, member.name, out, block, file)
    return out


def _judged(start: StartValue | None) -> str | None:
    """The start value text the declaration rules judge: None for none, for an ``Informative`` copy and for a named
    constant, which an export writes as ``<StartValue ConstantName="#ERR_NOERRROR" />`` with no text (TIA V17:
    Siemens' LCamHdl library, TurboLouis/TestRepo ``FB10032_CalcCam.xml``)."""
    if start is None or start.informative or "ConstantName" in start.extra:
        return None
    return start.value


def _member(member: Member, section: str, path: str, out: list[Diagnostic], block: str | None,
            file: str | None) -> None:
    if section == "Return" and member.datatype.strip().upper() == "VOID":
        return  # an FC without a function value
    value = _judged(member.start_value)
    try:
        datatype = check_declaration(member.datatype, value, section, path, nested=bool(member.members))
    except SpecError as exc:
        out.append(_diagnostic(exc, member.line, block, file))
        return
    if member.sections is not None:  # the type's interface as TIA exported it inside the member
        for inner in member.sections.sections:
            for expanded in inner.members:
                _expanded(expanded, f"{path}.{expanded.name}", out, block, file)
        return
    element = datatype.split(" of ", 1)[1] if datatype.startswith("Array[") and " of " in datatype else None
    bounds = array_bounds(datatype) if element is not None else None
    for sub in member.subelements if element is not None else ():
        sub_value = _judged(sub.start_value)
        if sub_value is None:
            continue
        try:
            _within(sub.path, bounds, datatype, f"{path}[{sub.path}]")
            check_declaration(element, sub_value, section, f"{path}[{sub.path}]")
        except SpecError as exc:
            out.append(_diagnostic(exc, member.line, block, file))
            break  # one finding per member: an array of wrong start values is one fault
    for nested in member.members:
        _member(nested, section, f"{path}.{nested.name}", out, block, file)


def _expanded(member: Member, path: str, out: list[Diagnostic], block: str | None, file: str | None) -> None:
    """The start value of a member of an expanded interface, by its elementary type (see the module docstring), and
    those of its own members and expanded interface."""
    value = _judged(member.start_value)
    datatype = member.datatype.strip()
    if value is not None and not datatype.startswith(("Array", "Struct", '"')):
        try:
            check_start_value(value, datatype, f"{path}.startValue")
        except SpecError as exc:
            out.append(_diagnostic(exc, member.line, block, file))
    inner = [*member.members, *(m for section in (member.sections.sections if member.sections else ())
                                for m in section.members)]
    for nested in inner:
        _expanded(nested, f"{path}.{nested.name}", out, block, file)


def _within(index_path: str, bounds: list[tuple[int, int]] | None, datatype: str, path: str) -> None:
    """Refuse a ``<Subelement Path>`` that names no element of the array (an index outside its bounds, or another
    count of indexes than it has dimensions): TIA writes a start value only for an element the array has."""
    if bounds is None:
        return
    try:
        indexes = [int(part) for part in index_path.split(",")]
    except ValueError:
        return  # not a plain index: not judged here
    if len(indexes) != len(bounds) or any(not lo <= i <= hi for i, (lo, hi) in zip(indexes, bounds)):
        raise SpecError(f"{path}.startValue", element_refusal(index_path, datatype))


def _diagnostic(exc: SpecError, line: int, block: str | None, file: str | None) -> Diagnostic:
    part = exc.field.rsplit(".", 1)[-1]
    return Diagnostic(f"{_PARTS.get(part, part)}: {exc.reason}", line, 0, block=block, file=file,
                      code="INVALID_DECLARATION")
