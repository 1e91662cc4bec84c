"""The SCL and LAD/FBD compiler: TIA's semantic checks on a program view, the project's one SCL checker (the fake's
compile, the bridge's watch tables, ``scl check`` and ``plc check`` use it).

* :func:`check_source` -- one SCL source offline (locals, types of the same file, duplicates,
  EXIT/CONTINUE, calls of blocks in the same file, conversions); unknown globals are warnings.
  ``closed=True`` treats the file as the whole program (what a project holding only these blocks
  would report).
* :func:`check_program` -- a program view (``Program``) built from many sources (``engineering_api.ci.program``).
* :mod:`engineering_api.rules.compiler.project` -- compile a PLC's software (``PlcSoftware``) into a ``CompileResult``.

Every message is bound to its code in :mod:`simatic_xml.diagnostic_codes`.
"""
from __future__ import annotations

from os import PathLike

from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl import parse, read_source
from simatic_xml.scl.errors import ClassicSclNotSupportedError, SclSyntaxError

from .checker import check_block, check_program
from .program import Program, from_source

__all__ = [
    "Program",
    "check_block",
    "check_path",
    "check_program",
    "check_source",
    "from_source",
]


def check_source(text: str, path: str | None = None, *, closed: bool = False) -> list[Diagnostic]:
    """Parse and semantically check one SCL source; syntax errors come back as one diagnostic."""
    try:
        source = parse(text, path)
    except ClassicSclNotSupportedError as err:
        return [Diagnostic(err.message, err.line, err.col, file=path, code="CLASSIC_SCL")]
    except SclSyntaxError as err:
        return [Diagnostic(err.message, err.line, err.col, file=path, code="SYNTAX_ERROR")]
    return check_program(from_source(source, closed=closed), path)


def check_path(path: str | PathLike[str], *, closed: bool = False) -> list[Diagnostic]:
    """:func:`check_source` on the file at ``path`` (read with ``simatic_xml.scl.read_source``)."""
    return check_source(read_source(path), str(path), closed=closed)
