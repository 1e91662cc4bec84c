"""DEMUX: the selection instruction that writes one of its outputs, generated as an ``if`` chain.

STEP 7 help, "DEMUX: Demultiplex" (S7-1200/S7-1500): IN is copied to the output K selects (OUT0, OUT1, ...); the
other outputs keep their values. When K selects none of the outputs given, IN goes to OUTELSE if one is given, and
ENO is FALSE.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

__all__ = ("SELECTIONS", "demux_lines")

SELECTIONS = frozenset({"DEMUX"})
"""The instructions of this module: call statements whose outputs are chosen at run time."""

_OUT = re.compile(r"out(\d+)$")


class _Generator(Protocol):
    """What this module uses of the block generator (:class:`.codegen_calls.CallGen`)."""

    def tmp(self, prefix: str) -> str: ...
    def value(self, e: Any, want: Any = None) -> str: ...
    def expr(self, e: Any) -> tuple[str, Any, bool]: ...
    def store(self, e: Any, src: str) -> list[str]: ...
    def assign_src(self, target: Any, value: Any, typed: tuple[str, Any, bool] | None = None) -> str: ...


def demux_lines(gen: _Generator, args: Any) -> list[str] | None:
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
