"""OPC UA as a runtime data source (``asyncua`` client): a real S7-1500's built-in server, or any other.

A bulk call is one Read or Write service call with every item, on the connection's session (anonymous, or the
connection's user), which is kept open between calls (:mod:`.sessions`). Each item's status code becomes its quality
or its error (``BadNodeIdUnknown`` is a tag that does not exist, ``BadNotWritable``/``BadUserAccessDenied`` one that
may not be written, ``Uncertain*`` a value with quality Uncertain). With security policy Basic256Sha256 this server
presents a self-signed client certificate made once in its data directory (``runtime-opcua-client/``); the PLC must
trust it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.runtime.plc_links import ConnectionFailedError, failed_reading
from engineering_api.runtime.opcua.names import variant_type_name, variant_value
from engineering_api.runtime.opcua.sessions import OpcUaSessions, reason
from engineering_api.runtime.sources import Quality, TagReading

if TYPE_CHECKING:
    from engineering_api.runtime.plc_links import OpenConnection, TagMapping

__all__ = ("OpcUaLink", "check_mapping")

# An OPC UA status (its name's start) as a runtime item error: (code, HTTP status of the single-item route).
_ERRORS = (
    ("BadNodeIdUnknown", codes.TAG_NOT_FOUND, 404), ("BadNodeIdInvalid", codes.TAG_NOT_FOUND, 404),
    ("BadNotWritable", codes.TAG_NOT_WRITABLE, 403), ("BadUserAccessDenied", codes.TAG_NOT_WRITABLE, 403),
    ("BadNotReadable", codes.TAG_NOT_FOUND, 404), ("BadTypeMismatch", codes.TYPE_MISMATCH, 422),
    ("BadOutOfRange", codes.TYPE_MISMATCH, 422),
)


def check_mapping(mapping: TagMapping) -> None:
    """Raises ValidationError (``MAPPING_INVALID``) for a mapping an OPC UA connection cannot serve."""
    from asyncua import ua

    if not mapping.node_id:
        raise ValidationError(f"{mapping.name}: an OPC UA tag needs nodeId (ns=3;s=...).", code=codes.MAPPING_INVALID)
    try:
        ua.NodeId.from_string(mapping.node_id)
    except (ValueError, ua.UaError) as exc:
        raise ValidationError(f"{mapping.name}: nodeId {mapping.node_id!r} is not an OPC UA node id.",
                              code=codes.MAPPING_INVALID) from exc
    if variant_type_name(mapping.data_type) is None:
        raise ValidationError(f"{mapping.name}: {mapping.data_type} has no OPC UA built-in type here.",
                              code=codes.MAPPING_INVALID)


class OpcUaLink:
    """Reads and writes one connection's mapped nodes, on its kept session (:class:`OpcUaSessions`)."""

    def __init__(self, certificate_dir: Path | None = None) -> None:
        self._certificate_dir = certificate_dir
        self.sessions = OpcUaSessions(self._connect)

    def read(self, connection: OpenConnection, tags: list[TagMapping]) -> list[TagReading]:
        return self.sessions.call(connection, lambda client: _exchange(client, tags, None))

    def write(self, connection: OpenConnection, items: list[tuple[TagMapping, Any]]) -> list[TagReading]:
        tags, values = [t for t, _v in items], [v for _t, v in items]
        return self.sessions.call(connection, lambda client: _exchange(client, tags, values))

    def close(self) -> None:
        """Close the kept sessions (at the app's end)."""
        self.sessions.close()

    async def _connect(self, connection: OpenConnection) -> Any:
        """A client connected to the connection's server. Raises ConnectionFailedError."""
        from asyncua import ua

        view = connection.view
        client = _client_class()(view.endpoint_url or "", timeout=view.timeout_seconds)
        if view.username:
            client.set_user(view.username)
            if connection.password is not None:
                client.set_password(connection.password)
        try:
            if view.security_policy != "None":
                await self._secure(client, view.security_policy, view.security_mode)
            await asyncio.wait_for(client.connect(), view.timeout_seconds)
        except (OSError, TimeoutError, ua.UaError, asyncio.TimeoutError) as exc:
            raise ConnectionFailedError(reason(exc)) from exc
        return client

    async def _secure(self, client: Any, policy: str, mode: str) -> None:
        from asyncua import ua
        from asyncua.crypto import security_policies
        from asyncua.crypto.cert_gen import setup_self_signed_certificate
        from cryptography.x509.oid import ExtendedKeyUsageOID

        folder = self._certificate_dir or Path("runtime-opcua-client")
        folder.mkdir(parents=True, exist_ok=True)
        key, cert = folder / "client-key.pem", folder / "client-cert.der"
        uri = "urn:engineering-api:runtime-client"
        await setup_self_signed_certificate(key, cert, uri, "localhost", [ExtendedKeyUsageOID.CLIENT_AUTH],
                                            {"commonName": "engineering-api runtime client"})
        client.application_uri = uri
        await client.set_security(security_policies.SecurityPolicyBasic256Sha256, str(cert), str(key),
                                  mode=getattr(ua.MessageSecurityMode, mode))


