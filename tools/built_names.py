"""The .NET names the bridge builds at run time, resolved statically: the member name of ``getattr(obj, name)``,
``hasattr``/``setattr``, and the type or member a version gate (``require_member``/``has_member``) is given in a
variable.

A name expression resolves to the strings it may be: a constant; ``a if c else b``; a module constant, or a value
of a module (or class) table of strings, dict or tuple, ``TABLE[key]`` and ``TABLE.get(key, default)`` (an imported
table followed to its module); a local assigned one of those, or bound by ``for x in ("A", "B")`` (or a table's
``.items()``); a function's parameter, by every call of that function in the bridge (positional or keyword).
:data:`UNRESOLVED` lists, with the reason, each expression whose value comes from the running API instead; any
other expression that does not resolve is reported by :func:`built_sites` as unresolved, so a new one cannot go
unchecked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

__all__ = ("BOUND_ELSEWHERE", "GATES", "NOT_OPENNESS", "UNRESOLVED", "BuiltSite", "NameResolver", "built_sites")

ROOT = Path(__file__).resolve().parents[1]

NOT_OPENNESS = {
    "assembly_metadata.py": "reads the real assemblies' metadata tables with dnfile (dnfile's attributes, no .NET)",
    "backend.py": "forwards a port method to the Python object the session holds (Python attributes, no .NET)",
}
"""Bridge modules whose ``getattr`` names are Python attributes, not names of the Openness API."""

BOUND_ELSEWHERE = {
    ("hmi_unified.py", "_create_screen", "item.type"): "engineering_api.rules.hmi_unified.SCREEN_ITEM_TYPES",
    ("online.py", "_answers", "choices.alarm_text_libraries"):
        "engineering_api.backend.areas.online.DownloadChecks.alarm_text_libraries",
    ("online.py", "_answers", "choices.data_block_reinitialization"):
        "engineering_api.backend.areas.online.DownloadChecks.data_block_reinitialization",
    ("project_opening.py", "fill", "credentials.user_type"):
        "engineering_api.backend.models.ProjectCredentials.user_type",
    ("security.py", "run", "level"): "engineering_api.rules.cpu_protection.LEVELS",
    ("security.py", "run", "gone"): "engineering_api.rules.cpu_protection.LEVELS",
    ("security.py", "run", "lv"): "engineering_api.rules.cpu_protection.LEVELS",
}
"""(module, function, expression) -> where its values are written outside the bridge: a module's tuple of strings
(``module.NAME``) or a ``Literal[...]`` field of a port model (``module.Class.field``); the port checks a caller's
value against it before the bridge sees it."""

UNRESOLVED = {
    ("hmi_unified.py", "_add_events", "event.event"):
        "an event named by an exchange document, looked up with a default (a missing one is refused, not raised)",
    ("plcsim.py", "enum", "name"):
        "an enum value the caller gives: tests/bridge/test_built_names.py checks the constants passed to enum()",
    ("portal_events.py", "watch", "name"):
        "TiaPortal's events, paired with their handlers in watch (Authentication gated): test_api_reference.py "
        "checks that V19's TiaPortal has exactly these four events",
    ("portal_events.py", "release", "name"):
        "the event names a subscription recorded in watch (above)",
    ("portal_events.py", "_on_confirmation", "answer"):
        "a ConfirmationResult value chosen among the ones TIA offers in the event (read from e.Choices)",
    ("sim_tags.py", "_plain", "primitive"):
        "an SDataValue field named by the value's own Type (the running API's EPrimitiveDataType), with a default",
    ("sim_tags.py", "_sim_write_one", "primitive"):
        "an SDataValue field named by the current value's Type (the running API's EPrimitiveDataType)",
}
"""(module, function, expression as ``ast.unparse`` writes it) -> why its value is not known before run time."""

_ACCESSORS = frozenset({"getattr", "hasattr", "setattr"})
GATES = frozenset({"require_member", "has_member"})
"""The version gates of :mod:`openness_bridge.api_reference`: a function that calls one for a member may use it."""
_DEPTH = 8


@dataclass(frozen=True, slots=True)
class BuiltSite:
    """One name built at run time: ``values`` the strings it may be (None: unresolved), ``role`` ``member`` (a
    ``getattr`` name or a gate's member) or ``type`` (a gate's type); ``guarded`` for a ``getattr`` with a default,
    ``hasattr`` or a gate; for a gate's site, ``gate_type`` and ``gate_member`` the pairs it gates."""

    file: str
    line: int
    function: str
    expression: str
    values: frozenset[str] | None
    role: str
    guarded: bool = False
    gate_type: frozenset[str] = frozenset()
    gate_member: frozenset[str] = frozenset()
    assigned: bool = False
    """Whether the site assigns the member (``setattr``): the real property must have a setter."""


