"""``scl check``, ``simaticml check`` and ``plc check``: each has ``add_arguments(parser)`` and ``run(args)``.

All take files and directories (walked recursively), ``--format text|json|junit|github|sarif``, ``--output``,
``--baseline`` (:mod:`.baseline`) and ``--config`` (the repository's settings, :mod:`.config`, found from the
working directory without it), and exit 0 (no error), 1 (errors found) or 2 (usage: a path that does not exist, a
bad option or setting).
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterator, Sequence

from simatic_xml.diagnostics import MISSING_CODES, Diagnostic

from engineering_api.lib.printable import printable

from . import EXIT_USAGE, FORMATS
from .baseline import BaselineError, read_baseline, split
from .config import CheckConfig, ConfigError, apply_config, load_config
from .paths import SCL_SUFFIXES, UNREAD_SUFFIXES, XML_SUFFIXES, UsageError, collect, unread_files
from .progress import progress
from .report import emit, exit_code

if TYPE_CHECKING:
    from .program import ProgramGroup

__all__ = ("add_plc_check", "add_scl_check", "add_simaticml_check", "configured_family", "run_plc_check",
           "run_scl_check", "run_simaticml_check")


def _common(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=f"{what}; directories are searched recursively")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text",
                        help="text (default), json, junit (JUnit XML), github (GitHub Actions annotations) or "
                             "sarif (SARIF 2.1.0, for code scanning)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--config", metavar="FILE", help="read the settings ([tool.engineering-api]) from FILE "
                        "(default: the nearest pyproject.toml or engineering-api.toml up to the repository root)")
    parser.add_argument("--docs-url", metavar="URL", help="with --format sarif: the address of "
                        "docs/diagnostic-codes.md, linked from each rule (helpUri)")
    parser.add_argument("--baseline", metavar="FILE", help="a SARIF report of an earlier run (--format sarif): "
                        "its findings are known and do not fail this run; only new ones are listed (SARIF keeps "
                        "every finding, each with its baselineState)")


def _family(parser: argparse.ArgumentParser) -> None:
    from engineering_api.rules.compiler.signatures import FAMILIES

    parser.add_argument("--cpu-family", choices=FAMILIES, default=None,
                        help="the CPU family the code runs on: it chooses the signature of the system and technology "
                             "instructions that differ (MC_Reset's ErrorInfo on an S7-1200); default: either is "
                             "accepted")


def _missing(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-missing", action="store_true",
                        help="report MISSING_TAG/MISSING_BLOCK/MISSING_TYPE/MISSING_CONSTANT as warnings, so "
                             "they do not fail the run (a part of a program checked without the rest); without "
                             "it they are errors (exit 1) in scl check, simaticml check and plc check alike")


def usage_error(message: str) -> int:
    print(printable(f"error: {message}"), file=sys.stderr)  # it may quote a path or a name from outside
    return EXIT_USAGE


@contextmanager
def _out(path: str | None) -> Iterator[IO[str]]:
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
    else:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            yield handle


def settings(args: argparse.Namespace) -> CheckConfig:
    """The settings of this run (``--config`` or the nearest file).

    Raises:
        ConfigError: they cannot be used (the command exits 2).
    """
    return load_config(Path(args.config) if args.config else None)


def checked_files(args: argparse.Namespace, config: CheckConfig, suffixes: frozenset[str]) -> list[str]:
    """The files of ``args.paths`` with ``suffixes``, less those the settings exclude (possibly none left).

    Raises:
        UsageError: a path does not exist, or holds no file to check.
    """
    return config.keep(collect(args.paths, suffixes))


def finish(args: argparse.Namespace, diagnostics: Sequence[Diagnostic], files: Sequence[str], command: str,
           programs: Sequence[dict[str, object]] | None = None, config: CheckConfig | None = None) -> int:
    """Apply the settings' severities, the inline suppressions and ``--allow-missing``, write the report (capped,
    see ``DIAGNOSTIC_CAP``) and give the exit code of all findings."""
    config = config or CheckConfig(root=Path.cwd())
    kept, suppressed = apply_config(config, diagnostics)
    if getattr(args, "allow_missing", False):
        _downgrade_missing(kept)
    new, known, accepted = kept, None, list[Diagnostic]()
    if getattr(args, "baseline", None):
        try:
            known = read_baseline(args.baseline)
        except BaselineError as exc:
            return usage_error(str(exc))
        new, accepted = split(kept, known, root=config.root, files=files)
    code = exit_code(new)
    try:
        with _out(getattr(args, "output", None)) as out:
            emit(kept if args.format == "sarif" else new, files, args.format, out, command=command,
                 programs=programs, suppressed=suppressed, root=config.root, docs_url=args.docs_url or config.docs_url,
                 known=known)
    except BrokenPipeError:  # the reader of standard output left (| head): not a usage error, cli.main ends quietly
        raise
    except OSError as exc:
        return usage_error(f"{args.output}: {exc.strerror or exc}")
    if accepted:
        print(f"{len(accepted)} finding(s) known to the baseline {args.baseline} not listed; they do not fail the run",
              file=sys.stderr)
    return code


def _downgrade_missing(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    for d in diagnostics:
        if d.code in MISSING_CODES and d.severity == "Error":
            d.severity = "Warning"
    return diagnostics


# ---------------------------------------------------------------------------------------------- scl check
def add_scl_check(parser: argparse.ArgumentParser) -> None:
    _common(parser, "SCL sources (.scl, .db, .udt)")
    _missing(parser)
    _family(parser)


def run_scl_check(args: argparse.Namespace) -> int:
    """Each source on its own, as ``plc check`` checks that one file: the same rules and the same verdict (a
    block, type, tag or constant that is not in the file is a ``MISSING_*`` error, a warning with
    ``--allow-missing``)."""
    from engineering_api.rules.compiler.check import check

    from .program import load

    checked = _checked_set(args, SCL_SUFFIXES)
    if isinstance(checked, int):
        return checked
    config, files, family = checked
    diagnostics: list[Diagnostic] = []
    for path in progress(files, len(files), "scl check: files"):  # load reads each file once (binary ones: NOT_SCL)
        diagnostics.extend(check(load([path], cpu_family=family, style=config.style), info=True))
    return finish(args, diagnostics, files, "scl check", config=config)


# ---------------------------------------------------------------------------------------- simaticml check
def add_simaticml_check(parser: argparse.ArgumentParser) -> None:
    _common(parser, "SimaticML exports (.xml)")
    parser.add_argument("--no-roundtrip", action="store_true",
                        help="skip the read -> write -> re-read comparison (semantics only)")
    _missing(parser)
    _family(parser)
    _one_program(parser)


def run_simaticml_check(args: argparse.Namespace) -> int:
    """The documents as one set: each one's semantics (data types, operands, calls; a block, type or tag not
    in the set is a ``MISSING_*`` error) and, unless ``--no-roundtrip``, its read/write round trip."""
    from simatic_xml.check import roundtrip_diagnostic

    from engineering_api.rules.compiler.check import check

    from .program import load_groups

    checked = _checked_set(args, XML_SUFFIXES)
    if isinstance(checked, int):
        return checked
    config, files, family = checked
    diagnostics: list[Diagnostic] = []
    programs = []
    groups = (load_groups(files, one_program=args.one_program, cpu_family=family, style=config.style)
              if files else [])
    for group, loaded in progress(groups, len(groups), "simaticml check: programs"):
        programs.append(group.as_json())
        diagnostics.extend(check(loaded, info=True))
        if not args.no_roundtrip:
            for path, data in loaded.documents.items():
                found = roundtrip_diagnostic(data, path)
                if found is not None:
                    diagnostics.append(found)
    return finish(args, diagnostics, files, "simaticml check", programs, config)


# ---------------------------------------------------------------------------------------------- plc check
def add_plc_check(parser: argparse.ArgumentParser) -> None:
    _common(parser, "an exported PLC program: SimaticML blocks, PLC data types and tag tables (.xml) and/or SCL "
                    "sources (.scl, .db, .udt)")
    parser.add_argument("--tia-version", metavar="V", help="the TIA Portal version of the project (V16 … V21); "
                        "documents of a newer version are errors, as TIA refuses to import them")
    parser.add_argument("--cpu", metavar="ARTICLE", help="the CPU's article number (6ES7 516-3AN02-0AB0, optionally "
                        "/V3.0), checked against the hardware catalog; its family is the default of --cpu-family")
    _missing(parser)
    _family(parser)
    _one_program(parser)


def _one_program(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--one-program", action="store_true",
                        help="check every file as one PLC (default: one program per PLC folder, the folder above "
                             "Program blocks / PLC tags / Software units; the report lists the programs formed)")


def run_plc_check(args: argparse.Namespace) -> int:
    """Compile the files as a PLC's software: closed program, PLC data types, FBs, FCs, DBs, OBs in
    dependency order, every diagnostic (up to the cap). A repository of several PLCs (``<PLC>/Program
    blocks/...``) compiles each PLC's files on their own."""
    from .program import check_files

    try:
        config = settings(args)
    except ConfigError as exc:
        return usage_error(str(exc))
    args.tia_version = args.tia_version or config.tia_version  # the command line wins over the settings
    args.cpu = args.cpu or config.cpu
    version = None
    if args.tia_version:
        from simatic_xml.errors import VersionError
        from simatic_xml.versions import normalize_version

        try:
            version = normalize_version(args.tia_version)
        except VersionError as exc:
            return usage_error(str(exc))
    family = args.cpu_family
    if args.cpu:
        problem, cpu_family = _cpu_problem(args.cpu)
        if problem:
            return usage_error(problem)
        family = family or cpu_family
    try:
        found = checked_files(args, config, XML_SUFFIXES | SCL_SUFFIXES | UNREAD_SUFFIXES)
    except UsageError as exc:
        return usage_error(str(exc))
    if not found:  # every file excluded by the settings: nothing to check, nothing wrong
        return finish(args, [], [], "plc check", [], config)
    files, unread = unread_files(found)
    if not files:
        return usage_error("no file to check: only TIA V20 text documents (.s7dcl/.s7res), which are not read")
    groups: list[ProgramGroup] = []
    diagnostics = unread + check_files(files, tia_version=version, one_program=args.one_program, groups=groups,
                                         info=True, cpu_family=family, simulation=True, style=config.style)
    return finish(args, diagnostics, files, "plc check", [g.as_json() for g in groups], config)


