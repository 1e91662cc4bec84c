"""One verdict for tag, watch and force tables, from outside: every tag table export of the corpus and its
mutants through ``simaticml check`` (the command line's ``main``), the SimaticML tag import
(``POST …/tag-tables/actions/import-simaticml-sync``) and the program import
(``POST /api/blockgeneration/import-only``), and watch and force tables over each corpus table's tags through
``simaticml check`` beside the tag table and the watch table import (``POST …/watch-force-tables/actions/import``)
into a PLC holding it: the same findings (code, line), a 4xx (never a 500) exactly where the check has an error.

Before: the tag import answered a malformed document and a bad tag with no finding at a line (the parser's text, a
plan row), refused a tag of the type ``Boool`` that ``simaticml check`` passed, and the program import stored a tag
table with a tag at ``%I0.8``; the watch table import listed bad operands with no line.

The tag import's rows are read as the check reads the document (each row's number its tag's line), so what it
refuses of a document alone is the check's: before, a tag without a name or an address, an HMI flag ``yes`` and a
table name with a quote were refused by the tag import's own row reading (at a row number, no finding) and passed by
``simaticml check`` and the program import, and a table without a name was imported by the one and refused (with no
finding) by the other (:mod:`tests.compiler.mutants_tag_fields`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import pytest

from tests.api.import_verdicts import CORPUS, Findings, Rest, cli_errors, refused_findings, served_project
from tests.compiler.mutants import Mutant, tag_table_mutants, watch_table_mutants
from tests.compiler.mutants_tag_fields import FAMILIES, tag_field_mutants
from tests.conftest import CPU, add_device
from tests.lib.shared_corpus import READS_SHARED

TABLES = sorted((CORPUS / "tagtable").glob("*.xml")) if CORPUS.is_dir() else []
PER_FAMILY = 4
"""Mutants of each family through every entry (the check alone runs them all: tests/compiler)."""
PER_FIELD_FAMILY = 2
"""Of each family of a table's own fields (:mod:`tests.compiler.mutants_tag_fields`)."""
CONTEXT_CONTROL = "tag data type"
"""Its control, a tag of a quoted PLC data type the file does not hold, is no finding of the file alone; the PLC
it is imported into lacks the type, so the tag import refuses it by the plan (no finding): what only the PLC knows."""
RENAMED = "tag table name"
"""The family whose documents name another table than the file's (:mod:`tests.compiler.mutants_tag_fields`)."""
ROUNDTRIP = "ROUNDTRIP"
"""``simaticml check``'s test of its own writer (read, write, read again), no verdict of TIA's on the document: the
generated watch tables write an entry's Name before its value, the writer in TIA's order after it."""

pytestmark = READS_SHARED


@pytest.fixture(scope="module")
def rest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rest]:
    with served_project(tmp_path_factory.mktemp("tables")) as served:
        yield served


def _post(rest: Rest, route: str, body: dict[str, Any]) -> tuple[int, str | None, Findings]:
    """An import's status, its error code (None: imported) and the findings of a refusal."""
    client, headers, _ = rest
    answer = client.post(route, json=body, headers=headers)
    assert answer.status_code < 500, answer.text
    payload = answer.json()
    if answer.status_code == 200:
        return 200, None, sorted((d["code"], d["line"]) for r in payload["data"] if isinstance(payload["data"], list)
                                 for d in r["diagnostics"])
    return answer.status_code, payload["code"], refused_findings(payload)


def _written(rest: Rest, name: str, text: bytes) -> Path:
    target = rest[2] / "tables" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text)
    return target


