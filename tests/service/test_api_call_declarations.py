"""Every API call is declared once, and a newcomer who adds one is told which file they forgot.

docs/add-an-api-call.md is the how-to; each test here names the file its failure points to.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import importlib
import inspect
import pkgutil
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import engineering_api
from engineering_api.app import registry
from engineering_api.lib.schema import CamelStruct
from engineering_api.jobs.operations import CallRoute, Operation, OperationRegistry, RouteSpec, served_by_its_route
from engineering_api.mcp.tools import ToolCatalog
from engineering_api.runtime.actions import KEY_ROLE_FOR, RUNTIME_OPERATIONS
from engineering_api.runtime.call_routes import declared
from engineering_api.runtime.users import RuntimeRole

ROOT = Path(__file__).resolve().parents[2]
HOW_TO = ROOT / "docs" / "add-an-api-call.md"
ROUTES_PAGE = ROOT / "docs" / "routes.md"

HAND_WRITTEN: dict[str, int] = {
    # A module whose routes cannot be operations says why at each declaration (a stream, a page, a file).
    "engineering_api.runtime.routes": 3,  # login, logout, the current user: the token's own session
    "engineering_api.runtime.event_routes": 3,  # subscriptions: create, stream (SSE), end
    "engineering_api.runtime.connection_routes": 1,  # a project PLC's tags: the engineering session
    "engineering_api.push.routes": 5,  # SignalR 2 long polling: a transport protocol with its own bodies
    "engineering_api.domain.health": 1,  # a catalog article's image
    "engineering_api.domain.assistant.routes": 2,  # the chat: a stream when asked, its own Idempotency-Key
    "engineering_api.domain.files": 2,  # file download and upload
    "engineering_api.domain.hmi_render": 1,  # an image
    "engineering_api.domain.testharness.junit": 1,  # a JUnit XML file
    "engineering_api.web.controllers": 5,  # job status, events (SSE), cancel, execute-sync over the registry
    "engineering_api.mcp.routes": 11,  # the MCP transports (streamable HTTP, SSE) and their configs
    "engineering_api.lib.metrics": 1,  # Prometheus text
    "engineering_api.swagger": 2,  # HTML and its assets
    "engineering_api.console.pages": 7,  # the web console's HTML pages
    "engineering_api.console.plc": 9,  # + the monitor's connect and download buttons (issue 72)
    "engineering_api.console.jobs": 5,
    "engineering_api.console.tests_page": 3,
    "engineering_api.console.auth": 2,
    "engineering_api.console.git_log": 3,  # + the diff's network drawn when opened
    "engineering_api.console.runtime_page": 2,
    "engineering_api.console.xref_page": 1,
    "engineering_api.console.tags_page": 2,  # the tag table and tag pages
}
"""Routes written by hand, by module: the ledger of what is not (or cannot be) declared as an operation. It may only
shrink; a new call is an operation (docs/add-an-api-call.md)."""

HAND_WRITTEN_CALLS: dict[str, int] = {
    # Inline calls whose routes are still written by hand, by module: a raw document, or a call only its route can
    # serve (served_by_its_route: it reads the request itself).
    # the models: an optional body, and a provider's failure answered 502 by its controller's exception handler
    "engineering_api.domain.assistant.routes": 1,
    "engineering_api.domain.compat": 1,  # the local key: the client's address and the Host
    "engineering_api.domain.system": 1,  # settings: the raw body and the Host
    "engineering_api.runtime.pulls.routes": 1,  # the webhook: a raw JSON or XML document
}
"""The ledger of inline calls (runtime and service calls) whose routes are not built from their declarations
(:func:`~engineering_api.web.call_routes.build_call_route`). It may only shrink: a new call names its
``built_route`` (docs/add-an-api-call.md)."""
BUILDER = "engineering_api.web.call_routes"
"""The module of the routes built from their declarations."""

FRAMEWORK = ("litestar.",)
"""Litestar's own routes: the OpenAPI document and static files."""


