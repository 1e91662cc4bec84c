"""Fixtures live where pytest looks for them: a fixture shared by several test modules is defined in the
``conftest.py`` of the folder that holds them all, and no test module imports another module's fixture (an imported
fixture is a second definition: a session-scoped one then runs once per importing module)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _is_fixture(node: ast.stmt) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        "fixture" in ast.unparse(decorator) for decorator in node.decorator_list)


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)


def test_no_test_module_imports_another_modules_fixture() -> None:
    paths = sorted(TESTS.rglob("*.py"))
    fixtures = {_module_name(path): {node.name for node in ast.parse(path.read_text(encoding="utf-8")).body
                                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_fixture(node)}
                for path in paths}
    found = []
    for path in paths:
        if path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in fixtures:
                found += [f"{path.relative_to(TESTS.parent)}: {alias.name} from {node.module}"
                          for alias in node.names if alias.name in fixtures[node.module]]
    assert found == [], "define the fixture in the conftest.py of the folder that holds every module using it"
