"""LAD/FBD networks (``simatic_xml.flgnet.FlgNet``) to SCL statement ASTs.

A network is a graph: parts (contacts, coils, boxes, calls) whose pins are joined by wires to the
power rail, to operands or to other parts. :func:`network_statements` walks it as TIA's network
compiler does, left to right and top to bottom: parts run in the order of the export (which is the
graphic order) and a part always runs after the parts that feed it. Every part becomes SCL:

* power flow is a Bool expression (``TRUE`` from the rail, ``AND`` in series, ``OR`` in parallel);
  an expression that is used twice, or that must keep its value across a side effect, is stored in a
  temporary ``#_ladN`` first, so every operand is read once and at the right moment;
* side effects (coils, edges, boxes, calls) become statements; a box with EN runs under
  ``IF en THEN ... END_IF`` and its ENO is its EN;
* an instruction that cannot be translated becomes a call of its bare name without arguments; the code
  generator turns it into an "instruction not supported" error when it runs (never a silent no-op).

What the code generator receives (all nodes at line 0, column 0; nodes may be shared between statements,
so treat the AST as read-only):

* statements: ``Assign``, ``If`` (one branch, no ELSE) and ``CallStmt``;
* expressions: ``Literal`` (as the SCL parser builds them), ``Name`` (``local``/``global``; ``bare`` only
  as a callee), ``Member``, ``Index``, ``Address``, ``UnaryOp`` (NOT, -), ``BinaryOp`` (AND OR XOR,
  comparisons, + - * / MOD), ``Paren`` and ``Call``: system functions by bare name (``INT_TO_DINT``,
  ``ROUND``, ``NORM_X``, ``MOVE_BLK_VARIANT``…), user FCs ``"FC"(…)``, instances ``"DB"(…)``/``#inst(…)``
  and IEC timers/counters on a structure ``"DB".TON(…)``; arguments are named (``:=`` inputs and in/outs,
  ``=>`` outputs) except the single input of a one-input function (``ROUND(x)``);
* temps: ``Var(name, type, "Temp")``, type a checker type (``"BOOL"``, ``"INT"``…) or None when nothing
  tells (an operand the program does not declare); every temp is written before it is read, except a
  box result read while the box's EN was off (then the temp's default, as TIA leaves the output as is).

Documented gaps: ENO is EN (no overflow/error detection, and a called block's own ENO is not used); a
P/N contact updates its memory bit whether or not power reaches it; jumps, labels and RET, GRAPH coils and
instructions without EN become placeholders; pure power flow is evaluated where it is used, so a
network that writes an operand between two branches that read it follows the wiring, not the picture.

The part translators live in :mod:`fakes.runtime.ladder_parts`; operands in
:mod:`fakes.runtime.ladder_operands`; :func:`fakes.runtime.ladder_text.statements_text` prints the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, overload

from engineering_api.rules.compiler.types import Var
from simatic_xml.flgnet import Call, FlgAccess, IdentCon, NameCon, Negated, OpenCon, Part, Powerrail
from simatic_xml.scl import ast as A
from simatic_xml.xmlnode import XmlNode

from .ladder_operands import FALSE, TRUE, TypeOracle, Untranslatable, access_expr, en_is, not_
from .ladder_parts import translate

__all__ = ("LadderCode", "Untranslatable", "is_placeholder", "network_statements")


@dataclass
class LadderCode:
    """The SCL statements of one network, executable in order, and the temporaries they use."""

    statements: list = field(default_factory=list)
    temps: list = field(default_factory=list)
    """``Var(name, type, "Temp")`` for every ``#_lad…`` the statements use."""
    unsupported: list = field(default_factory=list)
    """Names of the parts that became "not supported" placeholders, in order."""
    warnings: list = field(default_factory=list)
    """Why, one text per placeholder (``Network 3: instruction "Jump" is not supported: …``)."""


def network_statements(flgnet, block, program, *, network: int, temp_prefix: str = "_lad") -> LadderCode:
    """The SCL statements of a LAD/FBD network of ``block`` (a ``BlockDef`` of ``program``).

    ``network`` is the network number, only used in messages. ``temp_prefix`` names the temporaries:
    ``_lad1``, ``_lad2``… for Bool ones, ``_lad3_INT`` for others (the type is part of the name). They
    are numbered per network, so the networks of a block reuse names, always with the same type: a code
    generator may declare the temps of all networks of a block together, first declaration wins."""
    return _Translator(flgnet, block, program, network, temp_prefix).run()


