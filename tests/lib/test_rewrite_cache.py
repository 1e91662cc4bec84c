"""tests/lib/rewrite_cache.py: the cache it writes is the one pytest reads, and pytest uses it instead of rewriting."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.util import cache_from_source
from pathlib import Path

import pytest

from _pytest.assertion.rewrite import PYC_TAIL, _read_pyc, _rewrite_test, get_cache_dir

from tests.lib.rewrite_cache import warm

SAMPLE = '''
def test_lists_differ():
    assert [1, 2] == [1, 3]
'''
HELPER = "ANSWER = 42\n"


@pytest.fixture(name="sources")
def fx_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A test module, a conftest.py and a helper module pytest does not rewrite; bytecode on (the suite's
    environment may turn it off, ``make test`` turns it on)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "conftest.py").write_text("import helper  # noqa: F401\n", encoding="utf-8")
    (tmp_path / "helper.py").write_text(HELPER, encoding="utf-8")
    return tmp_path


def _rewritten_pyc(path: Path) -> Path:
    return get_cache_dir(path) / (path.name[:-3] + PYC_TAIL)


def test_the_cache_holds_what_pytest_itself_writes(sources: Path, pytestconfig: pytest.Config) -> None:
    assert warm(sources, workers=1) == 3
    for name in ("test_sample.py", "conftest.py"):
        path = sources / name
        cached = _read_pyc(path, _rewritten_pyc(path))
        assert cached is not None, name
        assert cached == _rewrite_test(path, pytestconfig)[1], name  # code objects compare by what they hold
    assert Path(cache_from_source(str(sources / "helper.py"))).is_file()
    assert not _rewritten_pyc(sources / "helper.py").exists()
    assert warm(sources, workers=1) == 0  # current: nothing written again


def test_pytest_reads_the_cache_instead_of_rewriting(sources: Path) -> None:
    warm(sources, workers=2)
    pyc = _rewritten_pyc(sources / "test_sample.py")
    before = pyc.stat()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTEST_ADDOPTS")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the installed plugins cost seconds to load and play no part
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sample.py"],
        cwd=sources, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "At index 1 diff: 2 != 3" in run.stdout, run.stdout  # the assert was rewritten
    after = pyc.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # read, not written again


def test_nothing_is_written_with_bytecode_off(sources: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert warm(sources, workers=1) == 0
    assert not (sources / "__pycache__").exists()
