"""Instructions generated inline because they write their operands in place: DEMUX (an ``if`` chain), INC, DEC,
RUNTIME, and the block moves MOVE_BLK, UMOVE_BLK, FILL_BLK, UFILL_BLK (a helper of :mod:`.stdlib` of their name,
called with the arrays and the PLC indices of IN and OUT: ``MOVE_BLK(IN := a[2], COUNT := 3, OUT => b[5])`` is
``move_blk(a, 2, b, 5, 3)``).

STEP 7 help, "DEMUX: Demultiplex" (S7-1200/S7-1500): IN is copied to the output K selects (OUT0, OUT1, ...); the
other outputs keep their values. When K selects none of the outputs given, IN goes to OUTELSE if one is given, and
ENO is FALSE.

INC and DEC (``INC(#count);``) add 1 to or subtract 1 from their one in-out operand, which keeps its type: the sum
wraps as any integer assignment does (Int 32767 + 1 is -32768, USInt 0 - 1 is 255: docs/simulated-plc.md, wrap),
as the LAD/FBD boxes INC and DEC do here (:func:`.ladder_parts.inc_dec`). No Siemens page on their overflow or
ENO was found (thin): ENO is TRUE.

RUNTIME (``#seconds := RUNTIME(#mem);``): S7-1200 System Manual V4.2, A5E02486680-AK (09/2016), 8.8.9 "RUNTIME
(Measure program runtime)", Tables 8-150/8-151: each call reads a CPU-internal counter into the in-out MEM (LReal,
"starting point of the runtime measurement") and returns as RET_VAL the time since the value MEM held, in seconds
(LReal); the first call sets the starting point, the second with the same MEM returns the runtime. The simulated
CPU's counter is its virtual clock (``rt.now_ns``) in seconds: it stands still within a cycle and moves by the cycle
time between cycles, so a measurement inside one cycle is 0.0 and across cycles is deterministic. ENO is TRUE.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from simatic_xml.scl import ast as A

from . import stdlib
from .codegen_local_errors import LOCAL_ERROR_CALLS, local_error_lines, local_error_value

__all__ = ("BLOCK_MOVES", "SELECTIONS", "block_move_lines", "selection_lines", "selection_value")

BLOCK_MOVES = {"MOVE_BLK": "move", "UMOVE_BLK": "move", "FILL_BLK": "fill", "UFILL_BLK": "fill"}
"""The block moves a call runs (:func:`block_move_lines`), each a helper of :mod:`.stdlib` of its name."""

_STEPS = {"INC": "+", "DEC": "-"}
SELECTIONS = frozenset({"DEMUX", "RUNTIME", *_STEPS, *LOCAL_ERROR_CALLS})
"""The instructions of this module: calls that write their operands in place."""

_OUT = re.compile(r"out(\d+)$")


class _Generator(Protocol):
    """What this module uses of the block generator (:class:`.codegen_calls.CallGen`)."""

    def tmp(self, prefix: str) -> str: ...
    def value(self, e: Any, want: Any = None) -> str: ...
    def expr(self, e: Any) -> tuple[str, Any, bool]: ...
    def store(self, e: Any, src: str) -> list[str]: ...
    def assign_src(self, target: Any, value: Any, typed: tuple[str, Any, bool] | None = None) -> str: ...

    pre: list[str]
    ctx: Any
    bd: Any
    local_errors: bool

    def load(self, e: Any) -> str: ...
    def slot_of(self, e: Any) -> Any: ...
    def unsupported_src(self, what: str) -> str: ...


def selection_lines(gen: _Generator, name: str, args: Any) -> list[str] | None:
    """The lines of a call statement of ``name`` (one of :data:`SELECTIONS`), its ENO included; None when an
    actual it needs is missing (the caller reports the call as not run)."""
    if name in _STEPS:
        return _step_lines(gen, _STEPS[name], args)
    if name == "RUNTIME":
        measured = _runtime(gen, args)
        return None if measured is None else measured[0]
    if name in LOCAL_ERROR_CALLS:
        return local_error_lines(gen, name, args)
    return _demux_lines(gen, args)


def selection_value(gen: _Generator, name: str, args: Any) -> tuple[str, str] | None:
    """The source and type of the value of a call of ``name`` inside an expression, its lines added to ``gen.pre``;
    None when the instruction has no value (DEMUX, INC, DEC) or an actual it needs is missing."""
    if name in LOCAL_ERROR_CALLS:
        return local_error_value(gen, name, args)
    measured = _runtime(gen, args) if name == "RUNTIME" else None
    if measured is None:
        return None
    gen.pre.extend(measured[0])
    return measured[1], "LREAL"


def _single(args: Any) -> Any:
    """The one actual of an instruction with one in-out parameter, or None."""
    actuals = [*args.positional, *(arg.value for arg in args.order)]
    return actuals[0] if len(actuals) == 1 else None


def _runtime(gen: _Generator, args: Any) -> tuple[list[str], str] | None:
    """RUNTIME(MEM): the lines that read the counter into MEM, and the name holding RET_VAL (seconds)."""
    mem = _single(args)
    if mem is None:
        return None
    now, seconds = gen.tmp("_now"), gen.tmp("_runtime")
    lines = [f"{now} = rt.now_ns / 1e9", f"{seconds} = {now} - {gen.value(mem, 'LREAL')}", *gen.store(mem, now)]
    return lines + (gen.store(args.eno, "True") if args.eno is not None else []), seconds


def _step_lines(gen: _Generator, op: str, args: Any) -> list[str] | None:
    """INC/DEC: ``operand := operand ± 1``, stored as an assignment to the operand stores (wrapped into its type)."""
    operand = _single(args)
    if operand is None:
        return None
    step = A.BinaryOp(operand.line, operand.col, op, operand, A.Literal(operand.line, operand.col, "int", 1, "1"))
    lines = gen.store(operand, gen.assign_src(operand, step))
    return lines + (gen.store(args.eno, "True") if args.eno is not None else [])


def _demux_lines(gen: _Generator, args: Any) -> list[str] | None:
    """The lines of a DEMUX call statement, its ENO included (``args``: the call's split actuals); None when a
    K or an IN is missing (the caller reports the call as not run)."""
    k, value = args.named.get("k"), args.named.get("in")
    if k is None or value is None:
        return None
    outputs = sorted((int(m.group(1)), arg) for name, arg in args.named.items() if (m := _OUT.match(name)))
    selector = gen.tmp("_k")
    source = gen.tmp("_in")
    lines = [f"{selector} = {gen.value(k.value)}"]
    typed = gen.expr(value.value)
    lines.append(f"{source} = {typed[0]}")
    as_local = (source, typed[1], typed[2])
    eno = args.eno
    for position, (number, arg) in enumerate(outputs):
        lines.append(f"{'if' if position == 0 else 'elif'} {selector} == {number}:")
        body = gen.store(arg.value, gen.assign_src(arg.value, None, as_local))
        body += gen.store(eno, "True") if eno is not None else []
        lines += ["    " + line for line in body]
    fallback = args.named.get("outelse")
    otherwise = gen.store(fallback.value, gen.assign_src(fallback.value, None, as_local)) if fallback else []
    otherwise += gen.store(eno, "False") if eno is not None else []
    if otherwise:
        lines.append("else:" if outputs else "if True:")
        lines += ["    " + line for line in otherwise]
    return lines


def block_move_lines(gen: _Generator, name: str, args: Any) -> list[str]:
    """MOVE_BLK/UMOVE_BLK(IN := a[i], COUNT := n, OUT => b[j]) and FILL_BLK/UFILL_BLK(IN := v, ...)."""
    helper = getattr(stdlib, name.lower(), None)
    src, count, out = (args.named.get(k) for k in ("in", "count", "out"))
    if helper is None or src is None or count is None or out is None:
        return [gen.unsupported_src(name)]
    ref = gen.ctx.bind(f"_{name.lower()}", helper)
    dst_arr, dst_idx = _element(gen, out.value)
    if BLOCK_MOVES[name] == "fill":
        return [f"{ref}({gen.value(src.value)}, {dst_arr}, {dst_idx}, {gen.value(count.value)})"]
    src_arr, src_idx = _element(gen, src.value)
    return [f"{ref}({src_arr}, {src_idx}, {dst_arr}, {dst_idx}, {gen.value(count.value)})"]


def _element(gen: _Generator, node: Any) -> tuple[str, str]:
    if type(node) is A.Index and len(node.indices) == 1:
        return gen.load(node.base), gen.value(node.indices[0])
    arr = gen.load(node)
    return arr, f"{arr}.low"
