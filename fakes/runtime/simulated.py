"""What the simulated PLC runs, read from its registries: the names the checker's simulation catalogue
(:mod:`engineering_api.rules.compiler.simulation`) marks as simulated.

The checker may not import the runtime (``docs/architecture.md``), so ``python -m tools.instruction_catalogue``
writes these names into ``engineering_api/rules/compiler/simulated.json``; ``tests/lib/test_instruction_catalogue.py``
fails when that file and :func:`runtime_names` differ, so the catalogue cannot say "simulated" of an instruction
the runtime lacks, nor miss one it gained.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import stdlib
from .codegen import UNSUPPORTED_STATEMENTS
from .codegen_select import BLOCK_MOVES
from .codegen_select import SELECTIONS
from .ladder_parts import SCL_FUNCTION, TRANSLATORS

__all__ = ("runtime_names", "simulated_calls", "simulated_parts")


def simulated_calls() -> frozenset[str]:
    """The upper-case names an SCL call runs: the system functions and conversions (``stdlib.FUNCTIONS``, each
    for the type combinations its specialiser implements), the block moves, DEMUX, and the system FBs and their instance
    types (``stdlib.SYSTEM_FBS``). The IEC structures (``stdlib.TYPE_ALIASES``: IEC_TIMER...) are no call's name:
    ``#t.TON(...)`` on one runs TON."""
    moves = {name for name in BLOCK_MOVES if callable(getattr(stdlib, name.lower(), None))}
    return frozenset({*stdlib.FUNCTIONS, *moves, *SELECTIONS, *stdlib.SYSTEM_FBS})


def simulated_parts(names: Iterable[str]) -> frozenset[str]:
    """Which of the LAD/FBD part ``names`` (in upper case) a network runs: a part with a translator of
    its own, a box whose SCL function runs (``Scale_X`` is SCALE_X) or a system FB's box (TON, CTU...)."""
    calls = simulated_calls()
    # SimaticML spells a part one way (Contact, Scale_X); the catalogue keys parts by their upper-case name
    translated = {name.upper() for name in TRANSLATORS}
    functions = {name.upper(): function for name, function in SCL_FUNCTION.items()}
    return frozenset(upper for upper in (name.upper() for name in names)
                     if upper in translated or functions.get(upper, upper) in calls)


def runtime_names(parts: Iterable[str]) -> dict[str, list[str]]:
    """The runtime's side of the catalogue, as ``simulated.json`` holds it: the calls it runs, which of the LAD/FBD
    ``parts`` it runs, and the statements it does not run."""
    return {"calls": sorted(simulated_calls()), "parts": sorted(simulated_parts(parts)),
            "statements_not_run": sorted(UNSUPPORTED_STATEMENTS)}