def _handler_module(handler: Any) -> str:
    fn = getattr(handler.fn, "func", handler.fn)  # sync_to_thread wraps the function
    return str(getattr(fn, "__module__", "?"))


def _serve_it(call: Operation[Any, Any]) -> str:
    """How the inline call ``call`` gets its route, and where that is."""
    declaration = "runtime_call(...)" if call.is_runtime_call else "service_call(...)"
    return (f"name built_route=CallRoute(...) in its {declaration} and its route is built from the declaration "
            "(engineering_api/web/call_routes.py); a route still written by hand takes **declared(name) (a runtime "
            "call, engineering_api/runtime/call_routes.py) or **declared_route(CALL)")


def _shape(path: str) -> str:
    """``/a/{b:int}/c/`` -> ``/a/{b}/c``."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", r"{\1}", path).rstrip("/") or "/"


@pytest.fixture(name="routes", scope="module")
def fx_routes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, Any]]:
    from engineering_api.app import create_app
    from engineering_api.config import Settings

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("calls")))
    return [(method, _shape(path), handler) for path, entry in app.route_handler_method_map.items()
            for method, handler in entry.items() if method not in ("OPTIONS", "HEAD")]


def test_every_route_is_an_operation_an_inline_call_or_in_the_hand_written_ledger(
        routes: list[tuple[str, str, Any]]) -> None:
    operations = registry()
    runtime: dict[tuple[str, str], Operation[Any, Any]] = {
        (c.route.method, c.route.path): c for c in (*operations.runtime_calls(), *operations.service_calls())
        if c.route is not None}
    hand_written: Counter[str] = Counter()
    hand_written_calls: Counter[str] = Counter()
    for method, path, handler in routes:
        module = _handler_module(handler)
        if handler.opt.get("operation") or module.startswith(FRAMEWORK):
            continue
        call = runtime.pop((method, path), None)
        if call is not None:
            assert handler.opt == call.route_options(), (
                f"{method} {path} is the inline call {call.name}: take its options from the declaration: "
                f"{_serve_it(call)} (docs/add-an-api-call.md)")
            if module != BUILDER:
                hand_written_calls[module] += 1
            continue
        hand_written[module] += 1
    grown_calls = {m: n for m, n in hand_written_calls.items() if n > HAND_WRITTEN_CALLS.get(m, 0)}
    assert not grown_calls, (f"new hand-written routes of inline calls in {grown_calls}: name the call's "
                             "built_route=CallRoute(...) in its declaration instead (docs/add-an-api-call.md)")
    assert dict(hand_written_calls) == HAND_WRITTEN_CALLS, (
        "routes of inline calls were built from their declarations: shrink HAND_WRITTEN_CALLS to match")
    assert not runtime, "inline calls whose declared route nothing serves: " + "; ".join(
        f"{m} {p} ({call.name}): {_serve_it(call)}" for (m, p), call in sorted(runtime.items())
    ) + " (docs/add-an-api-call.md)"
    grown = {m: n for m, n in hand_written.items() if n > HAND_WRITTEN.get(m, 0)}
    assert not grown, (f"new hand-written routes in {grown}: declare the call as an Operation and add it to "
                       "engineering_api/app.py's registry (docs/add-an-api-call.md)")
    assert dict(hand_written) == HAND_WRITTEN, "routes were folded into operations: shrink HAND_WRITTEN to match"


def test_no_route_handler_is_wrapped_for_a_thread_twice(routes: list[tuple[str, str, Any]]) -> None:
    """Litestar wraps a ``sync_to_thread`` handler each time another handler joins its path: wrapped twice, the route
    answers a coroutine (500). A hand-written route on a path a built route shares is a coroutine instead
    (docs/add-an-api-call.md)."""
    from litestar.utils.sync import AsyncCallable

    twice = sorted(f"{method} {path}" for method, path, handler in routes
                   if isinstance(getattr(handler.fn, "func", None), AsyncCallable))
    assert not twice, f"routes whose sync_to_thread handler was wrapped twice (make them coroutines): {twice}"


def _declared_in_modules() -> dict[str, list[Operation[Any, Any]]]:
    """Operations with a route that a module of engineering_api holds at its top level (alone, or in a tuple or list
    such as its ``OPERATIONS`` or ``CALLS``), by module. An operation without a route (an image a hand-written route
    answers) is left out."""
    found: dict[str, list[Operation[Any, Any]]] = {}
    for info in pkgutil.walk_packages(engineering_api.__path__, "engineering_api."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            for item in value if isinstance(value, (tuple, list)) else (value,):
                if isinstance(item, Operation) and any(True for _ in item.routes()):
                    found.setdefault(info.name, []).append(item)
    return found


def test_every_declared_operation_is_registered() -> None:
    """A module's ``OPERATIONS`` (or ``CALLS``) that ``registry()`` does not add serves nothing: no route, no tool."""
    registered = {id(op) for op in _all_operations()}
    stray = {module: sorted({op.name for op in ops if id(op) not in registered})
             for module, ops in _declared_in_modules().items()}
    stray = {module: names for module, names in stray.items() if names}
    assert not stray, (f"operations declared but not registered: {stray}; add the module's OPERATIONS (CALLS) to "
                       "registry() in engineering_api/app.py, and a module of runtime calls also to "
                       "engineering_api/runtime/call_routes.py (docs/add-an-api-call.md, step 2)")


