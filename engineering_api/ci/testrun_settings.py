"""The settings of the downloaded PLC a ``test run`` case may name: its retentive bit memory
(:data:`RETENTIVE_MEMORY_FIELD`) and its maximum cycle time (:data:`MAX_CYCLE_TIME_FIELD`).

They belong to the program (TIA keeps them with the PLC, no export carries them), and one program is downloaded per
run, so the cases of a run that name a setting name one value; a case naming another is ``TEST_FILE_INVALID``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engineering_api.rules.plc_values import AREA_SIZES, is_retentive_marker_size

__all__ = ("MAX_CYCLE_TIME_FIELD", "RETENTIVE_MEMORY_FIELD", "SETTINGS", "Setting", "one_value", "take_settings")

RETENTIVE_MEMORY_FIELD = "retentiveMemoryBytes"
"""How many bytes of bit memory from MB0 are retentive, TIA's "Retain" setting of the PLC tags."""
MAX_CYCLE_TIME_FIELD = "maxCycleTimeMs"
"""The CPU's maximum cycle time in ms, its "Cycle" setting: 1 to 6000, 150 by default (S7-1200 System Manual V4.2,
A5E02486680-AK, 5.1.4, p. 109-110); what the simulated CPU's cycle-time supervision measures loops against."""


@dataclass(frozen=True)
class Setting:
    """One case field that sets the downloaded PLC: why a value is refused (None when it is fine)."""

    field: str
    refusal: Callable[[object], str | None]


def _retain_refusal(value: object) -> str | None:
    if is_retentive_marker_size(value):
        return None
    size = AREA_SIZES["M"]
    return (f"{RETENTIVE_MEMORY_FIELD} is {json.dumps(value)}: it must be a whole number of bytes from 0 to {size}, "
            f"the CPU's bit memory (MB0 to MB{size - 1})")


def _cycle_refusal(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 6000:
        return None
    return (f"{MAX_CYCLE_TIME_FIELD} is {json.dumps(value)}: it must be a number of milliseconds from 1 to 6000, "
            "the range of the CPU's maximum cycle time")


SETTINGS = (Setting(RETENTIVE_MEMORY_FIELD, _retain_refusal), Setting(MAX_CYCLE_TIME_FIELD, _cycle_refusal))


def take_settings(item: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """``item`` without its setting fields, the settings it names, and why one is refused (None when none is)."""
    named = {s.field: item[s.field] for s in SETTINGS if s.field in item}
    for setting in SETTINGS:
        if setting.field in named and (problem := setting.refusal(named[setting.field])):
            return item, named, problem
    return {k: v for k, v in item.items() if k not in named}, named, None


def one_value(field: str, named: list[tuple[str, int, str, dict[str, Any]]]) -> tuple[Any, list[tuple[int, str]]]:
    """The value of ``field`` the first of ``named`` (file, line, case name, its settings) that names it gives
    (None when none does), and (index, why) of each later one naming another value."""
    first = next(((file, line, settings[field]) for file, line, _n, settings in named if field in settings), None)
    if first is None:
        return None, []
    file, line, value = first
    others = [(index, f'case "{name}": {field} is {settings[field]}, but {file}:{line} says {value}; the run '
               "downloads one program, so its cases name one value (run the others apart, in a folder of their own)")
              for index, (_f, _l, name, settings) in enumerate(named)
              if field in settings and settings[field] != value]
    return value, others
