"""openness_bridge/README.md's module table names every module of the bridge (a glob such as ``simulation*.py``
counts), so a newcomer finds each one from the README."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

BRIDGE = Path(__file__).resolve().parents[2] / "openness_bridge"


def _named_in_table() -> set[str]:
    """The file names and globs in the first column of the README's module table."""
    names: set[str] = set()
    for line in (BRIDGE / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([^`]+)`", first_cell))
    return names


def test_the_module_table_names_every_bridge_module() -> None:
    named = _named_in_table()
    modules = sorted(p.name for p in BRIDGE.glob("*.py") if p.name != "__init__.py")
    missing = [m for m in modules if not any(fnmatch.fnmatch(m, pattern) for pattern in named)]
    assert not missing, f"add a row for each to the module table of openness_bridge/README.md: {missing}"
