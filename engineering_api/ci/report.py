"""Write diagnostics for a CI pipeline: ``text``, ``json``, ``junit`` or ``github``.

Every command of :mod:`engineering_api.ci` ends with :func:`emit` and :func:`exit_code`, so the four
formats and the exit codes mean the same for ``scl check``, ``simaticml check``, ``plc check`` and
``scl build``:

* ``text`` -- one line per finding, ``file:line:column: severity: [block] message [CODE]``, then a summary (a
  finding in a SimaticML block on the file line of its network's token, see :mod:`.xml_lines`);
* ``json`` -- ``{"files": n, "errors": n, "warnings": n, "diagnostics": [wire...]}`` with the wire shape of
  :meth:`simatic_xml.diagnostics.Diagnostic.to_wire` (the same objects the REST answers carry);
* ``junit`` -- JUnit XML: one ``testsuite`` per command, one ``testcase`` per file, a ``failure`` per file
  with errors listing them, warnings in ``system-out`` (read by GitLab's ``artifacts:reports:junit`` and
  by GitHub test-report actions);
* ``github`` -- GitHub Actions workflow commands (``::error file=…,line=…,col=…,title=CODE::message``),
  which the runner turns into annotations on the pull request;
* ``sarif`` -- a SARIF 2.1.0 log (:mod:`.sarif`) for GitHub code scanning and other SARIF viewers.

Info notes (an instruction accepted without a parameter check, …) are kept in ``json`` only.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from simatic_xml.diagnostics import DIAGNOSTIC_CAP, Diagnostic, capped, cut_counts

from engineering_api.lib.printable import printable

from . import EXIT_CLEAN, EXIT_FINDINGS, FORMATS
from .xml_lines import place

if TYPE_CHECKING:
    from collections import Counter

    from .sarif import Suppressed

__all__ = ("FORMATS", "emit", "exit_code", "github_line", "text_line", "to_json", "to_junit")

_NO_FILE = "(no file)"


def exit_code(diagnostics: Iterable[Diagnostic]) -> int:
    """0 when no diagnostic is an Error (warnings and notes do not fail a pipeline), else 1."""
    return EXIT_FINDINGS if any(d.severity == "Error" for d in diagnostics) else EXIT_CLEAN


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(d.severity == "Error" for d in diagnostics)
    warnings = sum(d.severity == "Warning" for d in diagnostics)
    return errors, warnings


def _shown(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity in ("Error", "Warning")]


def text_line(d: Diagnostic) -> str:
    """``file:line:column: severity: [block] network N: message [CODE]`` (parts that are unknown left out).

    For a finding in a SimaticML block the line is the file's (see :func:`.xml_lines.place`), without a column, and the
    network part says the line and column in the network's text: ``network 3, line 2, column 11:``. Control
    characters (of a file or test name, a message quoting the input) are escaped: one finding, one clean line.
    """
    line, column, network = place(d)
    where = f"{d.file}:" if d.file else ""
    if line:
        where += f"{line}:" + (f"{column}:" if column else "")
    head = f"{where} " if where else ""
    block = f"[{d.block}] " if d.block else ""
    network = f"{network}: " if network else ""
    message = " ".join(d.message.split())  # one finding, one line
    return printable(f"{head}{d.severity.lower()}: {block}{network}{message} [{d.code}]")


def _summary(files: int, errors: int, warnings: int, failed: int) -> str:
    return (f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)"
            f"{f' in {failed} file(s)' if failed else ''}")


def to_json(diagnostics: Sequence[Diagnostic], files: Sequence[str], cap: int = DIAGNOSTIC_CAP) -> dict[str, Any]:
    """The ``--format json`` document: counts of every finding, the list capped at ``cap`` (every error kept)
    and ``unlisted``, what the cap left out (``warnings``, ``notes``, and of them ``missing``)."""
    errors, warnings = _counts(diagnostics)
    return {"files": len(files), "errors": errors, "warnings": warnings,
            "diagnostics": [d.to_wire() for d in capped(diagnostics, cap)],
            "unlisted": cut_counts(diagnostics, cap)}


def _by_file(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> "OrderedDict[str, list[Diagnostic]]":
    groups: OrderedDict[str, list[Diagnostic]] = OrderedDict((str(f), []) for f in files)
    for d in diagnostics:
        groups.setdefault(d.file or _NO_FILE, []).append(d)
    return groups


def to_junit(diagnostics: Sequence[Diagnostic], files: Sequence[str], command: str = "check") -> str:
    """JUnit XML: a testsuite named after the command, a testcase per file (``classname`` = command).

    A file with errors has one ``failure`` whose text lists them (one per line); its warnings go to the
    testcase's ``system-out`` so a report shows them without failing the test.
    """
    groups = _by_file(_shown(diagnostics), files)
    failures = sum(any(d.severity == "Error" for d in ds) for ds in groups.values())
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name={quoteattr(command)} tests="{len(groups)}" failures="{failures}" errors="0">',
             f'  <testsuite name={quoteattr(command)} tests="{len(groups)}" failures="{failures}" errors="0"'
             ' skipped="0">']
    for name, ds in groups.items():
        errors = [d for d in ds if d.severity == "Error"]
        warnings = [d for d in ds if d.severity == "Warning"]
        name = printable(name)  # XML 1.0 holds no control character, not even as a reference
        lines.append(f'    <testcase classname={quoteattr(command)} name={quoteattr(name)} file={quoteattr(name)}>')
        if errors:
            message = printable(f"{len(errors)} error(s)" + (f", first: {errors[0].message}" if errors else ""))
            body = escape("\n".join(text_line(d) for d in errors))
            lines.append(f'      <failure message={quoteattr(message)} type="{errors[0].code}">{body}</failure>')
        if warnings:
            body = escape("\n".join(text_line(d) for d in warnings))
            lines.append(f"      <system-out>{body}</system-out>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>", ""]
    return "\n".join(lines)


# GitHub Actions workflow commands: the message (data) escapes %, CR and LF; a property value also escapes
# ':' and ',' (docs.github.com, "Workflow commands for GitHub Actions", and @actions/core's command.ts
# escapeData/escapeProperty, which the runner reverses).
def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"Error": "error", "Warning": "warning", "Info": "notice"}


def github_line(d: Diagnostic) -> str:
    """``::error file=F,line=L,col=C,title=CODE::message`` (``warning`` for warnings)."""
    line, column, network = place(d)
    props = []
    if d.file:
        props.append(f"file={_escape_property(printable(d.file))}")
    if line:
        props.append(f"line={line}")
        if column:
            props.append(f"col={column}")
    props.append(f"title={_escape_property(d.code)}")
    where = []
    if d.block:
        where.append(f"[{d.block}]")
    if network:
        where.append(f"{network}:")
    # line breaks stay (the runner shows them, escaped as %0A); every other control character is escaped
    message = "\n".join(printable(part) for part in " ".join([*where, d.message]).splitlines())
    return f"::{_GITHUB_LEVEL.get(d.severity, 'notice')} {','.join(props)}::{_escape_data(message)}"


def emit(diagnostics: Iterable[Diagnostic], files: Sequence[str], fmt: str, out: IO[str],
         *, command: str = "check", cap: int = DIAGNOSTIC_CAP, programs: Sequence[dict[str, object]] | None = None,
         suppressed: Sequence[Suppressed] = (), root: Path | None = None, docs_url: str | None = None,
         known: Counter[str] | None = None) -> None:
    """Write the diagnostics of a run over ``files`` in format ``fmt`` (one of :data:`FORMATS`).

    Every error is listed; warnings and notes up to ``cap`` findings in all (chosen by severity, see
    :func:`simatic_xml.diagnostics.capped`), then one ``TOO_MANY_DIAGNOSTICS`` warning says what was left out,
    in every format; the summary counts all of them. ``sarif`` also lists the ``suppressed`` findings (with their
    reasons) and gives URIs relative to ``root`` (default: the working directory); ``known``, a baseline's
    fingerprints, gives each SARIF result its ``baselineState``.
    """
    diagnostics = list(diagnostics)
    listed = capped(diagnostics, cap)
    files = [str(f) for f in files]
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "json":
        report = to_json(diagnostics, files, cap)
        if programs is not None:
            report["programs"] = list(programs)
        json.dump(report, out, indent=2)
        out.write("\n")
    elif fmt == "junit":
        out.write(to_junit(listed, files, command))
    elif fmt == "sarif":
        from engineering_api.lib.version import api_version

        from .sarif import to_sarif

        log = to_sarif(listed, suppressed, root=root or Path.cwd(), version=api_version(), docs_url=docs_url,
                       files=files, known=known)
        json.dump(log, out, indent=2)
        out.write("\n")
    elif fmt == "github":
        for d in _shown(listed):
            out.write(github_line(d) + "\n")
        errors, warnings = _counts(diagnostics)
        # A plain line after the commands: the job log says what was found (the runner hides the commands).
        out.write(_summary(len(files), errors, warnings, _failed(diagnostics)) + "\n")
    else:
        for d in _shown(listed):
            out.write(text_line(d) + "\n")
        for p in programs or ():
            out.write(_program_line(p) + "\n")
        errors, warnings = _counts(diagnostics)
        out.write(_summary(len(files), errors, warnings, _failed(diagnostics)) + "\n")


def _program_line(p: dict[str, object]) -> str:
    name = p["program"] if p["program"] is not None else "(files outside a PLC folder)"
    borrowed = f", {p['borrowed_names']} names from the other programs" if p.get("borrowed_names") else ""
    return f"program {name}: {p['files']} files{borrowed}"


def _failed(diagnostics: Sequence[Diagnostic]) -> int:
    return len({d.file for d in diagnostics if d.severity == "Error"})