class _Module:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents: dict[int, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        current = self.parents.get(id(node))
        while current is not None and not isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
            current = self.parents.get(id(current))
        return current

    @cached_property
    def top_level(self) -> dict[str, ast.expr]:
        """Module and class level ``NAME = value`` (annotated too), by name."""
        found: dict[str, ast.expr] = {}
        owners: list[ast.Module | ast.ClassDef] = [self.tree, *(n for n in self.tree.body
                                                                 if isinstance(n, ast.ClassDef))]
        for owner in owners:
            for node in owner.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    found[node.targets[0].id] = node.value
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                    found[node.target.id] = node.value
        return found

    @cached_property
    def imports(self) -> dict[str, tuple[str, str]]:
        """Names imported ``from module import name``: name -> (module, name)."""
        return {alias.asname or alias.name: (node.module, alias.name) for node in ast.walk(self.tree)
                if isinstance(node, ast.ImportFrom) and node.module for alias in node.names}


class NameResolver:
    """The strings a name expression of the bridge (``folder``'s modules) may be."""

    def __init__(self, folder: Path) -> None:
        self.modules = {p.name: _Module(p) for p in sorted(folder.glob("*.py"))}
        self._others: dict[str, _Module | None] = {}
        self._visiting: set[tuple[int, int]] = set()
        self._calls: dict[str, list[tuple[_Module, ast.Call]]] = {}
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call):
                    callee = node.func.id if isinstance(node.func, ast.Name) else (
                        node.func.attr if isinstance(node.func, ast.Attribute) else "")
                    self._calls.setdefault(callee, []).append((module, node))

    def _module_named(self, dotted: str) -> _Module | None:
        if dotted not in self._others:
            path = ROOT.joinpath(*dotted.split(".")).with_suffix(".py")
            self._others[dotted] = _Module(path) if path.is_file() else None
        return self._others[dotted]

    def resolve(self, module: _Module, node: ast.expr, depth: int = 0) -> frozenset[str] | None:
        """The strings ``node`` (in ``module``) may be, or None when some value is not known statically."""
        if depth > _DEPTH:
            return None
        function = module.enclosing(node)
        elsewhere = BOUND_ELSEWHERE.get((module.path.name, function.name if function else "", ast.unparse(node)))
        if elsewhere is not None:
            return self.values_at(elsewhere)
        if isinstance(node, ast.Constant):
            return frozenset({node.value}) if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return self._formatted(module, node, depth)
        if isinstance(node, ast.IfExp):
            return _union(self.resolve(module, node.body, depth + 1), self.resolve(module, node.orelse, depth + 1))
        if isinstance(node, ast.Subscript):
            return self._values_of_table(module, node.value, depth)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and len(node.args) == 2):
            return _union(self._values_of_table(module, node.func.value, depth),
                          self.resolve(module, node.args[1], depth + 1))
        if isinstance(node, ast.Name):
            return self._name(module, node, depth)
        return None

    def _formatted(self, module: _Module, node: ast.JoinedStr, depth: int) -> frozenset[str] | None:
        """Every string an f-string may give: each combination of its parts' values (a format spec: unresolved)."""
        results: frozenset[str] | None = frozenset({""})
        for part in node.values:
            if isinstance(part, ast.FormattedValue) and part.format_spec is None and part.conversion == -1:
                values = self.resolve(module, part.value, depth + 1)
            elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                values = frozenset({part.value})
            else:
                values = None
            if values is None or results is None:
                return None
            results = frozenset(head + tail for head in results for tail in values)
        return results

    def values_at(self, dotted: str) -> frozenset[str] | None:
        """The strings ``module.NAME`` (a tuple of them) or ``module.Class.field`` (its ``Literal[...]``) holds."""
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self._module_named(".".join(parts[:cut]))
            if module is None:
                continue
            if len(parts) - cut == 1:
                return self._values_of_table(module, ast.Name(parts[-1]), 0)
            owner = next((c for c in module.tree.body if isinstance(c, ast.ClassDef) and c.name == parts[cut]), None)
            field = next((f for f in owner.body if isinstance(f, ast.AnnAssign) and isinstance(f.target, ast.Name)
                          and f.target.id == parts[-1]), None) if owner is not None else None
            literal = field.annotation if field is not None else None
            if isinstance(literal, ast.Subscript) and ast.unparse(literal.value).endswith("Literal"):
                elements = literal.slice.elts if isinstance(literal.slice, ast.Tuple) else [literal.slice]
                return _union_all(self.resolve(module, e) for e in elements)
            return None
        return None

    def _table(self, module: _Module, node: ast.expr, depth: int) -> tuple[_Module, ast.expr] | None:
        """The literal table ``node`` is or names (``TABLE``, ``self.TABLE``, an imported one), with its module."""
        if isinstance(node, ast.Dict | ast.Tuple | ast.List | ast.Set):
            return module, node
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1
                and node.func.id in {"frozenset", "set", "tuple", "list"}):
            return self._table(module, node.args[0], depth)  # frozenset({...}): the literal it copies
        name = node.attr if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) else (
            node.id if isinstance(node, ast.Name) else None)
        if name is None:
            return None
        if isinstance(node, ast.Name):
            local = self._local_literal(module, node)
            if local is not None:
                return module, local
        if name in module.top_level:
            value = module.top_level[name]
            return self._table(module, value, depth + 1) if isinstance(value, ast.Call) else (module, value)
        if name in module.imports and depth <= _DEPTH:
            source, original = module.imports[name]
            other = self._module_named(source)
            if other is not None:
                return self._table(other, ast.Name(original), depth + 1)
        return None

    @staticmethod
    def _local_literal(module: _Module, node: ast.Name) -> ast.expr | None:
        """The literal table a local variable of the enclosing function is assigned, if that is its one binding."""
        function = module.enclosing(node)
        if function is None:
            return None
        values = [a.value for a in ast.walk(function) if isinstance(a, ast.Assign | ast.AnnAssign)
                  and any(isinstance(t, ast.Name) and t.id == node.id
                          for t in (a.targets if isinstance(a, ast.Assign) else [a.target]))]
        if len(values) == 1 and isinstance(values[0], ast.Dict | ast.Tuple | ast.List | ast.Set):
            return values[0]
        return None

    def _values_of_table(self, module: _Module, node: ast.expr, depth: int, position: int | None = None
                         ) -> frozenset[str] | None:
        found = self._table(module, node, depth)
        if found is None:
            return None
        owner, table = found
        values = table.values if isinstance(table, ast.Dict) else (
            table.elts if isinstance(table, ast.Tuple | ast.List | ast.Set) else None)
        if values is None:
            return None
        if position is not None:
            values = [v.elts[position] if isinstance(v, ast.Tuple) and len(v.elts) > position else v for v in values]
        result: frozenset[str] | None = frozenset()
        for value in values:
            result = _union(result, self.resolve(owner, value, depth + 1))
        return result

    def _name(self, module: _Module, node: ast.Name, depth: int) -> frozenset[str] | None:
        function = module.enclosing(node)
        while function is not None:
            bound = self._bound_in(module, function, node.id, depth)
            if not isinstance(bound, _Unbound):
                return bound
            function = module.enclosing(function)
        if node.id in module.top_level:
            return self.resolve(module, module.top_level[node.id], depth + 1)
        found = self._table(module, node, depth)
        return self.resolve(found[0], found[1], depth + 1) if found is not None else None

    def _bound_in(self, module: _Module, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, depth: int
                  ) -> frozenset[str] | None | _Unbound:
        """What ``name`` is bound to in ``function`` (a parameter, an assignment, a loop), or an _Unbound."""
        parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)]
        if name in parameters:
            return self._arguments(function, parameters.index(name), name, depth)
        result: frozenset[str] | None = frozenset()
        bound = False
        for node in ast.walk(function):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name) and target.id == name:
                        bound, result = True, _union(result, self.resolve(module, node.value, depth + 1))
                    elif isinstance(target, ast.Tuple) and _position(target, name) is not None:
                        bound = True
                        result = _union(result, self._element(module, node.value, _position(target, name), depth))
            elif isinstance(node, ast.For | ast.comprehension):
                target, iterable = node.target, node.iter
                if isinstance(target, ast.Name) and target.id == name:
                    bound, result = True, _union(result, self._iterated(module, iterable, None, depth))
                elif isinstance(target, ast.Tuple) and _position(target, name) is not None:
                    bound = True
                    result = _union(result, self._iterated(module, iterable, _position(target, name), depth))
        return result if bound else _Unbound()

    def _element(self, module: _Module, value: ast.expr, position: int | None, depth: int) -> frozenset[str] | None:
        """Element ``position`` of a tuple ``value`` (a literal, or ``TABLE[key]`` of a table of tuples)."""
        if position is None:
            return None
        if isinstance(value, ast.Tuple) and len(value.elts) > position:
            return self.resolve(module, value.elts[position], depth + 1)
        if isinstance(value, ast.Subscript):
            table = value.value
            if isinstance(table, ast.Dict):
                return _union_all(self._element(module, v, position, depth) for v in table.values)
            return self._values_of_table(module, table, depth, position)
        return None

    def _iterated(self, module: _Module, iterable: ast.expr, position: int | None, depth: int
                  ) -> frozenset[str] | None:
        """What a loop over ``iterable`` binds (element ``position`` of each item when it unpacks)."""
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and not iterable.args:
            if iterable.func.attr == "keys" or (iterable.func.attr == "items" and position == 0):
                found = self._table(module, iterable.func.value, depth)
                if found is not None and isinstance(found[1], ast.Dict):
                    return _union_all(self.resolve(found[0], k, depth + 1) for k in found[1].keys if k is not None)
            return None
        if isinstance(iterable, ast.Tuple | ast.List | ast.Set):
            if position is None:
                return _union_all(self.resolve(module, e, depth + 1) for e in iterable.elts)
            return _union_all(self._element(module, e, position, depth) for e in iterable.elts)
        return None

    def _arguments(self, function: ast.FunctionDef | ast.AsyncFunctionDef, index: int, name: str, depth: int
                   ) -> frozenset[str] | None:
        """The values every call of ``function`` in the bridge passes for its parameter ``index`` (``name``)."""
        key = (id(function), index)
        if key in self._visiting:
            return frozenset()  # a recursive call passes the parameter on: it adds no value of its own
        self._visiting.add(key)
        try:
            return self._passed(function, index, name, depth)
        finally:
            self._visiting.discard(key)

    def _passed(self, function: ast.FunctionDef | ast.AsyncFunctionDef, index: int, name: str, depth: int
                ) -> frozenset[str] | None:
        """The union of what each call passes (a call that leaves the parameter out, its default)."""
        calls = self._calls.get(function.name, [])
        method = bool(function.args.args) and function.args.args[0].arg in {"self", "cls"}
        result: frozenset[str] | None = frozenset()
        for module, call in calls:
            keyword = next((k.value for k in call.keywords if k.arg == name), None)
            position = index - method
            argument = keyword if keyword is not None else (
                call.args[position] if 0 <= position < len(call.args) else None)
            if argument is None:
                default = _default(function, index)
                if default is None:
                    continue  # a call of another function of that name, or one that leaves it out
                argument = default
            if isinstance(argument, ast.Starred):
                return None
            result = _union(result, self.resolve(module, argument, depth + 1))
        return result if calls and result else None


