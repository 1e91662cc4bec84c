"""Real PLCs as runtime data sources: connections (OPC UA endpoint or S7 host/rack/slot) and tag mappings.

An admin configures connections and maps runtime tag names to a connection plus an OPC UA node id or an S7
address (``DB1.DBD4`` with its TIA data type). :class:`ConnectionSource` is the
:class:`~engineering_api.runtime.sources.TagSource` over them: a bulk call opens one session per connection it
touches (OPC UA through ``asyncua``, S7 through ``python-snap7``) and answers one result per item; a PLC that does
not answer makes its items fail with ``CONNECTION_FAILED`` (503), the others still answer.

OPC UA passwords are stored encrypted (Fernet, :mod:`engineering_api.lib.secret_box`), never returned (a
connection shows ``passwordSet``) and never logged.
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.secret_box import SecretBox
from engineering_api.runtime.kv_records import KeyedRecords
from engineering_api.runtime.plc_links import (
    ConnectionFailedError, OpenConnection, PlcLink, RuntimeConnection, TagMapping, failed_reading,
)
from engineering_api.runtime.sources import ItemError, RuntimeTag, TagReading, TagWrite

if TYPE_CHECKING:
    import builtins

    from engineering_api.runtime.sources import TagSource
    from engineering_api.services import Services

__all__ = ("ConnectionInput", "ConnectionSource", "ConnectionStore", "SwitchedSource", "TagSourceChoice")

KEY_FILE = "runtime-secret.key"
_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]
_Host = Annotated[str, msgspec.Meta(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.:\-\[\]]+$")]
_EndpointUrl = Annotated[str, msgspec.Meta(max_length=500, pattern=r"^opc\.tcp://[^\s/?#@]+(/[^\s]*)?$")]


class ConnectionInput(CamelStruct):
    """A real PLC to read and write: ``kind`` opcua (``endpointUrl``, security, user) or s7 (``host``, rack, slot)."""

    name: _Name
    kind: Literal["opcua", "s7"]
    endpoint_url: _EndpointUrl | None = None
    """OPC UA: ``opc.tcp://host:4840`` (an S7-1500's built-in server listens on 4840)."""
    security_policy: Literal["None", "Basic256Sha256"] = "None"
    security_mode: Literal["None", "Sign", "SignAndEncrypt"] = "None"
    """``None`` with policy None; ``Sign`` or ``SignAndEncrypt`` with Basic256Sha256 (this server then presents a
    self-signed client certificate kept in its data directory, which the PLC must trust)."""
    username: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    password: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    """OPC UA user's password: stored encrypted, never shown. Omit (null) to keep the stored one; ``""`` removes it."""
    host: _Host | None = None
    """S7: the CPU's IP address or host name (PUT/GET enabled, the DBs read not optimised)."""
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] | None = None
    """S7: ISO-on-TCP port, default 102."""
    rack: Annotated[int, msgspec.Meta(ge=0, le=7)] = 0
    slot: Annotated[int, msgspec.Meta(ge=0, le=31)] = 1
    """S7: 1 for an S7-1200/1500 CPU."""
    timeout_seconds: Annotated[float, msgspec.Meta(ge=0.5, le=60)] = 5.0


