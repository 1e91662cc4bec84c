"""Every test folder with a ``conftest.py`` is a package, so that each conftest is one module under one name.

Pytest imports a ``conftest.py`` outside a package as the top-level module ``conftest`` and drops the previous
``conftest`` from ``sys.modules`` when it imports the next one. A folder's conftest imported as ``conftest`` and
again as ``tests.<folder>.conftest`` (a test module importing its helpers) is two modules; and a class it defines
is no longer found through ``sys.modules`` once another folder's conftest took the name. The MCP tests' operation
``tests.slow`` then lost its field descriptions (:func:`engineering_api.lib.field_docs.field_docs` reads them from
the class's source) whenever the farm's conftest was imported after the MCP tests' one.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ()

TESTS = Path(__file__).resolve().parents[1]


def test_every_folder_with_a_conftest_is_a_package() -> None:
    loose = sorted(str(conftest.parent.relative_to(TESTS)) for conftest in TESTS.rglob("conftest.py")
                   if conftest.parent != TESTS and not (conftest.parent / "__init__.py").is_file())
    assert loose == [], f"add an __init__.py to {loose}"
