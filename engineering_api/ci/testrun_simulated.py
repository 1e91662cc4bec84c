"""``test run``'s requirement that the program calls nothing the simulated PLC does not run.

The check before the run reports each such call as a ``NOT_SIMULATED`` warning (``docs/instructions.md``); the
tests still run, and the CPU stops when a case reaches the call. A test file that needs every call simulated says
so with :data:`REQUIRE_SIMULATED_FIELD` on a case, and a pipeline with ``--require-simulated``: the warnings become
errors and no test runs. (A repository makes it an error of ``plc check`` too, with ``NOT_SIMULATED = "error"``
under ``[tool.engineering-api.severity]``.)
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from simatic_xml.diagnostics import Diagnostic

__all__ = ("OPTION", "REQUIRE_SIMULATED_FIELD", "add_argument", "requiring", "strict", "take_field")

REQUIRE_SIMULATED_FIELD = "requireSimulated"
"""A case field of ``test run`` only: ``true`` when the program may call nothing the simulated PLC does not run."""
OPTION = "--require-simulated"
CODE = "NOT_SIMULATED"


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(OPTION, action="store_true", default=None,
                        help="with FOLDER: a call the simulated PLC does not run (a NOT_SIMULATED warning) is an "
                             f"error and no test runs, as a case's \"{REQUIRE_SIMULATED_FIELD}\": true asks")


def take_field(item: dict[str, Any]) -> tuple[dict[str, Any], bool, str | None]:
    """``item`` (a case of a test file) without :data:`REQUIRE_SIMULATED_FIELD`, what the field says (False when
    absent), and why its value is none (it must be true or false), else None."""
    if REQUIRE_SIMULATED_FIELD not in item:
        return item, False, None
    rest = dict(item)
    value = rest.pop(REQUIRE_SIMULATED_FIELD)
    if not isinstance(value, bool):
        return rest, False, f"{REQUIRE_SIMULATED_FIELD} must be true or false, not {value!r}"
    return rest, value, None


def requiring(args: argparse.Namespace, cases: list[tuple[str, int, bool]]) -> str | None:
    """Who requires every call simulated: the option, or the first case (file, line, its field) that does; None."""
    if getattr(args, "require_simulated", None):
        return OPTION
    return next((f"{file}:{line} ({REQUIRE_SIMULATED_FIELD})" for file, line, wanted in cases if wanted), None)


def strict(program: list[Diagnostic], by: str) -> list[Diagnostic]:
    """The check's findings with each ``NOT_SIMULATED`` warning an error, saying who required it."""
    return [replace(d, severity="Error", message=f"{d.message} Required to be simulated by {by}.")
            if d.code == CODE and d.severity == "Warning" else d for d in program]
