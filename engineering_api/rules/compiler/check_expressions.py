"""Expression rules of the checker: operand types, members, literals, operators, write targets.

A part of :class:`engineering_api.rules.compiler.checker.BlockChecker`; it relies on the checker's state (``p``, ``b``,
``vars``, ``is_fc``), its ``err`` and the call rules (``call``) of the sibling part, all declared by
:class:`~.check_context.CheckContext`. Every ``e_*``
rule returns the expression's type, or None when it cannot be typed (never a follow-up error then).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simatic_xml.absolute_addresses import InvalidAddressError, parse_absolute_address
from simatic_xml.scl import ast as A
from simatic_xml.system_constants import is_system_constant

from .check_context import CheckContext
from .builtins import OB_START_INFO, SYSTEM_FBS, SYSTEM_TYPES, is_system_type_name, ob_start_info
from .f_io import f_io_db
from .namespaces import ROOT, instance_fb, rooted
from .program import access_root, literal_int
from .types import (
    BIT_LIT,
    BITSTRINGS,
    INT_LIT,
    INTEGERS,
    PTR_LIT,
    REAL_LIT,
    REALS,
    SLICE_TYPES,
    STR_LIT,
    ELEMENTARY,
    ArrayT,
    NamedT,
    SclType,
    StructT,
    Var,
    bit_common_type,
    canonical,
    common_type,
    compares,
    display,
    is_integer,
    is_numeric,
    literal_range,
    slice_overrun,
)

__all__ = ["ExpressionChecks"]

_LIT_PREFIX = {"B": "BYTE", "W": "WORD", "DW": "DWORD", "LW": "LWORD", "T": "TIME", "TIME": "TIME", "LT": "LTIME",
               "LTIME": "LTIME", "S5T": "S5TIME", "S5TIME": "S5TIME", "D": "DATE", "DATE": "DATE",
               "TOD": "TIME_OF_DAY", "TIME_OF_DAY": "TIME_OF_DAY", "LTOD": "LTIME_OF_DAY",
               "LTIME_OF_DAY": "LTIME_OF_DAY", "DT": "DATE_AND_TIME", "DATE_AND_TIME": "DATE_AND_TIME",
               "LDT": "LDT", "DTL": "DTL", "STRING": "STRING", "WSTRING": "WSTRING", "CHAR": "CHAR",
               "WCHAR": "WCHAR", "BOOL": "BOOL"}
_DEFAULT_KIND = {"real": REAL_LIT, "bool": "BOOL", "string": STR_LIT, "time": "TIME", "date": "DATE",
                 "tod": "TIME_OF_DAY", "dt": "DATE_AND_TIME", "pointer": PTR_LIT}
_ARITH = frozenset(["+", "-", "*", "/", "**", "MOD"])
_COMPARE = frozenset(["=", "<>", "<", ">", "<=", ">="])
_LOGIC = frozenset(["AND", "OR", "XOR", "&"])
_GENERIC_INDEX = frozenset(["VARIANT", "ANY"])
_NO_PARTS = frozenset(["BOOL", "BYTE", "WORD", "DWORD", "LWORD", "SINT", "INT", "DINT", "LINT", "USINT", "UINT",
                       "UDINT", "ULINT", "REAL", "LREAL", "TIME", "LTIME", "S5TIME", "DATE", "TIME_OF_DAY",
                       "LTIME_OF_DAY", "CHAR", "WCHAR", "STRING", "WSTRING"])
"""Elementary types, which have no elements a name or (but for a STRING's characters) an index reaches: only a
STRUCT, a PLC data type, an instance (STEP 7 help, "Structured data types") and DTL have named elements, only an
ARRAY takes an index ("ARRAY"); bits, bytes and words are reached by slices (``.%X0``)."""
_TIMEISH = frozenset(["TIME", "LTIME", "TIME_OF_DAY", "LTIME_OF_DAY", "DATE", "DATE_AND_TIME", "LDT", "S5TIME", "DTL"])


class ExpressionChecks(CheckContext):
    """The ``e_*`` rules, dispatched by expression type through :data:`_EXPR`, and write targets."""

    def lvalue(self, e: A.Expr) -> SclType:
        """Type of a write target; reports writes to constants.

        An FC may write its own inputs: TIA compiles it (an elementary input is the FC's copy of the value; real
        exports that do it: malkos12/plcUkosnica modbusEncoder.xml network 4, an FC of TIA V17, and
        psi-func/ikea_vyatka_sorting Rev_G.scl), and no Siemens page names a message for it."""
        e = rooted(e, self.p)  # _.ns.Db.x: the object's global name (a constant written so is still one)
        root = access_root(e)
        if type(root) is A.Name:
            if root.scope == "global":
                key = root.name.lower()
                c = self.p.constants.get(key)
                if (c is not None and key not in self.p.tags) or (
                        is_system_constant(root.name) and self.p.global_name(root.name) is None):
                    self.err(root, "WRITE_CONSTANT", name=root.name)
            else:
                v = self.vars.get(root.name.lower())
                if v is not None:
                    if v.section == "Constant":
                        self.err(root, "WRITE_CONSTANT", name=f"#{v.name}")
        return self.expr(e)

    def expr(self, e: A.Expr | None) -> SclType:
        m = _EXPR.get(type(e))
        return m(self, e) if m is not None else None

    def e_literal(self, e: A.Literal) -> SclType:
        tn = e.type_name
        if tn is not None:
            t = _LIT_PREFIX.get(tn) or canonical(tn)
            if e.kind == "int" and isinstance(e.value, int):  # INT#40000 is out of its own type wherever it stands
                self.fit_value(e, e.value, t, "#" in e.text.partition("#")[2])
            return t
        if e.kind == "int":
            return BIT_LIT if (e.value == 0 or e.value == 1) and "#" not in e.text else INT_LIT
        return _DEFAULT_KIND.get(e.kind)

    def e_name(self, e: A.Name) -> SclType:
        key = e.name.lower()
        scope = e.scope
        if scope == "local":
            v = self.vars.get(key)
            if v is not None:
                return self.known(v.type)
            if self.p.global_name(e.name) is not None:
                self.err(e, "NOT_LOCAL", name=e.name)
            elif self.b.kind == "OB" and not any(v.section == "Input" for v in self.vars.values()):
                # OB start information (#LADDR, #IO_State...) is declared by TIA from the OB type: that type's
                # own, where the OB's export or number tells the type
                t = OB_START_INFO.get(key)
                own = ob_start_info(self.b.number, self.b.ob_type)
                if t is not None and (own is None or key in own):
                    return t
                self.err(e, "UNDECLARED", "Error" if self.p.closed else "Warning", name=f"#{e.name}")
            else:
                self.err(e, "UNDECLARED", name=f"#{e.name}")
            return None
        if scope == "global":
            return self.global_type(e)
        # bare word: a local written without '#', ENO, or a classic-style global
        v = self.vars.get(key)
        if v is not None:
            return self.known(v.type)
        if key in ("eno", "ok", "en"):
            return "BOOL"
        g = self.p.global_name(e.name)
        if g is not None or f_io_db(e.name) is not None or is_system_constant(e.name):
            # an F-I/O DB and a system constant are typed where quoted globals are
            return self.global_type(e)
        # Neither local nor global: TIA reads a bare word that is no local as a global tag or constant (an SCL
        # network of a SimaticML export writes a GlobalVariable access without quotes), so what is missing is a
        # user object, as for "X" (only `#x` not declared in the block is UNDECLARED, a fault of the code).
        # A data type's name (`Real`) is a keyword and names no tag: that stays UNDECLARED.
        code = "UNDECLARED" if canonical(e.name) in ELEMENTARY else "MISSING_TAG"
        self.err(e, code, "Error" if self.p.closed else "Warning", name=e.name)
        return None

    def global_type(self, e: A.Name) -> SclType:
        key = e.name.lower()
        p = self.p
        v = p.tags.get(key) or p.constants.get(key)
        if v is not None:
            return v.type
        blk = p.blocks.get(key)
        if blk is not None:
            self.b.uses.add(blk.name)
            if blk.kind == "DB":
                if blk.instance_of is not None and not blk.vars:
                    return NamedT(instance_fb(blk, p) or blk.instance_of, True)
                return blk.as_struct()
            return None
        f_io = f_io_db(e.name)
        if f_io is not None:  # the F-I/O DB TIA makes from the hardware configuration, in no export
            return f_io
        if is_system_constant(e.name):  # a hardware identifier, in no export either; of a type it does not say
            return None
        self.err(e, "MISSING_TAG", "Error" if p.closed else "Warning", name=e.name)
        return None

    def known(self, t: SclType) -> SclType:
        """``t``, or None (untyped: no follow-up errors) for an unquoted type name the program does not know
        (`Boolx`, reported once as UNKNOWN_TYPE at its declaration)."""
        if type(t) is not NamedT or t.quoted:
            return t
        key = t.name.lower()
        if key in self.p.types or key in self.p.blocks or is_system_type_name(t.name):
            return t
        return None

    def members_of(self, t: SclType) -> dict[str, Var] | None:
        if type(t) is StructT:
            return t.members
        if t == "DTL":  # elementary for conversions, a structure of the catalog for its members (#dt.HOUR)
            return SYSTEM_TYPES["DTL"].members
        if type(t) is NamedT:
            key = t.name.lower()
            cache = self._members_cache
            if key in cache:
                return cache[key]
            members: dict[str, Var] | None = None
            udt = self.p.types.get(key)
            if udt is not None:
                members = udt.vars
            else:
                blk = self.p.blocks.get(key)
                if blk is not None and blk.kind == "FB":
                    members = blk.as_struct().members
                else:
                    # what an instance *holds* (SYSTEM_TYPES, from the catalog) before its call interface
                    # (SYSTEM_FBS): a CTU_INT instance holds CU, CD, R, LD, QU, QD, PV, CV and no Q, though a
                    # call `#c(CU := .., Q => ..)` takes CTU's parameters
                    sys_t = SYSTEM_TYPES.get(t.name.upper()) or SYSTEM_FBS.get(t.name.upper())
                    if sys_t is not None:
                        members = sys_t.members
            cache[key] = members
            return members
        return None

    def e_member(self, e: A.Member) -> SclType:
        base = e.base
        while type(base) is A.Member:
            base = base.base
        if type(base) is A.Name and base.name == ROOT:  # _.ns.Object.member: through the root namespace
            resolved = rooted(e, self.p)
            if resolved is not e:
                return self.expr(resolved)
        bt = self.expr(e.base)
        if bt is None:
            return None
        return self.member_type(e, bt)

    def member_type(self, e: A.Member, bt: SclType) -> SclType:
        """The type of member ``e.name`` of a base of type ``bt`` (the base already checked)."""
        members = self.members_of(bt)
        if members is None:
            if (isinstance(bt, str) and bt in _NO_PARTS) or type(bt) is ArrayT:  # an Int, an ARRAY: no named elements
                self.err(e, "UNKNOWN_MEMBER", name=e.name, type=display(bt) if isinstance(bt, str) else "Array",
                         member=e.name)
            return None
        v = members.get(e.name.lower())
        if v is None:
            if self.p.closed or type(bt) is StructT or bt == "DTL" or (type(bt) is NamedT
                                                                        and bt.name.lower() in self.p.types):
                self.err(e, "UNKNOWN_MEMBER", name=e.name, type=_owner(e.base, bt), member=e.name)
            return None
        return self.known(v.type)

    def e_index(self, e: A.Index) -> SclType:
        bt = self.expr(e.base)
        for i in e.indices:
            it = self.expr(i)
            if isinstance(it, str) and not is_integer(it) and it not in _GENERIC_INDEX:
                self.err(i, "INDEX_TYPE", src=display(it))
        if type(bt) is ArrayT:
            if len(e.indices) > bt.dims:
                self.err(e.indices[bt.dims], "INDEX_DIMENSIONS", count=len(e.indices), dims=bt.dims)
                return None
            for i, bound in zip(e.indices, bt.bounds):
                if bound is None:
                    continue
                value = literal_int(i)
                if value is not None and not bound[0] <= value <= bound[1]:
                    # A Warning: IEC 61131-3 compilers refuse a constant index outside the bounds (CODESYS C0049),
                    # and no real TIA export in the surveys (166 repositories) holds one, but no STEP 7 page was
                    # found that names TIA's verdict, and a false error is worse than a missed one.
                    self.err(i, "INDEX_RANGE", "Warning", value=value, low=bound[0], high=bound[1])
            # Fewer indexes than dimensions address a part of the ARRAY: `#grid[#row]` of an
            # `Array[0..2, 0..3] of DInt` is an `Array[0..3] of DInt` (a row). Siemens' own PackML library
            # (LPMLV30_UnitModeStateTimes, TIA V17, S7-1500) assigns such a row to a one-dimensional output,
            # and its LAD block UN_02_PackML MOVEs one (see tests/realcode/cases/README.md).
            if 0 < len(e.indices) < bt.dims:
                return ArrayT(bt.element, bt.dims - len(e.indices), bt.bounds[len(e.indices):])
            return self.known(bt.element)
        if bt == "STRING":
            return "CHAR"
        if bt == "WSTRING":
            return "WCHAR"
        if (isinstance(bt, str) and bt in _NO_PARTS) or type(bt) is StructT or (
                type(bt) is NamedT and bt.name.lower() in self.p.types):
            # only an ARRAY (and a STRING's characters) takes an index (STEP 7 help, "ARRAY"; "STRING")
            self.err(e, "INDEX_NOT_ARRAY", name=_owner(e.base, None), type=_shown(bt))
        return None

    def e_slice(self, e: A.Slice) -> SclType:
        base = self.expr(e.base)
        width = slice_overrun(base, e.size, e.offset)
        if width is not None:
            # No bit, byte or word past the tag's own width (STEP 7 help, "Addressing areas of a tag with slice
            # access"; Siemens FAQ 57374718); the LAD/FBD networks' rule is the same (FLGNET_SLICE).
            self.err(e, "SLICE_RANGE", slice=f"%{e.size.upper()}{e.offset}", bits=width, type=display(base))
        return SLICE_TYPES.get(e.size.upper())

    def e_deref(self, e: A.Deref) -> SclType:
        self.expr(e.base)
        return None

    def e_address(self, e: A.Address) -> SclType:
        """The type the access size gives (``%MW4``, ``%DB1.DBW4``: Word); an S5 timer or counter or a whole data
        block has none to compare. The parser has refused every address the grammar does not allow."""
        try:
            address = parse_absolute_address(f"%{e.text}:P" if e.periphery else f"%{e.text}")
        except InvalidAddressError:  # an Address node built by hand, not by the parser: untyped, as any unknown
            return None
        return None if address.data_type is None else canonical(address.data_type)

    def e_paren(self, e: A.Paren) -> SclType:
        return self.expr(e.expr)

    def e_unary(self, e: A.UnaryOp) -> SclType:
        t = self.expr(e.operand)
        if t is None or not isinstance(t, str):
            return t
        if e.op == "NOT":
            if t == "BOOL" or t in BITSTRINGS or t in INTEGERS or t == INT_LIT:
                return t
            self.err(e, "OPERATOR_TYPE", op="NOT", left=display(t), right=display(t))
            return None
        if is_numeric(t) or t in _TIMEISH:
            return t
        self.err(e, "OPERATOR_TYPE", op=e.op, left=display(t), right=display(t))
        return None

    def e_binary(self, e: A.BinaryOp) -> SclType:
        # ``a + b + c + ...`` parses as a tree that is as deep as the chain is long; walking its left spine in a
        # loop (same order as the recursion: left operand first) lets a generated 10,000-term sum check instead
        # of exhausting Python's recursion limit.
        spine: list[A.BinaryOp] = []
        node: A.Expr = e
        while type(node) is A.BinaryOp:
            spine.append(node)
            node = node.left
        lt = self.expr(node)
        for binary in reversed(spine):
            lt = self.binary_type(binary, lt, self.expr(binary.right))
        return lt

    def binary_type(self, e: A.BinaryOp, lt: SclType, rt: SclType) -> SclType:
        """The type of ``e`` from its operands' types (None when they do not go together; reported)."""
        op = e.op
        if lt is None or rt is None or not isinstance(lt, str) or not isinstance(rt, str):
            return "BOOL" if op in _COMPARE else (lt if op in _LOGIC and lt == "BOOL" else None)
        if op in _LOGIC:
            if lt == "BOOL" and rt == "BOOL":
                return "BOOL"
            if lt != "BOOL" and rt != "BOOL":
                c = bit_common_type(lt, rt)
                if c != "!":
                    return c
            self.err(e, "OPERATOR_TYPE", op=op, left=display(lt), right=display(rt))
            return None
        if op in _COMPARE:
            # Without the IEC check a comparison with a duration, time of day or date is accepted, not judged (they
            # compare with their integer counterparts); character strings compare with each other.
            if ((lt in _TIMEISH or rt in _TIMEISH) and not self.iec) or \
                    {lt, rt} <= {"STRING", "WSTRING", "CHAR", "WCHAR", STR_LIT}:
                return "BOOL"
            if not compares(lt, rt, self.iec):
                self.err(e, "OPERATOR_TYPE", op=op, left=display(lt), right=display(rt))
            return "BOOL"
        # arithmetic
        if lt in _TIMEISH or rt in _TIMEISH:
            if self.iec:  # Siemens, SCL "Arithmetic expressions": no times or dates with the IEC check
                self.err(e, "OPERATOR_TYPE", op=op, left=display(lt), right=display(rt))
                return None
            if lt in _TIMEISH and rt in _TIMEISH:
                if op == "-" and lt == rt:
                    return "LTIME" if lt in ("LTIME", "LTIME_OF_DAY", "LDT") else "TIME"
                if op in ("+", "-") and rt in ("TIME", "LTIME"):
                    return lt
                if op == "+" and lt in ("TIME", "LTIME"):
                    return rt
                return None
            if (lt in _TIMEISH and is_integer(rt)) or (rt in _TIMEISH and is_integer(lt)):
                return lt if lt in _TIMEISH else rt
            self.err(e, "OPERATOR_TYPE", op=op, left=display(lt), right=display(rt))
            return None
        if not (is_numeric(lt) or lt in BITSTRINGS) or not (is_numeric(rt) or rt in BITSTRINGS):
            self.err(e, "OPERATOR_TYPE", op=op, left=display(lt), right=display(rt))
            return None
        if op == "MOD" and (lt in REALS or rt in REALS):
            self.err(e, "OPERATOR_TYPE", op=op, left=display(lt), right=display(rt))
            return None
        common = common_type(lt, rt, self.iec)
        if common == "!":
            self.err(e, "OPERATOR_TYPE", op=op, left=display(lt), right=display(rt))
            return None
        if op == "/" and common == INT_LIT:
            return INT_LIT
        return common

    def fit_literal(self, e: A.Node | None, t: SclType) -> bool:
        """Does an untyped integer constant ``e`` (``40000``, ``-1``) fit the target type ``t``? Reports
        ``literal-range`` when it does not; anything else (a tag, an expression, a typed constant, which
        :meth:`e_literal` already checked) fits here."""
        lit = e.operand if type(e) is A.UnaryOp and e.op == "-" else e
        if (type(lit) is not A.Literal or lit.kind != "int" or lit.type_name is not None
                or not isinstance(lit.value, int)):
            return True
        value = -lit.value if lit is not e else lit.value
        return self.fit_value(e, value, t, "#" in lit.text)

    def fit_value(self, e: A.Node | None, value: int, t: SclType, based: bool = False) -> bool:
        r = literal_range(t, based)
        if r is None or r[0] <= value <= r[1]:
            return True
        self.err(e, "LITERAL_RANGE", value=value, type=display(t))
        return False

    def e_call(self, e: A.Call) -> SclType:
        return self.call(e, False)


_ExprRule = Callable[[ExpressionChecks, Any], SclType]
"""An ``e_*`` rule; its argument is the node of the type :data:`_EXPR` files it under."""
_EXPR: dict[type[object], _ExprRule] = {
    A.Literal: ExpressionChecks.e_literal, A.Name: ExpressionChecks.e_name, A.Member: ExpressionChecks.e_member,
    A.Index: ExpressionChecks.e_index, A.Slice: ExpressionChecks.e_slice, A.Deref: ExpressionChecks.e_deref,
    A.Address: ExpressionChecks.e_address, A.Paren: ExpressionChecks.e_paren, A.UnaryOp: ExpressionChecks.e_unary,
    A.BinaryOp: ExpressionChecks.e_binary, A.Call: ExpressionChecks.e_call,
}


def _shown(t: SclType) -> str:
    """A type as a message names it: TIA's spelling of an elementary type, a PLC data type's name, or Struct."""
    if isinstance(t, str):
        return display(t)
    return t.name if type(t) is NamedT else "Struct"


def _owner(base: A.Expr, bt: SclType) -> str:
    """What the message names as lacking a member: the data type, or for a struct without a type name the DB or
    tag it is (``"DB_Counters"``, ``#rec.data``), "Struct" only when neither is known."""
    if type(bt) is NamedT:
        return bt.name
    path: list[str] = []
    while type(base) is A.Member:
        path.append(base.name)
        base = base.base
    if type(base) is not A.Name:
        return "Struct"
    root = ("#" + base.name) if base.scope == "local" else base.name
    return ".".join([root, *reversed(path)])
