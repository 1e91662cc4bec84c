"""Nothing of ours waits in ``select.select``: it fails for a descriptor of 1024 or more, which a busy server and
the suite's long-lived workers hold (MQTT pushes and the silent-database proxy both broke on it). Wait on the
``selectors`` module's system selector instead."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("engineering_api", "fakes", "openness_bridge", "simatic_xml", "tests", "tools", "bench")


def _calls_select_select(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("select.select", "select"):
            imported = any(isinstance(n, ast.ImportFrom) and n.module == "select"
                           for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
            if ast.unparse(node.func) == "select.select" or imported:
                return True
    return False


def test_nothing_waits_in_select_select() -> None:
    found = [str(path.relative_to(ROOT)) for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))
             if _calls_select_select(path)]
    assert found == [], "use selectors.DefaultSelector (select.select fails for descriptors >= 1024)"