def test_the_route_table_lists_every_declared_route() -> None:
    """docs/routes.md (step 5) is generated from the OpenAPI document; tests/lib/test_reference_pages.py checks it
    whole, this names the calls it lacks."""
    listed = set(re.findall(r"^\| (\w+) \| `([^`]+)` \|", ROUTES_PAGE.read_text(encoding="utf-8"), re.M))
    missing = sorted(f"{op.name} ({spec.method} {spec.path})" for op in _all_operations() for spec, _ in op.routes()
                     if (spec.method, spec.path) not in listed)
    assert not missing, f"docs/routes.md lacks {missing}: run make docs and commit docs/routes.md"


def _all_operations() -> list[Operation[Any, Any]]:
    operations = registry()
    return [*operations, *operations.runtime_calls(), *operations.service_calls()]


def test_every_operation_has_a_summary_and_a_section() -> None:
    missing = [op.name for op in _all_operations() if not op.summary.strip() or not op.section.strip()]
    assert not missing, f"operations without summary or section (the OpenAPI summary and docs/routes.md): {missing}"


def test_every_operation_is_an_mcp_tool_or_says_why_not() -> None:
    """The MCP decision is made at the declaration: every operation is a tool (engineering_api/mcp/tools.py,
    engineering_api/mcp/runtime_tools.py) unless its ``no_mcp_tool`` says why not."""
    operations = registry()
    served = {id(spec.operation) for spec in ToolCatalog(operations).tools() if spec.operation is not None}
    missing = [op.name for op in _all_operations() if id(op) not in served and not op.no_mcp_tool]
    assert not missing, f"operations that are no MCP tool and do not say why (no_mcp_tool): {missing}"
    leaked = [op.name for op in _all_operations() if id(op) in served and op.no_mcp_tool]
    assert not leaked, f"operations served as MCP tools although they say they are none: {leaked}"
    assert any(op.no_mcp_tool for op in operations.runtime_calls()), "the runtime's user calls are REST-only"


UNTESTED: frozenset[str] = frozenset({
    "blockgeneration.generate-graph-only", "blocks.snapshot.create",
})
"""Operations that no test names, by operation name, route or MCP tool name: the ledger may only shrink."""


UNKNOWN = "\x00"
"""Stands for a part of a built URL the gate cannot resolve (a test's variable): it may be any one path segment."""


