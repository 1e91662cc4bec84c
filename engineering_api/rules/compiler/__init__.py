"""The SCL and LAD/FBD compiler: TIA's semantic checks on a program view (the fake's compile, the bridge's watch
tables and ``plc check`` use it).

* :func:`check_source` -- one SCL source offline (locals, types of the same file, duplicates,
  EXIT/CONTINUE, calls of blocks in the same file, conversions); unknown globals are warnings.
  ``closed=True`` treats the file as the whole program (what a project holding only these blocks
  would report).
* :func:`cli_main` -- the body of ``engineering-api scl check FILE...`` with these rules.
* :mod:`engineering_api.rules.compiler.project` -- compile a PLC's software (``PlcSoftware``) into a ``CompileResult``.
"""
from __future__ import annotations

import sys
from os import PathLike
from typing import TextIO

from simatic_xml.scl import parse, read_source
from simatic_xml.scl.check import Diagnostic
from simatic_xml.scl.check import main as scl_check_main
from simatic_xml.scl.errors import ClassicSclNotSupportedError, SclSyntaxError

from .checker import MESSAGES, CompilerDiagnostic, check_block, check_program
from .program import Program, from_source

__all__ = [
    "MESSAGES",
    "CompilerDiagnostic",
    "Diagnostic",
    "Program",
    "check_block",
    "check_path",
    "check_program",
    "check_source",
    "cli_main",
    "from_source",
]


def check_source(text: str, path: str | None = None, *, closed: bool = False) -> list[Diagnostic]:
    """Parse and semantically check one SCL source; syntax errors come back as one diagnostic."""
    try:
        source = parse(text, path)
    except ClassicSclNotSupportedError as err:
        return [Diagnostic(err.message, err.line, err.col, file=path, code="CLASSIC_SCL")]
    except SclSyntaxError as err:
        return [Diagnostic(err.message, err.line, err.col, file=path)]
    return check_program(from_source(source, closed=closed), path)


def check_path(path: str | PathLike[str], *, closed: bool = False) -> list[Diagnostic]:
    return check_source(read_source(path), str(path), closed=closed)


def cli_main(paths: list[str] | None = None, out: TextIO | None = None, *, closed: bool = False) -> int:
    """Check every file with the semantic rules, printing as ``simatic_xml.scl.check.main``; 1 on errors."""
    return scl_check_main(paths, out, check=lambda path: check_path(path, closed=closed))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli_main())
