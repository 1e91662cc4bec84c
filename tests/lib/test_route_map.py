"""The app's kept route map answers what Litestar's property computes from the routes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Router, WebSocket, get, post, websocket
from litestar.params import FromPath
from litestar.router import Router as PlainRouter

from engineering_api.lib.route_map import MappedLitestar


def _computed(app: Any) -> dict[str, dict[str, Any]]:
    computed = vars(PlainRouter)["route_handler_method_map"]  # the property Litestar defines, not the kept map
    assert isinstance(computed, property) and computed.fget is not None
    return {path: dict(entry) for path, entry in computed.fget(app).items()}


def test_the_served_app_s_map_is_litestar_s(app: Any) -> None:
    assert isinstance(app, MappedLitestar)
    kept = app.route_handler_method_map
    assert len(kept) > 400 and {p: dict(e) for p, e in kept.items()} == _computed(app)


def test_registrations_that_merge_replace_and_add_paths_keep_the_map() -> None:
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

    @websocket("/a/live")
    async def live(socket: WebSocket[Any, Any, Any]) -> None:
        await socket.accept()

    app = MappedLitestar(route_handlers=[read_a, Things, Router(path="/sub", route_handlers=[live])])
    before = app.route_handler_method_map
    app.register(write_a)  # the same path: Litestar replaces the route by one with both handlers
    app.register(live)
    assert app.route_handler_method_map is before
    assert {p: dict(e) for p, e in app.route_handler_method_map.items()} == _computed(app)
    assert {"GET", "POST"} <= set(app.route_handler_method_map["/a"])
    assert app.route_handler_method_map["/sub/a/live"]["websocket"] is not None
