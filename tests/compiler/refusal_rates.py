"""Measures the refusal rates :mod:`tools.refusal_rates` puts on ``docs/simaticml-scl.md``: every mutant generated
from a row of a rule table, over every suitable corpus export, through every entry (:data:`tools.refusal_rates.
ENTRIES`), and each near-miss control::

    .venv/bin/python -m tests.compiler.refusal_rates   # writes docs/refusal-rates.json; then make docs

A mutant is refused by an entry when the entry's errors hold the row's code at the mutant's line; a control is
accepted when the entry's errors are the unchanged export's (compared by code and message: an added member moves
the lines after it). The REST import (the program import, an export and its mutants into a PLC of their own,
overwriting) is judged but for what a PLC may hold (``MISSING_*``); its refusal of a document for what the PLC
lacks (an instance DB of an FB the corpus did not export with it, a version the project cannot express) is no
verdict on the mutant: such a document is not counted for that entry.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from engineering_api.cli import main
from simatic_xml.block_interfaces import row_of
from tests.api.import_verdicts import Rest, served_project
from tests.compiler.mutants import Mutant, local_name, xml_parser
from tests.compiler.mutants_instructions import operand_pin_mutants
from tests.compiler.mutants_sections import xml_member_mutants, xml_section_mutants
from tests.conftest import CPU, add_device
from tests.lib.shared_corpus import SHARED
from tools.refusal_rates import FIGURES, rule_rows

__all__ = ("Errors", "corpus_exports", "entry_errors", "language_of", "measure", "row_mutants")

Errors = Counter[tuple[str, str, int]]
"""An entry's errors of a document: (code, message, line), counted."""
_CONTEXT = ("INSTANCE_OF_MISSING", "VERSION_CANNOT_EXPRESS")
"""The REST import's refusals for what the PLC or project lacks (see ``tests/api/test_import_one_verdict.py``)."""
_PART_NAME = re.compile(rb'<Part\b[^>]*\bName="([^"]+)"')
_LANGUAGE = re.compile(rb"<ProgrammingLanguage>(\w+)</ProgrammingLanguage>")


def _row(table: str, key: str) -> str:
    return next(row.id for row in rule_rows() if row.table == table and row.row == key)


def row_mutants(paths: list[Path], per_context: int = 0) -> Iterator[tuple[str, Mutant]]:
    """(row id, mutant) of every table row over ``paths`` (SimaticML exports); with ``per_context``, at most that
    many per context of each generator (a sample). A mutant's language: :func:`language_of`."""
    sections: Counter[tuple[str, ...]] = Counter()
    members: Counter[tuple[str, ...]] = Counter()
    pins: Counter[tuple[str, str]] = Counter()
    for path in paths:
        root = etree.parse(str(path), xml_parser()).getroot()
        element = next((local_name(el) for el in root if local_name(el).startswith("SW.")), "")
        row = row_of(element.rsplit(".", 1)[-1])
        if row is not None:
            for mutant in [*xml_section_mutants(path, sections, per_context),
                           *xml_member_mutants(path, members, per_context)]:
                yield _row("block_interfaces.ROWS", row.kind), mutant
        for mutant in operand_pin_mutants(path, pins, per_context):
            part = _PART_NAME.search(mutant.data.splitlines()[mutant.line - 1])
            pin = mutant.family.rsplit(" ", 1)[-1]
            yield _row("instruction_pins.OPERAND_PINS", f"{part.group(1).decode() if part else '?'} {pin}"), mutant


def language_of(mutant: Mutant) -> str:
    """The language of the changed element: the first ``ProgrammingLanguage`` after the mutant's line, which TIA
    writes after what it is the language of (a compile unit's after its network, a block's after its interface); a
    data block or PLC data type has none: ``(no code)``."""
    tail = b"\n".join(mutant.data.splitlines()[mutant.line - 1:])
    found = _LANGUAGE.search(tail)
    return found.group(1).decode() if found else "(no code)"


def _cli(command: str, path: Path) -> Errors:
    out = io.StringIO()
    with redirect_stdout(out):
        main([*command.split(), str(path), "--allow-missing", "--format", "json"])
    return Counter((d["code"], d["message"], d["line"]) for d in json.loads(out.getvalue())["diagnostics"]
                   if d["severity"] == "Error")


