"""Key management API: list, create and revoke API keys (admin only).

The routes and ``engineering-api keys`` share :class:`~engineering_api.lib.security.ApiKeyStore`, and every
request reads the store, so a key revoked either way is refused by every running server from its next request.
The guard audits each create and revoke like any mutating call (method, path, status, caller); the secret is
only in the one response that creates it, never in the audit, the listing or the log.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody

from engineering_api.backend.errors import ConflictError, NotFoundError, ValidationError
from engineering_api.jobs.call_routes import declared_route, run_inline, service_call
from engineering_api.lib.responses import Envelope, ok
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import KEY_NAME_MAX, ApiKeyInfo, Role
from engineering_api.services import Services

__all__ = ("CALLS", "CreatedKey", "KeyController", "KeyId", "NewKey")

SECTION = "System API"


class NewKey(CamelStruct):
    """A key to create."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=KEY_NAME_MAX)]
    """A label for people (who or what uses the key)."""
    role: Literal["viewer", "engineer", "admin"]
    """What the key may do: viewer reads, engineer changes projects, admin also manages settings and keys."""


class CreatedKey(CamelStruct):
    """A new key: its listing and the secret, shown this once (only its hash is stored)."""

    key: ApiKeyInfo
    secret: str
    """Send it as ``X-API-Key``; it cannot be shown again."""


class ListApiKeysResponse(Envelope[list[ApiKeyInfo]]): ...


class CreateApiKeyResponse(Envelope[CreatedKey]): ...


class RevokeApiKeyResponse(Envelope[ApiKeyInfo]): ...


class KeyId(CamelStruct):
    """The key, by id."""

    key_id: str


def _create(services: Services, new: NewKey) -> CreatedKey:
    info, secret = services.keys.create(new.name, new.role)
    return CreatedKey(key=info, secret=secret)


_KEYS = "/api/security/keys"
_ADMIN_ONLY = "the keys MCP sessions run on are managed by an admin on REST or the CLI, never handed out to an agent"
_call = partial(service_call, section=SECTION, no_mcp_tool=_ADMIN_ONLY, role=Role.ADMIN)
LIST = _call("security.keys.list", f"GET {_KEYS}", "List API keys", lambda services, _: services.keys.list())
CREATE = _call("security.keys.create", f"POST {_KEYS}", "Create an API key", _create, NewKey, CreatedKey,
               mutating=True, errors=(ValidationError,))
REVOKE = _call("security.keys.revoke", f"DELETE {_KEYS}/{{keyId}}", "Revoke an API key",
               lambda services, query: services.keys.revoke(query.key_id), KeyId, ApiKeyInfo, mutating=True,
               errors=(NotFoundError, ConflictError))
CALLS = (LIST, CREATE, REVOKE)
"""The key calls, declared once (service calls of the registry)."""


class KeyController(Controller):
    """API keys of this server."""

    tags = [SECTION]

    @get(_KEYS, operation_id="ListApiKeys", **declared_route(LIST))
    async def list_keys(self, request: Request[Any, Any, Any]) -> Response[ListApiKeysResponse]:
        """Every API key, newest first, revoked ones included; never the secrets."""
        return ok(run_inline(request, LIST, None))

    @post(_KEYS, operation_id="CreateApiKey", status_code=201, **declared_route(CREATE, body=True))
    async def create_key(self, request: Request[Any, Any, Any],
                         data: JSONBody[NewKey]) -> Response[CreateApiKeyResponse]:
        """Create a key; the answer holds its secret, shown only this once (a retry with the same
        ``Idempotency-Key`` answers the key without it: revoke that key and create another if the first answer was
        lost)."""
        created = run_inline(request, CREATE, data)
        return ok(created, f"key {created.key.key_id} created", status_code=201)

    @delete(_KEYS + "/{keyId:str}", operation_id="RevokeApiKey", status_code=200,
            **declared_route(REVOKE, params=True))
    async def revoke_key(
        self, request: Request[Any, Any, Any], keyId: FromPath[str]
    ) -> Response[RevokeApiKeyResponse]:
        """Revoke a key; every server on this database refuses it from its next request."""
        info = run_inline(request, REVOKE, KeyId(key_id=keyId))
        return ok(info, f"key {info.key_id} revoked")
