"""The benchmarks and the tools import the product and their own helpers, never the test suite: a test may use a
tool, not the other way round (shared helpers live in ``tools/``: the hang guard, free ports, the LSP client, the
farm harness)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports_tests(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
        if any(name == "tests" or name.startswith("tests.") for name in names):
            return True
    return False


def test_bench_and_tools_never_import_the_tests() -> None:
    found = {str(path.relative_to(ROOT)) for folder in ("bench", "tools")
             for path in sorted((ROOT / folder).rglob("*.py")) if _imports_tests(path)}
    assert sorted(found) == [], "move the helper into tools/ and import it from there"
