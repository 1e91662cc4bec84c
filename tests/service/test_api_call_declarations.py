"""Every API call is declared once, and a newcomer who adds one is told which file they forgot.

docs/add-an-api-call.md is the how-to; each test here names the file its failure points to.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import engineering_api
from engineering_api.app import registry
from engineering_api.jobs.operations import Operation, OperationRegistry, RouteSpec, served_by_its_route
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
    "engineering_api.jobs.controllers": 5,  # job status, events (SSE), cancel, execute-sync over the registry
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

FRAMEWORK = ("litestar.",)
"""Litestar's own routes: the OpenAPI document and static files."""


def _handler_module(handler: Any) -> str:
    fn = getattr(handler.fn, "func", handler.fn)  # sync_to_thread wraps the function
    return str(getattr(fn, "__module__", "?"))


def _serve_it(call: Operation[Any, Any]) -> str:
    """What a hand-written route of the inline call ``call`` takes from its declaration, and where that is."""
    if call.is_runtime_call:
        return (f'its route in a controller of the runtime API (engineering_api/runtime/routes.py, event_routes.py, '
                f'connection_routes.py, opcua_routes.py or pushes_routes.py) takes **declared("{call.name}") and '
                f'runs run_call(request, "{call.name}", data) (engineering_api/runtime/call_routes.py)')
    return ("its route beside its module's controller takes **declared_route(CALL) and runs "
            "run_inline(request, CALL, data) (engineering_api/jobs/call_routes.py)")


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
    for method, path, handler in routes:
        module = _handler_module(handler)
        if handler.opt.get("operation") or module.startswith(FRAMEWORK):
            continue
        call = runtime.pop((method, path), None)
        if call is not None:
            assert handler.opt == call.route_options(), (
                f"{method} {path} is the inline call {call.name}: take its options from the declaration: "
                f"{_serve_it(call)} (docs/add-an-api-call.md)")
            continue
        hand_written[module] += 1
    assert not runtime, "inline calls whose declared route nothing serves: " + "; ".join(
        f"{m} {p} ({call.name}): {_serve_it(call)}" for (m, p), call in sorted(runtime.items())
    ) + " (docs/add-an-api-call.md)"
    grown = {m: n for m, n in hand_written.items() if n > HAND_WRITTEN.get(m, 0)}
    assert not grown, (f"new hand-written routes in {grown}: declare the call as an Operation and add it to "
                       "engineering_api/app.py's registry (docs/add-an-api-call.md)")
    assert dict(hand_written) == HAND_WRITTEN, "routes were folded into operations: shrink HAND_WRITTEN to match"


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
    "blockgeneration.generate-graph-only", "blocks.export-prodiag", "blocks.folders.create", "blocks.members.add",
    "blocks.members.update", "blocks.networks.add", "blocks.snapshot.create", "blocks.tree", "constants.system",
    "constants.user", "devices.online.status", "external-sources.folders.create", "force-tables.entries.add",
    "history.snapshots.content", "hmi.screens.details", "hmi.screens.folders.create", "hmi.tags.values",
    "hmi.text-lists.xml", "libraries.global.archive", "libraries.global.master-copies.create",
    "libraries.global.master-copies.folders.create", "libraries.global.master-copies.instantiate",
    "libraries.global.master-copies.list", "libraries.global.open", "libraries.global.save",
    "libraries.global.tree", "library.master-copies.folders.create", "library.master-copies.instantiate",
    "library.types.set-default", "security.password.set", "tag-tables.export-xml", "tag-tables.folders.create",
    "tag-tables.rename", "tag-tables.tree", "udts.folders.create", "udts.tree",
    "watch-force-tables.folders.create", "watch-tables.get",
})
"""Operations that no test names, by operation name, route or MCP tool name: the ledger may only shrink."""


def _named_in_tests(op: Operation[Any, Any], text: str) -> bool:
    tools = (op.name.replace(".", "_"), op.name.replace(".", "_").replace("-", "_"))
    if op.name in text or any(tool in text for tool in tools):
        return True
    for spec, _ in op.routes():
        # the path, or its tail after /api/<area> (tests build paths from a prefix: f"{RT}/alarm-definitions")
        tail = "/" + spec.path.split("/", 3)[-1] if spec.path.count("/") > 2 else spec.path
        for path in (spec.path, tail):
            if re.search(re.sub(r"\\\{[^}]*\\\}", r"[^\"'/ ]+", re.escape(path)), text):
                return True
    return False


def test_every_operation_is_called_by_a_test() -> None:
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in (ROOT / "tests").rglob("*.py")
                     if p.name != Path(__file__).name)
    untested = {op.name for op in _all_operations() if not _named_in_tests(op, text)}
    new = sorted(untested - UNTESTED)
    assert not new, f"operations no test calls (by name, route or MCP tool): {new}; add a test under tests/api"
    tested_now = sorted(UNTESTED - untested)
    assert not tested_now, f"these are tested now: remove them from UNTESTED: {tested_now}"


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
