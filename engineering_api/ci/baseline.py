"""``--baseline FILE``: accept the findings of an earlier SARIF report and fail only on new ones.

A team that adopts the checker on a large program records today's findings once (``--format sarif --output
engineering-api.sarif``, committed) and runs with ``--baseline engineering-api.sarif`` from then on. A finding of
this run whose fingerprint (:data:`.sarif.FINGERPRINT`, stable when lines above it move) the baseline holds is
known: it does not fail the run, the text, JSON, JUnit and GitHub formats leave it out (standard error says how
many), and the SARIF report keeps it with ``baselineState: unchanged`` (new ones ``new``), as SARIF 2.1.0 section
3.27.24 describes, so code scanning still tracks it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Sequence

from simatic_xml.diagnostics import Diagnostic

from engineering_api.lib import bounded_json

from .sarif import FINGERPRINT, fingerprints

__all__ = ("BaselineError", "read_baseline", "split")


class BaselineError(ValueError):
    """The baseline cannot be used (unreadable, not a SARIF log, no fingerprints of this tool)."""


def read_baseline(path: str) -> Counter[str]:
    """The fingerprints of the results of the SARIF log ``path``.

    Raises:
        BaselineError: the file cannot be read or is not a SARIF log this tool wrote.
    """
    try:
        log = bounded_json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise BaselineError(f"--baseline {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:  # not UTF-8, not JSON, or nested deeper than a SARIF log is
        raise BaselineError(f"--baseline {path}: not a SARIF log (not JSON: {exc})") from exc
    runs = log.get("runs") if isinstance(log, dict) else None
    if not isinstance(runs, list):
        raise BaselineError(f"--baseline {path}: not a SARIF log (no runs)")
    known: Counter[str] = Counter()
    for run in runs:
        for result in (run.get("results") or []) if isinstance(run, dict) else []:
            prints = result.get("partialFingerprints") if isinstance(result, dict) else None
            value = prints.get(FINGERPRINT) if isinstance(prints, dict) else None
            if isinstance(value, str):
                known[value] += 1
    if not known and any(isinstance(run, dict) and run.get("results") for run in runs):
        raise BaselineError(f"--baseline {path}: its results have no {FINGERPRINT} fingerprints (write it with "
                            "this version's --format sarif)")
    return known


def split(diagnostics: Sequence[Diagnostic], known: Counter[str], *, root: Path, files: Sequence[str]
          ) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The findings the baseline does not hold (new, and the notes, which never fail), and those it holds."""
    shown = [d for d in diagnostics if d.severity in ("Error", "Warning")]
    accepted = {id(d) for d, fingerprint in zip(shown, fingerprints(shown, root, files)) if fingerprint in known}
    return ([d for d in diagnostics if id(d) not in accepted], [d for d in diagnostics if id(d) in accepted])
