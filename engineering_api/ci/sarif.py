"""``--format sarif``: the findings as a SARIF 2.1.0 log, the format GitHub code scanning and other viewers read.

Shape (OASIS SARIF 2.1.0, errata 01; ``tests/ci/data/sarif/`` holds the official JSON schema a test checks against):

* one ``run`` whose ``tool.driver`` names engineering-api, its version and its ``informationUri`` (always: the
  configured documentation URL, else the distribution's, see :func:`engineering_api.lib.version.documentation_uri`),
  with one ``reportingDescriptor``
  (rule) per code found: its description from :mod:`simatic_xml.diagnostic_codes`, its default level, and a help
  text naming its section of ``docs/diagnostic-codes.md`` (``helpUri`` too when a documentation URL is configured:
  the schema wants an absolute URI there, and this tool has no published address of its own);
* one ``result`` per finding listed (errors, warnings; the cap of the other formats applies), with ``level``
  (``error``, ``warning``), the message, and a ``physicalLocation`` whose ``artifactLocation.uri`` is relative to
  ``originalUriBaseIds.SRCROOT`` (the repository root: where the configuration was found, else the working
  directory), with ``region.startLine``/``startColumn`` when the finding has them (the file line of a SimaticML
  finding, as the text format gives it); the block is a ``logicalLocation``; every result has a file (GitHub
  refuses a log with one that has none): a finding that names none goes on its block's file or the first checked;
* every result with a file has a ``region``: a finding without a line of its own goes on its block's declaration,
  or where the parser stopped in a file that is not well-formed, else line 1 (:mod:`.placement`); such a region
  says so in the result's ``properties.placement`` (``block``, ``parse error``, ``file``);
* ``partialFingerprints["engineeringApi/v1"]``: a hash of the rule, the file, the block, the message (less the
  line and column numbers it quotes) and the text of the finding's line, then ``:n`` for the n-th result of the
  run with that hash. A finding keeps it when lines above it are added or removed (it moved) and a new one has
  another, so code scanning and ``--baseline`` (:mod:`.baseline`) tell them apart;
* findings silenced by an inline ``// noqa: CODE reason`` are kept with an ``inSource`` suppression and its
  justification, as SARIF says a suppressed result is reported (GitHub then shows them as dismissed);
* with a baseline, each result has its ``baselineState``: ``unchanged`` when the baseline has its fingerprint,
  else ``new``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from simatic_xml.diagnostic_codes import describe
from simatic_xml.diagnostics import Diagnostic

from engineering_api.lib.printable import printable
from engineering_api.lib.version import documentation_uri

from .placement import fallback_line, line_text
from .xml_lines import place

__all__ = ("FINGERPRINT", "SARIF_SCHEMA", "SARIF_VERSION", "Placed", "Suppressed", "fingerprints", "placed",
           "to_sarif")

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
CODES_PAGE = "docs/diagnostic-codes.md"
FINGERPRINT = "engineeringApi/v1"
"""The name of this tool's fingerprint in ``partialFingerprints`` (a new version when its recipe changes)."""
_NUMBERED = re.compile(r"\b(lines?|columns?|networks?|steps?\[?) ?\d+", re.IGNORECASE)

_LEVEL = {"Error": "error", "Warning": "warning", "Info": "note"}

Suppressed = tuple[Diagnostic, str]
"""A finding an inline suppression silenced, and the reason it gives."""


