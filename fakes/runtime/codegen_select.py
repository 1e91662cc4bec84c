"""Call statements generated inline because they write their operands in place: DEMUX (an ``if`` chain) and INC, DEC.

STEP 7 help, "DEMUX: Demultiplex" (S7-1200/S7-1500): IN is copied to the output K selects (OUT0, OUT1, ...); the
other outputs keep their values. When K selects none of the outputs given, IN goes to OUTELSE if one is given, and
ENO is FALSE.

INC and DEC (``INC(#count);``) add 1 to or subtract 1 from their one in-out operand, which keeps its type: the sum
wraps as any integer assignment does (Int 32767 + 1 is -32768, USInt 0 - 1 is 255: docs/simulated-plc.md, wrap),
as the LAD/FBD boxes INC and DEC do here (:func:`.ladder_parts.inc_dec`). No Siemens page on their overflow or
ENO was found (thin): ENO is TRUE.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from simatic_xml.scl import ast as A

__all__ = ("SELECTIONS", "selection_lines")

_STEPS = {"INC": "+", "DEC": "-"}
SELECTIONS = frozenset({"DEMUX", *_STEPS})
"""The instructions of this module: call statements that write their operands in place."""

_OUT = re.compile(r"out(\d+)$")


class _Generator(Protocol):
    """What this module uses of the block generator (:class:`.codegen_calls.CallGen`)."""

    def tmp(self, prefix: str) -> str: ...
    def value(self, e: Any, want: Any = None) -> str: ...
    def expr(self, e: Any) -> tuple[str, Any, bool]: ...
    def store(self, e: Any, src: str) -> list[str]: ...
    def assign_src(self, target: Any, value: Any, typed: tuple[str, Any, bool] | None = None) -> str: ...


def selection_lines(gen: _Generator, name: str, args: Any) -> list[str] | None:
    """The lines of a call statement of ``name`` (one of :data:`SELECTIONS`), its ENO included; None when an
    actual it needs is missing (the caller reports the call as not run)."""
    if name in _STEPS:
        return _step_lines(gen, _STEPS[name], args)
    return _demux_lines(gen, args)


def _step_lines(gen: _Generator, op: str, args: Any) -> list[str] | None:
    """INC/DEC: ``operand := operand ± 1``, stored as an assignment to the operand stores (wrapped into its type)."""
    actuals = [*args.positional, *(arg.value for arg in args.order)]
    if len(actuals) != 1:
        return None
    operand = actuals[0]
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
