"""Block numbers by kind: the numbers an organization block of each event class may have, and the number range of
FBs, FCs and DBs.

* ``OB_NUMBER`` (Error): an OB whose number its event class does not allow. STEP 7 help, "Organization blocks"
  (the table :data:`~.builtins.OB_NUMBERS` keeps, cited there): a program cycle OB is OB 1, a time-delay interrupt
  OB 20 to 23, a cyclic interrupt OB 30 to 38, a hardware interrupt OB 40 to 47, a startup OB 100, and each of these
  classes may also take any number from 123 to 32767; the diagnostic error interrupt is OB 82, pull or plug OB 83,
  rack or station failure OB 86. Only these classes are judged: the others' ranges were not found stated.
* ``BLOCK_NUMBER`` (Error): an FB, FC or DB numbered outside 1 to 65535, the numbers a block of TIA can carry
  (``<Number>`` is a UInt; STEP 7 help, "Block numbers": 0 is no block's number). Per CPU family the data blocks'
  range is narrower, as the CPUs' data sheets give it (S7-1200: DB 1 to 59999; S7-1500: DB 1 to 60999): a DB past
  it is a **warning**, the sizes not having been found in the searched corpora to quote.
"""

from __future__ import annotations

from typing import Optional

__all__ = ("DB_LAST", "OB_NUMBERS", "number_findings")

OB_FREE = (123, 32767)
"""The numbers any OB of a class that allows a free number may take."""
OB_NUMBERS: dict[str, tuple[tuple[int, int], bool]] = {
    "ProgramCycle": ((1, 1), True),
    "TimeDelayInterrupt": ((20, 23), True),
    "CyclicInterrupt": ((30, 38), True),
    "HardwareInterrupt": ((40, 47), True),
    "Startup": ((100, 100), True),
    "DiagnosticErrorInterrupt": ((82, 82), False),
    "TimeErrorInterrupt": ((80, 80), False),
    "PullOrPlugOfModules": ((83, 83), False),
    "RackOrStationFailure": ((86, 86), False),
}
"""An OB's event class (its export's ``SecondaryType``) -> its fixed numbers and whether 123 to 32767 are allowed
too (see the module docstring)."""
DB_LAST = {"S7-1200": 59999, "S7-1500": 60999}
"""The highest data block number per CPU family (a warning past it: see the module docstring)."""


def finding(code: str, severity: str, **fields: object) -> tuple[str, str, dict[str, object]]:
    """One finding: its code, severity and message fields."""
    return code, severity, fields


def number_findings(kind: str, number: Optional[int], ob_type: Optional[str],
                    cpu_family: Optional[str] = None) -> list[tuple[str, str, dict[str, object]]]:
    """``(code, severity, message fields)`` of each rule a block of ``kind`` (``OB``/``FB``/``FC``/``DB``) numbered
    ``number`` breaks; an OB of event class ``ob_type``."""
    if number is None:
        return []
    if kind == "OB":
        allowed = OB_NUMBERS.get(ob_type or "")
        if allowed is None:
            return []
        (low, high), free = allowed
        if low <= number <= high or (free and OB_FREE[0] <= number <= OB_FREE[1]):
            return []
        fixed = f"{low}" if low == high else f"{low} to {high}"
        also = f" or {OB_FREE[0]} to {OB_FREE[1]}" if free else ""
        return [finding("OB_NUMBER", "Error", number=number, type=ob_type, allowed=fixed + also)]
    if kind not in ("FB", "FC", "DB"):
        return []
    if not 1 <= number <= 65535:
        return [finding("BLOCK_NUMBER", "Error", cls=kind, number=number, last=65535, where="")]
    last = DB_LAST.get(cpu_family or "") if kind == "DB" else None
    if last is not None and number > last:
        return [finding("BLOCK_NUMBER", "Warning", cls=kind, number=number, last=last,
                        where=f", the data blocks of an {cpu_family} CPU")]
    return []
