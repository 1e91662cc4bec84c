"""Helpers the generated block code calls (bound into the code's namespace by :mod:`.codegen`).

Kept tiny and branch-light: they run inside the scan. Integer division follows S7-1500: the quotient is
truncated toward zero, ``MOD`` takes the sign of the dividend, and a division by zero does **not** stop
the CPU: the result is 0 (the block's ENO, which the simulation does not model, would be FALSE).
Real division by zero gives ±inf/NaN as the FPU does.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from typing import Any

from .errors import PlcRuntimeError, UnsupportedInstructionError
from .memory import FORMATS
from .stdlib_instances import instance_path
from .values import INT_RANGES, clone, to_real32, wrapper

__all__ = ("DEFAULT_MAX_CYCLE_MS", "LOOP_LIMIT", "PASS_NS", "namespace", "pass_limit")

_F32 = struct.Struct("f")
PASS_NS = 150
"""The execution time one pass of a loop (FOR, WHILE, REPEAT, a GOTO's jump) is charged with, in virtual
nanoseconds: the only execution time the model has (its instructions take none), so that passes measure a cycle's
length against the CPU's maximum cycle time (docs/simulated-plc.md, "Cycle time")."""
DEFAULT_MAX_CYCLE_MS = 150.0
"""The maximum cycle time a CPU has unless its configuration says otherwise: 150 ms, settable from 1 to 6000 ms
(S7-1200 System Manual V4.2, A5E02486680-AK, 5.1.4 "Monitoring and configuring the cycle time", p. 109-110)."""


def pass_limit(max_cycle_ms: float) -> int:
    """The passes of one loop entry that take it past ``max_cycle_ms``: :data:`PASS_NS` each."""
    return max(1, int(max_cycle_ms * 1_000_000) // PASS_NS)


LOOP_LIMIT = pass_limit(DEFAULT_MAX_CYCLE_MS)
"""1,000,000: the passes of one loop entry that exceed the default maximum cycle time."""


def _idiv(a: int, b: int) -> int:
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _imod(a: int, b: int) -> int:
    if b == 0:
        return 0
    return a - _idiv(a, b) * b


def _rdiv(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * (math.copysign(1.0, b))
    return a / b


def _expt(a: float, b: float) -> float:
    try:
        return float(a) ** b
    except (OverflowError, ZeroDivisionError):
        return math.inf
    except ValueError:
        return math.nan


def _setbits(old: int, shift: int, mask: int, value: Any) -> int:
    return (old & ~(mask << shift)) | ((int(value) & mask) << shift)


def _stridx(s: str, i: int) -> str:
    if 1 <= i <= len(s):
        return s[i - 1]
    raise PlcRuntimeError(f"String index {i} is out of range [1..{len(s)}].", code="index-out-of-range")


def _strset(s: str, i: int, c: str) -> str:
    if 1 <= i <= len(s):
        return s[: i - 1] + (c or "\0")[:1] + s[i:]
    raise PlcRuntimeError(f"String index {i} is out of range [1..{len(s)}].", code="index-out-of-range")


def _oob(index: int, low: int, high: int) -> Any:
    raise PlcRuntimeError(f"Array index {index} is out of range [{low}..{high}].", code="index-out-of-range")


def _unsupported(name: str, block: str, network: int | None, line: int | None) -> UnsupportedInstructionError:
    return UnsupportedInstructionError(name, block=block, network=network, line=line)


def _raise(exc: Exception) -> Any:
    """Raise inside an expression (an unsupported operand or function used as a value)."""
    raise exc


def _hung(block: str) -> PlcRuntimeError:
    return PlcRuntimeError(f'A loop in "{block}" ran past the maximum cycle time.', code="cycle-time-exceeded")


def _overrun(rt: Any, block: str) -> int:
    """A loop's passes reached ``rt.pass_limit``: the maximum cycle time is exceeded. ``rt.time_error`` reacts as
    the CPU does (a diagnostic entry, OB80 when the program has one) and says whether the cycle goes on; the loop's
    counter then gets the passes left to twice the limit (the pass that met the limit was one of them), past which
    is the second overrun. Otherwise the CPU stops."""
    if rt.time_error(block):
        return int(rt.pass_limit) - 1
    raise _hung(block)


def _passes(steps: range, rt: Any, block: str) -> Iterator[int]:
    """A FOR loop's run values when it has more than ``rt.pass_limit`` of them: the limit's passes, the time error,
    the next passes... (a loop that ends sooner, by EXIT or RETURN, never meets it). Shorter loops run their range
    itself."""
    limit = int(rt.pass_limit)
    at = 0
    while at < len(steps):
        if at:
            _overrun(rt, block)
        yield from steps[at:at + limit]
        at += limit


def _step0(rt: Any, block: str) -> None:
    """A FOR loop with the increment 0 never ends: its passes exceed the maximum cycle time twice (its body is not
    run: what it would do ``2 * pass_limit`` times is left out)."""
    while True:
        _overrun(rt, block)


class _Jump(Exception):
    """A GOTO on its way to the stretch of its label (:mod:`.codegen_jumps`)."""

    def __init__(self, target: int) -> None:
        super().__init__(target)
        self.target = target




def namespace() -> dict[str, Any]:
    """A fresh globals dict for one image's generated code."""
    ns: dict[str, Any] = {
        "__builtins__": {"range": range, "len": len, "int": int, "float": float, "bool": bool, "str": str,
                         "True": True, "False": False, "None": None},
        "_idiv": _idiv, "_imod": _imod, "_rdiv": _rdiv, "_expt": _expt, "_setbits": _setbits, "_stridx": _stridx,
        "_strset": _strset, "_oob": _oob, "_unsupported": _unsupported, "_raise": _raise, "_hung": _hung,
        "_passes": _passes, "_step0": _step0, "_clone": clone, "_Jump": _Jump, "_instance_path": instance_path,
        "_r32": to_real32, "_overrun": _overrun, "_fp": _F32.pack, "_fu": _F32.unpack,
        "_isfinite": math.isfinite,
    }
    for t in INT_RANGES:
        w = wrapper(t)
        if w is not None:
            ns["_w_" + t] = w
    for t, fmt in FORMATS.items():
        ns["_u_" + t] = fmt.unpack_from
        ns["_p_" + t] = fmt.pack_into
    return ns