def is_placeholder(stmt) -> bool:
    """Whether ``stmt`` is the "instruction not supported" placeholder (a bare call without arguments)."""
    return (type(stmt) is A.CallStmt and not stmt.call.args and type(stmt.call.callee) is A.Name
            and stmt.call.callee.scope == "bare")


class _Wiring:
    """Who feeds which pin: the first end of a wire is its source, the other ends are fed by it."""

    def __init__(self, flgnet) -> None:
        self.accesses: dict[str, FlgAccess | XmlNode] = {}
        self.parts: dict[str, Part | Call | XmlNode] = {}
        self.order: list[str] = []
        self.source: dict[tuple[str, str], object] = {}
        self.targets: dict[tuple[str, str], list] = {}
        self.pins: dict[str, list[str]] = {}
        self.broken: set[str] = set()
        """Parts on a wire the typed view could not read: their connections are unknown."""
        for item in flgnet.parts or ():
            self._add_item(item)
        for wire in flgnet.wires or ():
            ends = wire.children if isinstance(wire, XmlNode) else wire.connections
            if isinstance(wire, XmlNode) or any(isinstance(c, XmlNode) for c in ends):
                self.broken.update(c.attrs["UId"] for c in ends if isinstance(c, XmlNode) and "UId" in c.attrs)
                self.broken.update(c.uid for c in ends if isinstance(c, NameCon))
            elif ends:
                self._add_wire(ends[0], ends[1:])

    def _add_item(self, item) -> None:
        uid = item.attrs.get("UId") if isinstance(item, XmlNode) else item.uid
        if uid is None:
            return
        if isinstance(item, FlgAccess) or (isinstance(item, XmlNode) and item.tag == "Access"):
            self.accesses[uid] = item
        else:
            self.parts[uid] = item
            self.order.append(uid)

    def _pin(self, con: NameCon) -> None:
        pins = self.pins.setdefault(con.uid, [])
        if con.name not in pins:
            pins.append(con.name)

    def _add_wire(self, first, rest: list) -> None:
        if isinstance(first, NameCon):
            self._pin(first)
            self.targets.setdefault((first.uid, first.name), []).extend(rest)
        for con in rest:
            if isinstance(con, NameCon):
                self._pin(con)
                self.source[(con.uid, con.name)] = first