def _rest(rest: Rest, plc: str, path: Path) -> Errors | None:
    """The program import's (``POST /api/blockgeneration/import-only``: blocks and PLC data types alike) errors of
    the document, its report's or its refusal's, but for what the PLC may hold (``MISSING_*``)."""
    client, headers, _ = rest
    answer = client.post("/api/blockgeneration/import-only",
                         json={"deviceName": plc, "filePath": str(path), "overwrite": True}, headers=headers)
    body = answer.json()
    if answer.status_code != 200 and body.get("code") in _CONTEXT:
        return None
    if answer.status_code != 200 and "files" not in (body.get("details") or {}):
        raise AssertionError(f"{path.name}: {answer.status_code} {body}")
    reports = body["details"]["files"] if answer.status_code != 200 else body["data"]
    return Counter((d["code"], d["message"], d["line"]) for report in reports for d in report["diagnostics"]
                   if d.get("severity", "Error") == "Error" and not d["code"].startswith("MISSING_"))


def entry_errors(rest: Rest, plc: str) -> dict[str, Callable[[Path], Errors | None]]:
    """Each entry's errors of the file at a path (None: the entry cannot judge it alone), the REST import's into the
    PLC ``plc``."""
    return {"simaticml check": lambda path: _cli("simaticml check", path),
            "plc check": lambda path: _cli("plc check", path),
            "REST import": lambda path: _rest(rest, plc, path)}


def _unplaced(errors: Errors) -> Counter[tuple[str, str]]:
    """``errors`` by code and message (a control's added member moves the lines after it)."""
    found: Counter[tuple[str, str]] = Counter()
    for (code, message, _), count in errors.items():
        found[(code, message)] += count
    return found


def measure(paths: list[Path], per_context: int = 0, per_row: int = 0) -> dict[str, dict[str, Any]]:
    """Row id -> entry -> [refused, mutants], ``"controls: " + entry`` -> [accepted, controls], and ``"languages"``
    -> the language of each refused mutant's element (:func:`language_of`) -> how many; with ``per_row``, at most
    that many mutants and controls of each row (a sample)."""
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder, served_project(Path(folder)) as rest:
        written = rest[2] / "rates"
        written.mkdir(parents=True, exist_ok=True)
        originals: dict[tuple[Path, str], Errors | None] = {}
        plcs: dict[Path, dict[str, Callable[[Path], Errors | None]]] = {}
        taken: Counter[tuple[str, bool]] = Counter()
        for row_id, mutant in row_mutants(paths, per_context):
            taken[(row_id, mutant.refused)] += 1
            if per_row and taken[(row_id, mutant.refused)] > per_row:
                continue
            if mutant.refused:
                languages = out.setdefault(row_id, {}).setdefault("languages", {})
                languages[language_of(mutant)] = languages.get(language_of(mutant), 0) + 1
            target = written / mutant.path.name
            if mutant.path not in plcs:  # an empty PLC for each export: the corpus's blocks share numbers and names
                plcs[mutant.path] = entry_errors(rest, f"PLC_R{len(plcs) + 1}")
                add_device(rest[0], rest[1], CPU, f"PLC_R{len(plcs)}")
            entries = plcs[mutant.path]
            for entry, errors_of in entries.items():
                key = (mutant.path, entry)
                if key not in originals:
                    target.write_bytes(mutant.path.read_bytes())
                    originals[key] = errors_of(target)
                target.write_bytes(mutant.data)
                original, got = originals[key], errors_of(target)
                if original is None or got is None:
                    continue
                slot = out.setdefault(row_id, {}).setdefault(entry if mutant.refused else f"controls: {entry}", [0, 0])
                slot[1] += 1
                if mutant.refused:
                    slot[0] += any(code == mutant.code and line == mutant.line for code, _, line in got)
                else:
                    slot[0] += not _unplaced(got) - _unplaced(original)
    return out


def corpus_exports() -> list[Path]:
    """The shared corpus's SimaticML exports but its tag tables (no table row is about them)."""
    corpus = SHARED / "corpus" / "simaticml"
    return sorted(p for p in corpus.rglob("*.xml") if p.parent.name != "tagtable")


def _write(rows: dict[str, dict[str, Any]], target: Path = FIGURES) -> None:
    known = {row.id for row in rule_rows()}
    figures: dict[str, Any] = {"measured": date.today().isoformat(),
                               "rows": {row_id: rows[row_id] for row_id in sorted(rows) if row_id in known}}
    target.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    _write(measure(corpus_exports()))
    print(f"wrote {FIGURES.relative_to(FIGURES.parents[1])}; run make docs", file=sys.stderr)
