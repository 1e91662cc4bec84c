"""Helpers of the LAD/FBD translation tests: a FlgNet builder, a block/program view and a tiny SCL runner.

The runner executes the Bool/integer subset of the statement AST the translator produces (assignments,
IF, AND/OR/XOR/NOT, comparisons, + - * /), so edge and flip-flop behaviour can be checked over several
scans without the code generator.
"""

from __future__ import annotations

from lxml import etree
from engineering_api.rules.compiler.program import BlockDef, Program
from engineering_api.rules.compiler.types import Var
from fakes.runtime.ladder import LadderCode, network_statements
from fakes.runtime.ladder_text import expr_text, statements_text
from simatic_xml import flgnet as F
from simatic_xml.scl import ast as A
from simatic_xml.xmlnode import from_lxml

__all__ = ("FLG_NS", "NetBuilder", "ScanRunner", "block_with", "from_xml_text", "translate",
           "translate_text")

FLG_NS = "http://www.siemens.com/automation/Openness/SW/NetworkSource/FlgNet/v4"


class NetBuilder:
    """Builds a FlgNet as TIA exports it: accesses and parts with UIds, wires source-first."""

    def __init__(self) -> None:
        self.parts: list = []
        self.wires: list = []
        self._uid = 20

    def _next(self) -> str:
        self._uid += 1
        return str(self._uid)

    def var(self, path: str, scope: str = "LocalVariable") -> str:
        """An operand ``a.b.c`` (local by default, ``scope="GlobalVariable"`` for ``"a".b``)."""
        uid = self._next()
        self.parts.append(F.FlgAccess(scope, uid, symbol=[F.Component(n) for n in path.split(".")]))
        return uid

    def const(self, value: str, typ: str | None = None, scope: str = "LiteralConstant") -> str:
        uid = self._next()
        self.parts.append(F.FlgAccess(scope, uid, constant=F.FlgConstant(value, typ)))
        return uid

    def part(self, name: str, *items, instance: tuple[str, str] | None = None) -> str:
        """A part; ``items`` are ``Negated``/``TemplateValue``; ``instance`` is (scope, name)."""
        uid = self._next()
        children = list(items)
        if instance is not None:
            children.insert(0, F.PartInstance(instance[0], None, [F.Component(instance[1])]))
        self.parts.append(F.Part(name, uid, items=children))
        return uid

    def call(self, name: str, block_type: str, params: list[tuple[str, str, str]],
             instance: tuple[str, str] | None = None) -> str:
        uid = self._next()
        inst = F.PartInstance(instance[0], None, [F.Component(instance[1])]) if instance else None
        self.parts.append(F.Call(name, block_type, uid, inst, [F.CallParameter(*p) for p in params]))
        return uid

    def coil(self, source, operand: str) -> None:
        """A Coil fed by ``source`` (as :meth:`wire` takes it) writing the local ``operand``."""
        coil = self.part("Coil")
        self.wire(source, (coil, "in"))
        self.wire(self.var(operand), (coil, "operand"))

    def wire(self, source, *targets) -> None:
        """``source``: ``"rail"``, None (open), an access uid or ``(part uid, pin)``; targets likewise."""
        self.wires.append(F.Wire(self._next(), [self._end(source)] + [self._end(t) for t in targets]))

    def _end(self, end):
        if end == "rail":
            return F.Powerrail()
        if end is None:
            return F.OpenCon(self._next())
        if isinstance(end, tuple):
            return F.NameCon(end[0], end[1])
        return F.IdentCon(end)

    def build(self) -> F.FlgNet:
        return F.FlgNet(parts=list(self.parts), wires=list(self.wires))


def from_xml_text(text: str) -> F.FlgNet:
    """A FlgNet from the XML of an export (namespace added when missing)."""
    if "xmlns" not in text.split(">", 1)[0]:
        text = text.replace("<FlgNet", f'<FlgNet xmlns="{FLG_NS}"', 1)
    return F.from_xml(from_lxml(etree.fromstring(text.encode())))


def block_with(kind: str = "FB", program: Program | None = None, **vars_: object) -> tuple[BlockDef, Program]:
    """A block ``Blk`` whose variables are ``name=type`` (Static) or ``name=(type, section)``."""
    block = BlockDef("Blk", kind)
    for name, spec in vars_.items():
        typ, section = spec if isinstance(spec, tuple) else (spec, "Static")
        block.vars[name.lower()] = Var(name, typ, section)
        block.decls.append(block.vars[name.lower()])
    program = program or Program(closed=False)
    program.add(block)
    return block, program


def translate(net: F.FlgNet, block: BlockDef | None = None, program: Program | None = None) -> LadderCode:
    if block is None:
        block, program = block_with()
    return network_statements(net, block, program, network=1)


def translate_text(net: F.FlgNet, block: BlockDef | None = None, program: Program | None = None) -> str:
    return statements_text(translate(net, block, program).statements)


class ScanRunner:
    """Runs translated statements scan after scan on a dict of operand texts (``#a``, ``"DB".x``)."""

    def __init__(self, code: LadderCode, **values) -> None:
        self.code = code
        self.memory: dict[str, object] = {f"#{k}": v for k, v in values.items()}

    def scan(self, operands: dict | None = None, **inputs) -> dict:
        """Set ``operands`` (by SCL text: ``{'"Start"': True}``) and ``#name`` inputs, run the network
        once, return the memory."""
        self.memory.update(operands or {})
        self.memory.update({f"#{k}": v for k, v in inputs.items()})
        for var in self.code.temps:  # temps start at their default on every call
            self.memory[f"#{var.name}"] = False if var.type == "BOOL" else 0
        self._run(self.code.statements)
        return self.memory

    def __getitem__(self, name: str):
        return self.memory.get(f"#{name}", False)

    def _run(self, stmts: list) -> None:
        for s in stmts:
            if type(s) is A.Assign:
                self.memory[expr_text(s.target)] = self._eval(s.value)
            elif type(s) is A.If:
                branch = next((b for b in s.branches if self._eval(b.cond)), None)
                self._run(branch.body if branch is not None else (s.else_body or []))
            else:
                raise AssertionError(f"the runner does not execute {statements_text([s])}")

    def _eval(self, e):
        t = type(e)
        if t is A.Literal:
            return e.value
        if t in (A.Name, A.Member, A.Index):
            return self.memory.get(expr_text(e), False)
        if t is A.UnaryOp:
            v = self._eval(e.operand)
            return (not v) if e.op == "NOT" else -v
        if t is A.BinaryOp:
            a, b = self._eval(e.left), self._eval(e.right)
            return _BINARY[e.op](a, b)
        raise AssertionError(f"the runner does not evaluate {expr_text(e)}")

_BINARY = {
    "AND": lambda a, b: bool(a and b), "OR": lambda a, b: bool(a or b), "XOR": lambda a, b: bool(a) != bool(b),
    "=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "+": lambda a, b: a + b, "-": lambda a, b: a - b,
    "*": lambda a, b: a * b, "/": lambda a, b: a / b,
}
