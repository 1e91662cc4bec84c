"""Typed AST of Siemens SCL sources.

Every node carries ``line`` and ``col`` (1-based, of its first token).
Statements and declarations carry ``comments``: the comment texts written on
the lines just before them (and, for declarations, ``comment``: the ``//``
comment that follows on the same line), so a formatter can round-trip them.
All classes are slotted dataclasses; lists are plain Python lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from collections.abc import Iterator
from typing import Optional, Union, final


@dataclass(slots=True)
class Node:
    line: int
    col: int


# --------------------------------------------------------------------------- expressions


@dataclass(slots=True)
class Expr(Node):
    pass


@dataclass(slots=True)
class Literal(Expr):
    """A constant. ``kind`` is one of int, real, bool, string, time, date, tod, dt, pointer (an ANY pointer
    ``P#DB1.DBX0.0 BYTE 4``, its value the normalized spelling), null (the null reference ``NULL``, value None).

    ``type_name`` is the explicit prefix (``INT`` in ``INT#5``, ``W`` in ``W#16#FF``,
    ``T``/``TIME``, ``DT``...), upper-case, or None. ``value`` is the Python value
    (int, float, bool, str; time literals in milliseconds as int, dates as text).
    ``text`` is the source spelling.
    """

    kind: str
    value: object
    text: str
    type_name: Optional[str] = None


@dataclass(slots=True)
class Name(Expr):
    """An operand root: ``#local`` (scope ``local``), ``"global"`` (``global``)
    or a bare word (``bare``: a local without ``#``, a built-in function or
    classic-style symbol; the checker resolves it). ``periphery``: written ``"tag":P``, the I/O access of a
    PLC tag (peripheral input/output, same data type as the tag)."""

    name: str
    scope: str
    periphery: bool = False


@dataclass(slots=True)
class Member(Expr):
    """``base.name`` or ``base."quoted name"``."""

    base: Expr
    name: str
    quoted: bool = False
    hashed: bool = False  # written base.#name (seen in TIA exports)


@dataclass(slots=True)
class Index(Expr):
    """``base[i, j]``. The parser gives every index; None stands for an index of unknown value in an
    expression built from a LAD/FBD operand for the checker."""

    base: Expr
    indices: list[Optional[Expr]]


@dataclass(slots=True)
class Slice(Expr):
    """Slice access ``base.%X3`` / ``.%B1`` / ``.%W0`` / ``.%D0``: size letter and offset."""

    base: Expr
    size: str
    offset: int


@dataclass(slots=True)
class Deref(Expr):
    """``base^`` -- dereference of a REF_TO (S7-1500)."""

    base: Expr


@dataclass(slots=True)
class Address(Expr):
    """Absolute address ``%I0.0``, ``%MW10``, ``%DB1.DBX0.0`` (text without ``%`` and without ``:P``);
    ``periphery``: ``%IW4:P``, the I/O access of the address."""

    text: str
    periphery: bool = False


@dataclass(slots=True)
class Arg(Node):
    """One call argument. ``name`` is None for positional ones; ``op`` is ``:=`` or ``=>``."""

    name: Optional[str]
    op: Optional[str]
    value: Expr


@dataclass(slots=True)
class Call(Expr):
    """``callee(args)`` -- FC/FB/instance/system call; ``callee`` is an operand expression."""

    callee: Expr
    args: list[Arg]


@dataclass(slots=True)
class UnaryOp(Expr):
    op: str  # '-', '+', 'NOT'
    operand: Expr


@dataclass(slots=True)
class BinaryOp(Expr):
    op: str  # '**', '*', '/', 'MOD', '+', '-', '<', '>', '<=', '>=', '=', '<>', 'AND', 'XOR', 'OR'
    left: Expr
    right: Expr


@dataclass(slots=True)
class Paren(Expr):
    """A parenthesised expression (kept for round trips)."""

    expr: Expr


@dataclass(slots=True)
class ArrayInit(Expr):
    """Initial value list ``[1, 2, 3(0)]`` (``bracketed`` False for classic ``1, 2``)."""

    items: list[Expr]
    bracketed: bool = True


@dataclass(slots=True)
class StructInit(Expr):
    """Structured initial value ``(72, 2, (), [()])``; an empty ``()`` item is None."""

    items: list[Optional[Expr]]


@dataclass(slots=True)
class Repeat(Expr):
    """Repeat factor ``3(0.0)`` or ``2(1, 2)`` inside an initial value list."""

    count: int
    items: list[Expr]


# --------------------------------------------------------------------------- types


@dataclass(slots=True)
class TypeNode(Node):
    pass


@dataclass(slots=True)
class ElementaryType(TypeNode):
    """Bool, Int, Real, Time, String[n] ... ``name`` upper-case, ``spelling`` as written."""

    name: str
    spelling: str
    length: Optional[Expr] = None  # STRING[n] / WSTRING[n]


@dataclass(slots=True)
class Dimension(Node):
    """One array dimension; ``low``/``high`` are None for ``*``."""

    low: Optional[Expr]
    high: Optional[Expr]


@dataclass(slots=True)
class ArrayType(TypeNode):
    dims: list[Dimension]
    element: TypeNode


@dataclass(slots=True)
class StructType(TypeNode):
    members: list[VarDecl]
    attributes: list[Attribute] = field(default_factory=list)


@dataclass(slots=True)
class NamedType(TypeNode):
    """UDT, FB (multi-instance) or system type (TON_TIME, IEC_TIMER, R_TRIG...)."""

    name: str
    quoted: bool


@dataclass(slots=True)
class RefType(TypeNode):
    """``REF_TO type`` (S7-1500)."""

    target: TypeNode


TypeRef = Union[ElementaryType, ArrayType, StructType, NamedType, RefType]

# --------------------------------------------------------------------------- declarations


@dataclass(slots=True)
class Attribute(Node):
    name: str
    value: str


@dataclass(slots=True)
class VarDecl(Node):
    name: str
    quoted: bool
    type: TypeNode
    initial: Optional[Expr] = None
    attributes: list[Attribute] = field(default_factory=list)
    comment: Optional[str] = None  # trailing comment on the same line
    at: Optional[str] = None  # AT overlay target
    comments: list[str] = field(default_factory=list, kw_only=True)


@dataclass(slots=True)
class VarSection(Node):
    """``kind`` is VAR_INPUT, VAR_OUTPUT, VAR_IN_OUT, VAR, VAR_TEMP, VAR_STAT;
    ``qualifiers`` upper-case words after it: CONSTANT, RETAIN, NON_RETAIN, DB_SPECIFIC."""

    kind: str
    qualifiers: list[str]
    decls: list[VarDecl]
    comments: list[str] = field(default_factory=list, kw_only=True)

    @property
    def constant(self) -> bool:
        return "CONSTANT" in self.qualifiers


SECTION_NAMES: dict[str, str] = {
    "VAR_INPUT": "Input", "VAR_OUTPUT": "Output", "VAR_IN_OUT": "InOut", "VAR": "Static", "VAR_STAT": "Static",
    "VAR_TEMP": "Temp",
}
"""A :class:`VarSection`'s ``kind`` -> the interface section TIA writes its members in (``VAR_IN_OUT``: ``InOut``)."""


# --------------------------------------------------------------------------- statements


@dataclass(slots=True)
class Stmt(Node):
    """Base of statements. ``comments``: raw comment texts on the lines before;
    ``comment``: a raw comment that follows on the statement's last line."""

    comments: list[str] = field(default_factory=list, kw_only=True)
    comment: Optional[str] = field(default=None, kw_only=True)


@dataclass(slots=True)
class Assign(Stmt):
    """``target := value`` (``op`` ``:=`` or ``?=``). A chained assignment
    ``a := b := x`` nests: the value is another Assign."""

    target: Expr
    value: Union[Expr, "Assign"]
    op: str = ":="


@dataclass(slots=True)
class CallStmt(Stmt):
    call: Call


@dataclass(slots=True)
class IfBranch(Node):
    cond: Expr
    body: list[Stmt]


@dataclass(slots=True)
class If(Stmt):
    branches: list[IfBranch]  # the IF and every ELSIF
    else_body: Optional[list[Stmt]] = None


@final  # no subclass: `type(label) is CaseRange` then tells a range from an expression label
@dataclass(slots=True)
class CaseRange(Node):
    low: Expr
    high: Expr


@dataclass(slots=True)
class TypeLabel(Expr):
    """A data type as the label of a CASE over ``TypeOf(...)``/``TypeOfElements(...)`` (``Real:``,
    ``"UDT_Motor":``); ``quoted`` for a PLC data type written in quotes."""

    name: str
    quoted: bool = False


@dataclass(slots=True)
class CaseBranch(Node):
    labels: list[Union[Expr, CaseRange]]
    body: list[Stmt]


@dataclass(slots=True)
class Case(Stmt):
    selector: Expr
    branches: list[CaseBranch]
    else_body: Optional[list[Stmt]] = None


@dataclass(slots=True)
class For(Stmt):
    var: Expr
    start: Expr
    end: Expr
    step: Optional[Expr]
    body: list[Stmt]


@dataclass(slots=True)
class While(Stmt):
    cond: Expr
    body: list[Stmt]


@dataclass(slots=True)
class RepeatLoop(Stmt):
    body: list[Stmt]
    cond: Expr


@dataclass(slots=True)
class Exit(Stmt):
    pass


@dataclass(slots=True)
class Continue(Stmt):
    pass


@dataclass(slots=True)
class Return(Stmt):
    value: Optional[Expr] = None  # not TIA syntax; kept so the checker can report it


@dataclass(slots=True)
class ExprStmt(Stmt):
    """An expression used as a statement (``#a.b;``). TIA rejects it; the parser
    keeps it so the checker reports it with a precise position."""

    expr: Expr


@dataclass(slots=True)
class Goto(Stmt):
    label: str


@dataclass(slots=True)
class Label(Stmt):
    """A jump label ``Name:`` (the statement it marks follows separately)."""

    name: str


@dataclass(slots=True)
class Empty(Stmt):
    pass


@dataclass(slots=True)
class Region(Stmt):
    name: str
    body: list[Stmt]
    end_text: str = ""


# --------------------------------------------------------------------------- blocks

BLOCK_KINDS = ("FUNCTION_BLOCK", "FUNCTION", "ORGANIZATION_BLOCK", "DATA_BLOCK", "TYPE")


@dataclass(slots=True)
class Block(Node):
    """One block of a source file.

    ``kind`` is FUNCTION_BLOCK, FUNCTION, ORGANIZATION_BLOCK, DATA_BLOCK or TYPE.
    ``number`` is set for classic numbered names (``FB105``). ``flags`` holds
    header words without value (KNOW_HOW_PROTECT, NON_RETAIN, ...).
    For TYPE, ``type`` is the declared type (usually a StructType). For
    DATA_BLOCK, ``sections`` hold VAR sections, ``type`` a STRUCT body or the
    instance/UDT type (NamedType), and ``body`` the BEGIN start values (Assign).
    """

    kind: str
    name: str
    quoted: bool = True
    number: Optional[int] = None
    attributes: list[Attribute] = field(default_factory=list)
    title: Optional[str] = None
    author: Optional[str] = None
    family: Optional[str] = None
    header_name: Optional[str] = None
    version: Optional[str] = None
    flags: list[str] = field(default_factory=list)
    return_type: Optional[TypeNode] = None
    sections: list[VarSection] = field(default_factory=list)
    body: list[Stmt] = field(default_factory=list)
    type: Optional[TypeNode] = None
    end_line: int = 0
    comments: list[str] = field(default_factory=list)
    end_comments: list[str] = field(default_factory=list)  # comments before the END_ keyword
    namespace: Optional[str] = None
    """A V18+ software unit's namespace (``NAMESPACE Plant ... END_NAMESPACE`` around the block): its name in
    the PLC is ``Plant.<name>``."""

    def section(self, kind: str) -> list[VarSection]:
        """All sections of a kind (e.g. ``VAR_INPUT``)."""
        return [s for s in self.sections if s.kind == kind]


@dataclass(slots=True)
class SourceFile(Node):
    blocks: list[Block]
    path: Optional[str] = None
    line_count: int = 0


_FIELDS: dict[type[Node], tuple[str, ...]] = {}
_NOT_CHILDREN = frozenset(["line", "col", "comments", "comment", "end_comments"])


def _field_names(cls: type[Node]) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(
            f.name for f in fields(cls) if f.name not in _NOT_CHILDREN
        )
    return names


def children(node: Node) -> list[Node]:
    """The direct child nodes of *node*, in source order."""
    out: list[Node] = []
    for name in _FIELDS.get(type(node)) or _field_names(type(node)):
        v = getattr(node, name)
        if isinstance(v, Node):
            out.append(v)
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, Node):
                    out.append(x)
    return out


def walk(node: Node) -> Iterator[Node]:
    """Yield *node* and every node below it (depth first, source order)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def unregioned(statements: list[Stmt]) -> Iterator[Stmt]:
    """The statements of a list with each REGION replaced by its own statements (at any depth): a REGION only
    groups statements, so a jump label in a REGION of a block's statement list stands in that list."""
    for statement in statements:
        if type(statement) is Region:
            yield from unregioned(statement.body)
        else:
            yield statement