def _anchor(heading: str) -> str:
    """The anchor GitHub and most Markdown viewers give a heading: lower case, spaces to hyphens, punctuation
    dropped (``LAD/FBD networks`` -> ``ladfbd-networks``)."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def _rule(code: str, docs_url: str | None) -> dict[str, Any]:
    info = describe(code)
    rule: dict[str, Any] = {"id": code, "name": "".join(part.title() for part in code.split("_"))}
    if info is None:  # a code newer than this registry: named, not described
        return rule
    section = f"{CODES_PAGE}#{_anchor(info.group)}"
    rule["shortDescription"] = {"text": info.meaning}
    rule["fullDescription"] = {"text": f"{info.group}: {info.meaning}"}
    rule["defaultConfiguration"] = {"level": _LEVEL[info.severities[0]]}
    # A relative link in the markdown would resolve against the checked repository, not this tool's: link only
    # to a configured address.
    link = f"[{info.group}]({docs_url}#{_anchor(info.group)})" if docs_url else f"`{section}`"
    rule["help"] = {"text": f"{info.meaning} See {section} of engineering-api.",
                    "markdown": f"{info.meaning} See {link} in engineering-api's diagnostic codes."}
    if docs_url:
        rule["helpUri"] = f"{docs_url}#{_anchor(info.group)}"
    rule["properties"] = {"tags": [info.group]}
    return rule


def _uri(file: str, root: Path) -> dict[str, str]:
    """The artifact location of ``file``: relative to ``root`` when it lies under it, else an absolute file URI."""
    path = Path(file).resolve()
    try:
        relative = path.relative_to(root)
    except ValueError:
        return {"uri": path.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "SRCROOT"}


def _artifact(d: Diagnostic, files: Sequence[str]) -> tuple[str | None, str]:
    """The file a result is placed on, and a note for the message when it is not the finding's own.

    GitHub code scanning refuses a whole SARIF file when one result has no physical location (github/codeql-action
    issues 1738 and 2459: "locationFromSarifResult: expected at least one location"), so a finding that names no
    file goes on the file named after its block (TIA names an export after its object), else the first file checked.
    """
    if d.file:
        return d.file, ""
    if d.block:
        named = [f for f in files if Path(f).stem.casefold() == d.block.casefold()]
        if named:
            return named[0], ""
    return (files[0], " (the finding names no file; placed on the first file checked)") if files else (None, "")


@dataclass(frozen=True)
class Placed:
    """Where a result goes: its file (None: no file was checked), line and column, the network part of its
    message, how the line was found (``""``: the finding's own; else see :mod:`.placement`) and its fingerprint."""

    file: str | None
    note: str
    line: int | None
    column: int | None
    network: str
    placement: str
    fingerprint: str


def _key(d: Diagnostic, file: str | None, line: int | None, root: Path) -> str:
    message = _NUMBERED.sub(lambda m: m.group(1), " ".join(d.message.split()))
    uri = _uri(file, root)["uri"] if file else ""
    content = line_text(file, line) if file and line else ""
    return "\0".join((d.code, uri, (d.block or "").casefold(), message, content))


def placed(diagnostics: Sequence[Diagnostic], root: Path, files: Sequence[str]) -> list[Placed]:
    """Where each finding goes in the SARIF log (and its fingerprint), in order."""
    root = root.resolve()
    seen: Counter[str] = Counter()
    out = []
    for d in diagnostics:
        line, column, network = place(d)
        file, note = _artifact(d, files)
        placement = ""
        if file and not (line and file == d.file):
            (line, placement), column = fallback_line(file, d.block), None
        digest = hashlib.sha256(_key(d, file, line, root).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        seen[digest] += 1
        out.append(Placed(file, note, line, column, network, placement, f"{digest}:{seen[digest]}"))
    return out


def fingerprints(diagnostics: Sequence[Diagnostic], root: Path, files: Sequence[str]) -> list[str]:
    """The ``partialFingerprints`` value of each finding, as its SARIF result carries it."""
    return [p.fingerprint for p in placed(diagnostics, root, files)]


def _result(d: Diagnostic, at: Placed, rules: dict[str, int], root: Path, reason: str | None,
            known: Counter[str] | None) -> dict[str, Any]:
    where = " ".join(part for part in (f"[{d.block}]" if d.block else "", f"{at.network}:" if at.network else "")
                     if part)
    result: dict[str, Any] = {
        "ruleId": d.code, "ruleIndex": rules[d.code], "level": _LEVEL.get(d.severity, "note"),
        "message": {"text": printable(" ".join([where, " ".join(d.message.split())]).strip() + at.note)},
        "partialFingerprints": {FINGERPRINT: at.fingerprint},
    }
    if at.file:
        physical: dict[str, Any] = {"artifactLocation": _uri(at.file, root)}
        if at.line:
            physical["region"] = {"startLine": at.line, **({"startColumn": at.column} if at.column else {})}
        location: dict[str, Any] = {"physicalLocation": physical}
        if d.block:
            location["logicalLocations"] = [{"name": printable(d.block), "kind": "module"}]
        result["locations"] = [location]
    if at.placement:
        result["properties"] = {"placement": at.placement}
    if reason is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": printable(reason)}]
    if known is not None:
        result["baselineState"] = "unchanged" if at.fingerprint in known else "new"
    return result


def to_sarif(listed: Sequence[Diagnostic], suppressed: Sequence[Suppressed], *, root: Path, version: str,
             docs_url: str | None = None, files: Sequence[str] = (), known: Counter[str] | None = None
             ) -> dict[str, Any]:
    """The SARIF log of one run: ``listed`` findings (errors and warnings as the other formats list them) and the
    ``suppressed`` ones with their reasons; URIs relative to ``root``; ``docs_url``: diagnostic-codes.md's address,
    for the rules' ``helpUri`` and the tool's ``informationUri`` (else the distribution's documentation); ``known``:
    the fingerprints of a baseline (each result then says whether it is new)."""
    root = root.resolve()
    shown = [(d, None) for d in listed if d.severity in ("Error", "Warning")]
    everything: list[tuple[Diagnostic, str | None]] = [*shown, *suppressed]
    rules: dict[str, int] = {}
    for d, _ in everything:
        rules.setdefault(d.code, len(rules))
    # informationUri always: viewers link the tool from it, and a log without it names no place to read about it
    driver: dict[str, Any] = {"name": "engineering-api", "version": version,
                              "informationUri": docs_url or documentation_uri(),
                              "rules": [_rule(code, docs_url) for code in rules]}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {"SRCROOT": {"uri": root.as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(d, at, rules, root, reason, known)
                        for (d, reason), at in zip(everything, placed([d for d, _ in everything], root, files))],
        }],
    }
