"""One verdict per command: on each file of the shared corpus on its own, ``scl check`` (a source) or
``simaticml check`` (an export) finds exactly the errors ``plc check`` finds, with the same exit code, and a
file TIA accepts has no error but ``MISSING_*`` (what the file uses from the rest of its program)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout


from engineering_api.cli import main

from .corpus_repos import repositories
from tests.lib.shared_corpus import READS_SHARED

FILES = sorted((str(path), verdict) for files in repositories().values() for path, _, verdict in files
               if path.exists())


def _errors(*argv: str) -> tuple[int, list[tuple]]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main([*argv, "--format", "json"])
    doc = json.loads(out.getvalue())
    return code, sorted((d["line"], d["column"], d["code"], d["message"]) for d in doc["diagnostics"]
                        if d["severity"] == "Error")


@READS_SHARED
def test_the_three_commands_agree_on_every_corpus_file():
    disagree, false_errors = [], []
    for path, verdict in FILES:
        command = "simaticml" if path.lower().endswith(".xml") else "scl"
        own, plc = _errors(command, "check", path), _errors("plc", "check", path)
        if own != plc:
            disagree.append(f"{path}: {command} check {own} / plc check {plc}")
        if verdict.startswith("accept") and any(not code.startswith("MISSING_") for _, _, code, _ in plc[1]):
            false_errors.append(f"{path}: {plc[1]}")
    assert not disagree, "\n".join(disagree[:20])
    assert not false_errors, "\n".join(false_errors[:20])