def _module_constants(tree: ast.Module, imported: dict[str, str] | None = None) -> dict[str, str]:
    """The module's string constants by name: ``D = "/api/devices/PLC_1"`` (or ``A, B = "/a", "/b"``), and f-strings
    or sums made only of constants defined above them (``RT = f"{BASE}/runtime"``), after the ``imported`` ones (a
    helper module's constants, ``from tests.api.watch_plant import DEV``: :func:`imported_constants`)."""
    constants: dict[str, str] = dict(imported or {})
    for node in tree.body:
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            pairs.append((node.target, node.value))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
                pairs += zip(target.elts, value.elts, strict=True)
            else:
                pairs.append((target, value))
        for target, value in pairs:
            text = _text_of(value, constants) if isinstance(target, ast.Name) else None
            if isinstance(target, ast.Name) and text is not None and UNKNOWN not in text:
                constants[target.id] = text
    return constants


def _text_of(node: ast.expr, constants: dict[str, str]) -> str | None:
    """The text a string expression builds, with :data:`UNKNOWN` for each part that is no known constant; None for
    an expression that is no string."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                known = _text_of(value.value, constants) if value.format_spec is None else None
                parts.append(UNKNOWN if known is None else known)
            else:
                parts.append(_text_of(value, constants) or "")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text_of(node.left, constants), _text_of(node.right, constants)
        if left is None and right is None:
            return None
        return (UNKNOWN if left is None else left) + (UNKNOWN if right is None else right)
    return None


HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def _method_of_calls(tree: ast.Module) -> dict[int, str]:
    """The method a URL expression is sent with, by the expression's ``id``: ``client.post(url)``, or a call that
    names the method in a string argument (``run_job(client, "GET", url)``)."""
    methods: dict[int, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        method = node.func.attr.upper() if isinstance(node.func, ast.Attribute) else ""
        named = [str(arg.value) for arg in node.args if isinstance(arg, ast.Constant) and arg.value in HTTP_METHODS]
        method = method if method in HTTP_METHODS else named[0] if len(named) == 1 else ""
        if method:
            methods.update((id(arg), method) for arg in node.args)
    return methods


def imported_constants(sources: dict[Path, str]) -> dict[Path, dict[str, str]]:
    """For each test source, the string constants it imports by name from another module of ``tests/`` (the helper
    modules tests share: ``from tests.api.watch_plant import DEV, WT``), resolved in that module."""
    modules = {".".join(path.relative_to(ROOT).with_suffix("").parts): path for path in sources}
    own = {path: _module_constants(ast.parse(text)) for path, text in sources.items()}
    found: dict[Path, dict[str, str]] = {}
    for path, text in sources.items():
        names: dict[str, str] = {}
        for node in ast.parse(text).body:
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                helper = own[modules[node.module]]
                names.update({alias.asname or alias.name: helper[alias.name] for alias in node.names
                              if alias.name in helper})
        found[path] = names
    return found


def urls_built_in(source: str, imported: dict[str, str] | None = None) -> set[tuple[str, str]]:
    """Every string a test module writes or builds (literals, f-strings, sums), with its module-level string
    constants resolved (``f"{D}/tags/find"`` after ``D = "/api/devices/PLC_1"`` is ``/api/devices/PLC_1/tags/find``),
    the ``imported`` ones too, and the method it is sent with where a call says so (else ``""``: any)."""
    tree = ast.parse(source)
    constants = _module_constants(tree, imported)
    methods = _method_of_calls(tree)
    built = ((_text_of(node, constants), methods.get(id(node), "")) for node in ast.walk(tree)
             if isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Name)))
    return {(text, method) for text, method in built if text and "/" in text}


def _route_pattern(path: str) -> re.Pattern[str]:
    """A route's path as built by a test: each parameter any one segment, then the end, a query or a fragment."""
    return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/?#]+", re.escape(path)) + r"/?(?:[?#].*)?$")


def _built_by_tests(op: Operation[Any, Any], urls: set[tuple[str, str]]) -> bool:
    """Whether a test builds one of the operation's routes and sends it with the route's method (or one the gate
    cannot tell); a part it cannot resolve counts as a path parameter."""
    patterns = [(spec.method, _route_pattern(spec.path)) for spec, _ in op.routes()]
    return any(method in ("", sent) and pattern.match(url) for url, sent in urls for method, pattern in patterns)


