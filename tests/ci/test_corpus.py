"""``plc check`` on each repository of the shared corpus, put back together at its paths, as a user's CI would
run it: no errors but ``MISSING_*`` (what the repository does not export) in files TIA accepts.

A listed exception is either a real error of the repository as a whole (TIA would report it too when these
files are one PLC's software; the file alone was accepted) or a false error of the checker waiting for a rule
owned elsewhere (each says which). Anything not listed fails the test.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from engineering_api.cli import main

from .corpus_repos import build_repository, repositories
from tests.lib.shared_corpus import READS_SHARED

REPOSITORIES = repositories()

# (repository, path in the repository, code): why the error is there.
REAL_ERRORS = {
    ("BjAlvestad/vscode-simatic-scl", "test/examples/TestBlocks/FB_DoesAFcCall.scl", "PARAMETER_TYPE"):
        "passes the integer 21321 to the Bool input xboMyInput1A of its multi-instance (an FB of another file)",
    ("BjAlvestad/vscode-simatic-scl", "test/examples/TestBlocks/FB_DoesAFcCall.scl", "PARAMETER_NOT_SUPPLIED"):
        'calls "FC_MyFunction" with one of its three inputs and without its in/out, and its multi-instance without '
        'the PLC data type in/out xyuStatusObjectA (hidden while the code was MISSING_PARAMETER)',
    ("micom7/tia_repo", "FB_Test_Redler.scl", "UNKNOWN_MEMBER"):
        'uses R.Base.* but the repository\'s "UDT_Redler" has no member Base (the test FB is older than the UDT)',
    ("micom7/tia_repo", "FB_Test_Redler.scl", "PARAMETER_NOT_SUPPLIED"):
        'calls "FC_Redler" without its in/out B (the FC gained the parameter later)',
}
FALSE_ERRORS: dict = {}


def _plc_check(folder: Path) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["plc", "check", str(folder), "--format", "json"])
    doc = json.loads(out.getvalue())
    assert code == (1 if doc["errors"] else 0)
    return doc


@READS_SHARED
@pytest.mark.parametrize("repo", sorted(REPOSITORIES))
def test_plc_check_reports_only_missing_objects_on_accepted_files(repo: str, tmp_path: Path):
    folder = tmp_path / repo.replace("/", "__")
    verdicts = build_repository(REPOSITORIES[repo], folder)
    doc = _plc_check(folder)
    unexpected = []
    for d in doc["diagnostics"]:
        if d["severity"] != "Error" or d["code"].startswith("MISSING_"):
            continue
        if not verdicts.get(d["file"], "").startswith("accept"):
            continue  # TIA rejects or skips the file itself (SOURCES.tsv ``expect``)
        in_repo = str(Path(d["file"]).relative_to(folder))
        key = (repo, in_repo, d["code"])
        if key in REAL_ERRORS or key in FALSE_ERRORS:
            continue
        unexpected.append(f'{in_repo}:{d["line"]}:{d["column"]}: [{d["block"]}] {d["message"]} [{d["code"]}]')
    assert not unexpected, "\n".join(unexpected)


@READS_SHARED
@pytest.mark.parametrize("repo", sorted({repo for repo, _, _ in REAL_ERRORS}))
def test_real_errors_of_whole_repositories_are_found(repo: str, tmp_path: Path):
    """What TIA would refuse once these files are one PLC's software must keep failing."""
    folder = tmp_path / "repo"
    build_repository(REPOSITORIES[repo], folder)
    found = {(repo, str(Path(d["file"]).relative_to(folder)), d["code"])
             for d in _plc_check(folder)["diagnostics"] if d["severity"] == "Error"}
    assert {key for key in REAL_ERRORS if key[0] == repo} <= found


@READS_SHARED
def test_rejected_sources_still_fail(tmp_path: Path):
    """The other side: a repository whose sources TIA rejects gives errors that are not MISSING_*."""
    repo = "BjAlvestad/vscode-simatic-scl"
    folder = tmp_path / "bj"
    verdicts = build_repository(REPOSITORIES[repo], folder)
    doc = _plc_check(folder)
    failing = {d["file"] for d in doc["diagnostics"] if d["severity"] == "Error"
               and not d["code"].startswith("MISSING")}
    rejected = {f for f, v in verdicts.items() if v.startswith("reject")}
    assert rejected and rejected <= failing, sorted(rejected - failing)
