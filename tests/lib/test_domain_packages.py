"""One package convention in ``engineering_api/domain``: public module names, and no private name crosses a module.

A package of ``domain/`` (``blocks/``, ``tags/``) names its modules as a flat module would (``handlers.py``, not
``_handlers.py``). A name with a leading underscore belongs to its module: what another module imports is public,
listed in the defining module's ``__all__``. So a ``from M import _name``, an ``import`` of an underscore module or
``M._name`` on an imported module fails here when it is in ``domain/`` or reaches into ``domain/``.
"""

from __future__ import annotations

import ast

from tools.layering import OURS, ROOT

DOMAIN = ROOT / "engineering_api" / "domain"
SCANNED = ("engineering_api", "fakes", "openness_bridge", "bench", "tests")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _ours(module: str) -> bool:
    return module.split(".")[0] in OURS


def private_crossings(source: str, where: str, *, everything: bool) -> list[str]:
    """The private names a module's ``source`` takes from another module of ours: all of them (``everything``, for
    a file in ``domain/``), or those of ``engineering_api.domain`` (for any other file)."""
    tree = ast.parse(source)

    def counted(module: str) -> bool:
        return _ours(module) and (everything or module.startswith("engineering_api.domain"))

    found: list[str] = []
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and counted(node.module):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                modules[alias.asname or alias.name] = full
                if _private(alias.name) or any(_private(part) for part in node.module.split(".")):
                    found.append(f"{where}:{node.lineno} imports {full}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if counted(alias.name) and any(_private(part) for part in alias.name.split(".")):
                    found.append(f"{where}:{node.lineno} imports {alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            found.append(f"{where}:{node.lineno} reads {modules[node.value.id]}.{node.attr}")
    return found


def test_domain_modules_have_public_names() -> None:
    private = sorted(path.relative_to(ROOT).as_posix() for path in DOMAIN.rglob("_*.py") if path.name != "__init__.py")
    assert private == [], f"name these modules without the leading underscore: {private}"


def test_no_private_name_crosses_a_module_in_domain() -> None:
    crossings = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            source, in_domain = path.read_text(encoding="utf-8"), path.is_relative_to(DOMAIN)
            if in_domain or "engineering_api.domain" in source:
                crossings += private_crossings(source, path.relative_to(ROOT).as_posix(), everything=in_domain)
    assert not crossings, ("make these names public (no leading underscore, in the module's __all__) or move them:\n"
                           + "\n".join(crossings))


def test_the_scan_finds_each_form() -> None:
    """The reader sees each form it refuses, so the test above cannot pass by reading nothing."""
    source = ("from engineering_api.domain.blocks.support import _hidden\n"
              "from engineering_api.domain.blocks import support\n"
              "import engineering_api.domain._gone\n"
              "support._hidden\n"
              "from engineering_api.lib.schema import _kept\n")
    assert private_crossings(source, "probe.py", everything=True) == [
        "probe.py:1 imports engineering_api.domain.blocks.support._hidden",
        "probe.py:3 imports engineering_api.domain._gone",
        "probe.py:5 imports engineering_api.lib.schema._kept",
        "probe.py:4 reads engineering_api.domain.blocks.support._hidden",
    ]
    assert private_crossings(source, "probe.py", everything=False) == [
        "probe.py:1 imports engineering_api.domain.blocks.support._hidden",
        "probe.py:3 imports engineering_api.domain._gone",
        "probe.py:4 reads engineering_api.domain.blocks.support._hidden",
    ]