def _named_in_tests(op: Operation[Any, Any], text: str) -> bool:
    tools = (op.name.replace(".", "_"), op.name.replace(".", "_").replace("-", "_"))
    if op.name in text or any(tool in text for tool in tools):
        return True
    for spec, _ in op.routes():
        # the path, or its tail after /api/<area> (a prefix the gate cannot resolve: a fixture's, a parameter's)
        tail = "/" + spec.path.split("/", 3)[-1] if spec.path.count("/") > 2 else spec.path
        for path in (spec.path, tail):
            if re.search(re.sub(r"\\\{[^}]*\\\}", r"[^\"'/ ]+", re.escape(path)), text):
                return True
    return False


@pytest.fixture(name="test_sources", scope="module")
def fx_test_sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in (ROOT / "tests").rglob("*.py")
            if p.name != Path(__file__).name}


def test_every_operation_is_called_by_a_test(test_sources: dict[Path, str]) -> None:
    text = "\n".join(test_sources.values())
    imported = imported_constants(test_sources)
    urls = {url for path, source in test_sources.items() for url in urls_built_in(source, imported[path])}
    untested = {op.name for op in _all_operations()
                if not _named_in_tests(op, text) and not _built_by_tests(op, urls)}
    new = sorted(untested - UNTESTED)
    assert not new, (f"operations no test calls: {new}; add a test under tests/api that calls it by its route (a "
                     "literal or an f-string; module-level string constants in it are resolved, as in "
                     "f\"{D}/tags/find\"), its operation name or its MCP tool name")
    tested_now = sorted(UNTESTED - untested)
    assert not tested_now, f"these are tested now: remove them from UNTESTED: {tested_now}"


def test_the_coverage_gate_resolves_how_tests_build_a_url() -> None:
    source = ('D = "/api/devices/PLC_1"\nRT: str = f"{D}/runtime"\nBASE = "/api" + "/projects"\n'
              'S, T = f"{D}/sim", "/api/tags"\n'
              'def test(client, name):\n    client.get(f"{D}/tags/find?name=x")\n    client.get(f"{RT}/alarms")\n'
              '    client.post(BASE + "/open")\n    client.get(f"{D}/blocks/{name}")\n    client.put(S)\n'
              '    run_job(client, "DELETE", T)\n')
    urls = urls_built_in(source)
    assert {("/api/devices/PLC_1/tags/find?name=x", "GET"), ("/api/devices/PLC_1/runtime/alarms", "GET"),
            ("/api/projects/open", "POST"), ("/api/devices/PLC_1/blocks/\x00", "GET"),
            ("/api/devices/PLC_1/runtime", ""), ("/api/devices/PLC_1/sim", "PUT"), ("/api/tags", "DELETE")} <= urls
    find = Operation(name="tags.find", summary="s", section="s", handler=served_by_its_route, input=None,
                     output=None, route=RouteSpec("GET", "/api/devices/{deviceName}/tags/find"), mutating=False)
    block = Operation(name="blocks.get", summary="s", section="s", handler=served_by_its_route, input=None,
                      output=None, route=RouteSpec("GET", "/api/devices/{deviceName}/blocks/{blockName}"),
                      mutating=False)
    assert _built_by_tests(find, urls) and _built_by_tests(block, urls)
    assert not _built_by_tests(find, {("/api/devices/PLC_1/tags/find-all", ""), ("/api/devices/tags/find", ""),
                                      ("/api/devices/PLC_1/tags/find", "POST")})