class _Translator:
    """The state of one network's translation; the part translators call its helpers."""

    def __init__(self, flgnet, block, program, network: int, prefix: str) -> None:
        self.wiring = _Wiring(flgnet)
        self.types = TypeOracle(program, block)
        self.network = network
        self.prefix = prefix
        self.code = LadderCode()
        self.values: dict[tuple[str, str], A.Expr] = {}
        self.value_types: dict[tuple[str, str], object] = {}
        self.done: set[str] = set()
        self.running: set[str] = set()

    def run(self) -> LadderCode:
        for uid in self.wiring.order:
            self.execute(uid)
        return self.code

    # ---------------------------------------------------------------- running parts

    def execute(self, uid: str) -> None:
        """Translate part ``uid`` once (after the parts that feed it, which it asks for)."""
        if uid in self.done:
            return
        if uid in self.running:
            raise Untranslatable("the network feeds itself back")
        self.running.add(uid)
        part = self.wiring.parts[uid]
        try:
            if uid in self.wiring.broken:
                raise Untranslatable("a wire of it has an unknown shape")
            translate(self, part)
        except Untranslatable as reason:
            self.placeholder(part, str(reason))
        finally:
            self.running.discard(uid)
            self.done.add(uid)

    def placeholder(self, part, reason: str) -> None:
        """The "not supported" call for ``part``, under its EN when it has one (so an unpowered box never fails)."""
        name = part.attrs.get("Name", part.tag) if isinstance(part, XmlNode) else part.name
        call = A.CallStmt(0, 0, A.Call(0, 0, A.Name(0, 0, name, "bare"), []))
        en = TRUE
        if not isinstance(part, XmlNode) and self.connected(part, "en"):
            try:
                en = self.enable(part)
            except Untranslatable:
                en = TRUE
        self.gated(en, [call])
        if not isinstance(part, XmlNode):
            self.finish(part, en)
        self.code.unsupported.append(name)
        self.code.warnings.append(f'Network {self.network}: instruction "{name}" is not supported ({reason}).')

    # ---------------------------------------------------------------- reading pins

    def connected(self, part, pin: str) -> bool:
        """Whether a wire feeds ``pin`` from something other than an open end."""
        src = self.wiring.source.get((part.uid, pin))
        return src is not None and not isinstance(src, OpenCon)

    def negated(self, part, pin: str) -> bool:
        return isinstance(part, Part) and any(isinstance(i, Negated) and i.name == pin for i in part.items)

    @overload
    def input(self, part: Any, pin: str, default: A.Expr) -> A.Expr: ...
    @overload
    def input(self, part: Any, pin: str, default: None = None) -> A.Expr | None: ...

    def input(self, part: Any, pin: str, default: A.Expr | None = None) -> A.Expr | None:
        """The value at an input pin (negated if the pin is), or ``default`` when nothing feeds it."""
        src = self.wiring.source.get((part.uid, pin))
        value = self._source_value(src) if src is not None else None
        if value is None:
            return default
        return not_(value) if self.negated(part, pin) else value

    def power(self, part, pin: str) -> A.Expr:
        """A power input that is powered when unconnected (``en``, ``pre``)."""
        return self.input(part, pin, TRUE)

    def flow(self, part, pin: str) -> A.Expr:
        """A Bool input that carries no power when unconnected."""
        return self.input(part, pin, FALSE)

    def required(self, part, pin: str) -> A.Expr:
        """A value input the instruction cannot do without."""
        value = self.input(part, pin)
        if value is None:
            raise Untranslatable(f"pin {pin} is not connected")
        return value

    def _source_value(self, src) -> A.Expr | None:
        if isinstance(src, Powerrail):
            return TRUE
        if isinstance(src, IdentCon):
            return self.operand(src.uid)
        if isinstance(src, NameCon):
            return self.output(src.uid, src.name)
        return None

    def operand(self, uid: str) -> A.Expr:
        access = self.wiring.accesses.get(uid)
        expr = access_expr(access) if access is not None else None
        if expr is None:
            scope = getattr(access, "scope", None) or "untyped"
            raise Untranslatable(f"its operand UId {uid} ({scope}) has no SCL equivalent")
        return expr

    def target(self, part, pin: str) -> A.Expr:
        """The operand written through ``pin`` (a coil's operand, an edge memory bit)."""
        src = self.wiring.source.get((part.uid, pin))
        if not isinstance(src, IdentCon):
            raise Untranslatable(f"pin {pin} has no operand")
        return self.operand(src.uid)

    def output(self, uid: str, pin: str) -> A.Expr:
        """The value of an output pin, running its part first; stored in a temp when used more than once."""
        self.execute(uid)
        part = self.wiring.parts[uid]
        value = self.values.get((uid, pin))
        if value is None:
            if pin.lower() not in ("out", "eno", "q"):
                raise Untranslatable(f"output {pin} has no value")
            value = FALSE  # a Bool output of a part that became a placeholder
        if self.consumers(part, pin) > 1:
            value = self.values[(uid, pin)] = self.stable(value, self.value_types.get((uid, pin)))
        return not_(value) if self.negated(part, pin) else value

    # ---------------------------------------------------------------- writing pins

    def operand_targets(self, part, pin: str) -> list[A.Expr]:
        return [self.operand(c.uid) for c in self.wiring.targets.get((part.uid, pin), ()) if isinstance(c, IdentCon)]

    def consumers(self, part, pin: str) -> int:
        return sum(isinstance(c, NameCon) for c in self.wiring.targets.get((part.uid, pin), ()))

    def used(self, part, pin: str) -> bool:
        """Whether anything (operand or part) is connected to output ``pin``."""
        return any(isinstance(c, (NameCon, IdentCon)) for c in self.wiring.targets.get((part.uid, pin), ()))

    def in_pins(self, part) -> list[str]:
        return [p for p in self.wiring.pins.get(part.uid, ()) if (part.uid, p) in self.wiring.source]

    def out_pins(self, part) -> list[str]:
        return [p for p in self.wiring.pins.get(part.uid, ()) if (part.uid, p) in self.wiring.targets]

    def deliver(self, part, pin: str, value: A.Expr, body: list | None = None, typ=None, lazy: bool = False) -> None:
        """Give output ``pin`` its value: assign the operands wired to it (in ``body``) and keep the value
        for the parts it feeds. A ``lazy`` value (pure power flow) is computed where it is used; any other
        value is stored in a temp first so that it is read now, inside the box's EN."""
        ops = self.operand_targets(part, pin)
        body = self.code.statements if body is None else body
        if not (lazy and not ops) and self.consumers(part, pin) and not self.simple(value):
            value = self.store(value, body, typ or (self.types.type_of(ops[0]) if ops else None))
        body.extend(A.Assign(0, 0, op, value) for op in ops)
        self.set_value(part, pin, value, "BOOL" if lazy else typ)

    def set_value(self, part, pin: str, value: A.Expr, typ=None) -> None:
        """Record the value (and type, when known) of output ``pin`` for the parts it feeds."""
        self.values[(part.uid, pin)] = value
        self.value_types[(part.uid, pin)] = typ

    # ---------------------------------------------------------------- statements and temporaries

    def emit(self, *stmts) -> None:
        self.code.statements.extend(stmts)

    def gated(self, en: A.Expr, body: list) -> None:
        """``body`` when power flows through ``en``: ``IF en THEN body END_IF`` (plain when ``en`` is TRUE)."""
        if not body or en_is(en, False):
            return
        if en_is(en, True):
            self.emit(*body)
        else:
            self.emit(A.If(0, 0, [A.IfBranch(0, 0, en, body)]))

    def enable(self, part) -> A.Expr:
        """The EN of a box, kept in a temp when ENO passes it on (the box may change what EN read)."""
        en = self.power(part, "en")
        return self.stable(en, "BOOL") if self.used(part, "eno") else en

    def finish(self, part, en: A.Expr) -> None:
        """ENO = EN: the simulation does not model instructions that fail (documented gap)."""
        if self.used(part, "eno"):
            self.deliver(part, "eno", en, lazy=True)

    def temp(self, typ) -> A.Name:
        """A new temporary of type ``typ``; a non-Bool type is part of its name (see :func:`network_statements`)."""
        name = f"{self.prefix}{len(self.code.temps) + 1}"
        if typ != "BOOL":
            name += "_" + _type_tag(typ)
        self.code.temps.append(Var(name, typ, "Temp"))
        return A.Name(0, 0, name, "local")

    def store(self, value: A.Expr, body: list, typ=None) -> A.Name:
        """``#_ladN := value`` in ``body``; the temp's type is ``typ``, else the value's type as the checker
        sees it, else Bool for power flow (None when nothing tells: an operand the program does not declare)."""
        if typ is None:
            typ = self.types.type_of(value) or ("BOOL" if _is_power(value) else None)
        name = self.temp(typ)
        body.append(A.Assign(0, 0, name, value))
        return name

    def stable(self, value: A.Expr, typ=None) -> A.Expr:
        """``value`` as it is now: a constant or temp as is, anything else stored in a temp at this point."""
        return value if self.simple(value) else self.store(value, self.code.statements, typ)

    def simple(self, value: A.Expr) -> bool:
        return type(value) is A.Literal or (
            type(value) is A.Name and value.scope == "local" and value.name.startswith(self.prefix)
            and any(t.name == value.name for t in self.code.temps))


def _type_tag(typ) -> str:
    """``INT``, ``STRING``, ``TON_TIME``, ``ANY`` (unknown): the type as a part of a temp's name."""
    if typ is None:
        return "ANY"
    text = typ if isinstance(typ, str) else getattr(typ, "name", None) or type(typ).__name__
    return re.sub(r"\W", "_", text).upper()


_LOGIC_OPS = frozenset(["AND", "OR", "XOR", "=", "<>", "<", ">", "<=", ">="])


def _is_power(value: A.Expr) -> bool:
    """Whether ``value`` is certainly Bool (logic, comparison, negation, TRUE/FALSE)."""
    if type(value) is A.BinaryOp:
        return value.op in _LOGIC_OPS
    if type(value) is A.UnaryOp:
        return value.op == "NOT"
    return type(value) is A.Literal and value.kind == "bool"
