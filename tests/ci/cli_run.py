"""Running the CLI's main in process."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from engineering_api.cli import main

__all__ = ("run_main",)


def run_main(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()
