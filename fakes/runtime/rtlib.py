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

__all__ = ("LOOP_LIMIT", "namespace")

_F32 = struct.Struct("f")
LOOP_LIMIT = 1_000_000
"""Passes of one FOR, WHILE or REPEAT loop (per entry) after which the scan is taken as hung: the model of the
maximum cycle time (a time error, OB80's event)."""


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
    return PlcRuntimeError(f'A loop in "{block}" ran {LOOP_LIMIT} times in one scan: the cycle time was exceeded.',
                           code="cycle-time-exceeded")


def _passes(steps: range, block: str) -> Iterator[int]:
    """A FOR loop's run values when it has more than :data:`LOOP_LIMIT` of them: the limit's passes, then the time
    error (a loop that ends sooner, by EXIT or RETURN, never meets it). Shorter loops run their range itself."""
    yield from steps[:LOOP_LIMIT]
    raise _hung(block)


class _Jump(Exception):
    """A GOTO on its way to the stretch of its label (:mod:`.codegen_jumps`)."""

    def __init__(self, target: int) -> None:
        super().__init__(target)
        self.target = target


def _step0(block: str) -> PlcRuntimeError:
    return PlcRuntimeError(f'A FOR loop in "{block}" has the increment 0: the cycle time was exceeded.',
                           code="cycle-time-exceeded")


def namespace() -> dict[str, Any]:
    """A fresh globals dict for one image's generated code."""
    ns: dict[str, Any] = {
        "__builtins__": {"range": range, "len": len, "int": int, "float": float, "bool": bool, "str": str,
                         "True": True, "False": False, "None": None},
        "_idiv": _idiv, "_imod": _imod, "_rdiv": _rdiv, "_expt": _expt, "_setbits": _setbits, "_stridx": _stridx,
        "_strset": _strset, "_oob": _oob, "_unsupported": _unsupported, "_raise": _raise, "_hung": _hung,
        "_passes": _passes, "_step0": _step0, "_clone": clone, "_Jump": _Jump, "_instance_path": instance_path,
        "_r32": to_real32, "_LOOP_LIMIT": LOOP_LIMIT, "_fp": _F32.pack, "_fu": _F32.unpack,
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
