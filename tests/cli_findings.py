"""The findings of one CLI check command, run in process, as (code, line) pairs: what tests compare between entries."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

from engineering_api.cli import main

__all__ = ("cli_findings",)


def cli_findings(argv: list[str]) -> set[tuple[str, int]]:
    """(code, line) of every diagnostic ``engineering-api <argv> --format json`` reports."""
    out = io.StringIO()
    with redirect_stdout(out):
        main([*argv, "--format", "json"])
    return {(d["code"], d["line"]) for d in json.loads(out.getvalue())["diagnostics"]}
