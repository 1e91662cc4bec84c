"""When a monitored value counts as changed: the on-change rule with a deadband, as OPC UA's DataChangeFilter
(absolute deadband) applies it. Both the fake's simulated CPU and the poller of real PLC connections use it.
"""

from __future__ import annotations

from typing import Any

__all__ = ("value_changed",)


def value_changed(last: Any, value: Any, deadband: float | None) -> bool:
    """Whether ``value`` is a change from ``last``: always with no deadband (None: every sample counts, as cyclic
    logging wants); for numbers, a move by more than ``deadband`` (any move for 0); otherwise any difference."""
    if deadband is None:
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(last, (int, float)):
        return abs(value - last) > deadband if deadband > 0 else value != last
    return bool(value != last)
