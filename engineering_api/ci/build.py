"""``engineering-api scl build``: TIA's "generate blocks from source", offline.

    engineering-api scl build SOURCES... --out DIR [--tia-version V19] [--context PATH...]
                              [--format text|json|junit|github]

SOURCES are SCL sources (``.scl``, ``.db``, ``.udt``) or directories holding them (walked recursively).
Every block and PLC data type of a source becomes one SimaticML document for the TIA version in ``DIR``
(``<name>.xml``, characters a file system refuses replaced by ``_``), ready for TIA's import (Openness
``PlcBlockComposition.Import``) and for this server's import routes.

The SOURCES see each other (an instance DB in one file, its FB in another). ``--context`` adds UDTs, FBs,
blocks and tag tables of other files (SimaticML exports or SCL sources) without building them, so
references into the rest of the program are not reported as missing.

The report is the one check entry's (:mod:`engineering_api.rules.compiler.check`): what ``plc check --one-program
--allow-missing`` reports for the SOURCES with the ``--context`` files beside them, same codes and severities, plus
what only generation finds (a declaration the SimaticML writer cannot express, a start value not written, a
constant of an array bound that is nowhere). A source with an error generates nothing (as TIA); references to user
objects that are nowhere are ``MISSING_*`` warnings and the documents are still written (TIA generates such blocks
and marks them inconsistent). Each file is read once. Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage (a
path that does not exist, an unknown TIA version).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import IO, Any

from simatic_xml.diagnostics import MISSING_CODES, Diagnostic
from simatic_xml.generate.builder import target_version
from simatic_xml.generate.errors import SpecVersionError
from simatic_xml.generate.from_source import (SourceContext, add_export, add_source, add_tag_editor_tables,
                                              generate_source)
from simatic_xml.tag_editor import is_tag_editor_root, root_name

from engineering_api.lib.printable import printable
from engineering_api.rules.compiler.check import Source, binary_source, check, load, source_text

from . import EXIT_USAGE, FORMATS
from .paths import SCL_SUFFIXES, XML_SUFFIXES, UsageError, collect
from .program import read_sources

_CHECKED = frozenset({"SYNTAX_ERROR", "CLASSIC_SCL", "UNDECLARED", "MISSING_TAG", "MISSING_BLOCK", "MISSING_TYPE",
                      "INVALID_DECLARATION"})
"""Codes the generator finds too: the check entry reports them (with its wording and severity), so the generator's
own copies are left out of a source the check refused (a data block's start value out of range is the check's
``LITERAL_RANGE`` at its BEGIN line, and the generator's ``INVALID_DECLARATION`` at the member's)."""

__all__ = ("add_arguments", "run", "safe_file_name")

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = re.compile(r"(?i)\A(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])\Z")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``scl build``."""
    parser.add_argument("sources", nargs="+", metavar="SOURCES",
                        help="SCL sources (.scl .db .udt) or directories (walked recursively)")
    parser.add_argument("--out", required=True, metavar="DIR", help="directory for the SimaticML documents")
    parser.add_argument("--tia-version", default="V19", metavar="V19",
                        help="TIA Portal version of the documents (V16 ... V21, default V19)")
    parser.add_argument("--context", nargs="+", action="extend", default=[], metavar="PATH",
                        help="SimaticML exports or SCL sources whose UDTs, FBs, blocks and tag tables the sources "
                             "may use (also tag tables as the tag editor exports them, <Tagtable>); not built; "
                             "user constants named there are written as constants")
    # the same report options as scl check, simaticml check and plc check
    parser.add_argument("--format", "-f", choices=FORMATS, default="text",
                        help="text (default), json, junit (JUnit XML), github (GitHub Actions annotations) or "
                             "sarif (SARIF 2.1.0, URIs relative to the working directory)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    usage_error = parser.error

    def error(message: str) -> Any:
        # --context takes every path after it, so `--context ctx.xml src.scl` leaves no SOURCES: say how to split.
        if "SOURCES" in message:
            message += ("; --context takes every path after it: give the SOURCES before --context, or end the "
                        "context paths with --")
        return usage_error(message)

    parser.error = error  # type: ignore[method-assign]  # argparse's own hook for its usage errors


def safe_file_name(name: str, taken: set[str]) -> str:
    """``name.xml`` with characters Windows and POSIX file systems refuse replaced, unique (case-insensitive)
    among ``taken``, which it joins."""
    stem = _UNSAFE.sub("_", name).rstrip(". ") or "_"
    if _RESERVED.match(stem):
        stem = f"_{stem}"
    candidate, n = f"{stem}.xml", 2
    while candidate.casefold() in taken:
        candidate, n = f"{stem}_{n}.xml", n + 1
    taken.add(candidate.casefold())
    return candidate


def _merge(into: SourceContext, other: SourceContext) -> None:
    for name, spec in other.fbs.items():
        if into.fbs.get(name) is None:
            into.fbs[name] = spec
    for name, spec in other.udts.items():
        if into.udts.get(name) is None:
            into.udts[name] = spec
    into.names |= other.names


def _context(sources: list[Source]) -> SourceContext:
    """The FBs, UDTs, blocks and tags of ``sources`` (SimaticML exports, tag editor tables, SCL sources) for the
    generator, from the bytes already read."""
    context = SourceContext()
    for source in sources:
        if source.data is None or source.path is None:
            continue
        if source.is_scl:
            if binary_source(source.path, source.data) is None:
                add_source(context, source_text(source.data), source.path)
        elif is_tag_editor_root(root_name(source.data)):
            add_tag_editor_tables(context, source.data)
        else:
            add_export(context, source.data)
    return context


def _emit(diagnostics: list[Diagnostic], files: list[str], fmt: str, out: IO[str]) -> int:
    try:
        from . import report
    except ImportError:  # the report module of the CI commands is not installed: plain text
        for d in diagnostics:
            out.write(f"{d}\n")
        return 1 if any(d.severity == "Error" for d in diagnostics) else 0
    report.emit(diagnostics, files, fmt, out, command="scl build")
    return report.exit_code(diagnostics)


def _said(d: Diagnostic) -> tuple[object, ...]:
    return d.file, d.line, d.col, d.code, d.message


def run(args: Any, out: IO[str] | None = None) -> int:
    """Run ``scl build`` with parsed ``args``; returns the exit status."""
    out = out or sys.stdout
    try:
        version = target_version(args.tia_version)
        sources = collect(args.sources, SCL_SUFFIXES)
        contexts = collect(args.context, SCL_SUFFIXES | XML_SUFFIXES) if args.context else []
    except (UsageError, SpecVersionError) as exc:
        print(printable(f"engineering-api scl build: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    target = Path(args.out)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(printable(f"engineering-api scl build: --out {args.out}: {exc.strerror or exc}"), file=sys.stderr)
        return EXIT_USAGE

    read = list(read_sources(sources))
    context_sources = list(read_sources(c for c in contexts if c not in set(sources)))
    diagnostics = check(load([*context_sources, *read]), info=True, only=set(sources))
    for d in diagnostics:  # the rest of the program is elsewhere: what is missing does not stop generation
        if d.code in MISSING_CODES and d.severity == "Error":
            d.severity = "Warning"
    refused = {d.file for d in diagnostics if d.severity == "Error"}
    # The check reads the declarations as the generator does (INVALID_DECLARATION): a finding both made once.
    said = {_said(d) for d in diagnostics}
    context = _context(context_sources)
    _merge(context, _context(read))  # the sources see each other's FBs and UDTs
    taken: set[str] = set()
    for source in read:
        if source.data is None or source.path is None or binary_source(source.path, source.data) is not None:
            continue  # the check reported it (READ_ERROR, NOT_SCL)
        result = generate_source(source_text(source.data), file=source.path, version=version, context=context)
        found = [d for d in result.diagnostics if _said(d) not in said]
        if source.path in refused:
            diagnostics.extend(d for d in found if d.code not in _CHECKED)
            continue  # TIA generates nothing from a source with an error
        # An error only the generator finds stays in the report: it is why no document was written.
        diagnostics.extend(d for d in found if d.code not in _CHECKED or d.severity == "Error")
        for block in result.blocks:
            # Blocks of two software units may share a name (nsConvoyeur.fcMain, nsMainPerceuse.fcMain in
            # ChrisSiem/TestChris); the PLC knows them, and TIA names their export files, by the qualified name.
            # Two sources of one block name: both documents are written (the check reported DUPLICATE_NAME).
            (target / safe_file_name(block.qualified_name, taken)).write_bytes(block.xml)
    output = getattr(args, "output", None)
    if not output:
        return _emit(diagnostics, sources, args.format, out)
    try:
        with open(output, "w", encoding="utf-8") as report_file:
            return _emit(diagnostics, sources, args.format, report_file)
    except OSError as exc:
        print(printable(f"engineering-api scl build: --output {output}: {exc.strerror or exc}"), file=sys.stderr)
        return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """``python -m engineering_api.ci.build`` (the same as ``engineering-api scl build``)."""
    parser = argparse.ArgumentParser(prog="engineering-api scl build", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
