"""The app's kept route map answers what Litestar's property computes from the routes, and its routing trie,
built once by the constructor, is the one Litestar builds route by route."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Litestar, Router, WebSocket, asgi, get, post, websocket
from litestar.params import FromPath
from litestar.router import Router as PlainRouter
from litestar.types import Receive, Scope, Send

from engineering_api.web._litestar.route_map import MappedLitestar


def _computed(app: Any) -> dict[str, dict[str, Any]]:
    computed = vars(PlainRouter)["route_handler_method_map"]  # the property Litestar defines, not the kept map
    assert isinstance(computed, property) and computed.fget is not None
    return {path: dict(entry) for path, entry in computed.fget(app).items()}


def test_the_served_app_s_map_is_litestar_s(app: Any) -> None:
    assert isinstance(app, MappedLitestar)
    kept = app.route_handler_method_map
    assert len(kept) > 400 and {p: dict(e) for p, e in kept.items()} == _computed(app)


def test_registrations_that_merge_replace_and_add_paths_keep_the_map() -> None:
    made = _made_handlers()
    read_a, things, write_a, live = made["read_a"], made["Things"], made["write_a"], made["live"]
    app = MappedLitestar(route_handlers=[read_a, things, Router(path="/sub", route_handlers=[live])])
    before = app.route_handler_method_map
    app.register(write_a)  # the same path: Litestar replaces the route by one with both handlers
    app.register(live)
    assert app.route_handler_method_map is before
    assert {p: dict(e) for p, e in app.route_handler_method_map.items()} == _computed(app)
    assert {"GET", "POST"} <= set(app.route_handler_method_map["/a"])
    assert app.route_handler_method_map["/sub/a/live"]["websocket"] is not None


def test_routes_changed_otherwise_than_by_registration_keep_the_map() -> None:
    """Litestar adds routes at the end and puts a path's merged route in its place; the kept map also follows a
    route removed, moved or set in place directly, and the routes list replaced."""
    made = _made_handlers()
    app = MappedLitestar(route_handlers=[made["read_a"], made["Things"], made["live"], made["mounted"]])
    mapped = app.route_handler_method_map
    changes = [lambda routes: routes.pop(), lambda routes: routes.reverse(),
               lambda routes: routes.insert(0, routes.pop()), lambda routes: routes.__setitem__(0, routes[-1]),
               lambda routes: routes.__setitem__(slice(0, 1), routes[1:3]), _emptied_and_refilled,
               lambda routes: routes.clear()]
    for change in changes:
        change(app.routes)
        assert {p: dict(e) for p, e in app.route_handler_method_map.items()} == _computed(app)
    app.routes = [*MappedLitestar(route_handlers=[made["write_a"]]).routes]
    assert app.route_handler_method_map is mapped
    assert {p: dict(e) for p, e in mapped.items()} == _computed(app) and "/a" in mapped and "/things" not in mapped


def _emptied_and_refilled(routes: list[Any]) -> None:
    """``*=`` on a list held apart from the app (the attribute's setter does not see it), then as many routes back,
    the last path's left out: found by review to keep a stale map."""
    kept = list(routes)
    routes *= 0
    routes.extend([*kept[:-1], kept[0]])


def _trie(app: Litestar) -> dict[str, Any]:
    """The app's routing trie and handler index as plain data: every node, its handlers by method (named), its
    path parameters and flags."""
    def node(n: Any) -> dict[str, Any]:
        return {"handlers": {m: (type(t.asgi_app).__name__, str(t.handler)) for m, t in n.asgi_handlers.items()},
                "params": {m: [p.name for p in ps] for m, ps in n.path_parameters.items()},
                "flags": (n.is_asgi, n.is_mount, n.is_static, n.is_path_param_node, n.is_path_type, n.path_template),
                "children": {str(k): node(c) for k, c in n.children.items()}}

    router = app.asgi_router
    return {"root": node(router.root_route_map_node), "plain": sorted(router._plain_routes),
            "mounts": sorted(router._mount_routes), "index": sorted(router.route_handler_index),
            "paths": {name: sorted({r.path for r in routes}) for name, routes in router.route_mapping.items()}}


def _made_handlers() -> dict[str, Any]:
    """Fresh handlers of every kind the tests register (a handler belongs to the one app that registers it)."""
    @get("/a", sync_to_thread=False)
    def read_a() -> str:
        return "a"

    @post("/a", sync_to_thread=False)
    def write_a() -> str:
        return "a"

    class Things(Controller):
        path = "/things"

        @get(sync_to_thread=False)
        def list_things(self) -> list[str]:
            return []

        @get("/{name:str}", sync_to_thread=False)
        def one(self, name: FromPath[str]) -> str:
            return name

        @post("/{name:str}/files/{rest:path}", sync_to_thread=False)
        def file(self, name: FromPath[str], rest: FromPath[str]) -> str:
            return name + rest

    @websocket("/a/live")
    async def live(socket: WebSocket[Any, Any, Any]) -> None:
        await socket.accept()

    @asgi("/mounted", is_mount=True, copy_scope=True)
    async def mounted(scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError

    @get("/things/{name:str}/count", sync_to_thread=False)  # after the controller: merged under its path
    def count(name: FromPath[str]) -> int:
        return len(name)

    return {"read_a": read_a, "write_a": write_a, "Things": Things, "live": live, "mounted": mounted, "count": count}


def _handlers() -> list[Any]:
    made = _made_handlers()
    return [made["read_a"], made["Things"], made["write_a"],
            Router(path="/sub", route_handlers=[made["live"], made["read_a"]]), made["mounted"], made["count"]]


def test_the_trie_built_once_is_litestar_s_built_route_by_route() -> None:
    once, by_route = MappedLitestar(route_handlers=_handlers()), Litestar(route_handlers=_handlers())
    assert _trie(once) == _trie(by_route)
    assert {"/a", "/mounted"} <= set(_trie(once)["root"]["children"]) and "/sub/a/live" in _trie(once)["plain"]


def test_a_route_registered_after_the_start_is_routed() -> None:
    # Apps of their own: a route registered on the suite's shared app would stay on it for every later test.
    @get("/added-after-start/{n:int}", sync_to_thread=False)
    def added(n: FromPath[int]) -> int:
        return n

    app, by_route = MappedLitestar(route_handlers=_handlers()), Litestar(route_handlers=_handlers())
    app.register(added)
    by_route.register(added)
    assert _trie(app) == _trie(by_route)
    _, handler, _, params, _ = app.asgi_router._handle_routing("/added-after-start/7", "GET")
    assert handler is app.route_handler_method_map["/added-after-start/{n:int}"]["GET"] and params == {"n": 7}


def test_the_served_app_s_trie_routes_every_path_it_maps(app: Any) -> None:
    """Each mapped path, its parameters filled with a value of their type, routes to its own handler."""
    samples = {"str": "x1", "int": "7", "uuid": "00000000-0000-4000-8000-000000000000", "path": "a/b", "float": "1.5"}
    for path, methods in app.route_handler_method_map.items():
        concrete = re.sub(r"\{[^:}]+:(\w+)\}", lambda m: samples[m.group(1)], path)
        for method, handler in methods.items():
            if method in ("websocket", "asgi"):
                continue
            routed = app.asgi_router._handle_routing(concrete, method)[1]
            assert routed is handler, (path, method)
