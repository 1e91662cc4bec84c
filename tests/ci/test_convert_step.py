"""``simaticml convert`` as a pipeline step (docs/cli.md, "Retargeting"): real exports of TIA V16–V21 retargeted to
V21 and back to their own version through the command line, then checked with ``simaticml check``: the converted
set passes as the exported one does, with the same findings. What the converter cannot express in the target
(GRAPH's undocumented V21 schema, for one) is refused with the reason, exit 1, and no file."""

from __future__ import annotations

import csv
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from engineering_api.cli import main
from tests.ci.corpus_repos import CORPUS

VERSIONS = ("V16", "V17", "V18", "V19", "V20", "V21")


def _exports() -> list[tuple[Path, str]]:
    """One export of each kind (folder) and TIA version of the corpus (the first of each, by file name)."""
    rows = csv.DictReader((CORPUS / "simaticml" / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")
    chosen: dict[tuple[str, str], tuple[Path, str]] = {}
    for row in sorted(rows, key=lambda r: r["local_file"]):
        kind = row["local_file"].split("/")[0]
        # Blocks and PLC data types (technology objects' DBs carry namespaces the converter knows for some versions
        # only, and refuses for the others, saying so).
        if row["tia_version"] in VERSIONS and row["root_object"].startswith(("SW.Blocks.", "SW.Types.")):
            chosen.setdefault((kind, row["tia_version"]),
                              (CORPUS / "simaticml" / row["local_file"], row["tia_version"]))
    return list(chosen.values())


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _findings(folder: Path) -> tuple[int, list[tuple[str, str, int | None, str]]]:
    """The findings of the set, without their file lines: a LAD/FBD finding carries the file line of its element,
    and a converted document lays its elements out on other lines (same finding, same network, same message)."""
    code, out, _ = _run("simaticml", "check", str(folder), "--allow-missing", "--one-program", "--format", "json")
    report = json.loads(out)
    return code, sorted((Path(d["file"]).name, d["code"], d["network"],
                         d["message"].replace(f"{folder}/", ""))  # a message may name another file of the set
                        for d in report["diagnostics"] if d["file"])


def test_real_exports_retargeted_there_and_back_check_as_the_exports_do(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.fail(f"the corpus is not at {CORPUS}")
    exports = _exports()
    assert {version for _, version in exports} == set(VERSIONS)
    original, newest, back = tmp_path / "original", tmp_path / "V21", tmp_path / "back"
    for folder in (original, newest, back):
        folder.mkdir()
    refused = []
    for path, version in exports:
        name = f"{version}_{path.name}"
        code, _, err = _run("simaticml", "convert", str(path), "--to", "V21", "-o", str(newest / name))
        if code != 0:  # what V21 cannot express as known is refused, saying why, and nothing is written
            assert code == 1 and err.startswith(f"error: {path}: ") and err.strip().count(":") >= 2, err
            assert not (newest / name).exists()
            refused.append(name)
            continue
        shutil.copy(path, original / name)
        assert "<Engineering version=\"V21\"" in (newest / name).read_text(encoding="utf-8-sig")
        code, _, err = _run("simaticml", "convert", str(newest / name), "--to", version, "-o", str(back / name))
        assert code == 0, err
    assert len(refused) < len(exports) / 3, refused
    exported = _findings(original)
    assert exported[0] == 0, exported  # the exports pass (no false error)
    assert _findings(newest) == exported
    assert _findings(back) == exported