async def _exchange(client: Any, tags: list[TagMapping], values: list[Any] | None) -> list[TagReading]:
    """One Write (``values`` given) then one Read of ``tags`` on a connected client: a reading per tag."""
    from asyncua import ua

    ids = [ua.NodeId.from_string(t.node_id or "") for t in tags]
    out: list[TagReading | None] = [None] * len(tags)
    if values is not None:
        writes, where = [], []
        for i, (tag, value) in enumerate(zip(tags, values, strict=True)):
            type_name = variant_type_name(tag.data_type) or "String"
            try:
                variant = ua.Variant(variant_value(type_name, value), getattr(ua.VariantType, type_name))
            except (TypeError, ValueError) as exc:
                out[i] = failed_reading(tag, codes.TYPE_MISMATCH, f"{tag.name} ({tag.data_type}): {exc}", 422)
                continue
            writes.append(ua.DataValue(variant))
            where.append(i)
        statuses = await client.uaclient.write_attributes([ids[i] for i in where], writes) if where else []
        for i, status in zip(where, statuses, strict=True):
            if not status.is_good():
                out[i] = _bad(tags[i], status)
    wanted = [i for i in range(len(tags)) if out[i] is None]
    answers = await client.uaclient.read_attributes([ids[i] for i in wanted], ua.AttributeIds.Value) \
        if wanted else []
    for i, answer in zip(wanted, answers, strict=True):
        out[i] = _reading(tags[i], answer)
    return [r for r in out if r is not None]


def _client_class() -> type:
    """asyncua's client, except that it never sends a password in plain text."""
    from asyncua import Client, ua
    from asyncua.crypto.security_policies import SecurityPolicyNone

    class NoPlainPasswordClient(Client):
        def _add_user_auth(self, params: Any, username: str | None, password: str | None) -> None:
            # A user token policy without its own encryption over a channel that does not encrypt would carry the
            # password readable on the wire (asyncua only warns); refuse and say what to configure instead.
            policy = self.server_policy(ua.UserTokenType.UserName)
            token_clear = not policy.SecurityPolicyUri or policy.SecurityPolicyUri == SecurityPolicyNone.URI
            if password and token_clear and self.security_policy.Mode != ua.MessageSecurityMode.SignAndEncrypt:
                raise ConnectionFailedError(
                    "the server would take the password in plain text; not sent (use securityMode SignAndEncrypt, "
                    "or a server whose user token policy encrypts it)")
            super()._add_user_auth(params, username, password)

    return NoPlainPasswordClient


def _reading(tag: TagMapping, answer: Any) -> TagReading:
    status = answer.StatusCode
    stamp = answer.SourceTimestamp or answer.ServerTimestamp
    when = stamp.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z") if stamp else utc_now()
    if status is not None and status.is_bad():
        return _bad(tag, status, when)
    quality: Quality = "Uncertain" if status is not None and status.is_uncertain() else "Good"
    value = answer.Value.Value if answer.Value is not None else None
    if isinstance(value, datetime):
        value = value.isoformat()
    return TagReading(tag.name, value, tag.data_type, quality, when)


def _bad(tag: TagMapping, status: Any, when: str | None = None) -> TagReading:
    name = status.name if hasattr(status, "name") else str(status)
    for prefix, code, http in _ERRORS:
        if name.startswith(prefix):
            return failed_reading(tag, code, f"{tag.name}: OPC UA {name}", http, when)
    return failed_reading(tag, codes.RUNTIME_FAULT, f"{tag.name}: OPC UA {name}", 500, when)