class _Unbound:
    """A name a function does not bind (looked up in the enclosing scope next)."""


def _position(target: ast.Tuple, name: str) -> int | None:
    return next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name), None)


def _default(function: ast.FunctionDef | ast.AsyncFunctionDef, index: int) -> ast.expr | None:
    positional = [*function.args.posonlyargs, *function.args.args]
    offset = len(positional) - len(function.args.defaults)
    return function.args.defaults[index - offset] if offset <= index < len(positional) else None


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b


def _union_all(parts: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    result: frozenset[str] | None = frozenset()
    for part in parts:
        result = _union(result, part)
    return result


def built_sites(folder: Path, resolver: NameResolver | None = None) -> list[BuiltSite]:
    """Every name ``folder``'s bridge modules build: ``getattr``/``hasattr``/``setattr`` with a non-constant name,
    and a version gate given its type or member in a variable, each with the values it resolves to."""
    resolver = resolver or NameResolver(folder)
    sites: list[BuiltSite] = []
    for file, module in resolver.modules.items():
        if file in NOT_OPENNESS:
            continue
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else "")
            function = module.enclosing(node)
            where = function.name if function is not None else "<module>"
            if callee in _ACCESSORS and len(node.args) >= 2 and not isinstance(node.args[1], ast.Constant):
                sites.append(BuiltSite(file, node.lineno, where, ast.unparse(node.args[1]),
                                       resolver.resolve(module, node.args[1]), "member",
                                       guarded=callee == "hasattr" or (callee == "getattr" and len(node.args) == 3),
                                       assigned=callee == "setattr"))
            elif callee in GATES and len(node.args) >= 3 and not all(isinstance(a, ast.Constant)
                                                                       for a in node.args[1:3]):
                types, members = (resolver.resolve(module, a) for a in node.args[1:3])
                for role, argument, values in (("type", node.args[1], types), ("member", node.args[2], members)):
                    if not isinstance(argument, ast.Constant):
                        sites.append(BuiltSite(file, node.lineno, where, ast.unparse(argument), values, role,
                                               guarded=True, gate_type=types or frozenset(),
                                               gate_member=members or frozenset()))
    return sites
