"""The area name is the file name: every area of the port lives under its own name in each layer.

The areas are read from the port (:data:`engineering_api.backend.port.AREAS`): an attribute name (``tags``,
``tag_constants``) held by a port ABC whose module ``engineering_api/backend/areas/X.py`` names the area ``X``
(``tags``). For each area ``X`` and each attribute ``A`` it holds:

- ``engineering_api/backend/areas/X.py`` holds the port ABCs, one of them held as ``A == X``; any other module of
  ``backend/areas/`` is a helper of one area and named ``X_<what>.py``;
- every port ABC of ``backend/areas/`` (a class ``…Port`` deriving from ``ABC``) is held by an attribute of
  ``AREAS``, so a new area left out of ``port.py`` is named as such, not taken for a helper module;
- ``fakes/A_ops.py`` defines the class the fake backend holds as ``self.A`` (``fakes/`` keeps ``X.py`` for the TIA
  model itself: ``fakes/program.py`` is the PLC software, ``fakes/library.py`` the library model);
- ``openness_bridge/A.py`` defines the class the bridge holds as ``self.A``;
- ``engineering_api/domain/X.py`` or ``engineering_api/domain/X/`` holds the area's operations, except for the
  areas of :data:`NO_DOMAIN_MODULE`, whose reasons say where their callers are; each of its ``OPERATIONS`` is
  registered by :func:`engineering_api.app.registry`;
- the contract suite (``tests/contract/``) calls a method of ``A``, so both adapters are held to the port.

A failure names each file that is missing or each attribute bound to a class from another module. The steps to add
an area are in ``docs/add-an-area.md``.
"""

from __future__ import annotations

import ast
import importlib
import re
from abc import ABC
from typing import TYPE_CHECKING

from engineering_api.backend.port import AREAS
from tools.layering import ROOT

if TYPE_CHECKING:
    from pathlib import Path

AREAS_DIR = ROOT / "engineering_api" / "backend" / "areas"

NO_DOMAIN_MODULE: dict[str, str] = {
    "program": "a service to other areas, with no routes of its own: blocks, blockgen, cross_references, "
               "history, online and source control import and export program objects through it",
    "runtime_values": "read by the runtime API (engineering_api/runtime/), a layer of its own with bearer sessions",
}
"""Areas without a ``domain/`` module of their own -> why, and where their operations are."""


def area_of(attribute: str) -> str:
    """The area an attribute of the port belongs to: the module name of its port ABC."""
    return AREAS[attribute].__module__.rpartition(".")[2]


def areas() -> dict[str, list[str]]:
    """Each area -> the attributes it holds, in the port's order."""
    held: dict[str, list[str]] = {}
    for attribute in AREAS:
        held.setdefault(area_of(attribute), []).append(attribute)
    return held


def adapter_bindings(backend: Path, package: str) -> dict[str, str]:
    """``self.A = Cls(...)`` in an adapter's backend module -> ``{A: the module Cls is imported from}``."""
    tree = ast.parse(backend.read_text(encoding="utf-8"))
    imported = {alias.asname or alias.name: node.module or ""
                for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
                for alias in node.names}
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)):
            continue
        for target in node.targets:
            if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
                    and target.attr in AREAS):
                bound[target.attr] = imported.get(node.value.func.id, f"{package}.backend")
    return bound


def test_each_area_holds_its_own_name() -> None:
    nameless = sorted(area for area, attributes in areas().items() if area not in attributes)
    assert nameless == [], (
        f"no port attribute is named after the area module engineering_api/backend/areas/{{{', '.join(nameless)}}}.py;"
        " name the module after the attribute it holds (docs/add-an-area.md)")


def unheld_ports() -> list[str]:
    """``module.py: XPort`` for each port ABC of ``backend/areas/`` (a class named ``…Port`` deriving from ``ABC``)
    that no attribute of :data:`AREAS` holds: a new area whose port is not in ``engineering_api/backend/port.py``."""
    held = set(AREAS.values())
    unheld = []
    for path in sorted(AREAS_DIR.glob("*.py")):
        module = importlib.import_module(f"engineering_api.backend.areas.{path.stem}")
        unheld += [f"{path.name}: {name}" for name, cls in vars(module).items()
                   if isinstance(cls, type) and cls.__module__ == module.__name__ and name.endswith("Port")
                   and ABC in cls.__bases__ and cls not in held]
    return unheld


