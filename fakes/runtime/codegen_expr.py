"""Expressions and write targets of SCL, as Python source text (the part of :mod:`.codegen` below statements).

An expression compiles to ``(src, type, raw)``: Python source, the checker's type (``INT``, ``REAL``,
``#INTLIT``...), and whether an integer result may still lie outside its type's range. Wrapping
(``_w_INT(x)``) is deferred while ``+ - *`` chain in one type, because arithmetic modulo 2^n gives the
same result whether it wraps after every step or once at the end; it is applied before anything that
looks at the value (division, comparison, a store, a call argument).
"""

from __future__ import annotations

import math
from typing import Any

from engineering_api.rules.addresses import AddressError, parse_address
from engineering_api.rules.compiler.checker import BlockChecker
from engineering_api.rules.compiler.types import BIT_LIT, INT_LIT, REAL_LIT
from simatic_xml.scl import ast as A

from .codegen_cache import MemberCache
from .codegen_context import ident
from .codegen_local_errors import guarded_read, guarded_store
from .codegen_convert import LITERAL_TYPES, ConvertGen, is_const, py_literal, wrap_src
from .layout import Slot, system_members
from .memory import FORMATS
from .values import INT_RANGES, duration_ns, is_int_type, literal_value, to_real32, wrap

__all__ = ("ExprGen", "Typer")

_ARITH = {"+": "+", "-": "-", "*": "*"}
_COMPARE = {"=": "==", "<>": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}
_LOGIC = {"AND": "&", "&": "&", "OR": "|", "XOR": "^"}
_SLICE_BITS = {"X": 1, "B": 8, "W": 16, "D": 32, "L": 64}
_UNIT_NS = {"TIME": 10**6, "S5TIME": 10**6, "TIME_OF_DAY": 10**6, "LTIME": 1, "LTIME_OF_DAY": 1,
            "DATE": 86_400 * 10**9}
"""What one count of each duration, time of day and date type is, in ns (README "Values"): operands of mixed
types are brought to the result's unit before they are added or compared (LTIME + TIME, DATE - DATE)."""
_ADDR_TYPE = {"X": "BOOL", "B": "BYTE", "W": "WORD", "D": "DWORD"}


class Typer(BlockChecker):
    """The compiler's checker used as a silent, memoised typer of expressions."""

    def __init__(self, program: Any, block: Any, extra_vars: dict[str, Any] | None = None) -> None:
        super().__init__(program, block, [])
        if extra_vars:
            self.vars = {**block.vars, **extra_vars}
        self._memo: dict[int, tuple[Any, Any]] = {}
        self._globals: dict[str, Any] = {}

    def err(self, *_args: Any, **_kw: Any) -> None:  # diagnostics were reported by the compile before
        return None

    def global_type(self, e: Any) -> Any:
        # a DB's struct type is rebuilt by the checker on every use; one per DB and block is enough
        key = e.name.lower()
        cache = self._globals
        if key not in cache:
            cache[key] = super().global_type(e)
        return cache[key]

    def expr(self, e: Any) -> Any:
        # Keyed by id, so the node is kept alive with its type: code generation makes short-lived nodes, and
        # a collected node's id reused by a new one would hand the new node a stale type.
        key = id(e)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is e:
            return hit[1]
        t = super().expr(e)
        self._memo[key] = (e, t)
        return t