class ConnectionStore:
    """Connections and tag mappings in the service's database (key-value rows under ``runtime.connections.``)."""

    def __init__(self, services: Services) -> None:
        self._kv = KeyValueStore(services.db, "runtime.connections.")
        self._records = KeyedRecords(self._kv, "connections", noun="runtime connection",
                                     not_found_code=codes.CONNECTION_NOT_FOUND)
        self._secrets = SecretBox(services.settings.data_dir, KEY_FILE)
        self.data_dir = services.settings.data_dir
        self._lock = threading.Lock()

    def tag_source(self) -> TagSourceChoice:
        """Where the runtime API's tags come from now."""
        return msgspec.convert(self._kv.get("tagSource") or {}, TagSourceChoice)

    def choose_tag_source(self, choice: TagSourceChoice) -> TagSourceChoice:
        self._kv.set("tagSource", msgspec.to_builtins(choice))
        return choice

    # ----- connections ------------------------------------------------------------------------------
    def list(self) -> list[RuntimeConnection]:
        return sorted((_view(raw) for raw in self._records.all().values()), key=lambda c: c.name.lower())

    def get(self, connection_id: str) -> RuntimeConnection:
        """Raises NotFoundError (``CONNECTION_NOT_FOUND``)."""
        return _view(self._records.one(connection_id))

    def open(self, connection_id: str) -> OpenConnection:
        """The connection with its password, for a link (Raises NotFoundError)."""
        raw = self._records.one(connection_id)
        secret = raw.get("passwordToken")
        return OpenConnection(_view(raw), self._secrets.decrypt(secret) if secret else None)

    def save(self, given: ConnectionInput, connection_id: str | None = None) -> RuntimeConnection:
        """Create (no id) or replace a connection; an omitted password keeps the stored one for the same endpoint.

        Raises:
            ValidationError: fields missing for the kind, or security mode and policy that do not go together.
            NotFoundError: replacing a connection that does not exist.
            AlreadyExistsError-like ValidationError: ``CONNECTION_NAME_TAKEN``.
        """
        _check(given)
        with self._lock:
            every = self._records.all()
            old = self._records.one(connection_id, every) if connection_id else None
            taken = [r for i, r in every.items() if i != connection_id and r["name"].lower() == given.name.lower()]
            if taken:
                raise ValidationError(f"A runtime connection is already named {given.name!r}.",
                                      code=codes.CONNECTION_NAME_TAKEN)
            token = (old or {}).get("passwordToken")
            if given.password is not None:
                token = self._secrets.encrypt(given.password) if given.password else None
            elif old is not None and old.get("endpointUrl") != given.endpoint_url:
                token = None  # a password is for one endpoint: never send it to another it was not entered for
            cid = connection_id or uuid.uuid4().hex[:12]
            raw = {k: v for k, v in msgspec.to_builtins(given).items() if k != "password"}
            raw.update(connectionId=cid, passwordToken=token, updatedAt=utc_now())
            every[cid] = raw
            self._records.write(every)
            return _view(raw)

    def delete(self, connection_id: str) -> RuntimeConnection:
        """Delete a connection and its tag mappings (Raises NotFoundError)."""
        with self._lock:
            raw = self._records.remove(connection_id)
            self._kv.set("mappings", {n: m for n, m in self._mapping_rows().items()
                                      if m["connectionId"] != connection_id})
            return _view(raw)

    # ----- tag mappings --------------------------------------------------------------------------------
    def _mapping_rows(self) -> dict[str, dict[str, Any]]:
        value = self._kv.get("mappings")
        return value if isinstance(value, dict) else {}

    def mappings(self, connection_id: str | None = None) -> builtins.list[tuple[str, TagMapping]]:
        """(connection id, mapping) in the order they were saved; only one connection's with ``connection_id``."""
        out = []
        for row in self._mapping_rows().values():
            if connection_id is None or row["connectionId"] == connection_id:
                out.append((row["connectionId"], msgspec.convert(row["mapping"], TagMapping)))
        return out

    def replace_mappings(self, connection_id: str, mappings: builtins.list[TagMapping]) -> builtins.list[TagMapping]:
        """Make ``mappings`` the connection's tags (others' stay).

        Raises:
            NotFoundError: no such connection.
            ValidationError: ``MAPPING_INVALID`` (no node id for OPC UA, a bad S7 address or type) or
                ``TAG_NAME_TAKEN`` (a name twice, or mapped by another connection).
        """
        return self.put_mappings(connection_id, mappings, replace=True)[0]

    def put_mappings(self, connection_id: str, mappings: builtins.list[TagMapping], *,
                     replace: bool) -> tuple[builtins.list[TagMapping], builtins.list[str]]:
        """Add ``mappings`` to the connection's tags (one of the same name is updated), or with ``replace`` make
        them its only tags; answers the connection's tags and the names of those that were removed.

        Raises:
            NotFoundError: no such connection.
            ValidationError: as :meth:`replace_mappings`; nothing changes then.
        """
        from engineering_api.runtime.opcua.source import check_mapping as check_opcua
        from engineering_api.runtime.s7_source import check_mapping as check_s7

        kind = self.get(connection_id).kind
        check = check_opcua if kind == "opcua" else check_s7
        for mapping in mappings:
            check(mapping)
        with self._lock:
            every = self._mapping_rows()
            given = {m.name.strip().lower() for m in mappings}
            kept = {n: r for n, r in every.items() if r["connectionId"] == connection_id and not replace
                    and n not in given}
            removed = [r["mapping"]["name"] for n, r in every.items() if r["connectionId"] == connection_id
                       and replace and n not in given]
            rows = {n: r for n, r in every.items() if r["connectionId"] != connection_id}
            rows.update(kept)
            for mapping in mappings:
                key = mapping.name.strip().lower()
                if key in rows:
                    raise ValidationError(f"The runtime tag {mapping.name!r} is mapped twice.",
                                          code=codes.TAG_NAME_TAKEN)
                rows[key] = {"connectionId": connection_id, "mapping": msgspec.to_builtins(mapping)}
            self._kv.set("mappings", rows)
        return [m for _cid, m in self.mappings(connection_id)], removed


def _view(raw: dict[str, Any]) -> RuntimeConnection:
    return RuntimeConnection(
        connection_id=raw["connectionId"], name=raw["name"], kind=raw["kind"], endpoint_url=raw.get("endpointUrl"),
        security_policy=raw.get("securityPolicy", "None"), security_mode=raw.get("securityMode", "None"),
        username=raw.get("username"), password_set=bool(raw.get("passwordToken")), host=raw.get("host"),
        port=raw.get("port"), rack=raw.get("rack", 0), slot=raw.get("slot", 1),
        timeout_seconds=raw.get("timeoutSeconds", 5.0), updated_at=raw["updatedAt"])


