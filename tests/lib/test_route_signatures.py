"""Every served handler's parsed signature, built from shared parameter definitions
(``engineering_api.lib.route_signatures``), is the one Litestar makes of the handler's function itself.

Compared on an app of the test's own, before it serves anything: Litestar's OpenAPI generation adds the path
parameters a handler does not take to that handler's parsed parameters (``_openapi/parameters.py``), so a served
app's handlers no longer match their functions."""

from __future__ import annotations

from litestar.utils.helpers import unwrap_partial
from litestar.utils.signature import ParsedSignature
from litestar.utils.sync import AsyncCallable

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.lib.route_options import is_litestar_options


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
