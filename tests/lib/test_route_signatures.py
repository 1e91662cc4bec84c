"""Every served handler's parsed signature, built from shared parameter definitions
(``engineering_api.web._litestar.route_signatures``), is the one Litestar makes of the handler's function itself; its
signature model is made by its first request, the one Litestar made at registration, and validates that request.

Compared on an app of the test's own, before it serves anything: Litestar's OpenAPI generation adds the path
parameters a handler does not take to that handler's parsed parameters (``_openapi/parameters.py``), so a served
app's handlers no longer match their functions."""

from __future__ import annotations

from dataclasses import replace
from types import GenericAlias
from typing import Annotated, Any, ForwardRef, Literal, Optional, Union

import anyio
import anyio.to_thread
import msgspec
import pytest
from litestar import Litestar
from litestar._signature import SignatureModel
from litestar.testing import TestClient
from litestar.types.empty import Empty
from litestar.utils.helpers import unwrap_partial
from litestar.utils.signature import ParsedSignature
from litestar.utils.sync import AsyncCallable

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.docs import openapi_document_ready
from engineering_api.web._litestar.route_map import MappedLitestar
from engineering_api.web._litestar.route_signatures import annotations_evaluated
from engineering_api.web._litestar.route_options import is_litestar_options
from tests.conftest import assert_error


def test_every_handler_s_parsed_signature_is_the_one_litestar_makes(settings: Settings) -> None:
    app = create_app(settings)
    handlers = {id(h): h for route in app.routes for h in getattr(route, "route_handlers", ())
                if not is_litestar_options(h)}
    assert len(handlers) > 500
    parameters = []
    for handler in handlers.values():
        fn = handler.fn.func if isinstance(handler.fn, AsyncCallable) else handler.fn  # sync ones, wrapped since
        litestar_s = ParsedSignature.from_fn(unwrap_partial(fn), handler.resolve_signature_namespace())
        assert handler.parsed_fn_signature == litestar_s, handler
        parameters += handler.parsed_fn_signature.parameters.values()
    assert len({id(field) for field in parameters}) < len(parameters) / 3  # made once per distinct parameter


def _handlers(app: Litestar) -> list[Any]:
    return list({id(h): h for route in app.routes for h in getattr(route, "route_handlers", ())
                 if not is_litestar_options(h)}.values())


def _fields(model: type[SignatureModel]) -> list[tuple[str, Any, Any]]:
    return [(f.name, f.type, f.default) for f in msgspec.structs.fields(model)]


def _by_route(app: Litestar) -> dict[tuple[str, str], Any]:
    return {(route.path, method): h for route in app.routes for h in getattr(route, "route_handlers", ())
            if not is_litestar_options(h) for method in sorted(h.http_methods)}


def test_every_handler_s_signature_model_waits_for_its_first_use_and_is_the_one_litestar_makes(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered, no handler has its signature model yet (~560 msgspec Structs: ~15% of ``create_app``); each
    is made on first use, by Litestar's property, with the fields of the model Litestar makes at registration (an
    app whose registration is left to Litestar, beside)."""
    lazy = _by_route(create_app(settings))
    with monkeypatch.context() as patched:
        patched.setattr(MappedLitestar, "_handler_parsed", lambda self, handler: None)
        eager = _by_route(create_app(settings))
    assert len(lazy) > 500 and lazy.keys() == eager.keys()
    assert [h for h in lazy.values() if h._signature_model is not Empty] == []
    assert [h for h in eager.values() if h._signature_model is Empty] == []
    for route, handler in lazy.items():
        made = handler.signature_model
        assert issubclass(made, SignatureModel) and made._fields is handler.parsed_fn_signature.parameters
        assert _fields(made) == _fields(eager[route].signature_model), route
        assert handler.signature_model is made  # made once


def test_the_served_document_s_models_are_made_on_the_event_loop_before_its_thread_runs(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The document is built in a thread, where Litestar's generation adds path parameters to handlers: a first
    request's model made on the loop meanwhile, from half-changed parameters, would refuse its route until restart.
    Every model is made on the loop first, so the thread finds none left to make."""
    app = create_app(settings)
    unmade: list[list[Any]] = []
    real = anyio.to_thread.run_sync

    async def run_sync(function: Any, *args: Any, **kwargs: Any) -> Any:
        unmade.append([h for h in _by_route(app).values() if h._signature_model is Empty])
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", run_sync)
    anyio.run(openapi_document_ready, app)
    assert unmade == [[]]


