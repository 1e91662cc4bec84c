"""Directories the real-tool tests keep between runs: an environment a first run built (pre-commit's hook
environment, the generated client's venv) is reused by the next run whose inputs are the same.

They live in pytest's cache (``.pytest_cache/d/<name>/<key>``), keyed by a digest of what goes into them, so a
changed input builds afresh and the one stale copy is removed. Without the cache provider (``-p no:cacheprovider``)
the test builds in its own temporary directory, as on a fresh clone.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

__all__ = ("kept_dir", "tree_digest")


def kept_dir(config: pytest.Config, name: str, inputs: str, fallback: Path) -> Path:
    """The kept directory ``name`` for ``inputs`` and this interpreter (created empty the first time); the copy
    kept for other inputs is removed."""
    key = hashlib.sha256(f"{sys.executable}\0{sys.version}\0{inputs}".encode()).hexdigest()[:32]
    cache = getattr(config, "cache", None)
    if cache is None:
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback
    parent: Path = cache.mkdir(name)
    for stale in parent.iterdir():
        if stale.name != key:
            shutil.rmtree(stale, ignore_errors=True)
    kept = parent / key
    kept.mkdir(exist_ok=True)
    return kept


CACHE_DIRS = frozenset({".ruff_cache", "__pycache__", ".mypy_cache"})
"""Tools' caches, left out of a digest: their file names change from run to run (ruff's, written by the
generator's post hooks, are hashes of the run)."""


def tree_digest(root: Path) -> str:
    """A digest of every file under ``root`` (relative path and bytes), tools' caches left out."""
    digest = hashlib.sha256()
    files = (p for p in root.rglob("*") if p.is_file() and not CACHE_DIRS.intersection(p.relative_to(root).parts))
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
