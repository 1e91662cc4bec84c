"""Fidelity check used by ``engineering-api simaticml check FILE...``: read, write, re-read, compare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import safe
from .diagnostics import Diagnostic
from .errors import SimaticMLError
from .reader import parse_bytes
from .writer import to_bytes
from .xmlnode import XmlNode, from_lxml

__all__ = ("CheckResult", "check_bytes", "check_file", "first_difference", "roundtrip_diagnostic")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """``ok`` is True when the file survives read -> write -> re-read; otherwise ``first_difference`` says where."""

    ok: bool
    first_difference: str | None = None
    path: str | None = None


def check_file(path: str | Path) -> CheckResult:
    """Check one file; never raises for bad input (the error becomes the difference)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return CheckResult(False, f"cannot read: {exc}", str(path))
    result = check_bytes(data)
    return CheckResult(result.ok, result.first_difference, str(path))


def check_bytes(data: bytes) -> CheckResult:
    """Check a document given as bytes."""
    try:
        doc = parse_bytes(data)
        written = to_bytes(doc, include_created=True)
        again = parse_bytes(written)
    except SimaticMLError as exc:
        return CheckResult(False, f"{type(exc).__name__}: {exc}")
    original = from_lxml(safe.parse_untrusted(data).getroot())
    output = from_lxml(safe.parse_untrusted(written).getroot())
    diff = first_difference(original, output)
    if diff is not None:
        return CheckResult(False, diff)
    if again != doc:
        return CheckResult(False, "re-reading the written XML gives a different model")
    if to_bytes(again, include_created=True) != written:
        return CheckResult(False, "writing the re-read model gives different bytes")
    return CheckResult(True)


def roundtrip_diagnostic(data: bytes, path: str | None = None) -> Diagnostic | None:
    """The round trip of a document as a finding: None when it survives, else an Error ``ROUNDTRIP``
    (``INVALID_SIMATICML`` when it cannot be read at all) naming the first difference."""
    result = check_bytes(data)
    if result.ok:
        return None
    difference = result.first_difference or "the document changed"
    if difference.split(":", 1)[0].endswith("Error"):
        return Diagnostic(f"The SimaticML document cannot be read: {difference}", file=path, code="INVALID_SIMATICML")
    return Diagnostic(f"The document does not survive read -> write -> re-read unchanged: {difference}",
                      file=path, code="ROUNDTRIP")


def _norm(text: str | None) -> str:
    # Same rule as C14N 2.0 with strip_text: surrounding whitespace does not count.
    return (text or "").strip()


def first_difference(a: XmlNode, b: XmlNode, path: str = "") -> str | None:
    """The first place where two trees differ (whitespace-insensitive, attribute order ignored), or None."""
    here = f"{path}/{a.tag}"
    if (a.tag, a.ns) != (b.tag, b.ns):
        return f"{here}: element {{{a.ns or ''}}}{a.tag} became {{{b.ns or ''}}}{b.tag}"
    if a.attrs != b.attrs:
        for key in sorted(set(a.attrs) | set(b.attrs)):
            if a.attrs.get(key) != b.attrs.get(key):
                return f"{here}/@{key}: {a.attrs.get(key)!r} became {b.attrs.get(key)!r}"
    if _norm(a.text) != _norm(b.text):
        return f"{here}: text {_norm(a.text)!r} became {_norm(b.text)!r}"
    counts: dict[str, int] = {}
    for ca, cb in zip(a.children, b.children):
        counts[ca.tag] = counts.get(ca.tag, 0) + 1
        diff = first_difference(ca, cb, here)
        if diff is not None:
            # Index the child among its same-named siblings, XPath style.
            prefix = f"{here}/{ca.tag}"
            return f"{prefix}[{counts[ca.tag]}]{diff[len(prefix):]}"
    if len(a.children) != len(b.children):
        return f"{here}: {len(a.children)} child elements became {len(b.children)}"
    return None
