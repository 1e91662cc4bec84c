"""What the bridge's Python names of the Openness API, read with ``ast`` (no Mono, no pythonnet).

* ``members``: every ``obj.Name`` (a capitalised attribute: .NET members; the bridge's own are snake_case), with
  whether that use is guarded: inside ``getattr(obj, "Name", default)``/``hasattr``, or in a function that calls
  ``require_member(..., "Type", "Name", ...)`` (the version gate of :mod:`openness_bridge.api_reference`).
* built names: every name :mod:`tools.built_names` resolves for a ``getattr``/``hasattr``/``setattr`` given a
  variable, one use per value it may be (guarded likewise); a gate given its member in a variable gates each value.
* ``namespaced``: every (namespace string, type name) pair: ``namespace("Siemens...").Type``,
  ``getattr(namespace("Siemens..."), "Type")``, ``importlib.import_module(CONSTANT)`` likewise, and a local
  variable bound to one of those and then dotted.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tools.built_names import GATES, BuiltSite, NameResolver, built_sites

__all__ = ("Use", "bridge_uses")


@dataclass(frozen=True)
class Use:
    """One name the bridge uses: ``namespace`` is set for a (namespace, type) pair."""

    file: str
    line: int
    name: str
    namespace: str = ""
    guarded: bool = False
    assigned: bool = False
    """Whether the use assigns the member (``obj.Name = value``): the real property must have a setter."""
    gates: frozenset[tuple[str, str]] = frozenset()
    """The (type, member) pairs the enclosing functions gate before the use: where one is absent from a version, the
    gate refuses there and the use is not reached."""


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _namespace_of(node: ast.AST, constants: dict[str, str], bound: dict[str, str]) -> str:
    """The ``Siemens...`` namespace ``node`` evaluates to (a call given one, or a variable bound to one), or ''."""
    if isinstance(node, ast.Name):
        return bound.get(node.id, "")
    if isinstance(node, ast.Call) and node.args:
        arg = node.args[0]
        value = arg.value if isinstance(arg,
                                        ast.Constant) else constants.get(arg.id,
                                                                         "") if isinstance(arg, ast.Name) else ""
        if isinstance(value, str) and value.startswith("Siemens.Engineering"):
            return value
    return ""


def _gate_pairs(function: ast.FunctionDef | ast.AsyncFunctionDef, built: list[BuiltSite]) -> set[tuple[str, str]]:
    """The (type, member) pairs a function gates with ``require_member``/``has_member(version, "Type", "Member",
    ...)``, each a constant or a variable :mod:`tools.built_names` resolves (``built``: the module's sites)."""
    pairs = set()
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in GATES
                and len(node.args) >= 3):
            type_name, member = node.args[1], node.args[2]
            if isinstance(type_name, ast.Constant) and isinstance(member, ast.Constant):
                pairs.add((str(type_name.value), str(member.value)))
    lines = range(function.lineno, (function.end_lineno or function.lineno) + 1)
    for site in built:
        if site.line in lines and site.function == function.name:
            pairs |= {(t, m) for t in site.gate_type for m in site.gate_member}
    return pairs


def _file_uses(path: Path, built: list[BuiltSite]) -> list[Use]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    uses: list[Use] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    owner: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for function in functions:  # innermost function wins: nested ones are walked later
        for node in ast.walk(function):
            owner[id(node)] = function
    gates = {id(f): _gate_pairs(f, built) for f in functions}
    for function in functions:  # a nested function runs after its enclosing ones' gates
        for nested in ast.walk(function):
            if nested is not function and isinstance(nested, ast.FunctionDef | ast.AsyncFunctionDef):
                gates[id(nested)] |= gates[id(function)]
    bound: dict[str, str] = {}
    stored = {id(n) for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            namespace = _namespace_of(node.value, constants, {})
            if namespace:
                bound[node.targets[0].id] = namespace
    for node in ast.walk(tree):
        enclosing = owner.get(id(node))
        pairs = frozenset(gates.get(id(enclosing), ())) if enclosing is not None else frozenset()
        gated = {member for _, member in pairs}
        if isinstance(node, ast.Attribute) and node.attr[:1].isupper():
            namespace = _namespace_of(node.value, constants, bound)
            uses.append(Use(path.name, node.lineno, node.attr, namespace, node.attr in gated, id(node) in stored,
                            pairs))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"getattr", "hasattr"}
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str)):
            name = node.args[1].value
            if name[:1].isupper():
                namespace = _namespace_of(node.args[0], constants, bound)
                guarded = node.func.id == "hasattr" or len(node.args) == 3 or name in gated
                uses.append(Use(path.name, node.lineno, name, namespace, guarded, gates=pairs))
    for site in built:
        if site.role != "member" or site.gate_member:
            continue  # a gate's own member is what it guards, not a use
        enclosing = next((f for f in functions if f.name == site.function and f.lineno <= site.line
                          <= (f.end_lineno or f.lineno)), None)
        pairs = frozenset(gates.get(id(enclosing), ())) if enclosing is not None else frozenset()
        uses.extend(Use(path.name, site.line, value, guarded=site.guarded or value in {m for _, m in pairs},
                        assigned=site.assigned, gates=pairs)
                    for value in sorted(site.values or ()) if value[:1].isupper())
    return uses


@cache
def bridge_uses(folder: Path) -> tuple[Use, ...]:
    """The uses in every ``*.py`` module directly in ``folder`` (the bridge, not its stand-in package), literal and
    built (:func:`tools.built_names.built_sites`); read once a process (each version's check and the page share
    them)."""
    sites = built_sites(folder, NameResolver(folder))
    return tuple(use for path in sorted(folder.glob("*.py"))
                 for use in _file_uses(path, [s for s in sites if s.file == path.name]))