def test_runtime_calls_are_kept_apart_in_the_one_registry() -> None:
    operations = registry()
    unroutable = []
    for call in operations.runtime_calls():
        try:
            declared(call.name)
        except LookupError:
            unroutable.append(call.name)
    assert not unroutable, (f"runtime calls registered but unknown to engineering_api/runtime/call_routes.py, so no "
                            f"route can take their declaration: {unroutable}; add their module's operations to its "
                            "_CALLS (docs/add-an-api-call.md)")
    # execute-sync, discovery and the derived routes read get() and iteration: never a runtime call
    assert operations.get("runtime.tags.write") is None
    assert not any(op.is_runtime_call for op in operations)
    for call in operations.runtime_calls():
        assert call.runtime_role is not None
        assert call.required_role is KEY_ROLE_FOR[RuntimeRole(call.runtime_role)], call.name
        assert (call.auth == "apiKey") == (call.runtime_role == RuntimeRole.ADMIN.value), call.name
        assert call.destructive == (call.preview is not None), call.name


def test_the_registry_refuses_a_call_declared_half() -> None:
    base: dict[str, Any] = {"summary": "x", "section": "x", "handler": lambda _c, _d: None, "input": None,
                            "output": None}
    with pytest.raises(ValueError, match="bearer token but names no runtime role"):
        OperationRegistry().add(Operation(name="a.b", auth="bearer", **base))
    with pytest.raises(ValueError, match="runs off the TIA worker"):
        OperationRegistry().add(Operation(name="a.c", runtime_role="read", **base))
    route = RouteSpec("GET", "/api/x")
    with pytest.raises(ValueError, match="has one route of its own"):
        OperationRegistry().add(Operation(name="a.d", service=True, needs_tia=False, **base))
    with pytest.raises(ValueError, match="says why it is no MCP tool"):
        OperationRegistry().add(Operation(name="a.e", **{**base, "handler": served_by_its_route}, service=True,
                                          needs_tia=False, route=route))
    with pytest.raises(ValueError, match="only a service call that reads may be public"):
        OperationRegistry().add(Operation(name="a.f", service=True, needs_tia=False, route=route, public=True,
                                          mutating=True, **base))
    taken = OperationRegistry()
    taken.add(*RUNTIME_OPERATIONS)
    with pytest.raises(ValueError, match="used by runtime.tags.list"):
        taken.add(Operation(name="tags.again", route=RouteSpec("GET", "/api/runtime/tags"), **base))


