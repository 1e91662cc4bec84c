"""No module imports itself back: the import circles of the whole tree, found on its imports.

The tree is the four packages, the tools, the bench scripts and the tests (their helpers, conftests and test
modules). Every import counts (top level, inside a function, under ``TYPE_CHECKING``): a circle that only a lazy
import keeps from failing at start-up still ties the modules together for a reader. None is left: a new circle fails
(break it by moving the shared piece down: types to their own module, registries at the bottom).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tools.layering import ROOT

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ()

TREE = ("engineering_api", "fakes", "openness_bridge", "simatic_xml", "tools", "bench", "tests")
SCRIPT_FOLDERS = ("bench",)
"""Folders of scripts run by path: a script's folder is first on ``sys.path``, so it imports a sibling by its bare
name (``from benchlib import ...``)."""


def _modules(root: Path, tree: tuple[str, ...]) -> dict[str, Path]:
    """Every module of ``tree`` (folders of ``root``) by its dotted name from ``root``."""
    found: dict[str, Path] = {}
    for folder in tree:
        for path in (root / folder).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours that ``name`` (a module, or a name inside one) is read from."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported(name: str, path: Path) -> list[str]:
    """The absolute names ``path`` (the module ``name``) imports: ``a.b`` for ``import a.b``, ``a.b.c`` for
    ``from a.b import c``, relative imports resolved."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            targets += [f"{base}.{alias.name}" for alias in node.names]
    return targets


def _packages_above(name: str) -> set[str]:
    """The packages ``name`` is inside (``a.b.c``: ``a.b`` and ``a``)."""
    return {name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1)}


def _graph(modules: dict[str, Path], script_folders: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """Each module -> the modules of ours it imports (a script's bare name resolved in its own folder), with the
    packages' ``__init__`` modules each import runs first (``from a.b.c import x`` runs ``a.b`` first: a circle
    through a package's ``__init__`` fails at import as any other does)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        folder = name.rpartition(".")[0]
        as_script = folder in script_folders
        # the packages above the importer are imported, or being imported, before it runs: no edge to them
        already_run = _packages_above(name) | {name}
        for target in _imported(name, path):
            owner = _owner(target, modules)
            if owner is None and as_script:
                owner = _owner(f"{folder}.{target}", modules)
            if owner is not None and owner != name:
                graph[name].add(owner)
                graph[name] |= {package for package in _packages_above(owner) - already_run if package in modules}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def circles_in(root: Path, tree: tuple[str, ...] = TREE,
               script_folders: tuple[str, ...] = SCRIPT_FOLDERS) -> list[list[str]]:
    """The import circles among the modules of ``tree`` under ``root``, each as its sorted module names."""
    return sorted(sorted(circle) for circle in _circles(_graph(_modules(root, tree), script_folders)))


def test_no_import_circle_in_the_tree() -> None:
    circles = circles_in(ROOT)
    assert circles == [], (
        f"import circles: {circles}; break each by moving the piece both sides need into a module of its own "
        "(or down to the module it belongs to), which both import")


def test_the_finder_sees_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset({"a", "b", "c"})]


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_planted_circle_fails(tmp_path: Path) -> None:
    """A tree of its own: a circle through a function's import, a relative import and a package's ``__init__``
    is found; the module importing into it from outside is not part of it."""
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import thing\n",
        "pkg/b.py": "def thing():\n    from .sub import helper\n    return helper\n",
        "pkg/sub/__init__.py": "from pkg import a\nhelper = a\n",
        "pkg/c.py": "import pkg.a\n",
        "tools/__init__.py": "",
        "tools/x.py": "from tools import y\n",
        "tools/y.py": "from tools.z import Z\n",
        "tools/z.py": "Z = 1\n",
    })
    assert circles_in(tmp_path, ("pkg", "tools"), ()) == [["pkg.a", "pkg.b", "pkg.sub"]]


def test_a_circle_through_a_package_run_first_fails(tmp_path: Path) -> None:
    """``from pkg.sub.deep import x`` runs ``pkg.sub``'s ``__init__`` first: a circle through it is found (a
    fresh clone's run met one: rules.watch_operands -> rules.compiler's ``__init__`` -> ... -> watch_operands);
    a module inside the package importing its sibling by the full name is no circle."""
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/user.py": "from pkg.sub.deep import x\n",
        "pkg/sub/__init__.py": "from pkg.sub.front import y\n",
        "pkg/sub/front.py": "from pkg.user import z\n",
        "pkg/sub/deep.py": "x = 1\n",
        "pkg/sub/inside.py": "from pkg.sub.deep import x\n",
    })
    assert circles_in(tmp_path, ("pkg",), ()) == [["pkg.sub", "pkg.sub.front", "pkg.user"]]


def test_a_planted_circle_between_scripts_fails(tmp_path: Path) -> None:
    """Scripts of a script folder import each other by bare name: a circle among them is found there, and only
    there (the same bare names elsewhere are somebody else's modules)."""
    _write(tmp_path, {
        "bench/first.py": "import second\n",
        "bench/second.py": "from first import run\n",
        "tests/__init__.py": "",
        "tests/third.py": "import second\n",
    })
    assert circles_in(tmp_path, ("bench", "tests"), ("bench",)) == [["bench.first", "bench.second"]]
    assert circles_in(tmp_path, ("bench", "tests"), ()) == []


def test_the_tree_is_read_whole() -> None:
    """Each folder of the tree holds modules the finder reads: a renamed folder would silently leave the check."""
    modules = _modules(ROOT, TREE)
    assert all(any(name.split(".")[0] == folder for name in modules) for folder in TREE)
    assert "tools.architecture" in modules and "tests.conftest" in modules and "bench.benchlib" in modules