def test_a_handler_s_first_request_is_validated_by_the_model_it_makes(settings: Settings) -> None:
    """A first request with a bad parameter is refused as before (422, nothing run); a good one is served."""
    app = create_app(settings)
    with TestClient(app) as client:
        key = {"X-API-Key": settings.secret_path.read_text(encoding="utf-8").strip()}
        handler = app.route_handler_method_map["/api/jobs"]["GET"]
        assert handler._signature_model is Empty
        body = assert_error(client.get("/api/jobs", params={"limit": "many"}, headers=key), 422, "VALIDATION_FAILED")
        assert body["errors"] == [{"message": "Expected `int`, got `str`", "key": "limit", "source": "query"}]
        assert handler._signature_model is not Empty
        assert_error(client.get("/api/jobs", params={"limit": "0"}, headers=key), 422, "VALIDATION_FAILED")
        assert client.get("/api/jobs", params={"limit": "5"}, headers=key).status_code == 200


@pytest.mark.parametrize("built_by", ["GET /schema/openapi.json", "app.openapi_schema"])
def test_a_handler_first_requested_after_the_openapi_document_takes_the_parameters_it_was_registered_with(
        settings: Settings, built_by: str) -> None:
    """Litestar's OpenAPI generation adds the path parameters a handler does not take (``keyId`` of ``DELETE
    /api/security/keys/{keyId}``: the handler reads it from the request) to its parsed parameters; a model made from
    those required them in the request's arguments, and the first request after the document answered 422."""
    app = create_app(settings)
    with TestClient(app) as client:
        key = {"X-API-Key": settings.secret_path.read_text(encoding="utf-8").strip()}
        handler = app.route_handler_method_map["/api/security/keys/{keyId:str}"]["DELETE"]
        registered = dict(handler.parsed_fn_signature.parameters)
        assert "keyId" not in registered and handler._signature_model is Empty
        if built_by == "app.openapi_schema":
            assert app.openapi_schema.paths
        else:
            assert client.get("/schema/openapi.json").status_code == 200
        assert "keyId" in handler.parsed_fn_signature.parameters  # Litestar's generation added it
        assert_error(client.delete("/api/security/keys/no-such-key", headers=key), 404)
        assert list(msgspec.structs.fields(handler.signature_model)) == list(
            msgspec.structs.fields(SignatureModel.create(
                dependency_name_set=set(), fn=handler.fn, parsed_signature=replace(
                    handler.parsed_fn_signature, parameters=registered), type_decoders=[])))


_BLOCK = ForwardRef("Block")


@pytest.mark.parametrize(("annotation", "evaluated"), [
    (int, True), (Optional[int], True), (list[dict[str, int]], True), (Literal["a", "b"], True),
    (Annotated[int, "meta"], True), ("int", False), (None, False), (GenericAlias(list, _BLOCK), False),
    (Union.__getitem__((_BLOCK, type(None))), False), (GenericAlias(dict, (str, GenericAlias(list, _BLOCK))), False),
])
def test_only_annotations_without_text_at_any_depth_are_read_as_they_are(annotation: Any, evaluated: bool) -> None:
    """Text, ``None`` or a forward reference anywhere inside (``list["Block"]``, found by review) leaves a handler
    to Litestar's evaluation."""
    def handler(data: Any) -> None: ...

    handler.__annotations__ = {"data": annotation, "return": type(None)}
    annotations_evaluated(handler)
    assert ("__evaluated_annotations__" in handler.__dict__) is evaluated
