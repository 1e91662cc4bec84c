"""The structure of a LAD/FBD network (a ``FlgNet``, also those of GRAPH and safety blocks), before its types:
every UId names one element, and an extensible box is wired within its declared number of pins.

* ``FLGNET_UID`` (Error): two elements of one network carry one UId. A wire end names its element by UId alone
  (``<IdentCon UId>``, ``<NameCon UId Name>``), so a second element of that UId makes the network's wiring
  ambiguous. Every FlgNet TIA exported (the corpus's 449, GRAPH conditions and safety networks included; see the
  project's SimaticML note, "UId rules") numbers its Access, Part, Call, Instance, TemplateValue, OpenCon and Wire
  elements with distinct UIds.
* ``FLGNET_CARDINALITY`` (Error): a wire to ``inN``/``outN`` of a box whose ``<TemplateValue Name="Card"
  Type="Cardinality">`` declares fewer (Add, Mul, AND/OR boxes, Move's outputs, Calc): the box has only those pins.
  In every corpus export (455 such wires) the pins wired lie within the box's Card.
* ``FLGNET_PIN`` (Error): a wire to a pin of a call (``<Call>``) that its ``<CallInfo>`` does not list: the export
  lists every parameter of the called FB or FC (``<Parameter Name Section Type>``), and EN/ENO, so a pin it does not
  list names no parameter. Every wire to a call in the corpus's exports names one of them. The same for a basic
  instruction's box (Contact, Coil, Add, Move, the comparators, SR/RS, the edge instructions, Convert, ...): a pin
  its box does not have (:data:`engineering_api.rules.instruction_pins.BASIC_PINS`, read from the corpus's wires).
  A system FB's box (TON, CTU, MC_POWER) is judged by its parameters (``UNKNOWN_PARAMETER``).
* ``FLGNET_INSTRUCTION`` (Warning): a ``<Part Name>`` that no instruction of the offline catalogue has: the basic
  boxes of :data:`~engineering_api.rules.instruction_pins.BASIC_PINS`, the GRAPH coils and safety boxes the corpus
  exports use, and every instruction of the system catalogue (:mod:`simatic_xml.system_types`, with the names of
  :data:`~.builtins.KNOWN_INSTRUCTIONS`). TIA refuses a name it does not have, but the SimaticML LAD/FBD schema
  names a part by a free string and Siemens publishes no list of every part name (per version, per CPU family,
  for GRAPH and F-blocks, for libraries' versioned instructions), so the catalogue is not complete for any block
  kind and the finding is a warning that says so, never an error (a false error on valid TIA code is the worst
  defect).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from engineering_api.rules.instruction_pins import BASIC_PINS, basic_pin

from .builtins import KNOWN_UPPER, SYSTEM_FBS

if TYPE_CHECKING:
    from simatic_xml.flgnet import FlgNet

__all__ = ("BOX_PARTS", "known_part", "structure_findings")

_NUMBERED_PIN = re.compile(r"(in|out)(\d+)\Z")

_EXPORTED_PARTS = frozenset(n.upper() for n in (
    # GRAPH's coils in a step's or transition's network (the corpus's GRAPH exports, V16-V19)
    "TrCoil", "SvCoil", "IlCoil",
    # safety boxes of the F-system library in the corpus's F-block exports
    "FDBACK", "ESTOP1", "ACK_GL",
    # the S7-1200's web server instruction (STEP 7 help, "WWW: Synchronizing user-defined web pages"), in a corpus OB
    "WWW",
    # basic boxes beyond the corpus (STEP 7 help: "INC: Increment", "DEC: Decrement", "JMP: Jump if RLO = 1",
    # "JMPN: Jump if RLO = 0", "RET"; the word logic boxes AND, OR, XOR, which TIA V17 exports as And and Or:
    # TurboLouis/TestRepo@d5c02c09)
    "Inc", "Dec", "Jump", "JumpNot", "Label", "Return", "And", "Or", "Xor"))
BOX_PARTS = frozenset(n.upper() for n in BASIC_PINS) | _EXPORTED_PARTS
"""The LAD/FBD parts known by their own name, not as a system instruction's box (upper case): the basic
instructions and the boxes TIA exports (the simulation catalogue lists them, :mod:`.simulation`)."""
_KNOWN_PARTS = BOX_PARTS | KNOWN_UPPER | frozenset(n.upper() for n in SYSTEM_FBS)


def known_part(name: str) -> bool:
    """Whether the offline catalogue knows the LAD/FBD instruction ``name`` (a ``<Part Name>``, any case)."""
    return name.upper() in _KNOWN_PARTS


def _uids(net: FlgNet) -> Iterator[tuple[str, int]]:
    """Every UId of the network's elements, each with the line of the element carrying it (or of its part)."""
    from simatic_xml.flgnet import Call, FlgAccess, OpenCon, Part, PartInstance, Wire
    from simatic_xml.template_value import TemplateValue

    for item in net.parts or ():
        if isinstance(item, (FlgAccess, Part, Call)):
            if item.uid:
                yield item.uid, item.line
            children = item.items if isinstance(item, Part) else [item.instance] if isinstance(item, Call) else []
            for child in children:
                if isinstance(child, (PartInstance, TemplateValue)) and child.uid:
                    yield child.uid, item.line
        elif item.attrs.get("UId"):
            yield item.attrs["UId"], item.line
    for wire in net.wires or ():
        if isinstance(wire, Wire):
            if wire.uid:
                yield wire.uid, wire.line
            for end in wire.connections:
                if isinstance(end, OpenCon):
                    yield end.uid, wire.line


