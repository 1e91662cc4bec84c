"""The simulation catalogue: every instruction the checker accepts, and whether the simulated PLC runs it.

What the checker accepts is read from its own tables (:mod:`.builtins`: the system catalog's instructions, the
typed functions, the system FBs, the instructions called on an instance; :mod:`.flgnet_structure`: the LAD/FBD
boxes; :func:`.builtins.conversion`: the ``X_TO_Y`` pattern). What the simulated PLC runs is read from the runtime's
registries (:mod:`fakes.runtime.simulated`), which this layer may not import (``docs/architecture.md``): ``python -m
tools.instruction_catalogue`` writes them into ``simulated.json`` beside this module, and
``tests/lib/test_instruction_catalogue.py`` fails when the file and the runtime differ. Why one is not simulated
is its family's reason (:mod:`.simulation_reasons`).

``plc check`` and ``test run`` report a call of what is not simulated before it runs (``NOT_SIMULATED``, through
:meth:`.check_context.CheckContext.not_simulated`); ``docs/instructions.md`` is generated from :func:`catalogue`.
The runtime is one S7-1500 (PLCSIM Advanced's CPUs): it runs an instruction the same way on either CPU family, so a
status holds for both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from simatic_xml.system_types import lookup

from .builtins import FUNCTIONS, INSTANCE_INSTRUCTIONS, KNOWN_UPPER, SYSTEM_FBS, conversion
from .flgnet_structure import BOX_PARTS
from .simulation_reasons import CONVERSIONS, LAD_BOXES, OTHER, Family, family_of

__all__ = ("DATA", "Entry", "accepted_calls", "accepted_conversions", "catalogue", "named", "not_simulated_call",
           "not_simulated_goto", "not_simulated_instance", "not_simulated_part", "not_simulated_statement",
           "runtime_names")

DATA = Path(__file__).with_name("simulated.json")

Kind = Literal["instruction", "conversion", "box", "statement"]

_CONVERTIBLE = ("BOOL", "BYTE", "WORD", "DWORD", "LWORD", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT",
                "ULINT", "REAL", "LREAL", "TIME", "LTIME", "S5TIME", "DATE", "TIME_OF_DAY", "TOD", "LTIME_OF_DAY",
                "LTOD", "DATE_AND_TIME", "DT", "LDT", "DTL", "CHAR", "WCHAR", "STRING", "WSTRING", "BCD16", "BCD32")
"""The spellings of the value types a conversion's name joins (``INT_TO_REAL``, ``TOD_TO_TIME``): the catalogue's
conversions are every pair the checker accepts of these. It accepts pairs of parameter and hardware types too
(``HW_IO_TO_INT``), which convert no value and are left out."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the catalogue: an instruction (SCL call or LAD/FBD box), conversion, box or statement, whether
    the simulated PLC runs it, its family, and the family's reason when it does not."""

    name: str
    kind: Kind
    simulated: bool
    family: str
    reason: str | None


@lru_cache(maxsize=1)
def runtime_names() -> dict[str, frozenset[str]]:
    """``simulated.json``: the calls and LAD/FBD boxes the runtime runs, the statements it does not (upper case)."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {key: frozenset(raw[key]) for key in ("calls", "parts", "statements_not_run")}


def accepted_calls() -> frozenset[str]:
    """The instructions an SCL call or a LAD/FBD box may name (upper case), but the conversions of
    :func:`accepted_conversions`: the checker's and the runtime's (RESET_TIMER runs and the checker notes it as an
    instruction it does not know)."""
    names = {n.upper() for n in KNOWN_UPPER | set(FUNCTIONS) | set(SYSTEM_FBS) | INSTANCE_INSTRUCTIONS}
    return frozenset(names | runtime_names()["calls"]) - accepted_conversions()


@lru_cache(maxsize=1)
def accepted_conversions() -> frozenset[str]:
    """The conversions of values the checker accepts (:data:`_CONVERTIBLE`), upper case."""
    pairs = (f"{a}_TO_{b}" for a in _CONVERTIBLE for b in _CONVERTIBLE if a != b)
    return frozenset(name for name in pairs if conversion(name) is not None)


def _family(upper: str) -> Family:
    """The family of ``upper``: its row's (DB_ANY_TO_VARIANT is spelled as a conversion and is none), else the
    conversions' for ``X_TO_Y`` and CONVERT."""
    family = family_of(upper)
    if family is OTHER and (upper == "CONVERT" or conversion(upper) is not None):
        return CONVERSIONS
    return family


