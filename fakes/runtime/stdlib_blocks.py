"""Block moves (MOVE_BLK, UMOVE_BLK, FILL_BLK, UFILL_BLK, MOVE_BLK_VARIANT) and the time
instructions (T_ADD, T_SUB, T_DIFF, T_COMBINE, TIME_TCK; on instants: :mod:`.stdlib_dtl`).

MOVE_BLK and FILL_BLK have no function value and write an array, so they are not in ``FUNCTIONS``:
the code generator calls :func:`move_blk` / :func:`fill_blk` with the arrays and the PLC indices of
``IN``/``OUT`` (``MOVE_BLK(IN := a[2], COUNT := 3, OUT => b[5])`` is ``move_blk(a, 2, b, 5, 3)``).
UMOVE_BLK/UFILL_BLK are the same here: nothing interrupts a simulated scan.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .errors import PlcRuntimeError, UnsupportedInstructionError
from .stdlib_dtl import INSTANTS, checked_call, total
from .stdlib_core import register, result_fixer
from .values import PlcArray, wrap

__all__ = ("fill_blk", "move_blk", "move_blk_variant", "ufill_blk", "umove_blk")


def _check(array: PlcArray, index: int, count: int, what: str) -> int:
    """The list position of ``index``, after checking that ``count`` elements from it lie in ``array``."""
    pos = index - array.low
    if pos < 0 or pos + count > len(array.items):
        raise PlcRuntimeError(
            f"{what}: elements {index}..{index + count - 1} are out of range [{array.low}..{array.high}].",
            code="index-out-of-range")
    return pos


def _mutable(items: list[Any]) -> bool:
    return bool(items) and isinstance(items[0], (dict, PlcArray, list))


def move_blk(src: PlcArray, src_index: int, dst: PlcArray, dst_index: int, count: int) -> None:
    """Copy ``count`` elements from ``src[src_index..]`` to ``dst[dst_index..]`` (PLC indices).

    COUNT <= 0 copies nothing. Overlapping ranges of one array copy as if through a buffer.

    Raises:
        PlcRuntimeError: ``index-out-of-range`` when either range does not fit its array (nothing is
            copied then).
    """
    if count <= 0:
        return
    s = _check(src, src_index, count, "MOVE_BLK IN")
    d = _check(dst, dst_index, count, "MOVE_BLK OUT")
    chunk = src.items[s:s + count]  # a slice is a copy: overlapping moves are safe
    if _mutable(chunk):  # structs/arrays are values in the PLC: the target gets its own copy
        chunk = copy.deepcopy(chunk)
    dst.items[d:d + count] = chunk


umove_blk = move_blk


def fill_blk(value: Any, dst: PlcArray, dst_index: int, count: int) -> None:
    """Write ``value`` into ``count`` elements of ``dst`` from PLC index ``dst_index``.

    Raises:
        PlcRuntimeError: ``index-out-of-range`` when the range does not fit ``dst``.
    """
    if count <= 0:
        return
    d = _check(dst, dst_index, count, "FILL_BLK OUT")
    if isinstance(value, (dict, PlcArray, list)):
        dst.items[d:d + count] = [copy.deepcopy(value) for _ in range(count)]
    else:
        dst.items[d:d + count] = [value] * count


ufill_blk = fill_blk


_RET = {name: wrap(code, "INT") for name, code in (
    ("src_index", 0x8382), ("src_count", 0x8383), ("dst_index", 0x8482), ("dst_count", 0x8483))}


def move_blk_variant(src: PlcArray, src_index: int, count: int, dst: PlcArray, dst_index: int) -> int:
    """MOVE_BLK_VARIANT: like :func:`move_blk`, but SRC_INDEX/DEST_INDEX count from 0 at the array's
    first element whatever its lower bound, and errors are returned as RET_VAL (an Int) instead of
    stopping the CPU: 16#8382/16#8482 index outside SRC/DEST, 16#8383/16#8483 COUNT elements do not
    fit; 0 when done. Nothing is copied on an error.
    """
    n_src, n_dst = len(src.items), len(dst.items)
    if not 0 <= src_index < n_src:
        return _RET["src_index"]
    if src_index + count > n_src:
        return _RET["src_count"]
    if not 0 <= dst_index < n_dst:
        return _RET["dst_index"]
    if dst_index + count > n_dst:
        return _RET["dst_count"]
    move_blk(src, src.low + src_index, dst, dst.low + dst_index, count)
    return 0


def _move_blk_variant_call(src: Any, count: int, src_index: int, dst_index: int, dst: Any) -> int:
    if type(src) is not PlcArray or type(dst) is not PlcArray:  # Variant/ANY pointers are not modelled
        raise UnsupportedInstructionError("MOVE_BLK_VARIANT")
    return move_blk_variant(src, src_index, count, dst, dst_index)


# As a function: RET_VAL is the value; DEST (an Output in TIA, ``DEST => #b``) is passed as the array
# object itself, which the instruction writes in place.
register("MOVE_BLK_VARIANT", ("SRC", "COUNT", "SRC_INDEX", "DEST_INDEX", "DEST"))(
    lambda args, result: _move_blk_variant_call)


# ----------------------------------------------------------------------------------------------- time

_UNIT_NS = {"TIME": 10**6, "LTIME": 1, "TIME_OF_DAY": 10**6, "LTIME_OF_DAY": 1}
_DAY_MS = 86_400_000


def _t_arith(sign: int) -> Callable[..., Any]:
    """T_ADD/T_SUB: a duration added to / subtracted from a TIME, LTIME, TOD or LTOD (IN1's type), or an instant
    (DTL, DT, LDT: :mod:`.stdlib_dtl`)."""

    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
        t1 = args[0] or result
        t2 = args[1] or ("LTIME" if t1 in ("LTIME", "LTIME_OF_DAY") else "TIME")
        if t1 in INSTANTS:
            return _instant("T_ADD" if sign > 0 else "T_SUB", (t1, t2), t1)
        if t1 not in _UNIT_NS or t2 not in ("TIME", "LTIME"):
            return None
        fix = result_fixer(result or t1)  # TIME_OF_DAY wraps modulo 24 h
        if fix is None:  # a result type that holds no duration or time of day
            return None
        u1, u2 = _UNIT_NS[t1], _UNIT_NS[t2]
        if u1 == u2:
            return lambda a, b: fix(a + sign * b)
        if u2 > u1:
            factor = u2 // u1
            return lambda a, b: fix(a + sign * b * factor)
        div = u1 // u2  # ns into ms: toward zero
        return lambda a, b: fix(a + sign * (b // div if b >= 0 else -(-b // div)))

    return build


register("T_ADD", ("IN1", "IN2"))(_t_arith(1))
register("T_SUB", ("IN1", "IN2"))(_t_arith(-1))


@register("T_DIFF", ("IN1", "IN2"))
def _t_diff(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    """T_DIFF: IN1 - IN2 as a duration: TOD/DATE/TIME -> TIME (ms), LTOD/LTIME -> LTIME (ns), two instants -> the
    TIME or LTIME it is stored into."""
    t = args[0] or args[1]
    if t in INSTANTS:
        return _instant("T_DIFF", args, result or "TIME")
    fix = result_fixer(result or ("LTIME" if t in ("LTIME_OF_DAY", "LTIME") else "TIME"))
    if fix is None:  # a result type that holds no duration
        return None
    if t in ("TIME_OF_DAY", "TIME", "LTIME_OF_DAY", "LTIME"):
        return lambda a, b: fix(a - b)
    if t == "DATE":
        return lambda a, b: fix((a - b) * _DAY_MS)
    return None


def _instant(name: str, args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    """The instruction on instants (:func:`.stdlib_dtl.checked_call`) as the PLC runs it, or None."""
    checked = checked_call(name, args, result)
    return None if checked is None or result is None else total(checked, result)


@register("T_COMBINE", ("IN1", "IN2"))
def _t_combine(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    """T_COMBINE: a Date and a TOD or LTOD into the instant it is stored into (a DTL when none is known)."""
    return _instant("T_COMBINE", args, result or "DTL")


register("CONCAT_DATE_TOD", ("IN1", "IN2"))(_t_combine)  # T_COMBINE's name in SCL (A5E02486680-AK, Table 9-7)



@register("TIME_TCK", (), needs_rt=True)
def _time_tck(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    """TIME_TCK: the CPU's millisecond tick, 0..2**31-1 then 0 again (``rt.now_ns`` based)."""
    return lambda rt: (rt.now_ns // 1_000_000) & 0x7FFF_FFFF


# ---------------------------------------------------------------------------------------------- IEC timers
# STEP 7 help RESET_TIMER / PRESET_TIMER (S7-1200 System Manual A5E02486680-05, 7.2 "Timers": RT and PT coils):
# RESET_TIMER sets the timer's elapsed time and output to 0 (it starts again at its next call with IN TRUE);
# PRESET_TIMER writes PT into the instance, taking effect at once even while the timer runs (the PT a timer
# otherwise latches when it starts, see stdlib_fbs).

@register("RESET_TIMER", ("TIMER",), by_reference=("TIMER",))
def _reset_timer(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    def reset(timer: dict[str, Any]) -> None:
        timer.update(IN=False, Q=False, ET=0, _in=False, _run=False, _start=0, _acc=0)

    return reset


@register("PRESET_TIMER", ("PT", "TIMER"), by_reference=("TIMER",))
def _preset_timer(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    def preset(pt: int, timer: dict[str, Any]) -> None:
        timer["PT"] = pt
        timer["_pt"] = pt if pt > 0 else 0

    return preset
