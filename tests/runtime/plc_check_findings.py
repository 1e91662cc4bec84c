"""``plc check`` run in-process on one source, as the tests of the simulated instructions ask it whether a program
is reported as not simulated."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from engineering_api.cli import main

__all__ = ("plc_check", "plc_check_codes")


def plc_check(source: Path) -> tuple[int, list[dict[str, Any]]]:
    """The exit code and the JSON diagnostics of ``engineering-api plc check SOURCE --format json``."""
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["plc", "check", str(source), "--format", "json"])
    return code, json.loads(out.getvalue())["diagnostics"]


def plc_check_codes(source: Path, text: str) -> tuple[int, list[str]]:
    """``text`` written to ``source``, then the exit code and the codes of ``plc check``'s diagnostics on it."""
    source.write_text(text, encoding="utf-8")
    code, diagnostics = plc_check(source)
    return code, [d["code"] for d in diagnostics]