def not_simulated_call(name: str) -> str | None:
    """Why the simulated PLC does not run a call of the instruction or conversion ``name`` (any case); None when
    it does."""
    upper = name.upper()
    if upper in runtime_names()["calls"]:
        return None
    return _family(upper).reason


def named(name: str, reason: str | None) -> tuple[str, str] | None:
    """``(name, reason)`` when there is a reason, else None: what a checker's finding needs."""
    return None if reason is None else (name, reason)


def not_simulated_instance(type_name: str) -> tuple[str, str] | None:
    """The instruction a call of an instance of the system type ``type_name`` runs (TIA's spelling) and why it is
    not simulated; None when it is, or when ``type_name`` is no system FB's instance type."""
    system_type = lookup(type_name)
    if system_type is None or system_type.kind != "instance" or type_name.upper() in runtime_names()["calls"]:
        return None
    instruction = system_type.instruction or system_type.name
    reason = not_simulated_call(instruction)
    return None if reason is None else (instruction, reason)


def not_simulated_part(name: str) -> str | None:
    """Why the simulated PLC does not run the LAD/FBD box ``name`` (a basic part or an instruction's box); None
    when it does."""
    upper = name.upper()
    if upper in runtime_names()["parts"] or upper in runtime_names()["calls"]:
        return None
    family = _family(upper)
    return (LAD_BOXES if family is OTHER and upper in BOX_PARTS else family).reason


def not_simulated_statement(keyword: str) -> str | None:
    """Why the simulated PLC does not run the SCL statement ``keyword`` (``GOTO``); None when it does."""
    upper = keyword.upper()
    return family_of(upper).reason if upper in runtime_names()["statements_not_run"] else None


JUMPS = ("GOTO",)
"""The SCL statements the catalogue lists besides those the runtime does not run: the jumps (every other statement
runs on the simulated PLC)."""


def not_simulated_goto(label_starts_a_stretch: bool) -> str | None:
    """Why the simulated PLC does not run a GOTO: the statement's reason, or, when its label does not stand in an
    SCL network's own statement list of a block of SCL networks (``fakes/runtime/codegen_jumps.py``), the reason of
    its family; None when it runs."""
    reason = not_simulated_statement("GOTO")
    if reason is None and not label_starts_a_stretch:
        return family_of("GOTO").reason
    return reason


def _entry(name: str, kind: Kind, reason: str | None) -> Entry:
    family = _family(name)
    if kind == "box" and family is OTHER:
        family = LAD_BOXES
    return Entry(name, kind, reason is None, family.name, reason)


def catalogue() -> tuple[Entry, ...]:
    """Every instruction the checker accepts (SCL calls and system instructions' boxes, conversions, the basic
    LAD/FBD boxes), the jump statements and every statement the runtime does not run, by kind and name."""
    rows = [_entry(n, "instruction", not_simulated_call(n)) for n in accepted_calls()]
    rows += [_entry(n, "conversion", not_simulated_call(n)) for n in accepted_conversions()]
    rows += [_entry(n, "box", not_simulated_part(n)) for n in BOX_PARTS - accepted_calls()]
    statements = set(JUMPS) | runtime_names()["statements_not_run"]
    rows += [_entry(n, "statement", not_simulated_statement(n)) for n in statements]
    order = ("instruction", "conversion", "box", "statement")
    return tuple(sorted(rows, key=lambda e: (order.index(e.kind), e.name)))