def _check(given: ConnectionInput) -> None:
    if given.kind == "opcua":
        if not given.endpoint_url:
            raise ValidationError("An OPC UA connection needs endpointUrl (opc.tcp://host:4840).",
                                  code=codes.CONNECTION_INVALID)
        if (given.security_policy == "None") != (given.security_mode == "None"):
            raise ValidationError("securityMode None goes with securityPolicy None, Sign or SignAndEncrypt with "
                                  "Basic256Sha256.", code=codes.CONNECTION_INVALID)
    elif not given.host:
        raise ValidationError("An S7 connection needs host (the CPU's address).", code=codes.CONNECTION_INVALID)


class ConnectionSource:
    """The mapped tags of the configured connections as a TagSource (see the module docstring)."""

    def __init__(self, store: ConnectionStore, links: dict[str, PlcLink] | None = None) -> None:
        self._store = store
        self._links = links

    def _link(self, kind: str) -> PlcLink:
        if self._links is None:
            from engineering_api.runtime.opcua.source import OpcUaLink
            from engineering_api.runtime.s7_source import S7Link

            self._links = {"opcua": OpcUaLink(self._store.data_dir / "runtime-opcua-client"), "s7": S7Link()}
        return self._links[kind]

    def browse(self) -> list[RuntimeTag]:
        return [RuntimeTag(m.name, m.data_type, m.writable) for _cid, m in self._store.mappings()]

    def close(self) -> None:
        """Close the sessions the links keep (at the app's end)."""
        for link in (self._links or {}).values():
            link.close()

    def read(self, names: list[str]) -> list[TagReading]:
        return self._run([(name, None) for name in names], write=False)

    def write(self, items: list[TagWrite]) -> list[TagReading]:
        return self._run([(item.name, item.value) for item in items], write=True)

    def now(self) -> str:
        return utc_now()  # a real PLC's own clock is not read

    def _run(self, items: list[tuple[str, Any]], *, write: bool) -> list[TagReading]:
        mapped = {m.name.strip().lower(): (cid, m) for cid, m in self._store.mappings()}
        out: list[TagReading | None] = [None] * len(items)
        by_connection: dict[str, list[int]] = {}
        for i, (name, _value) in enumerate(items):
            found = mapped.get(name.strip().lower())
            if found is None:
                out[i] = TagReading(name, None, None, "Bad", utc_now(), ItemError(
                    codes.TAG_NOT_FOUND, f'No runtime tag "{name}" is mapped to a connection.', 404))
            elif write and not found[1].writable:
                out[i] = failed_reading(found[1], codes.TAG_NOT_WRITABLE, f"{found[1].name} is mapped read-only.", 403)
            else:
                by_connection.setdefault(found[0], []).append(i)
        for cid, indexes in by_connection.items():
            tags = [mapped[items[i][0].strip().lower()][1] for i in indexes]
            for i, reading in zip(indexes, self._session(cid, tags, [items[i][1] for i in indexes], write),
                                  strict=True):
                out[i] = reading
        return [r for r in out if r is not None]

    def _session(self, cid: str, tags: list[TagMapping], values: list[Any], write: bool) -> list[TagReading]:
        connection = self._store.open(cid)
        link = self._link(connection.view.kind)
        try:
            if write:
                return link.write(connection, list(zip(tags, values, strict=True)))
            return link.read(connection, tags)
        except ConnectionFailedError as exc:
            text = f"The PLC of connection {connection.view.name!r} did not answer: {exc}"
            return [failed_reading(t, codes.CONNECTION_FAILED, text, 503) for t in tags]


class TagSourceChoice(CamelStruct):
    """Where the runtime API's tags come from."""

    source: Literal["simulated", "connections"] = "simulated"
    """``simulated``: this server's PLCSim instances; ``connections``: the tags mapped to real PLCs."""


class SwitchedSource:
    """The TagSource the admin chose (:class:`TagSourceChoice`), asked on every call so a change applies at once."""

    def __init__(self, store: ConnectionStore, simulated: Any) -> None:
        self.store = store
        self.simulated = simulated
        self.connections = ConnectionSource(store)

    def _current(self) -> TagSource:
        return self.polled() or self.simulated

    def polled(self) -> ConnectionSource | None:
        """The connections' source when the admin chose it (no CPU queues values there: the monitor polls it)."""
        return self.connections if self.store.tag_source().source == "connections" else None

    def browse(self) -> list[RuntimeTag]:
        return self._current().browse()

    def read(self, names: list[str]) -> list[TagReading]:
        return self._current().read(names)

    def write(self, items: list[TagWrite]) -> list[TagReading]:
        return self._current().write(items)

    def now(self) -> str:
        return self._current().now()
