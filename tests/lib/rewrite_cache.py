"""Write pytest's cache of rewritten test modules once, before xdist's workers start (``make test`` runs it).

pytest rewrites the asserts of every test module and conftest.py it imports and keeps the result in
``__pycache__/*.cpython-311-pytest-<version>.pyc``. On a fresh clone the cache is empty, and xdist's workers collect
at the same moment, so each of them rewrites every module itself: the rewriting is about a third of a worker's
collection (~13 s of CPU each of three on the 2-core machine). This writes the same files once, split over the
cores, with pytest's own functions (``rewrite_asserts``, and the private ones its import hook uses to read and
write the cache), so the workers find them; the test modules' helpers (modules pytest does not rewrite) get their
ordinary ``.pyc`` the same way. A file already cached is left alone, so a second run costs a stat per file.

    python -m tests.lib.rewrite_cache [DIRECTORY]    # default: tests

It writes nothing when bytecode is off (``PYTHONDONTWRITEBYTECODE``), and leaves the cache to pytest when the
configuration changes what the rewrite produces (``enable_assertion_pass_hook``) or a test file pattern is set
(``python_files``) that this does not read.
"""

from __future__ import annotations

import ast
import fnmatch
import multiprocessing
import os
import py_compile
import sys
import tomllib
from concurrent.futures import ProcessPoolExecutor
from importlib.util import cache_from_source
from pathlib import Path

from _pytest.assertion.rewrite import PYC_TAIL, _read_pyc, _write_pyc_fp, get_cache_dir, rewrite_asserts

__all__ = ("rewritten", "warm")

TEST_FILES = ("test_*.py", "*_test.py")
"""pytest's default ``python_files``, which pyproject.toml keeps: the modules its import hook rewrites, with every
conftest.py."""
ROOT = Path(__file__).resolve().parents[2]


def rewritten(path: Path) -> bool:
    """Whether pytest's import hook rewrites ``path`` (a test module or a conftest.py)."""
    return path.name == "conftest.py" or any(fnmatch.fnmatch(path.name, pattern) for pattern in TEST_FILES)


def _cache_one(path: Path) -> bool:
    """Write the cached form of one module unless it is current; True when it was written."""
    if not rewritten(path):
        cached = Path(cache_from_source(str(path)))
        if cached.exists() and cached.stat().st_mtime >= path.stat().st_mtime:
            return False
        return py_compile.compile(str(path), cfile=str(cached), doraise=False) is not None
    cache_dir = get_cache_dir(path)
    pyc = cache_dir / (path.name[:-3] + PYC_TAIL)
    if _read_pyc(path, pyc) is not None:
        return False
    cache_dir.mkdir(exist_ok=True)
    # What pytest's _rewrite_test does, without a config (whose one setting here, the pass hook, is off).
    source_stat = os.stat(path)
    source = path.read_bytes()
    tree = ast.parse(source, filename=str(path))
    rewrite_asserts(tree, source, str(path), None)
    code = compile(tree, str(path), "exec", dont_inherit=True)
    partial = pyc.with_name(f"{pyc.name}.{os.getpid()}")  # written whole, then renamed, as pytest does
    with open(partial, "wb") as out:
        _write_pyc_fp(out, source_stat, code)
    os.replace(partial, pyc)
    return True


def _settings_allow() -> bool:
    """Whether the pytest configuration rewrites as this does (see the module's docstring)."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ini = options.get("tool", {}).get("pytest", {}).get("ini_options", {})
    return not ini.get("enable_assertion_pass_hook") and "python_files" not in ini


def warm(directory: Path, workers: int | None = None) -> int:
    """Cache every module under ``directory``; returns how many were written."""
    if sys.dont_write_bytecode or not _settings_allow():
        return 0
    paths = sorted(directory.rglob("*.py"))
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return sum(map(_cache_one, paths))
    # spawned, not forked: a caller with threads of its own (a test process) could fork a held lock into a child
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return sum(pool.map(_cache_one, paths, chunksize=max(1, len(paths) // (workers * 4))))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests"
    print(f"rewrite cache: {warm(target)} modules written under {target}")