def structure_findings(net: FlgNet) -> list[tuple[int, str, dict[str, object]]]:
    """``(line, code, message fields)`` of each structural fault of ``net`` (see the module docstring)."""
    from simatic_xml.flgnet import Call, NameCon, Part, Wire
    from simatic_xml.template_value import TemplateValue

    out: list[tuple[int, str, dict[str, object]]] = []

    def found(line: int, code: str, **fields: object) -> None:
        out.append((line, code, fields))

    seen: set[str] = set()
    for uid, line in _uids(net):
        if uid in seen:
            found(line, "FLGNET_UID", uid=uid)
        seen.add(uid)
    cards: dict[str, tuple[Part, int]] = {}
    for item in net.parts or ():
        if isinstance(item, Part) and not known_part(item.name):
            found(item.line, "FLGNET_INSTRUCTION", part=item.name)
        if isinstance(item, Part) and item.uid:
            declared = next((v.value for v in item.items if isinstance(v, TemplateValue) and v.name == "Card"), None)
            if declared is not None and declared.isdigit():
                cards[item.uid] = item, int(declared)
    calls = {item.uid: item for item in net.parts or () if isinstance(item, Call) and item.uid}
    basic = {item.uid: item for item in net.parts or () if isinstance(item, Part) and item.name in BASIC_PINS}
    for wire in net.wires or ():
        for end in wire.connections if isinstance(wire, Wire) else ():
            if isinstance(end, NameCon) and end.uid in calls:
                call = calls[end.uid]
                if end.name.lower() not in ("en", "eno") and all(p.name != end.name for p in call.parameters):
                    found(wire.line, "FLGNET_PIN", pin=end.name, part=call.name)
            if isinstance(end, NameCon) and end.uid in basic and not basic_pin(basic[end.uid].name, end.name):
                found(wire.line, "FLGNET_PIN", pin=end.name, part=basic[end.uid].name)
            if not isinstance(end, NameCon) or end.uid not in cards:
                continue
            part, card = cards[end.uid]
            numbered = _NUMBERED_PIN.match(end.name)
            if numbered and int(numbered.group(2)) > card:
                found(wire.line, "FLGNET_CARDINALITY", pin=end.name, part=part.name, card=card)
    return out