def test_the_how_to_names_files_that_exist() -> None:
    page = HOW_TO.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:engineering_api|tests|docs)/[\w/.-]+\.(?:py|md))`", page))
    assert len(named) >= 8, "docs/add-an-api-call.md lists every file an added call touches"
    missing = sorted(name for name in named if not (ROOT / name).exists())
    assert not missing, f"docs/add-an-api-call.md names files that do not exist: {missing}"
    assert Path(__file__).relative_to(ROOT).as_posix() in named


def test_a_route_of_an_undeclared_runtime_call_is_refused_naming_where_to_declare_it() -> None:
    with pytest.raises(LookupError, match=r"no runtime call 'runtime\.nope'.*engineering_api/runtime/call_routes\.py"):
        declared("runtime.nope")


def test_a_call_route_is_built_only_when_its_path_and_body_make_its_input() -> None:
    from engineering_api.web.call_routes import build_call_routes, service_call

    class Named(CamelStruct):
        device_name: str
        comment: str = ""

    class Comment(CamelStruct):
        comment: str

    def call(name: str, route: str, input_type: Any = None, **options: Any) -> Operation[Any, Any]:
        options.setdefault("built_route", CallRoute(name.title().replace(".", "")))
        return service_call(name, route, name, lambda _s, _d: 1, input_type, section="S", **options)

    built = call("a.read", "GET /api/a")
    (route,) = build_call_routes([built, service_call("a.other", "GET /api/b", "Not built", section="S")])
    assert route.paths == {"/api/a"} and route.operation_id == "ARead" and route.opt == built.route_options()
    (with_path,) = build_call_routes([call("a.path", "PUT /api/a/{deviceName}", Named, mutating=True,
                                           built_route=CallRoute("APath", body=Comment))])
    assert with_path.paths == {"/api/a/{deviceName:str}"} and "idempotent" in with_path.opt
    (with_query,) = build_call_routes([call("a.query", "GET /api/g/{deviceName}", Named,
                                            built_route=CallRoute("AQuery", query_docs={"comment": "A comment"}))])
    parameters = inspect.signature(with_query.fn).parameters
    assert list(parameters) == ["request", "deviceName", "comment"] and parameters["comment"].default == ""
    (deep,) = build_call_routes([call("a.deep", "GET /api/h/{deviceName}", Named,
                                      built_route=CallRoute("ADeep", any_depth="deviceName"))])
    assert deep.paths == {"/api/h/{deviceName:path}"} and list(inspect.signature(deep.fn).parameters)[:2] == [
        "request", "deviceName"]  # named, so Litestar passes text and documents a string, not its pathlib.Path
    refused = {
        "is no field": call("a.unknown", "GET /api/c/{other}", Named),
        "nothing gives deviceName": call("a.missing", "PUT /api/d", Named, mutating=True,
                                         built_route=CallRoute("AMissing", body=Comment)),
        "query_docs names other, which is no query parameter": call(
            "a.doc", "GET /api/g/{deviceName}", Named, built_route=CallRoute("ADoc", query_docs={"other": "?"})),
        "is not the last segment": call("a.middle", "GET /api/i/{deviceName}/x", Named,
                                        built_route=CallRoute("AMiddle", any_depth="deviceName")),
        "needs a Struct of its own": call("a.both", "PUT /api/e/{deviceName}", Named, mutating=True),
        "only a call with a route, a handler": service_call("a.own", "GET /api/f", "Its route's own", section="S",
                                                            built_route=CallRoute("F")),
    }
    for reason, declaration in refused.items():
        with pytest.raises(ValueError, match=reason):
            build_call_routes([declaration])


def test_a_read_is_declared_one_way() -> None:
    """A ``GET`` that only reads is declared with ``read(...)`` (engineering_api/jobs/operations.py), not as an
    ``Operation(..., route=RouteSpec("GET", ...), mutating=False)`` of its own."""
    written_out = []
    for path in sorted((ROOT / "engineering_api").rglob("*.py")):
        if path.name == "operations.py" and path.parent.name == "jobs":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Operation"):
                continue
            options = {k.arg: k.value for k in node.keywords}
            route, mutating = options.get("route"), options.get("mutating")
            if (isinstance(mutating, ast.Constant) and mutating.value is False and isinstance(route, ast.Call)
                    and route.args and isinstance(route.args[0], ast.Constant) and route.args[0].value == "GET"):
                written_out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not written_out, f"declare these reads with read(...) from engineering_api/jobs/operations.py: {written_out}"


def test_a_call_that_waits_on_the_event_loop_is_a_service_call_that_is_no_mcp_tool() -> None:
    """Its built route awaits its handler on the event loop; an MCP tool would call it as a function."""
    from engineering_api.web.call_routes import service_call

    async def waits(_context: Any, _data: Any) -> int:
        return 1

    with pytest.raises(ValueError, match="waits on the event loop"):
        OperationRegistry().add(service_call("a.waits", "GET /api/w", "Waits", handler=waits, section="S"))
    OperationRegistry().add(service_call("a.waits", "GET /api/w", "Waits", handler=waits, section="S",
                                         no_mcp_tool="its route awaits it"))


def test_an_async_function_is_refused_as_a_service_calls_run() -> None:
    """``run=`` is called as a function, so an async one would answer an un-awaited coroutine."""
    from engineering_api.web.call_routes import service_call

    async def waits(_services: Any, _data: Any) -> int:
        return 1

    with pytest.raises(ValueError, match="an async call takes handler="):
        service_call("a.waits", "GET /api/w", "Waits", waits, section="S")
    with pytest.raises(ValueError, match="an async call takes handler="):
        service_call("a.waits", "GET /api/w", "Waits", functools.partial(waits), section="S")


def test_a_built_route_refuses_an_awaitable_its_plain_handler_answers() -> None:
    """A plain handler that hands back a coroutine (a lambda around an async function) is a declaration error, told
    as one, not a coroutine given to the encoder; the coroutine is closed, so nothing warns it was never awaited."""
    from litestar import Litestar
    from litestar.testing import TestClient

    from engineering_api.web.call_routes import build_call_route, declared_route, service_call

    async def later() -> int:
        return 1

    answered: list[Any] = []
    context: Any = None  # the handler reads no context

    def handler(_context: Any, _data: Any) -> Any:
        answered.append(later())
        return answered[-1]

    call = service_call("a.lambda", "GET /api/l", "Lambda", handler=handler, section="S",
                        built_route=CallRoute("ALambda"))
    route = build_call_route(call, lambda c, body, params: declared_route(c, body=body, params=params),
                             lambda _request, c, data: c.handler(context, data), blocking=False)
    with pytest.raises(TypeError, match="'a.lambda': its handler answered an awaitable"):
        handle: Any = route.fn
        asyncio.run(handle(request=SimpleNamespace(path_params={})))
    with TestClient(Litestar([route])) as client:
        assert client.get("/api/l").status_code == 500
    assert len(answered) == 2 and all(inspect.getcoroutinestate(c) == inspect.CORO_CLOSED for c in answered)



_WRONG_BODIES: tuple[tuple[str, Any], ...] = (("json", None), ("content", b""))
"""Bodies a route whose body is required refuses (null, none); ``[]`` every route with a body refuses."""


def _at(path: str) -> str:
    """``path`` with a value for each parameter: ``1`` where Litestar takes an int, ``x`` elsewhere."""
    return re.sub(r"\{\w+:(\w+)\}", lambda m: "1" if m.group(1) == "int" else "x", path)


def test_a_bad_body_beside_path_parameters_is_one_error_after_the_openapi_document_is_built(
        tmp_path: Path) -> None:
    """Building the OpenAPI document adds each path parameter a handler's signature does not name to the handler's
    parsed parameters (Litestar 2.25, ``litestar/_openapi/parameters.py``), which its signature model keeps as the
    fields its errors are collected over: a bad body then answered a second, bogus error naming the path parameter
    (``{"key": "instance", "message": "'instance'", "source": "path"}``). Every route with a JSON body and path
    parameters, listed from the app, answers each bad body with its one error."""
    from litestar.testing import TestClient

    from engineering_api.app import create_app
    from engineering_api.config import Settings

    settings = Settings(data_dir=tmp_path)
    app = create_app(settings)
    assert app.openapi_schema.paths  # built before any request, as GET /schema/openapi.json or /api/docs build it
    bodied = sorted((method, path, not (body.is_optional or body.has_default))
                    for path, entry in app.route_handler_method_map.items() if "{" in path
                    for method, handler in entry.items()
                    if (body := handler.parsed_fn_signature.parameters.get("data")) is not None)
    assert len(bodied) >= 10, bodied  # the runtime API's PUT/PATCH/POST by id, the OPC UA server's start...
    wrong = []
    with TestClient(app) as client:
        headers = {"X-API-Key": settings.secret_path.read_text(encoding="utf-8").strip()}
        user = {"username": "bodies", "password": "a-long-enough-passw0rd", "roles": ["admin"]}
        assert client.post("/api/runtime/users", json=user, headers=headers).status_code == 201
        token = client.post("/api/runtime/auth/login", json=user).json()["data"]["token"]
        headers["Authorization"] = f"Bearer {token}"  # the runtime's tag writes take a runtime user's session
        for method, path, required in bodied:
            for kind, body in (("json", []), *(_WRONG_BODIES if required else ())):
                answer = client.request(method, _at(path), headers=headers, **{kind: body})
                errors = answer.json().get("errors") or [answer.json().get("message")]
                if answer.status_code not in (400, 422) or len(errors) != 1:
                    wrong.append(f"{method} {path} {body!r}: {answer.status_code} {errors}")
    assert not wrong, "\n".join(wrong)
