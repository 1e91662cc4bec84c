"""A repository's settings for the check commands, and inline suppressions in SCL sources.

Settings live in ``[tool.engineering-api]`` of the repository's ``pyproject.toml``, or at the top level of an
``engineering-api.toml`` (or ``.engineering-api.toml``); the nearest one from the working directory up to the
repository root (the first folder holding ``.git``) is read, or the file ``--config`` names::

    [tool.engineering-api]
    exclude = ["vendor", "**/Generated/*.scl"]   # gitignore patterns on paths relative to this file's folder
    tia-version = "V19"                          # plc check's --tia-version
    cpu = "6ES7 516-3AN02-0AB0"                  # plc check's --cpu: the CPU (and so its family)
    docs-url = "https://…/docs/diagnostic-codes.md"   # SARIF rules' helpUri
    [tool.engineering-api.severity]
    INDEX_RANGE = "error"                        # error | warning | info (info: reported in json/sarif only)
    [tool.engineering-api.style.nesting-depth]   # opt-in style rules, each off unless enabled (.style_config)
    enabled = true

Options on the command line win over the file. An inline ``// noqa: CODE[,CODE…] reason`` on the line of a
finding in an SCL source silences it; the reason is required. Errors that mean the text could not be read at all
(:data:`UNSILENCEABLE`: a syntax error, a document that is not SimaticML, a file that cannot be read) can neither
be suppressed nor have their severity changed: a suppression naming one, or one without a reason, is a
``SUPPRESSION_INVALID`` warning, and the finding stays.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

from pathspec import GitIgnoreSpec
from simatic_xml.diagnostic_codes import describe
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl.lexer import source_lines

from engineering_api.rules.compiler.check import source_text
from engineering_api.rules.compiler.style import StyleSettings

from .paths import SCL_SUFFIXES
from .style_config import StyleConfigError, style_settings

__all__ = ("UNSILENCEABLE", "CheckConfig", "ConfigError", "apply_config", "find_config", "load_config")

UNSILENCEABLE = frozenset({"SYNTAX_ERROR", "CLASSIC_SCL", "NETWORK_SYNTAX", "INVALID_SIMATICML", "INVALID_TAG_TABLE",
                           "READ_ERROR"})
"""Codes no setting and no suppression may silence or soften: the text was not read, so nothing else was checked."""

OWN_FILES = ("engineering-api.toml", ".engineering-api.toml")
SEVERITIES = {"error": "Error", "warning": "Warning", "info": "Info"}
_KEYS = frozenset({"exclude", "tia-version", "cpu", "docs-url", "severity", "style"})
_NOQA = re.compile(r"//\s*noqa:\s*(?P<codes>[A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)(?P<reason>.*)$")


class ConfigError(Exception):
    """A configuration that cannot be used (unknown key or code, a bad value): the command exits 2."""


@dataclass(frozen=True)
class CheckConfig:
    """The settings of one run; ``root`` is the folder of the file read (the working directory without one)."""

    root: Path
    source: Optional[Path] = None
    exclude: tuple[str, ...] = ()
    tia_version: Optional[str] = None
    cpu: Optional[str] = None
    docs_url: Optional[str] = None
    severity: Mapping[str, str] = field(default_factory=dict)
    style: Optional[StyleSettings] = None
    """The opt-in style rules turned on (None: no ``style`` table; the checks hand it to the program they check)."""

    @functools.cached_property
    def _excluding(self) -> GitIgnoreSpec:
        """The ``exclude`` patterns with git's rules (gitignore's wildmatch), made once: a user writes them as
        for .gitignore, and ``fnmatch`` read the docs' own ``**/Generated/*.scl`` as needing a folder above
        ``Generated`` (and let ``*`` cross folders)."""
        return GitIgnoreSpec.from_lines(self.exclude)

    def excluded(self, file: str) -> bool:
        """Whether ``file`` matches an ``exclude`` pattern (itself or one of its folders, relative to ``root``)."""
        if not self.exclude:
            return False
        try:
            relative = Path(file).resolve().relative_to(self.root)
        except ValueError:
            return False
        return self._excluding.match_file(relative.as_posix())

    def keep(self, files: Iterable[str]) -> list[str]:
        """``files`` less the excluded ones."""
        return [f for f in files if not self.excluded(f)]


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> dict[str, Any]:
    """``text`` parsed as TOML, kept by its text: a check in process (the tests, a pipeline's steps) looks up the
    same pyproject.toml for every file, and parsing it costs more than checking a short file. Read only."""
    return tomllib.loads(text)


def _table(path: Path) -> Optional[dict[str, Any]]:
    try:
        data = _parsed(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if path.name in OWN_FILES:
        return data
    tool = data.get("tool")
    found = tool.get("engineering-api") if isinstance(tool, dict) else None
    return found if isinstance(found, dict) else None


def find_config(start: Path) -> Optional[Path]:
    """The nearest settings file from ``start`` up to the repository root (a folder holding ``.git``)."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in (*OWN_FILES, "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file() and _table(candidate) is not None:
                return candidate
        if (folder / ".git").exists():
            return None
    return None


def _strings(path: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return tuple(value)


def _string(path: Path, key: str, value: object) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: {key} must be a string")
    return value


def _severities(path: Path, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: severity must be a table of CODE = \"error\" | \"warning\" | \"info\"")
    out: dict[str, str] = {}
    for code, level in value.items():
        if describe(code) is None:
            raise ConfigError(f"{path}: severity: unknown diagnostic code {code!r} (docs/diagnostic-codes.md)")
        if code in UNSILENCEABLE:
            raise ConfigError(f"{path}: severity: {code} cannot be changed: the text was not read, so nothing "
                              "else was checked")
        if not isinstance(level, str) or level.lower() not in SEVERITIES:
            raise ConfigError(f"{path}: severity: {code} = {level!r}; use \"error\", \"warning\" or \"info\"")
        out[code] = SEVERITIES[level.lower()]
    return out


def load_config(path: Optional[Path] = None, *, start: Optional[Path] = None) -> CheckConfig:
    """The settings in ``path``, else in the nearest file from ``start`` (default the working directory).

    Raises:
        ConfigError: the file cannot be read, or holds an unknown key, code or value.
    """
    found = path if path is not None else find_config(start or Path.cwd())
    if found is None:
        return CheckConfig(root=(start or Path.cwd()).resolve())
    table = _table(found)
    if table is None:
        raise ConfigError(f"{found}: no [tool.engineering-api] table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{found}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
    return CheckConfig(
        root=found.resolve().parent, source=found,
        exclude=_strings(found, "exclude", table.get("exclude", [])),
        tia_version=_string(found, "tia-version", table.get("tia-version")),
        cpu=_string(found, "cpu", table.get("cpu")),
        docs_url=_string(found, "docs-url", table.get("docs-url")),
        severity=_severities(found, table.get("severity", {})),
        style=_style(found, table.get("style")),
    )


def _style(path: Path, value: object) -> Optional[StyleSettings]:
    if value is None:
        return None
    try:
        return style_settings(path, value)
    except StyleConfigError as exc:
        raise ConfigError(str(exc)) from exc


class _Lines:
    """The lines of SCL sources, read once each when a finding needs them."""

    def __init__(self, texts: Optional[Mapping[str, str]] = None) -> None:
        self._files: dict[str, list[str]] = {path: source_lines(text) for path, text in (texts or {}).items()}

    def line(self, file: str, number: int) -> str:
        if file not in self._files:
            try:
                self._files[file] = source_lines(source_text(Path(file).read_bytes()))
            except OSError:
                self._files[file] = []
        lines = self._files[file]
        return lines[number - 1] if 0 < number <= len(lines) else ""


def _suppression(d: Diagnostic, lines: _Lines) -> Optional[tuple[set[str], str]]:
    if not d.file or not d.line or d.network or Path(d.file).suffix.lower() not in SCL_SUFFIXES:
        return None
    match = _NOQA.search(lines.line(d.file, d.line))
    if match is None:
        return None
    codes = {code.strip().upper() for code in match.group("codes").split(",")}
    return codes, match.group("reason").strip()


def apply_config(config: CheckConfig, diagnostics: Sequence[Diagnostic], texts: Optional[Mapping[str, str]] = None
                 ) -> tuple[list[Diagnostic], list[tuple[Diagnostic, str]]]:
    """The findings after the severity settings and inline suppressions, and the suppressed ones with their
    reasons. A suppression that cannot apply (no reason, or a code of :data:`UNSILENCEABLE`) leaves its finding
    and adds a ``SUPPRESSION_INVALID`` warning on its line. The suppressions of a file in ``texts`` are read
    there (an editor's unsaved text), of the others from the disk."""
    lines = _Lines(texts)
    kept: list[Diagnostic] = []
    suppressed: list[tuple[Diagnostic, str]] = []
    for d in diagnostics:
        if d.code in config.severity:
            d.severity = config.severity[d.code]
        found = _suppression(d, lines)
        if found is None or d.code not in found[0]:
            kept.append(d)
            continue
        codes, reason = found
        if d.code in UNSILENCEABLE or not reason:
            why = (f"{d.code} cannot be suppressed: the text was not read, so nothing else was checked"
                   if d.code in UNSILENCEABLE else f"// noqa: {d.code} needs a reason after the code")
            kept += [d, Diagnostic(f"Suppression not applied: {why}.", line=d.line, column=0, block=d.block,
                                   severity="Warning", file=d.file, code="SUPPRESSION_INVALID")]
            continue
        suppressed.append((d, reason))
    return kept, suppressed
