"""The packages' layers, checked on their imports: what each adapter may see of the others.

``simatic_xml`` is the ground floor; the rules both adapters need live in ``engineering_api.rules`` (the compiler,
watch operands, PLC values) or in ``simatic_xml``; the Openness bridge never imports the fake and the fake never
imports the bridge. Only the composition root (``engineering_api.backend.factory``) and the command line choose an
adapter, so only they and the CI commands (which check offline with the compiler's program view) may name ``fakes``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> the top-level packages it must not import
FORBIDDEN = {
    "simatic_xml": {"engineering_api", "fakes", "openness_bridge"},
    "engineering_api/rules": {"fakes", "openness_bridge"},
    "engineering_api/domain": {"fakes", "openness_bridge"},
    "engineering_api/farm": {"fakes", "openness_bridge"},
    "openness_bridge": {"fakes"},
    "fakes": {"openness_bridge"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every imported top-level package of ``path``, with its line, TYPE_CHECKING and function imports too."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_of_the_layers_it_must_not_see(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} holds no Python file: the layer map is out of date"
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in files for line, top in _imports(path) if top in FORBIDDEN[package]
    ]
    assert offending == []
