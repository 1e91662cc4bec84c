"""Fixtures shared by the command-line test modules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.ci.corpus_repos import CORPUS
from tests.ci.testrun_cases import CASES, DENORMALISATION, FILTER, MAIN


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout (the working directory) whose ``plc`` folder holds the program and ``tests/filter.test.json``."""
    if not CORPUS.is_dir():
        pytest.fail(f"the corpus is not at {CORPUS}")
    plc = tmp_path / "plc"
    (plc / "tests").mkdir(parents=True)
    shutil.copy(FILTER, plc / "FirstOrderFilter.scl")
    shutil.copy(DENORMALISATION, plc / "Denormalisation.xml")
    (plc / "Main.scl").write_text(MAIN, encoding="utf-8")
    (plc / "tests" / "filter.test.json").write_text(json.dumps(CASES, indent=2), encoding="utf-8")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path
