"""Offline ``scl check``: parse (and, later, semantically check) SCL sources.

:func:`check_text` / :func:`check_file` return a :class:`CheckResult` with a
list of :class:`Diagnostic`. Semantic rules plug in through ``RULES``: each is
a callable ``rule(source_file) -> iterable[Diagnostic]``.
:func:`main` is the body of ``engineering-api scl check FILE...``.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence, TextIO

from . import ast as A
from ..diagnostics import Diagnostic
from .errors import ClassicSclNotSupportedError, SclSyntaxError
from .parser import parse, read_source

__all__ = ["Diagnostic", "CheckResult", "check_text", "check_file", "main", "RULES"]


@dataclass(slots=True)
class CheckResult:
    path: Optional[str]
    source: Optional[A.SourceFile]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "Error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "Warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


Rule = Callable[[A.SourceFile], Iterable[Diagnostic]]
RULES: list[Rule] = []  # semantic checks register here (later step)


def check_text(text: str, path: Optional[str] = None, rules: Optional[Sequence[Rule]] = None) -> CheckResult:
    try:
        source = parse(text, path)
    except ClassicSclNotSupportedError as err:
        return CheckResult(path, None, [Diagnostic(err.message, err.line, err.col, file=path, code="CLASSIC_SCL")])
    except SclSyntaxError as err:
        return CheckResult(path, None, [Diagnostic(err.message, err.line, err.col, file=path)])
    result = CheckResult(path, source)
    for rule in RULES if rules is None else rules:
        for diag in rule(source):
            if diag.file is None:
                diag.file = path
            result.diagnostics.append(diag)
    return result


def check_file(path: str | os.PathLike[str], rules: Optional[Sequence[Rule]] = None) -> CheckResult:
    return check_text(read_source(path), str(path), rules)


def main(argv: Optional[Sequence[str]] = None, out: Optional[TextIO] = None,
         check: Optional[Callable[[str], Sequence[Diagnostic]]] = None) -> int:
    """Check every file; print diagnostics; return 1 if any has errors, else 0.

    ``check`` maps a path to its diagnostics (the syntax check by default; the compiler in ``engineering_api.rules.compiler``
    passes its semantic checks). Info notes are not printed.
    """
    out = out or sys.stdout
    check = check or (lambda path: check_file(path).diagnostics)
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: scl check FILE...", file=out)
        return 2
    failed = 0
    for p in paths:
        try:
            diagnostics = check(p)
        except OSError as err:
            print(f"{p}: error: {err.strerror or err}", file=out)
            failed += 1
            continue
        for d in diagnostics:
            if d.severity != "Info":
                print(str(d), file=out)
        if any(d.severity == "Error" for d in diagnostics):
            failed += 1
    print(f"{len(paths)} file(s) checked, {failed} with errors", file=out)
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