class ExprGen(ConvertGen):
    """Mixin of the block generator: expressions, operand paths, stores. See :class:`.codegen.BlockGen`.

    ``call_expr`` comes from :class:`.codegen_calls.CallGen`; ``tmp``, ``unsupported_src``, ``db_var`` and
    ``area_var`` from the block generator.
    """

    ctx: Any
    typer: Typer
    locals: dict[str, Any]
    block_name: str
    bd: Any
    """The block being generated (:class:`engineering_api.rules.compiler.program.BlockDef`)."""
    cache: MemberCache
    loops: list[tuple[str, Any]]
    uses_eno: bool
    local_errors: bool
    writing_path: bool = False
    """While the element path a store writes into is generated (``#pts[#i].x := 5``): in a block with local error
    handling an index out of range on that path is a write error, not a read error (:mod:`.codegen_local_errors`)."""
    pre: list[str]
    target_of_call: tuple[A.Call, Any] | None = None
    """While an assignment's value that is a call is generated: the call and the target's type (an instruction
    typed by untyped literals, or a shift, takes the target's type)."""

    # ---------------------------------------------------------------- helpers the generator provides
    def tmp(self, prefix: str = "_t") -> str:  # pragma: no cover - implemented by BlockGen
        raise NotImplementedError

    def db_var(self, key: str) -> str:  # pragma: no cover - implemented by BlockGen
        raise NotImplementedError

    def area_var(self, letter: str) -> str:  # pragma: no cover - implemented by BlockGen
        raise NotImplementedError

    def call_expr(self, call: A.Call) -> tuple[str, Any, bool]:  # pragma: no cover - implemented by CallGen
        raise NotImplementedError

    def update_on_reference(self, base: Any) -> None:  # pragma: no cover - implemented by CallGen
        raise NotImplementedError

    # ---------------------------------------------------------------- values
    def expr(self, e: Any) -> tuple[str, Any, bool]:
        t = type(e)
        if t is A.Paren:
            return self.expr(e.expr)
        if t is A.Literal:
            return self.literal(e)
        if t is A.BinaryOp:
            return self.binary(e)
        if t is A.UnaryOp:
            return self.unary(e)
        if t is A.Call:
            return self.call_expr(e)
        if t in (A.Name, A.Member, A.Index, A.Slice, A.Address):
            return self.load(e), self.type_of(e), False
        return self.unsupported_src(type(e).__name__), None, False

    def type_of(self, e: Any) -> Any:
        if type(e) is A.Name:
            lv = self.locals.get(e.name.lower()) if e.scope != "global" else None
            if lv is not None:
                return lv.type
        t = self.typer.expr(e)
        if t is None:
            slot = self.slot_of(e)
            if slot is not None and slot.kind == "elem":
                return slot.type
        return t

    def value(self, e: Any, want: Any = None) -> str:
        """Source of ``e`` inside its type's range, converted to ``want`` when given."""
        src, t, raw = self.expr(e)
        if want is not None:
            return self.convert(src, t, raw, want, e)
        return self.wrapped(src, t, raw)

    def literal(self, e: A.Literal) -> tuple[str, Any, bool]:
        t = self.typer.expr(e)
        try:
            value = literal_value(e.kind, e.value, t if isinstance(t, str) else None)
            if e.kind == "time" and t == "LTIME":  # the parser's value is whole ms: the text has the ns
                value = duration_ns(e.text)
                if value is None:
                    raise ValueError(e.text)
                value = wrap(value, "LTIME")
        except ValueError:
            return self.unsupported_src(f"constant {e.text}"), t, False
        if t == BIT_LIT:
            t = INT_LIT
        return py_literal(value), t, False

    def unary(self, e: A.UnaryOp) -> tuple[str, Any, bool]:
        src, t, raw = self.expr(e.operand)
        if e.op == "+":
            return src, t, raw
        if e.op == "-":
            if type(e.operand) is A.Literal and is_const(src):
                return f"(-{src})", t, False
            return f"(-{src})", t, raw or is_int_type(t)
        # NOT
        if t == "BOOL":
            return f"(not {src})", t, False
        src = self.wrapped(src, t, raw)
        if is_int_type(t) and INT_RANGES[t][0] == 0:
            return f"({src} ^ {INT_RANGES[t][1]})", t, False
        return f"(~{src})", t, False

    def binary(self, e: A.BinaryOp) -> tuple[str, Any, bool]:
        op = e.op
        t = self.typer.expr(e)
        ls, lt, lraw = self.expr(e.left)
        rs, rt, rraw = self.expr(e.right)
        if lt in _UNIT_NS and rt in _UNIT_NS:
            if op in _COMPARE and _UNIT_NS[lt] != _UNIT_NS[rt]:  # both in the finer unit
                fine = lt if _UNIT_NS[lt] < _UNIT_NS[rt] else rt
                return f"({self.in_unit(ls, lt, lraw, fine)} {_COMPARE[op]} {self.in_unit(rs, rt, rraw, fine)})", \
                    "BOOL", False
            if t in _UNIT_NS and op in ("+", "-"):  # both in the result's unit (DATE - DATE is a TIME in ms)
                ls, lt, lraw = (self.in_unit(ls, lt, lraw, t), t, True) if lt != t else (ls, lt, lraw)
                rs, rt, rraw = (self.in_unit(rs, rt, rraw, t), t, True) if rt != t else (rs, rt, rraw)
        if "REAL" in (lt, rt) and (op in _COMPARE or t == "REAL"):  # a constant beside a Real is a Real (single)
            ls = self.real_const(ls, lt)
            rs = self.real_const(rs, rt)
        if op in _COMPARE:
            return f"({self.wrapped(ls, lt, lraw)} {_COMPARE[op]} {self.wrapped(rs, rt, rraw)})", "BOOL", False
        if op in _LOGIC:
            return f"({self.wrapped(ls, lt, lraw)} {_LOGIC[op]} {self.wrapped(rs, rt, rraw)})", t, False
        if t in (INT_LIT, REAL_LIT) or t is None:
            return self._untyped(op, ls, lt, lraw, rs, rt, rraw, t)
        if t in ("REAL", "LREAL"):
            ls, rs = self.wrapped(ls, lt, lraw), self.wrapped(rs, rt, rraw)
            if op == "/":
                return f"_rdiv({ls}, {rs})", t, True
            if op == "**":
                return f"_expt({ls}, {rs})", t, True
            # raw: computed in double precision; a Real times 2^-k (k >= 0) is a Real already (no overflow, exact
            # but for a subnormal result), so it needs no rounding before the next operation
            exact = t == "REAL" and op == "*" and (_halving(ls, lt, rt) or _halving(rs, rt, lt))
            return f"({ls} {_ARITH.get(op, op)} {rs})", t, not exact
        # integers, bit strings and durations: keep chains raw while the type stays the same
        ls = ls if (lt == t or lt in LITERAL_TYPES) else self.wrapped(ls, lt, lraw)
        rs = rs if (rt == t or rt in LITERAL_TYPES) else self.wrapped(rs, rt, rraw)
        if op in _ARITH:
            return f"({ls} {_ARITH[op]} {rs})", t, True
        ls = self.wrapped(ls, t, lraw and lt == t) if is_int_type(t) else ls
        rs = self.wrapped(rs, t, rraw and rt == t) if is_int_type(t) else rs
        if op in ("/", "MOD") and rs.isdigit() and int(rs) > 0:
            return _div_const(op, ls, int(rs), t)
        if op == "/":
            return f"_idiv({ls}, {self.divisor(rs)})", t, True
        if op == "MOD":
            return f"_imod({ls}, {self.divisor(rs)})", t, False
        if op == "**":
            return f"_expt({ls}, {rs})", "LREAL", False
        return self.unsupported_src(f"operator {op}"), t, False

    @staticmethod
    def real_const(src: str, st: Any) -> str:
        """An untyped constant as a ``Real`` holds it (``0.3`` -> 0.30000001192092896); other operands unchanged."""
        if st in LITERAL_TYPES and is_const(src):
            try:
                return py_literal(to_real32(float(eval(src, {}))))
            except (ValueError, TypeError, SyntaxError):
                return src
        return src

    def in_unit(self, src: str, st: str, raw: bool, t: str) -> str:
        """A value of duration/time/date type ``st`` counted in ``t``'s unit (a coarser unit truncates toward zero:
        ``D#2024-02-28 + T#25h`` adds one day)."""
        src = self.wrapped(src, st, raw)
        have, want = _UNIT_NS[st], _UNIT_NS[t]
        if have == want:
            return src
        return f"({src} * {have // want})" if have > want else f"_idiv({src}, {want // have})"

    def _untyped(self, op: str, ls: str, lt: Any, lraw: bool, rs: str, rt: Any, rraw: bool, t: Any
                 ) -> tuple[str, Any, bool]:
        ls, rs = self.wrapped(ls, lt, lraw), self.wrapped(rs, rt, rraw)
        if op == "/":
            return (f"_rdiv({ls}, {rs})" if t == REAL_LIT else f"_idiv({ls}, {rs})"), t, False
        if op == "MOD":
            return f"_imod({ls}, {rs})", t, False
        if op == "**":
            return f"_expt({ls}, {rs})", REAL_LIT, False
        return f"({ls} {_ARITH.get(op, op)} {rs})", t, False

    # ---------------------------------------------------------------- operand paths
    def root(self, e: Any) -> tuple[str, Any]:
        """What a Name refers to: ``("local", LocalVar)``, ``("tag", TagRef)``, ``("db", key)``,
        ``("const", value)``, ``("eno", None)``, ``("obinfo", name)`` or ``("unknown", name)``."""
        key = e.name.lower()
        if e.scope != "global":
            lv = self.locals.get(key)
            if lv is not None:
                return "local", lv
            if key == "eno":
                return "eno", None
            if e.scope == "local":
                return "unknown", "#" + e.name
        ctx = self.ctx
        tag = ctx.tags.get(key)
        if tag is not None:
            return "tag", tag
        if key in ctx.constants:
            return "const", ctx.constants[key]
        if key in ctx.db_slots:
            return "db", key
        return "unknown", e.name

    def slot_of(self, e: Any) -> Slot | None:
        """The layout slot of an operand path (None for temps of unknown shape, tags, addresses)."""
        t = type(e)
        if t is A.Name:
            kind, ref = self.root(e)
            if kind == "local":
                return ref.slot
            if kind == "db":
                return self.ctx.db_slots[ref]
            return None
        if t is A.Member:
            base = self.slot_of(e.base)
            if base is None:
                return None
            if base.kind == "sysfb":
                members = system_members(base.type or "") or {}
                name = next((n for n in members if n.lower() == e.name.lower()), None)
                return Slot(name, "elem", members[name][1], members[name][1]) if name else None
            return base.member(e.name)
        if t is A.Index:
            base = self.slot_of(e.base)
            if base is None or base.kind != "array":
                return None
            if len(e.indices) < len(base.dims):
                return Slot(base.name, "array", datatype=base.datatype, dims=base.dims[len(e.indices):],
                            element=base.element)
            return base.element
        return None

    def load(self, e: Any) -> str:
        t = type(e)
        if t is A.Name:
            kind, ref = self.root(e)
            if kind == "local":
                return self.local_src(ref, False)
            if kind == "tag":
                return self.area_load(ref.area, ref.byte, ref.bit, ref.type)
            if kind == "db":
                return self.db_var(ref)
            if kind == "const":
                return py_literal(ref)
            if kind == "eno":
                self.uses_eno = True
                return "_eno"
            return self.unsupported_src(f"operand {ref}")
        if t is A.Member:
            if e.name.upper() in ("Q", "ET"):
                self.update_on_reference(e.base)
            direct = self.db_member(e, False)
            if direct is not None:
                return direct
            base = self.load(e.base)
            return f"{base}[{self.member_key(e)!r}]"
        if t is A.Index:
            base = self.load(e.base)
            if self.type_of(e.base) in ("STRING", "WSTRING"):
                return f"_stridx({base}, {self.value(e.indices[0])})"
            if self.local_errors and (guarded := guarded_read(self, e, base)) is not None:
                return guarded
            return base + self.subscripts(e)
        if t is A.Slice:
            bits = _SLICE_BITS[e.size.upper()]
            shift = bits * e.offset
            base = self.value(e.base)
            if bits == 1:
                return f"({base} & {1 << shift} != 0)"
            return f"({base} >> {shift} & {(1 << bits) - 1})"
        if t is A.Address:
            ref = self._address(e)
            if ref is None:
                return self.unsupported_src(f"address %{e.text}")
            return self.area_load(*ref)
        return self.unsupported_src(type(e).__name__)

    def local_src(self, lv: Any, write: bool) -> str:
        """Where a name the block declares is read or written: an FB's member of the instance through the member
        cache (:mod:`.codegen_cache`), anything else its Python local (or constant)."""
        if lv.kind == "inst" and lv.slot is not None:
            return self.cache.member("I", lv.name, ident(lv.name), write, len(self.loops))
        return lv.code

    def db_member(self, e: A.Member, write: bool) -> str | None:
        """A member of a global DB (``"Data".x``) through the member cache; None for other member accesses."""
        base = e.base
        if type(base) is not A.Name:
            return None
        kind, ref = self.root(base)
        if kind != "db":
            return None
        slot = self.ctx.db_slots[ref]
        member = slot.member(e.name) if slot.kind == "struct" else None
        if member is None:
            return None
        return self.cache.member(self.db_var(ref), member.name, ident(member.name), write, len(self.loops))

    def subscripts(self, e: A.Index) -> str:
        """``[i]`` per index; with the array's bounds known, a bounds check inline on the item list
        (``.items[i - low if low <= i <= high else _oob(...)]``) instead of two method calls."""
        slot = self.slot_of(e.base)
        dims = slot.dims if slot is not None and slot.kind == "array" else ()
        if len(dims) < len(e.indices) or any(high < low for low, high in dims):
            return "".join(f"[{self.value(i)}]" for i in e.indices)
        out = []
        for (low, high), node in zip(dims, e.indices):
            src = self.value(node)
            if src.lstrip("-").isdigit() or (src.startswith("(-") and src[2:-1].isdigit()):
                v = int(src.strip("()"))
                out.append(f".items[{v - low}]" if low <= v <= high else f"[{v}]")
                continue
            pos = "_j" if low == 0 else f"_j - {low}"
            out.append(f".items[{pos} if {low} <= (_j := {src}) <= {high} else _oob(_j, {low}, {high})]")
        return "".join(out)

    def member_key(self, e: A.Member) -> str:
        """The declared spelling of a member (names are case-insensitive in SCL)."""
        slot = self.slot_of(e)
        if slot is not None:
            return slot.name
        members = self.typer.members_of(self.typer.expr(e.base))
        if members:
            v = members.get(e.name.lower())
            if v is not None:
                return v.name
        return e.name

    def _address(self, e: A.Address) -> tuple[str, int, int, str] | None:
        text = e.text.upper().removesuffix(":P")
        try:
            addr = parse_address("%" + text)
        except AddressError:
            return None
        if addr.area not in "IQM":
            return None
        return addr.area, addr.byte, addr.bit, _ADDR_TYPE[addr.size]

    def area_load(self, area: str, byte: int, bit: int, t: str) -> str:
        if t == "BOOL":
            return f"({self.area_value(area, byte, 'BYTE', False)} & {1 << bit} != 0)"
        return self.area_value(area, byte, t, False)

    def area_store(self, area: str, byte: int, bit: int, t: str, src: str) -> list[str]:
        if t == "BOOL":
            mask = 1 << bit
            old = self.area_value(area, byte, "BYTE", False)
            new = f"({old} | {mask}) if {src} else ({old} & {~mask & 0xFF})"
            return [f"{self.area_value(area, byte, 'BYTE', True)} = {new}"]
        target = self.area_value(area, byte, t, True)
        return [f"_p_{t}({self.area_var(area)}, {byte}, {src})" if target.startswith("_u_") else f"{target} = {src}"]

    def area_value(self, area: str, byte: int, t: str, write: bool) -> str:
        """The value of type ``t`` at ``byte`` of a process image area (a bit's byte as ``BYTE``): an integer
        through the member cache (one read and one write of the area per region), a Real or a Char where it lives."""
        var = self.area_var(area)
        fmt = FORMATS.get(t)
        span = (var, byte, byte + (fmt.size if fmt is not None else 8))
        direct = f"{var}[{byte}]" if t == "BYTE" else f"_u_{t}({var}, {byte})[0]"
        if fmt is None or not is_int_type(t):
            self.cache.touch(span)
            return direct
        prefix, suffix = (direct + " = ", "") if t == "BYTE" else (f"_p_{t}({var}, {byte}, ", ")")
        return self.cache.use(direct, f"{area}{byte}", write, len(self.loops), prefix, suffix, span)

    def store(self, e: Any, src: str) -> list[str]:
        """Lines that write ``src`` (already converted to the target's type) into operand ``e``."""
        t = type(e)
        if t is A.Name:
            kind, ref = self.root(e)
            if kind == "local" and ref.kind != "const":
                return [f"{self.local_src(ref, True)} = {src}"]
            if kind == "tag":
                return self.area_store(ref.area, ref.byte, ref.bit, ref.type, src)
            if kind == "eno":
                self.uses_eno = True
                return [f"_eno = {src}"]
            if kind == "db":
                return [f"{self.db_var(ref)}.update({src})"]
            return [self.unsupported_src(f"write to {e.name}")]
        if t is A.Member:
            direct = self.db_member(e, True)
            return [f"{direct if direct is not None else self.path_load(e.base) + f'[{self.member_key(e)!r}]'} = {src}"]
        if t is A.Index:
            base = self.path_load(e.base)
            if self.type_of(e.base) in ("STRING", "WSTRING"):
                return self.store(e.base, f"_strset({base}, {self.value(e.indices[0])}, {src})")
            if self.local_errors and (guarded_lines := guarded_store(self, e, base, src)) is not None:
                return guarded_lines
            return [base + self.subscripts(e) + f" = {src}"]
        if t is A.Slice:
            bits = _SLICE_BITS[e.size.upper()]
            bt = self.type_of(e.base)
            new = f"_setbits({self.value(e.base)}, {bits * e.offset}, {(1 << bits) - 1}, {src})"
            if is_int_type(bt):
                new = wrap_src(new, bt)
            return self.store(e.base, new)
        if t is A.Address:
            ref = self._address(e)
            if ref is None:
                return [self.unsupported_src(f"address %{e.text}")]
            return self.area_store(*ref, src)
        return [self.unsupported_src(f"write to {type(e).__name__}")]

    def path_load(self, e: Any) -> str:
        """:meth:`load` of the operand a store writes a member or an element of."""
        if not self.local_errors:
            return self.load(e)
        self.writing_path = True
        try:
            return self.load(e)
        finally:
            self.writing_path = False

    def assign_src(self, target: Any, value: Any, typed: tuple[str, Any, bool] | None = None) -> str:
        """Source of ``value`` (or of the generated ``typed`` = (source, type, raw)) converted for ``target``."""
        if typed is None and type(value) is A.Call:  # an instruction may take its type from the target
            tt = self.target_type(target)
            slot = self.slot_of(target)
            if tt in ("STRING", "WSTRING") and slot is not None and slot.kind == "elem":
                tt = f"{tt}[{slot.length}]"  # a string instruction's OUT: its maximum length (ENO)
            self.target_of_call = (value, tt)
        src, st, raw = typed or self.expr(value)
        self.target_of_call = None
        out = self.convert(src, st, raw, self.target_type(target), value)
        slot = self.slot_of(target)
        if slot is not None and slot.kind == "elem" and slot.type in ("STRING", "WSTRING"):
            out = f"{out}[:{slot.length}]"  # a longer string is cut to the declared length, as on the CPU
        return out

    def target_type(self, target: Any) -> Any:
        tt = self.type_of(target)
        if tt is None:
            slot = self.slot_of(target)
            if slot is not None and slot.kind == "elem":
                tt = slot.type
        return tt


def _halving(const: str, const_t: Any, other_t: Any) -> bool:
    """``const`` is a constant 2^-k (1.0, 0.5, 0.25...) and the other operand a Real (single precision: a raw
    operand was rounded before the operation)."""
    if other_t != "REAL" or not is_const(const) or const.startswith(("(-", "-")):
        return False
    try:
        value = float(const.strip("()"))
    except ValueError:
        return False
    mantissa, exponent = math.frexp(value)
    return mantissa == 0.5 and exponent <= 1 and const_t in (*LITERAL_TYPES, "REAL")


def _div_const(op: str, ls: str, c: int, t: Any) -> tuple[str, Any, bool]:
    """Integer ``/`` or ``MOD`` by a positive constant, inline: truncation toward zero, sign of the dividend."""
    py = "//" if op == "/" else "%"
    if t in INT_RANGES and INT_RANGES[t][0] == 0:
        return f"({ls} {py} {c})", t, False
    return f"(_y {py} {c} if (_y := {ls}) >= 0 else -(-_y {py} {c}))", t, False
