"""Fixtures live where pytest looks for them: a fixture shared by several test modules is defined in the
``conftest.py`` of the folder that holds them all, and no test module imports another module's fixture (an imported
fixture is a second definition: a session-scoped one then runs once per importing module).

Helpers live in helper modules: no module imports a test module (``test_*.py``); what several test modules share is
in a module of their folder named for what it holds (``tests/api/motor_plant.py``), in ``tests/lib/`` or a module
at the top of ``tests/`` when several folders share it, or, for a fixture, in a ``conftest.py``."""

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


def _is_test_module(name: str) -> bool:
    return name.rpartition(".")[2].startswith("test_")


def imports_of_test_modules(tests: Path) -> list[str]:
    """Each import of a test module (``test_*.py``) by another module under ``tests``, as ``file:line: module``:
    ``import``, ``from … import`` of a name or of the module itself, relative forms resolved."""
    found = []
    for path in sorted(tests.rglob("*.py")):
        parts = path.relative_to(tests.parent).with_suffix("").parts
        module, package = ".".join(parts), list(parts[:-1])  # an __init__'s package is its folder, too
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
                targets = [base] if _is_test_module(base) else [f"{base}.{alias.name}" for alias in node.names]
            found += [f"{path.relative_to(tests.parent)}:{node.lineno}: {target}" for target in targets
                      if _is_test_module(target) and target != module]
    return found


def test_no_module_imports_a_test_module() -> None:
    """A test module holds tests only for pytest: what another module needs of it lives in a helper module (a
    constant, a function, a class) or a ``conftest.py`` (a fixture). Importing a test module runs its module-level
    code twice under two names, and a test function imported with it is collected twice."""
    found = imports_of_test_modules(TESTS)
    assert found == [], ("these modules import a test module; move what they take from it into a helper module of "
                         "its folder (tests/<area>/<what it is>.py, or tests/lib/ when several areas use it) or, for "
                         "a fixture, into the conftest.py of the folder holding every user, and import that:\n"
                         + "\n".join(found))


def test_the_finder_sees_each_form_of_import(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    (tests / "area").mkdir(parents=True)
    for name, text in {
        "area/test_owner.py": "VALUE = 1\n\ndef test_owner():\n    pass\n",
        "area/helper.py": "VALUE = 2\n",
        "area/test_plain.py": "import tests.area.test_owner\n",
        "area/test_from.py": "from tests.area.test_owner import VALUE\n",
        "area/test_module.py": "from tests.area import test_owner as owner\n",
        "area/test_relative.py": "def test_late():\n    from .test_owner import VALUE\n",
        "area/test_fine.py": "from tests.area.helper import VALUE\nfrom . import helper\n",
        "area/test_self.py": "from tests.area.test_self import x\n",
    }.items():
        (tests / name).write_text(text, encoding="utf-8")
    assert imports_of_test_modules(tests) == [
        "tests/area/test_from.py:1: tests.area.test_owner",
        "tests/area/test_module.py:1: tests.area.test_owner",
        "tests/area/test_plain.py:1: tests.area.test_owner",
        "tests/area/test_relative.py:2: tests.area.test_owner",
    ]
