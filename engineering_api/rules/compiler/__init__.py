"""The SCL and LAD/FBD compiler: TIA's semantic checks on a program view, the project's one SCL checker.

Its one entry is :mod:`.check` (:func:`~.check.check_sources`: sources in, diagnostics out), which ``scl check``,
``plc check``, ``simaticml check``, ``scl build``, the language server and the tests use;
:func:`check_source` is that entry for one SCL text. The REST compile of a PLC's software
(:func:`.plc_compile.compile_software`) checks the stored objects through it too. Every message is bound to its
code in :mod:`simatic_xml.diagnostic_codes`.
"""
from __future__ import annotations

from simatic_xml.diagnostics import Diagnostic

from .check import Source, check_sources

__all__ = ["check_source"]


def check_source(text: str, path: str | None = None, *, closed: bool = False) -> list[Diagnostic]:
    """The diagnostics of one SCL source (its notes included): :func:`~.check.check_sources` of that text alone.

    Open (the default): the file is one part of a program, so unknown globals, blocks and quoted types are
    warnings. ``closed=True`` treats the file as the whole program, as ``scl check`` does."""
    return check_sources([Source(path, text.encode("utf-8", "replace"))], closed=closed, info=True)
