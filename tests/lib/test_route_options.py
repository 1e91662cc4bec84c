"""Every path's automatic OPTIONS answer (``engineering_api.web._litestar.route_options``): Litestar's own 204, with an
``Allow`` that names every method of the path (RFC 9110 §10.2.1: the methods the target resource supports),
however many registrations made the path; the handlers share their models, so the start does not build ~490
of each; CORS preflights are answered as before."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar, Router, delete, get, post, route
from litestar.config.cors import CORSConfig
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from engineering_api.web._litestar.route_map import MappedLitestar
from engineering_api.web._litestar.route_options import is_litestar_options

_SAMPLES = {"str": "x1", "int": "7", "uuid": "00000000-0000-4000-8000-000000000000", "path": "a/b", "float": "1.5"}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^:}]+:(\w+)\}", lambda m: _SAMPLES[m.group(1)], path)


def test_every_path_of_the_served_app_answers_options_with_all_its_methods(
        app: Any, client: TestClient[Any], admin_headers: dict[str, str]) -> None:
    """Before: 138 of 485 paths named only the methods of their first registration (litestar-org/litestar#4169)."""
    checked = 0
    for path, methods in app.route_handler_method_map.items():
        if "OPTIONS" not in methods or not is_litestar_options(methods["OPTIONS"]):
            continue
        answer = client.options(_concrete(path), headers=admin_headers)
        if answer.status_code == 401 and not path.startswith("/api"):  # the console's pages want a session
            continue
        assert answer.status_code == 204 and answer.content == b"", path
        assert answer.headers["allow"] == ", ".join(sorted(methods)), path
        checked += 1
    assert checked > 400


def test_the_served_app_s_options_handlers_share_one_signature_and_kwargs_model(app: Any) -> None:
    options = [handler for route in app.routes for handler in getattr(route, "route_handlers", ())
               if is_litestar_options(handler)]
    assert len(options) > 400
    assert len({id(handler.signature_model) for handler in options}) == 1
    assert len({id(handler.parsed_fn_signature) for handler in options}) == 1
    kwargs_models = {id(entry[1]) for route in app.routes for method, entry in
                     getattr(route, "route_handler_map", {}).items() if method == "OPTIONS"}
    assert len(kwargs_models) == 1


def _made() -> list[Any]:
    """Handlers registered one by one on shared paths, under a router with a dependency (a layer that makes its
    handlers' models their own) and a path parameter."""
    @get("/a", sync_to_thread=False)
    def read_a() -> str:
        return "a"

    @post("/a", sync_to_thread=False)
    def write_a() -> str:
        return "a"

    @delete("/a", sync_to_thread=False)
    def drop_a() -> None:
        return None

    @route("/b/{n:int}", http_method=["GET", "PUT"], sync_to_thread=False)
    def both_b(n: FromPath[int]) -> int:
        return n

    @get("/item/{n:int}", sync_to_thread=False)
    def read_item(n: FromPath[int], unit: NamedDependency[str]) -> str:
        return f"{n}{unit}"

    @post("/item/{n:int}", sync_to_thread=False)
    def write_item(n: FromPath[int]) -> int:
        return n

    return [read_a, write_a, drop_a, both_b, Router(path="/dep", route_handlers=[read_item, write_item],
                                           dependencies={"unit": Provide(lambda: "m", sync_to_thread=False)})]


def _answers(app: Litestar) -> dict[str, Any]:
    preflight = {"Origin": "https://dash.example", "Access-Control-Request-Method": "POST"}
    with TestClient(app) as client:
        return {path: [(r.status_code, sorted(r.headers.items()), r.content)
                       for r in (client.options(path), client.options(path, headers=preflight))]
                for path in ("/a", "/b/7")}


def test_a_path_registered_in_parts_names_every_method_and_preflights_are_litestar_s() -> None:
    cors = CORSConfig(allow_origins=["https://dash.example"])
    plain, ours = Litestar(route_handlers=_made(), cors_config=cors), MappedLitestar(route_handlers=_made(),
                                                                                     cors_config=cors)
    before, after = _answers(plain), _answers(ours)
    assert after["/a"][0][:2] == (204, [("allow", "DELETE, GET, OPTIONS, POST")])
    # Litestar 2's own handler answers for the path's first registration only; if it stops, drop route_options
    assert before["/a"][0][1] == [("allow", "GET, OPTIONS")]
    assert after["/b/7"] == before["/b/7"]  # one registration: the same bytes
    assert after["/b/7"][0][:2] == (204, [("allow", "GET, OPTIONS, PUT")])
    assert after["/a"][1] == before["/a"][1] and after["/a"][1][0] == 204  # CORS preflight: Litestar's middleware


def test_a_handler_under_a_layer_with_dependencies_gets_models_of_its_own() -> None:
    app = MappedLitestar(route_handlers=_made())
    by_path = {route.path: route for route in app.routes if isinstance(route, HTTPRoute)}
    shared = by_path["/a"].route_handler_map["OPTIONS"]
    own = by_path["/dep/item/{n:int}"].route_handler_map["OPTIONS"]
    assert is_litestar_options(shared[0]) and is_litestar_options(own[0])
    assert own[0].signature_model is not shared[0].signature_model and own[1] is not shared[1]
    with TestClient(app) as client:
        assert client.options("/dep/item/7").headers["allow"] == "GET, OPTIONS, POST"
        assert client.get("/dep/item/7").text == "7m"
