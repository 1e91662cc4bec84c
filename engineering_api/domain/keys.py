"""Key management API: list, create and revoke API keys (admin only).

The routes and ``engineering-api keys`` share :class:`~engineering_api.lib.security.ApiKeyStore`, and every
request reads the store, so a key revoked either way is refused by every running server from its next request.
The guard audits each create and revoke like any mutating call (method, path, status, caller); the secret is
only in the one response that creates it, never in the audit, the listing or the log.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

import msgspec

from engineering_api.backend.errors import ConflictError, NotFoundError, ValidationError
from engineering_api.web.call_routes import service_call
from engineering_api.jobs.operations import CallRoute
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import KEY_NAME_MAX, ApiKeyInfo, Role
from engineering_api.services import Services

__all__ = ("CALLS", "CreatedKey", "KeyId", "NewKey")

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


class KeyId(CamelStruct):
    """The key, by id."""

    key_id: str


def _create(services: Services, new: NewKey) -> CreatedKey:
    info, secret = services.keys.create(new.name, new.role)
    return CreatedKey(key=info, secret=secret)


_KEYS = "/api/security/keys"
_ADMIN_ONLY = "the keys MCP sessions run on are managed by an admin on REST or the CLI, never handed out to an agent"
_call = partial(service_call, section=SECTION, no_mcp_tool=_ADMIN_ONLY, role=Role.ADMIN)
LIST = _call("security.keys.list", f"GET {_KEYS}", "List API keys", lambda services, _: services.keys.list(),
             output=list[ApiKeyInfo], built_route=CallRoute("ListApiKeys"),
             description="Every API key, newest first, revoked ones included; never the secrets.")
CREATE = _call("security.keys.create", f"POST {_KEYS}", "Create an API key", _create, NewKey, CreatedKey,
               mutating=True, errors=(ValidationError,),
               built_route=CallRoute("CreateApiKey", status_code=201, blocking=True),
               description="Create a key; the answer holds its secret, shown only this once (a retry with the same "
                           "``Idempotency-Key`` answers the key without it: revoke that key and create another if the "
                           "first answer was lost).",
               message=lambda created: f"key {created.key.key_id} created")
REVOKE = _call("security.keys.revoke", f"DELETE {_KEYS}/{{keyId}}", "Revoke an API key",
               lambda services, query: services.keys.revoke(query.key_id), KeyId, ApiKeyInfo, mutating=True,
               errors=(NotFoundError, ConflictError), built_route=CallRoute("RevokeApiKey", blocking=True),
               description="Revoke a key; every server on this database refuses it from its next request.",
               message=lambda info: f"key {info.key_id} revoked")
CALLS = (LIST, CREATE, REVOKE)
"""The key calls, declared once (service calls of the registry)."""

