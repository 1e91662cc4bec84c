"""One diagnostic shape for every finding: parse, generate, import, compile, download and the CLI.

A :class:`Diagnostic` names where a finding is in the text the user gave: the source file and its line
and column for SCL sources; the network number and the line and column inside that network's own text
for SimaticML networks. Its wire form (:meth:`Diagnostic.to_wire`) is the one JSON object every REST
answer, MCP result and CLI ``--format json`` uses::

    {"file": "Motor.scl", "block": "FB_Motor", "network": null, "line": 26, "column": 6,
     "severity": "Error", "code": "MISSING_TAG", "message": "Tag \\"Start\\" not defined."}

Codes are stable UPPER_SNAKE names. The ``MISSING_*`` codes mean "a user object this code uses is not
here" (a pipeline checking part of a program may accept them); every other error code means the code
itself is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

__all__ = (
    "DIAGNOSTIC_CAP",
    "MISSING_CODES",
    "Diagnostic",
    "capped",
    "cut_counts",
    "is_missing",
    "wire_list",
)

DIAGNOSTIC_CAP = 1000
"""At most this many warnings and notes are reported per run (errors are never cut); a final
``TOO_MANY_DIAGNOSTICS`` says how many of each kind were left out."""

MISSING_CODES = frozenset({"MISSING_TAG", "MISSING_BLOCK", "MISSING_TYPE", "MISSING_CONSTANT"})

SEVERITIES = ("Error", "Warning", "Info")


@dataclass(slots=True)
class Diagnostic:
    """A finding at a place in the user's text.

    ``line``/``column`` are 1-based; 0 means "the whole block" (or file). ``network`` is the 1-based
    network number of a SimaticML block (``None`` for SCL sources, whose lines are the file's). In an SCL network
    the line counts in the network's text; a LAD/FBD/GRAPH network has no text, and its findings carry the line
    of their element (Access, Part, Call, Wire) in the export, as do a block's declaration findings.
    """

    message: str
    line: int = 0
    column: int = 0
    block: Optional[str] = None
    severity: str = "Error"  # Error | Warning | Info
    file: Optional[str] = None
    code: str = "SYNTAX_ERROR"
    network: Optional[int] = None

    # Older spellings, still read by some callers.
    @property
    def col(self) -> int:
        return self.column

    @property
    def path(self) -> Optional[str]:
        return self.file

    @property
    def is_missing(self) -> bool:
        return self.code in MISSING_CODES

    def to_wire(self) -> dict[str, Any]:
        """The camelCase JSON object of the wire (same keys for every transport)."""
        return {"file": self.file, "block": self.block, "network": self.network, "line": self.line,
                "column": self.column, "severity": self.severity, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.file}:" if self.file else ""
        where += f"{self.line}:{self.column}: " if self.line else " "
        net = f"network {self.network}: " if self.network else ""
        blk = f"[{self.block}] " if self.block else ""
        return f"{where}{self.severity.lower()}: {blk}{net}{self.message} [{self.code}]"


def is_missing(diagnostic: Diagnostic) -> bool:
    return diagnostic.code in MISSING_CODES


def _rank(diagnostic: Diagnostic) -> int:
    """Errors first (the code's own before ``MISSING_*``), then warnings, then notes, ``MISSING_*`` last."""
    severity = SEVERITIES.index(diagnostic.severity) if diagnostic.severity in SEVERITIES else len(SEVERITIES)
    return 2 * severity + diagnostic.is_missing


def _cut_summary(cut: Iterable[Diagnostic]) -> dict[str, int]:
    """How many diagnostics of each kind a cap left out: ``warnings``, ``notes`` and of them ``missing``."""
    counts = {"warnings": 0, "notes": 0, "missing": 0}
    for d in cut:
        counts["warnings" if d.severity == "Warning" else "notes"] += 1
        counts["missing"] += d.is_missing
    return counts


def capped(diagnostics: Iterable[Diagnostic], cap: int = DIAGNOSTIC_CAP) -> list[Diagnostic]:
    """Every error, and warnings and notes up to ``cap`` diagnostics in all, in the order given.

    What is kept is chosen by severity (errors, warnings, notes; ``MISSING_*`` after the others of their
    severity), so no error is ever left out, however many warnings come before it in file order. When
    something was left out, a final ``TOO_MANY_DIAGNOSTICS`` warning says how much of each kind.
    """
    items = list(diagnostics)
    if len(items) <= cap:
        return items
    order = sorted(range(len(items)), key=lambda i: _rank(items[i]))
    errors = sum(d.severity == "Error" for d in items)
    kept = set(order[:max(cap, errors)])
    out = [d for i, d in enumerate(items) if i in kept]
    cut = [d for i, d in enumerate(items) if i not in kept]
    if cut:
        counts = _cut_summary(cut)
        parts = [f"{counts['warnings']} warning(s)"] if counts["warnings"] else []
        if counts["notes"]:
            parts.append(f"{counts['notes']} note(s)")
        missing = f", {counts['missing']} of them MISSING_*" if counts["missing"] else ""
        out.append(Diagnostic(f"{len(cut)} more diagnostic(s) were not reported (cap {cap}, errors are never "
                              f"cut): {', '.join(parts)}{missing}.", severity="Warning",
                              code="TOO_MANY_DIAGNOSTICS"))
    return out


def cut_counts(diagnostics: Iterable[Diagnostic], cap: int = DIAGNOSTIC_CAP) -> dict[str, int]:
    """What :func:`capped` leaves out of ``diagnostics``: counts of ``warnings``, ``notes`` and ``missing``."""
    items = list(diagnostics)
    if len(items) <= cap:
        return _cut_summary(())
    kept = {id(d) for d in capped(items, cap)}
    return _cut_summary(d for d in items if id(d) not in kept)


def wire_list(diagnostics: Iterable[Diagnostic], cap: int = DIAGNOSTIC_CAP) -> list[dict[str, Any]]:
    return [d.to_wire() for d in capped(diagnostics, cap)]