def test_every_port_abc_is_held() -> None:
    unheld = unheld_ports()
    assert unheld == [], (
        "port ABCs of engineering_api/backend/areas/ that no area holds: add each to engineering_api/backend/port.py "
        "(the import, the entry in AREAS, the attribute on EngineeringBackend; docs/add-an-area.md step 2):\n"
        + "\n".join(unheld))


def test_helper_modules_of_the_port_are_named_after_their_area() -> None:
    known = areas().keys()
    unheld = {line.partition(":")[0] for line in unheld_ports()}  # a new area's module: test_every_port_abc_is_held
    strays = sorted(path.name for path in AREAS_DIR.glob("*.py")
                    if path.stem != "__init__" and path.stem not in known and path.name not in unheld
                    and not any(path.stem.startswith(f"{area}_") for area in known))
    assert strays == [], f"engineering_api/backend/areas/ modules of no area (name them <area>_<what>.py): {strays}"


def _misplaced(package: str, file_of: str) -> list[str]:
    """Each attribute whose adapter file is missing or whose held class comes from another module."""
    bound = adapter_bindings(ROOT / package / "backend.py", package)
    problems = []
    for attribute in AREAS:
        expected = file_of.format(attribute)
        module = f"{package}.{expected.removesuffix('.py')}"
        if not (ROOT / package / expected).is_file():
            problems.append(f"{package}/{expected} is missing (area attribute {attribute!r})")
        elif attribute not in bound:
            problems.append(f"{package}/backend.py does not set self.{attribute} (in the backend's __init__: "
                            f"self.{attribute} = <the area's class from {module}>(...))")
        elif bound.get(attribute) != module:
            problems.append(f"{package}/backend.py holds {attribute!r} from {bound.get(attribute)}, not {module}")
    return problems


def test_the_fake_holds_each_area_from_its_ops_module() -> None:
    problems = _misplaced("fakes", "{}_ops.py")
    assert not problems, "\n".join(problems)


def test_the_bridge_holds_each_area_from_its_module() -> None:
    problems = _misplaced("openness_bridge", "{}.py")
    assert not problems, "\n".join(problems)


def test_each_area_has_its_domain_module() -> None:
    domain = ROOT / "engineering_api" / "domain"
    missing = [f"engineering_api/domain/{area}.py (or {area}/)" for area in areas()
               if area not in NO_DOMAIN_MODULE
               and not (domain / f"{area}.py").is_file() and not (domain / area / "__init__.py").is_file()]
    assert not missing, "areas of the port without their domain module:\n" + "\n".join(missing)


def test_the_areas_without_a_domain_module_are_still_so() -> None:
    domain = ROOT / "engineering_api" / "domain"
    stale = [area for area in NO_DOMAIN_MODULE
             if area not in areas() or (domain / f"{area}.py").exists() or (domain / area).exists()]
    assert stale == [], f"remove these from NO_DOMAIN_MODULE: {stale}"


def test_the_checks_see_every_area() -> None:
    """The readers above find what they check: a binding for every attribute in both adapters."""
    for package in ("fakes", "openness_bridge"):
        assert adapter_bindings(ROOT / package / "backend.py", package).keys() == AREAS.keys()
    assert areas()["tags"] == ["tags", "tag_constants", "tag_import"]


def test_each_area_domain_module_is_registered() -> None:
    from engineering_api.app import registry

    registered = registry()
    unregistered = []
    for area in areas():
        if area in NO_DOMAIN_MODULE:
            continue
        module = importlib.import_module(f"engineering_api.domain.{area}")
        unregistered += [f"{area}: {operation.name}" for operation in getattr(module, "OPERATIONS", ())
                         if registered.get(operation.name) is not operation]
    assert not unregistered, ("operations of an area's domain module missing from engineering_api.app.registry() "
                              "(add its OPERATIONS there):\n" + "\n".join(unregistered))


def test_the_contract_suite_calls_each_area() -> None:
    suite = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests" / "contract").glob("test_*.py"))
    untested = [f"backend.{attribute}: add tests/contract/test_{area_of(attribute)}_contract.py"
                for attribute in AREAS if not re.search(rf"\.{attribute}\.[a-z_]+\(", suite)]
    assert not untested, "areas no contract test calls:\n" + "\n".join(untested)
