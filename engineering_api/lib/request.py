"""Request class that decodes JSON bodies safely and matches their keys case-insensitively.

T-IA Connect clients send PascalCase (``{"OrderNumber": ...}``); our schemas are camelCase. Keys are
rewritten to the canonical spelling of the handler's body Struct before msgspec validates them. A body
that is not UTF-8, not JSON or nested too deep answers 400 (see :mod:`engineering_api.lib.json_body`). A body sent
as ``application/xml`` or ``text/xml`` is read into the same value (:mod:`engineering_api.lib.xml_body`).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import SerializationException

from engineering_api.lib.json_body import body_decode_error, check_json_depth
from engineering_api.lib.schema import KeyMap, key_normaliser, normalise_keys
from engineering_api.lib.xml_body import is_xml, xml_value

__all__ = ("TiaRequest",)

_MISSING: Any = object()


def _body_keys(handler: Any) -> KeyMap | None:
    opt = handler.opt
    keys: KeyMap | None = opt.get("body_keys", _MISSING)
    if keys is _MISSING:
        keys = None
        data = handler.parsed_fn_signature.parameters.get("data")
        if data is not None:
            for candidate in (data.annotation, *getattr(data, "inner_types", ())):
                hint = getattr(candidate, "annotation", candidate)
                if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
                    keys = key_normaliser(hint)
                    break
        opt["body_keys"] = keys
    return keys


def _body_type(handler: Any) -> Any:
    """The annotation of the handler's ``data`` parameter (``JSONBody[X]`` gives ``X``), or Any."""
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return Any
    hint = getattr(data, "annotation", Any)
    for candidate in (hint, *getattr(data, "inner_types", ())):
        candidate = getattr(candidate, "annotation", candidate)
        if isinstance(candidate, type) and issubclass(candidate, msgspec.Struct):
            return candidate
    return hint


class TiaRequest(Request[Any, Any, Any]):
    """A Request whose ``json()`` refuses malformed bodies with 400 and normalises key case for the route's body
    type."""

    async def json(self) -> Any:
        if is_xml(self.headers.get("content-type", "")):
            value = xml_value(await self.body(), _body_type(self.route_handler))
            keys = _body_keys(self.route_handler)
            return normalise_keys(value, keys) if keys else value
        try:
            value = await super().json()
        except (SerializationException, UnicodeDecodeError, RecursionError) as exc:
            body_decode_error(await self.body(), exc)
        check_json_depth(await self.body(), value)
        keys = _body_keys(self.route_handler)
        return normalise_keys(value, keys) if keys else value