def _tag_documents() -> Iterator[tuple[str, Path, bytes]]:
    made: Counter[tuple[str, bool]] = Counter()
    for path in TABLES:
        raw = path.read_bytes()
        yield "corpus", path, raw
        yield "cut in half", path, raw[:len(raw) // 2]
        for mutant in chain(tag_table_mutants(path, per_family=1), tag_field_mutants(path, per_family=1)):
            if made[(mutant.family, mutant.refused)] < (PER_FIELD_FAMILY if mutant.family in FAMILIES else PER_FAMILY):
                made[(mutant.family, mutant.refused)] += 1
                yield mutant.family + ("" if mutant.refused else " control"), path, mutant.data


def test_every_tag_table_and_mutant_gets_the_same_findings_from_every_entry(rest: Rest) -> None:
    """The check's errors are each import's findings; a table with one is refused by both (422), one without is
    imported (a control of a PLC data type the PLC lacks aside: :data:`CONTEXT_CONTROL`)."""
    client, headers, _ = rest
    plcs: dict[tuple[Path, bool], str] = {}
    seen: Counter[str] = Counter()
    differ: list[str] = []
    for family, path, text in _tag_documents():
        # a PLC each: the corpus's tables share tag names; and a table renamed holds the tags of the table it was,
        # which a PLC holding that table refuses (names are unique across tables): what only the PLC knows
        key = (path, family.startswith(RENAMED))
        if key not in plcs:
            plcs[key] = f"PLC_T{len(plcs) + 1}"
            add_device(client, headers, CPU, plcs[key])
        target = _written(rest, path.name, text)
        _, checked = cli_errors(target)
        tags = _post(rest, f"/api/devices/{plcs[key]}/tag-tables/actions/import-simaticml-sync",
                     {"filePath": str(target), "overwrite": True})
        program = _post(rest, "/api/blockgeneration/import-only",
                        {"deviceName": plcs[key], "filePath": str(target), "overwrite": True})
        want = 422 if checked else 200
        for entry, (status, code, got) in (("tags", tags), ("program", program)):
            if family == CONTEXT_CONTROL + " control" and entry == "tags" and (status, code, got) == (
                    422, "IMPORT_ROWS_INVALID", []):
                continue
            if (status, sorted(set(got))) != (want, sorted(set(checked))):
                differ.append(f"{family} {path.name} {entry}: {status} {code} {got[:4]}; check {checked[:4]}")
        seen[family] += 1
    assert not differ, "\n".join(differ[:20])
    assert seen["corpus"] == len(TABLES) and seen["cut in half"] == len(TABLES), seen
    for family in ("tag width", "tag bit number", "tag data type", "tag duplicate", "constant value"):
        assert seen[family] >= 1, seen
    for family in FAMILIES:
        assert seen[family] >= 1 and seen[family + " control"] >= 1, seen


def _watch_documents() -> Iterator[tuple[Path, bytes, Mutant]]:
    made: Counter[tuple[str, bool]] = Counter()
    for path in TABLES:
        for clean, mutant in watch_table_mutants(path, per_family=1):
            if made[(mutant.family, mutant.refused)] < PER_FAMILY:
                made[(mutant.family, mutant.refused)] += 1
                yield path, clean, mutant


def test_every_watch_and_force_table_mutant_gets_the_same_findings_from_every_entry(rest: Rest) -> None:
    """The corpus has no watch or force table export: the tables are made of each corpus table's tags
    (:func:`~tests.compiler.mutants.watch_table_mutants`), and checked beside it as the import meets them in a PLC
    holding it. A clean table, each control and each mutant, and a table cut in half."""
    client, headers, _ = rest
    plcs: dict[Path, str] = {}
    seen: Counter[str] = Counter()
    differ: list[str] = []
    for path, clean, mutant in _watch_documents():
        if path not in plcs:
            plcs[path] = f"PLC_W{len(plcs) + 1}"
            add_device(client, headers, CPU, plcs[path])
            loaded = client.post(f"/api/devices/{plcs[path]}/tag-tables/actions/import-simaticml-sync",
                                 json={"filePath": str(_written(rest, path.name, path.read_bytes()))}, headers=headers)
            assert loaded.status_code == 200, loaded.text
        shapes = [("clean", clean), (mutant.family + ("" if mutant.refused else " control"), mutant.data),
                  ("cut in half", mutant.data[:len(mutant.data) // 2])]
        for family, text in shapes:
            target = _written(rest, "table.watch.xml", text)
            _, checked = cli_errors(CORPUS / "tagtable" / path.name, target, only=target)
            checked = [(code, line) for code, line in checked if code != ROUNDTRIP]
            status, code, got = _post(rest, f"/api/devices/{plcs[path]}/watch-force-tables/actions/import",
                                      {"importFilePath": str(target), "overwrite": True})
            if (status, sorted(set(got))) != (422 if checked else 200, sorted(set(checked))):
                differ.append(f"{family} {path.name}: {status} {code} {got[:4]}; check {checked[:4]}")
            seen[family] += 1
    assert not differ, "\n".join(differ[:20])
    for family in ("watch address", "watch value", "watch member", "force area", "force area control",
                   "watch table name", "watch table name control", "watch entry operand"):
        assert seen[family] >= 1, seen