def _checked_set(args: argparse.Namespace, suffixes: frozenset[str]) -> tuple[CheckConfig, list[str], str | None] | int:
    """The settings, the files and the signature family of ``scl check`` and ``simaticml check``, or the exit code
    of the usage error that stops them."""
    try:
        config = settings(args)
        files = checked_files(args, config, suffixes)
    except (ConfigError, UsageError) as exc:
        return usage_error(str(exc))
    problem, family = _configured_family(args, config)
    if problem:
        return usage_error(problem)
    return config, files, family


def _configured_family(args: argparse.Namespace, config: CheckConfig) -> tuple[str | None, str | None]:
    """The signature family for ``scl check`` and ``simaticml check``: ``--cpu-family``, else the family of the
    settings' ``cpu`` (what is wrong with that article, if anything, comes first)."""
    if args.cpu_family or not config.cpu:
        return None, args.cpu_family
    return _cpu_problem(config.cpu)


def configured_family(config: CheckConfig) -> tuple[str | None, str | None]:
    """What is wrong with the settings' ``cpu`` (None: nothing), and its signature family (None: no ``cpu``)."""
    return _cpu_problem(config.cpu) if config.cpu else (None, None)


def _cpu_problem(article: str) -> tuple[str | None, str | None]:
    """What is wrong with the CPU article number (None: nothing), and the signature family of the CPU."""
    from engineering_api.rules.catalog import HardwareCatalog
    from engineering_api.rules.compiler.signatures import cpu_family

    try:
        entry, _ = HardwareCatalog.load().resolve(article)
    except LookupError as exc:
        return str(exc.args[0] if exc.args else exc), None
    if entry.device_kind != "plc":
        return f"{article} is a {entry.category} ({entry.name}), not a CPU", None
    return None, cpu_family(entry.family)
