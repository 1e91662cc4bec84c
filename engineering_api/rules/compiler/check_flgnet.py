"""LAD/FBD rules of the checker: the operands and wires of a SimaticML FlgNet network.

A part of :class:`engineering_api.rules.compiler.checker.BlockChecker`; it types operands with the expression rules
(``expr``) of the sibling part and reports through the checker's ``err`` (declared by
:class:`~.check_context.CheckContext`).

Box pins: TIA exports the data type of a typed box as ``<TemplateValue Name="SrcType">`` (and
``DestType`` for Convert/Round…), or ``<AutomaticTyped Name="SrcType"/>`` for "Auto". An operand wired
to an input pin must convert implicitly into the box's type; the box's result must convert implicitly
into the operand at its output pin; Move's IN must convert into every OUTn; a call's pins are checked
against the parameter types of its ``CallInfo``.

Operands of every ``Access`` scope the corpus shows are typed: LocalVariable/GlobalVariable symbols (with array
indexes, slices ``SliceAccessModifier="x0"``/``b1``/``w0``/``d0`` = SCL ``.%X0`` … ``.%D0``, and periphery
``SimpleAccessModifier="Periphery"`` = ``"tag":P``), LiteralConstant/TypedConstant, LocalConstant/GlobalConstant,
Address (``<Address Area Type …/>``: its ``Type``) and Label (a jump target of Jump/JumpNot/JMP_LIST/SWITCH, which
must be declared in the block when the block declares labels at all: ``<Labels><LabelDeclaration>``, FlgNet v5). A
Contact also scans an S5 ``Timer``/``Counter`` (STEP 7 help, "---| |--- Normally open contact": operand of type BOOL,
TIMER or COUNTER on S7-1500).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from engineering_api.rules.instruction_pins import OPERAND_PINS
from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl import ast as A
from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl.parser import parse_expression

from .check_calls import catalog_parameter_types
from .check_context import CheckContext
from .program import BlockDef, type_from_text, undefined_global
from .simulation import named, not_simulated_part
from .types import (
    BIT_LIT,
    TypeClass,
    ELEMENTARY,
    INT_LIT,
    SLICE_TYPES,
    SLICED_WIDTH,
    SclType,
    Var,
    assignable,
    inout_fits,
    canonical,
    common_type,
    display,
    is_technology_object,
    slice_overrun,
)

if TYPE_CHECKING:
    from simatic_xml.flgnet import Call as FCall
    from simatic_xml.flgnet import FlgAccess, FlgNet, Part, Wire
    from simatic_xml.xmlnode import XmlNode

__all__ = ["FlgNetChecks", "address_text", "system_box_members"]

class _At(NamedTuple):
    """Where a LAD/FBD finding points: the line of its element (Access, Part, Call, Wire) in the export, no
    column. A LAD/FBD network has no text of its own, so its findings carry the file's line (0: not read from a
    file), where an SCL network's carry the line in the network's text (:mod:`engineering_api.ci.xml_lines`)."""

    line: int
    col: int = 0


_Operand: TypeAlias = "tuple[FlgAccess | None, A.Expr | None, SclType]"
"""An operand at a pin: its access (None for a box's own result), its expression, its type."""


def system_box_members(name: str, family: str | None = None) -> dict[str, Var] | None:
    """The parameters (lower name -> Var) of the system FB a LAD/FBD box ``name`` runs on a CPU of ``family``
    (:func:`~.signatures.fb_signature`), None when the box is no system FB of the catalog (a basic instruction
    such as Contact, Add or Move)."""
    from .builtins import SYSTEM_FBS
    from .signatures import fb_signature

    found = SYSTEM_FBS.get(name.upper())
    if found is not None:
        return {k: v for k, v in found.members.items() if v.section in ("Input", "Output", "InOut")}
    signature = fb_signature(name, family)
    return signature.members if signature is not None else None

_BOOL_PARTS = frozenset(["Contact", "Coil", "SCoil", "RCoil", "PContact", "NContact", "PCoil", "NCoil", "SetCoil",
                         "ResetCoil", "PBox", "NBox", "TrCoil", "IlCoil", "SvCoil", "Not"])
"""Bit instructions whose ``operand`` is a Bool (the bit a contact scans or a coil writes): any other type there is
``FLGNET_TYPE``. Which pins must be wired at all is :data:`~engineering_api.rules.instruction_pins.OPERAND_PINS`."""
_COMPARES = frozenset(["Eq", "Ne", "Gt", "Ge", "Lt", "Le", "InRange", "OutRange"])
"""Boxes whose SrcType types their inputs only: their ``out`` is the Bool result (power flow)."""
_TYPED_BOXES = _COMPARES | frozenset([
    "Add", "Sub", "Mul", "Div", "Mod", "Neg", "Abs", "Min", "Max", "Limit", "Sqr", "Sqrt", "Exp", "Ln", "Sin", "Cos",
    "Tan", "Asin", "Acos", "Atan", "Frac", "Calc", "Convert", "Round", "Trunc", "Ceil", "Floor"])
"""Boxes whose every input pin takes SrcType and whose ``out`` gives DestType (else SrcType). Boxes whose pins
differ (Scale_X's MIN/MAX are of its DestType, Expt's exponent, Shl's N…) are not checked."""
_INPUT_PIN = re.compile(r"^(in\d*|min|max|mn|mx)$")
_OUTPUT_PIN = re.compile(r"^out\d*$")
_SCOPES = {"LocalVariable": "local", "GlobalVariable": "global", "LocalConstant": "local",
           "GlobalConstant": "global"}
_SLICE = re.compile(r"^([xbwdlXBWDL])(\d+)$")
_ADDRESS_WIDTH = {**SLICED_WIDTH, "BOOL": 1, "REAL": 32, "LREAL": 64, "TIME": 32, "LTIME": 64, "TOD": 32,
                  "TIME_OF_DAY": 32, "LTOD": 64, "DATE": 16, "S5TIME": 16}
"""Bits of a value an absolute address of the same width holds when the block's IEC check is on.

Evidence, not a documented rule (no STEP 7 help page on absolute operands under the IEC check was found):
TIA V17 exported a LAD block with the IEC check on whose MOVE writes a Real into ``%DB11.DBD266`` of a
standard-access DB (zhjq163/gitlearn@867b3f3 ``FileHandling.xml`` network 3), and Openness exports only
consistent blocks, so TIA compiled it. An absolute address names memory of a width, not a tag of a type."""
_MOVE_INT_TIME = frozenset(["INT", "TIME"])
"""An Int moved into a Time, or a Time into an Int, by a LAD/FBD MOVE of a block without the IEC check. Evidence,
not a documented rule (Siemens' conversion table has no implicit INT/TIME conversion, and no STEP 7 help page
on MOVE saying otherwise was found): TIA V16 exported 31 such MOVEs of an S7-1200 program (an HMI Int into an
IEC_TIMER's PT, a timer's ET into an Int; fseenig/Automacao_GIT ``FC07_FilmBroken&Test.xml``), and Openness
exports only consistent blocks. In SCL and with the IEC check on it stays an error."""
_UNTYPED_FORMALS = frozenset(["VARIANT", "ANY", "POINTER", "DB_ANY", "VOID"])
"""Parameter types any operand may stand at (a Variant in/out takes any tag)."""
_SCANNABLE = {"Contact": frozenset(["TIMER", "COUNTER"])}
"""Non-Bool operands a bit instruction accepts: an S7-1500 contact scans the status of an S5 timer or counter."""
LABEL = "#LABEL"
"""The type of a ``Scope="Label"`` operand (a jump target); it is checked against the block's labels only."""


class FlgNetChecks(CheckContext):
    """Wires that end at parts that do not exist, non-Bool operands on bit instructions and on EN/ENO,
    and operands that do not fit the data type of a box or the parameter of a called block."""

    def flgnet(self, net: FlgNet) -> None:
        from simatic_xml.flgnet import Call as FCall
        from simatic_xml.flgnet import FlgAccess, IdentCon, NameCon, Part, Wire

        from .flgnet_structure import known_part, structure_findings
        for line, code, fields in structure_findings(net):
            self.err_line(code, line, "Warning" if code == "FLGNET_INSTRUCTION" else "Error", **fields)
        accesses: dict[str | None, FlgAccess] = {}
        parts: dict[str | None, Part | FCall] = {}
        other: set[str] = set()  # UIds of parts the typed view keeps as XML: they exist, they are just not checked
        for item in net.parts or ():
            if isinstance(item, FlgAccess):
                accesses[item.uid] = item
            elif isinstance(item, (Part, FCall)):
                parts[item.uid] = item
            elif item.attrs and "UId" in item.attrs:
                other.add(item.attrs["UId"])
        for part in parts.values():
            self.missing_blocks(part)
            if isinstance(part, Part):  # an unknown one is FLGNET_INSTRUCTION already
                name = part.name
                self.not_simulated(part.line, 0, lambda: named(name, not_simulated_part(name)) if known_part(name)
                                   else None)
        types: dict[str | None, tuple[A.Expr | None, SclType]] = {}
        technology_objects = self.technology_object_operands(net.wires or (), accesses, parts)
        for uid, acc in accesses.items():
            if uid in technology_objects:
                continue
            typed = self.access_type(acc)
            if typed is not None:
                types[uid] = typed
        pins: dict[str | None, dict[str, str | None]] = {}  # part UId -> {pin name: access UId}
        wired: set[tuple[str | None, str]] = set()  # (part UId, pin) of every pin a wire reaches
        for wire in net.wires or ():
            conns = wire.connections if isinstance(wire, Wire) else []
            at = _At(wire.line if isinstance(wire, Wire) else 0)
            operand = None
            pin_parts: list[tuple[Part | FCall, str]] = []
            for c in conns:
                if isinstance(c, IdentCon):
                    if c.uid not in accesses and c.uid not in other:
                        self.err(at, "FLGNET_WIRE", network=self.network, uid=c.uid)
                    operand = c.uid
                elif isinstance(c, NameCon):
                    if c.uid not in parts:
                        if c.uid not in other:
                            self.err(at, "FLGNET_WIRE", network=self.network, uid=c.uid)
                    else:
                        pin_parts.append((parts[c.uid], c.name))
                        wired.add((c.uid, c.name))
                        self.system_box_pin(parts[c.uid], c.name, at)
            if operand is None or operand not in types:
                continue
            t = types[operand][1]
            for part, pin in pin_parts:
                pins.setdefault(part.uid, {})[pin] = operand
                if t == LABEL:
                    self.jump_target(accesses[operand], part)
                    continue
                if not isinstance(t, str) or t == "BOOL":
                    continue
                if pin == "operand" and t in _SCANNABLE.get(part.name, ()):
                    continue
                if (pin == "operand" and isinstance(part, Part) and part.name in _BOOL_PARTS) or pin in ("en", "eno"):
                    self.err(_At(accesses[operand].line), "FLGNET_TYPE", name=_access_text(accesses[operand]),
                             type=display(t),
                             part=part.name)
        for uid, part in parts.items():
            for pin in OPERAND_PINS.get(part.name, ()) if isinstance(part, Part) else ():
                if (uid, pin) in wired:
                    continue
                if pin == "operand":
                    self.err_line("FLGNET_OPERAND", part.line, part=part.name)
                else:  # another message of the same code
                    self.out.append(Diagnostic(message("FLGNET_OPERAND_PIN", part=part.name, pin=pin), part.line, 0,
                                               self.b.name, "Error", self.path, "FLGNET_OPERAND", self.network))
        for uid, at_pins in pins.items():
            part = parts[uid]
            operands: dict[str, _Operand] = {pin: (accesses[a], *types[a]) for pin, a in at_pins.items()}
            if isinstance(part, FCall):
                self.call_pins(part, operands)
            else:
                self.box_pins(part, operands)
                self.system_box_types(part, operands)

    def system_box_pin(self, part: Part | FCall, pin: str, at: _At) -> None:
        """A pin of a system FB's box (TON, CTU, R_TRIG...) must be one of its parameters (or EN/ENO); a finding
        points at the wire that names the pin (``at``)."""
        from simatic_xml.flgnet import Part

        if not isinstance(part, Part) or pin.lower() in ("en", "eno"):
            return
        members = system_box_members(part.name, self.p.cpu_family)
        if members is not None and members.get(pin.lower()) is None:
            self.err(at, "UNKNOWN_PARAMETER", param=pin, callee=part.name)

    def system_box_types(self, part: Part, operands: dict[str, _Operand]) -> None:
        """The operands at the pins of a system FB's box (TON, CTU, MC_POWER...) against the parameters' types, as
        the actual parameters of the same call in SCL: an input's operand converts into the parameter's type, an
        output's parameter into the operand, an in/out both ways (a TON's PT wired to TRUE is refused). A box of a
        chosen type (``<TemplateValue Name="time_type" Type="Type">LTime``) takes the parameters of that instance
        type (TON_LTIME); one whose instance type the catalog does not hold is not typed."""
        from simatic_xml.template_value import TemplateValue

        chosen = [i.value for i in part.items if isinstance(i, TemplateValue) and i.type == "Type"]
        name = f"{part.name}_{chosen[0]}" if chosen else part.name
        members = system_box_members(name, self.p.cpu_family)
        if members is None:
            return
        for pin, op in operands.items():
            formal = members.get(pin.lower())
            if formal is None or not isinstance(op[2], str) or op[2] == LABEL:
                continue
            ft = formal.type
            if isinstance(ft, TypeClass):
                if formal.section == "Input" and not ft.accepts(op[2]):
                    self.pin_error(part, pin, op[2], ft.name, op)
            elif not isinstance(ft, str) or ft in _UNTYPED_FORMALS:
                continue
            elif formal.section == "Output":
                self.pin_fits(part, pin, (None, None, ft), op[2], op)
            elif formal.section == "InOut":
                if not inout_fits(op[2], ft, self.iec):
                    self.pin_error(part, pin, op[2], ft, op)
            else:
                self.pin_fits(part, pin, op, ft, op)

    def missing_blocks(self, part: Part | FCall) -> None:
        """A called FC/FB (``<CallInfo Name>``) and the single-instance DB of a box or call (``<Instance
        Scope="GlobalVariable">``) must exist, as in an SCL call ``"IEC_Timer_0_DB"(...)`` (MISSING_BLOCK, a
        warning in an open program): TIA compiles no call whose block or instance is gone. A multi-instance
        (``LocalVariable``) is a member, checked as one; a CallInfo without a Name is not looked up."""
        from simatic_xml.flgnet import Call as FCall
        from simatic_xml.flgnet import PartInstance

        names = [part.name] if isinstance(part, FCall) and part.name else []
        if isinstance(part, FCall):
            instance = part.instance
        else:
            instance = next((i for i in part.items if isinstance(i, PartInstance)), None)
        if instance is not None and instance.scope == "GlobalVariable" and instance.components:
            names.append(instance.components[0].name)
        for name in names:
            if self.p.global_name(name) is None:
                self.err(_At(part.line), "MISSING_BLOCK", "Error" if self.p.closed else "Warning", name=name)

    def technology_object_operands(self, wires: Iterable[Wire | XmlNode], accesses: dict[str | None, FlgAccess],
                                   parts: dict[str | None, Part | FCall]) -> set[str | None]:
        """UIds of operands wired only to technology object pins (MC_Power's Axis; a called block's TO_* input)
        whose global name the export does not define: each gets the MISSING_TECHNOLOGY_OBJECT warning (see
        :meth:`~engineering_api.rules.compiler.check_calls.CallChecks.missing_technology_object`) instead of
        MISSING_TAG, and is not typed further."""
        from simatic_xml.flgnet import Call as FCall
        from simatic_xml.flgnet import IdentCon, NameCon, Wire

        # operand UId -> (expression, name): plain globals the program does not define
        candidates: dict[str | None, tuple[A.Expr, str]] = {}
        for uid, acc in accesses.items():
            node = _access_expr(acc) if acc.constant is None and acc.symbol else None
            name = undefined_global(self.p, node) if node is not None else None
            if node is not None and name is not None:
                candidates[uid] = (node, name)
        if not candidates:  # the common case: every operand is defined, no pin needs a look
            return set()
        pins: dict[str | None, list[bool]] = {}  # candidate UId -> [is a TO pin, ...]
        for wire in wires:
            conns = wire.connections if isinstance(wire, Wire) else []
            operand = next((c.uid for c in conns if isinstance(c, IdentCon)), None)
            if operand not in candidates:
                continue
            for c in conns:
                if not isinstance(c, NameCon):
                    continue
                part = parts.get(c.uid)
                if part is None:
                    continue
                if isinstance(part, FCall):
                    formal = next((type_from_text(p.type) for p in part.parameters if p.name == c.name), None)
                else:
                    formal = catalog_parameter_types(part.name).get(c.name.lower())
                pins.setdefault(operand, []).append(is_technology_object(formal))
        found: set[str | None] = set()
        for uid, to_pins in pins.items():
            if all(to_pins):
                node, name = candidates[uid]
                self.err(node, "MISSING_TECHNOLOGY_OBJECT", "Warning", name=name)
                found.add(uid)
        return found

    def access_type(self, acc: FlgAccess) -> tuple[A.Expr | None, SclType] | None:
        """(expression, type) of an operand, or None when it has no type the checker can use."""
        if acc.label is not None:
            return (None, LABEL)
        if acc.address is not None:
            address_type = canonical(acc.address.get("Type", ""))
            return (None, address_type) if address_type in ELEMENTARY else None
        self.literals_read(acc)
        node = _access_expr(acc)
        if node is None:
            return None
        if acc.constant is not None:
            if (acc.constant.type or "").lower() == "bool" and (acc.constant.value or "").strip() in ("0", "1"):
                return (node, "BOOL")  # TIA writes a Bool literal as 0/1 in LAD/FBD (TRUE/FALSE elsewhere)
            return (node, self.constant_type(node))
        t = self.expr(_unsliced(node))
        return (node, self.sliced_type(acc, node, t))

    def literals_read(self, acc: FlgAccess) -> None:
        """``FLGNET_LITERAL`` at each literal of the operand (itself, or an index of one of its components, at any
        depth) that no SCL literal spells: wrong code, whatever the pin."""
        pending = [acc]
        while pending:
            current = pending.pop()
            value = current.constant.value if current.constant is not None and current.scope in _LITERAL else None
            if value is not None and value.strip() and _constant_expr(current) is None:
                self.err_line("FLGNET_LITERAL", current.line or acc.line, value=value.strip())
            pending.extend(index for comp in current.symbol or () for index in comp.index)

    def sliced_type(self, acc: FlgAccess, node: A.Expr, t: SclType) -> SclType:
        """The type of a sliced operand (``.%X0`` Bool, ``.%B0`` Byte, ``.%W0`` Word, ``.%D0`` DWord, ``.%L0`` LWord)
        with each slice inside the bits of what it is taken from; other operands keep ``t``."""
        for piece in _slices(node):
            width = slice_overrun(t, piece.size, piece.offset)
            if width is not None:
                self.err_line("FLGNET_SLICE", acc.line, slice=f"%{piece.size}{piece.offset}", bits=width,
                              name=_access_text(acc), type=display(t))
            t = SLICE_TYPES[piece.size.upper()]
        return t

    def jump_target(self, acc: FlgAccess, part: Part | FCall) -> None:
        """A label operand names a jump target (Jump/JumpNot, and the DEST pins of JMP_LIST/SWITCH): when the
        block declares its labels (FlgNet v5 ``Labels``), it must be one of them."""
        declared = _block_labels(self.b)
        if declared and acc.label is not None and acc.label.lower() not in declared:
            self.err_line("FLGNET_LABEL", acc.line, label=acc.label)

    def box_pins(self, part: Part, operands: dict[str, _Operand]) -> None:
        """Inputs into the box's type (SrcType, or the widest input for Auto), its result into the outputs."""
        from simatic_xml.flgnet import AutomaticTyped
        from simatic_xml.template_value import TemplateValue
        src: str | None = None
        dest: str | None = None
        auto = False
        for item in part.items:
            if isinstance(item, TemplateValue) and item.name in ("SrcType", "DestType"):
                t = canonical(item.value)
                if t not in ELEMENTARY:
                    return  # a generic or user type: left to TIA
                if item.name == "SrcType":
                    src = t
                else:
                    dest = t
            elif isinstance(item, AutomaticTyped) and item.name == "SrcType":
                auto = True
        inputs = [(pin, op) for pin, op in operands.items() if _INPUT_PIN.match(pin)]
        outputs = [(pin, op) for pin, op in operands.items() if _OUTPUT_PIN.match(pin)]
        if part.name == "Move":
            given = dict(inputs).get("in")
            if given is None:
                return
            for pin, op in outputs:
                if not self.iec and isinstance(given[2], str) and isinstance(op[2], str) \
                        and {given[2], op[2]} == _MOVE_INT_TIME:
                    continue
                self.pin_fits(part, pin, given, op[2], op)
            return
        if part.name not in _TYPED_BOXES:
            return
        if auto:
            src = self.auto_type(part, inputs)
        if src is None:
            return
        for pin, op in inputs:
            self.pin_fits(part, pin, op, src, op)
        if part.name in _COMPARES:
            return
        result = dest or src
        for pin, op in outputs:
            if auto and dest is None and isinstance(op[2],
                                                    str) and all(assignable(i[2], op[2], self.iec) for _, i in inputs):
                continue  # Auto: a wider output operand widens the box (TIA picks the largest operand)
            self.pin_fits(part, pin, (None, None, result), op[2], op)

    def constant_type(self, node: A.Expr) -> SclType:
        """A constant operand's type. A named constant that is not declared is left untyped: it is reported
        nowhere else in LAD/FBD either (TIA's own check of names is the offline checker's blind spot here)."""
        if type(node) is not A.Name:
            return self.expr(node)
        v = (self.vars if node.scope == "local" else self.p.constants).get(node.name.lower())
        return v.type if v is not None else None

    def auto_type(self, part: Part, inputs: list[tuple[str, _Operand]]) -> str | None:
        """The type TIA picks for an Auto box from its inputs: the wider wins; None when an input is untyped."""
        result: str | None = None
        for pin, op in inputs:
            t = op[2]
            if not isinstance(t, str):
                return None
            if t == INT_LIT or t == BIT_LIT:
                continue
            c = t if result is None else common_type(result, t, self.iec)
            if c == "!":
                self.pin_error(part, pin, t, result, op)
                return None
            result = c
        return result

    def call_pins(self, call: FCall, operands: dict[str, _Operand]) -> None:
        """A called FC/FB's pins: inputs into the parameter's type, outputs out of it, in/outs both ways."""
        for param in call.parameters:
            op = operands.get(param.name)
            if op is None or not isinstance(op[2], str):
                continue
            pt = type_from_text(param.type)
            if not isinstance(pt, str):
                continue
            if param.section == "Output":
                self.pin_fits(call, param.name, (None, None, pt), op[2], op)
            elif param.section == "InOut":
                if not inout_fits(op[2], pt, self.iec):
                    self.pin_error(call, param.name, op[2], pt, op)
            elif param.section == "Input":
                self.pin_fits(call, param.name, op, pt, op)

    def pin_fits(self, part: Part | FCall, pin: str, value: _Operand, dst: SclType, shown: _Operand) -> None:
        """``value`` (access, node, type) converts into ``dst`` at ``pin``; a constant must lie in its range."""
        vt = value[2]
        if vt == INT_LIT or vt == BIT_LIT:
            self.fit_literal(value[1], dst)
        elif not assignable(vt, dst, self.iec) and not self.absolute_fits(shown[0], vt, dst):
            self.pin_error(part, pin, vt, dst, shown)

    def absolute_fits(self, acc: FlgAccess | None, src: SclType, dst: SclType) -> bool:
        """With the IEC check on, a value meets an absolute address (``%MD40``, ``%DB11.DBD266``) of its width."""
        if not self.iec or acc is None or acc.address is None:
            return False
        width = _ADDRESS_WIDTH.get(src) if isinstance(src, str) else None
        return width is not None and width == (_ADDRESS_WIDTH.get(dst) if isinstance(dst, str) else None)

    def pin_error(self, part: Part | FCall, pin: str, src: SclType, dst: SclType, op: _Operand) -> None:
        at = _At(op[0].line if op[0] is not None and op[0].line else part.line)
        self.err(at, "FLGNET_PIN_TYPE", src=display(src), dst=display(dst), pin=pin, part=part.name,
                 name=_access_text(op[0]))


def _slices(node: A.Expr | None) -> list[A.Slice]:
    """The slices of an operand expression, innermost first."""
    out: list[A.Slice] = []
    while isinstance(node, (A.Slice, A.Member, A.Index)):
        if type(node) is A.Slice:
            out.append(node)
        node = node.base
    return out[::-1]


def _unsliced(node: A.Expr) -> A.Expr:
    """The operand without its trailing slices (the checker types the tag; slices are typed here)."""
    while type(node) is A.Slice:
        node = node.base
    return node


def _block_labels(block: BlockDef) -> set[str]:
    """Lower-case names of the jump labels the block's LAD/FBD networks declare: recomputed per jump, a handful
    per block. The labels of its STL lines count too (a block may mix STL and LAD/FBD networks): a LAD jump to one
    of them is not judged a missing label."""
    return {name.lower() for net in block.networks if net.flgnet is not None for name in net.flgnet.labels()} | {
        st.label.lower() for net in block.networks for st in net.stl or () if st.label is not None}


def _access_expr(acc: FlgAccess) -> A.Expr | None:
    if acc.constant is not None:
        return _constant_expr(acc)
    comps = acc.symbol
    scope = _SCOPES.get(acc.scope)
    if scope is None or not comps:
        return None
    node: A.Expr | None = None
    for c in comps:
        node = A.Name(acc.line, 0, c.name, scope) if node is None else A.Member(acc.line, 0, node, c.name)
        if c.access_modifier == "Array":
            # one placeholder per index (typed as unknown): fewer indexes than dimensions is a partial ARRAY
            node = A.Index(acc.line, 0, node, [None] * max(1, len(c.index)))
        piece = _SLICE.match(c.slice) if c.slice else None
        if piece is not None:
            node = A.Slice(acc.line, 0, node, piece.group(1).upper(), int(piece.group(2)))
        elif c.slice:
            return None  # a slice spelling TIA does not write: left untyped
    return node


_NAMED_CONSTANT = frozenset({"LocalConstant", "GlobalConstant"})
_LITERAL = frozenset({"LiteralConstant", "TypedConstant"})
"""Scopes whose constant is a literal, written as SCL writes it (every one of the corpus's 1,047 is)."""


def _constant_expr(acc: FlgAccess) -> A.Expr | None:
    """A constant operand as an SCL expression: a named (local/user) constant by name, a literal as the SCL
    parser reads it (an untyped integer stays untyped, so its range is checked against the pin)."""
    const = acc.constant
    if const is None:
        return None
    scope = _SCOPES.get(acc.scope)
    # A named constant may carry its name as the value (<Constant><ConstantValue>C_OP10</ConstantValue>), as
    # an SCL network of a real export does (simatic_xml.scl_text.constant_name).
    name = const.name or (const.value.strip() if acc.scope in _NAMED_CONSTANT and const.value else None)
    if name and scope is not None:
        return A.Name(acc.line, 0, name, scope)
    if const.value is None:
        return None
    try:
        node = parse_expression(const.value.strip())
    except SclSyntaxError:
        return None
    return replace(node, line=acc.line, col=0) if type(node) is A.Literal else None


def _access_text(acc: FlgAccess | None) -> str:
    if acc is None:
        return "?"
    if acc.constant is not None:
        c = acc.constant
        return (("#" if acc.scope == "LocalConstant" else '"') + c.name + ("" if acc.scope == "LocalConstant" else '"')
                if c.name else (c.value or "?"))
    if acc.label is not None:
        return acc.label
    if acc.address is not None:
        return address_text(acc.address)
    names = ".".join(c.name + (f".%{c.slice.upper()}" if c.slice else "") for c in acc.symbol or ())
    return ("#" + names) if acc.scope == "LocalVariable" else '"' + names + '"'


_AREA_LETTER = {"Input": "I", "Output": "Q", "Memory": "M", "PeripheryInput": "I", "PeripheryOutput": "Q",
                "Local": "L", "DB": "DB", "DI": "DI"}
_SIZE_LETTER = {"Byte": "B", "Word": "W", "DWord": "D", "LWord": "L"}


def address_text(address: dict[str, str]) -> str:
    """An absolute address as TIA's editor shows it: ``%M40.1``, ``%MD40``, ``%DB11.DBD266``, ``%IW64:P``."""
    area = address.get("Area", "")
    kind = address.get("Type", "")
    try:
        offset = int(address.get("BitOffset", "0"))
    except ValueError:
        return "%" + area + address.get("BitOffset", "")
    byte, bit = divmod(offset, 8)
    size = _SIZE_LETTER.get(kind)
    if area in ("DB", "DI"):
        where = f"%{area}{address.get('BlockNumber', '')}.{area}{size or 'X'}{byte}"
        return where if size else f"{where}.{bit}"
    letter = _AREA_LETTER.get(area)
    if letter is None:
        return f"%{area}{byte}.{bit}"
    suffix = ":P" if area.startswith("Periphery") else ""
    return (f"%{letter}{size}{byte}" if size else f"%{letter}{byte}.{bit}") + suffix
