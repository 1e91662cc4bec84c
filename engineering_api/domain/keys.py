"""Key management API: list, create and revoke API keys (admin only).

The routes and ``engineering-api keys`` share :class:`~engineering_api.lib.security.ApiKeyStore`, and every
request reads the store, so a key revoked either way is refused by every running server from its next request.
The guard audits each create and revoke like any mutating call (method, path, status, caller); the secret is
only in the one response that creates it, never in the audit, the listing or the log.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody

from engineering_api.backend.errors import ConflictError, NotFoundError, ValidationError
from engineering_api.lib.responses import Envelope, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import KEY_NAME_MAX, ApiKeyInfo
from engineering_api.services import services_of

__all__ = ("CreatedKey", "KeyController", "NewKey")

SECTION = "System API"
_ADMIN = {"role": "admin"}


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




class KeyController(Controller):
    """API keys of this server."""

    tags = [SECTION]

    @get("/api/security/keys", operation_id="ListApiKeys", opt=_ADMIN, responses=problem_responses("admin"))
    async def list_keys(self, request: Request[Any, Any, Any]) -> Response[ListApiKeysResponse]:
        """Every API key, newest first, revoked ones included; never the secrets."""
        return ok(services_of(request).keys.list())

    @post(
        "/api/security/keys", operation_id="CreateApiKey", opt=_ADMIN, status_code=201,
        responses=problem_responses("admin", body=True, errors=(ValidationError,)),
    )
    async def create_key(self, request: Request[Any, Any, Any],
                         data: JSONBody[NewKey]) -> Response[CreateApiKeyResponse]:
        """Create a key; the answer holds its secret, shown only this once."""
        info, secret = services_of(request).keys.create(data.name, data.role)
        return ok(CreatedKey(key=info, secret=secret), f"key {info.key_id} created", status_code=201)

    @delete(
        "/api/security/keys/{keyId:str}", operation_id="RevokeApiKey", opt=_ADMIN, status_code=200,
        responses=problem_responses("admin", params=True, errors=(NotFoundError, ConflictError)),
    )
    async def revoke_key(
        self, request: Request[Any, Any, Any], keyId: FromPath[str]
    ) -> Response[RevokeApiKeyResponse]:
        """Revoke a key; every server on this database refuses it from its next request."""
        info = services_of(request).keys.revoke(keyId)
        return ok(info, f"key {info.key_id} revoked")
