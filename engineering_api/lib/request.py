"""Request class that matches JSON body keys case-insensitively.

T-IA Connect clients send PascalCase (``{"OrderNumber": ...}``); our schemas are camelCase. Keys are
rewritten to the canonical spelling of the handler's body Struct before msgspec validates them.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from engineering_api.lib.schema import KeyMap, key_normaliser, normalise_keys

__all__ = ("TiaRequest",)

_MISSING: Any = object()


def _body_keys(handler: Any) -> KeyMap | None:
    opt = handler.opt
    keys = opt.get("body_keys", _MISSING)
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


class TiaRequest(Request[Any, Any, Any]):
    """A Request whose ``json()`` normalises key case for the route's body type."""

    async def json(self) -> Any:
        value = await super().json()
        keys = _body_keys(self.route_handler)
        return normalise_keys(value, keys) if keys else value


