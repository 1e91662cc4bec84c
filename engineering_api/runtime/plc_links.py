"""What a PLC link works with: a connection as shown, a tag mapping, the open connection and the link's contract.

The bottom of the runtime's connection modules: :mod:`~engineering_api.runtime.connections` keeps the stored
connections and routes items to a :class:`PlcLink`, and the links (:mod:`~engineering_api.runtime.opcua.source`,
:mod:`~engineering_api.runtime.s7_source`) implement it; both import this module, neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

import msgspec

from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.runtime.sources import ItemError, TagReading

__all__ = (
    "ConnectionFailedError", "OpenConnection", "PlcLink", "RuntimeConnection", "TagMapping", "failed_reading",
)


class RuntimeConnection(CamelStruct):
    """A configured connection as shown: the password only as ``passwordSet``."""

    connection_id: str
    name: str
    kind: str
    endpoint_url: str | None
    security_policy: str
    security_mode: str
    username: str | None
    password_set: bool
    host: str | None
    port: int | None
    rack: int
    slot: int
    timeout_seconds: float
    updated_at: str


class TagMapping(CamelStruct):
    """A runtime tag served from a connection: an OPC UA node id, or an S7 address with its data type."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    """The name runtime clients use (``"Motor_DB".speed``)."""
    data_type: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    """TIA data type (``Real``, ``Int``, ``Bool``, ``String[20]``); sets the value's OPC UA type or S7 size."""
    node_id: Annotated[str, msgspec.Meta(max_length=1100)] | None = None
    """OPC UA: ``ns=3;s="Motor_DB"."speed"``."""
    address: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    """S7: ``DB1.DBD4``, ``DB1.DBX0.1``, ``MW10``, ``I0.0`` (absolute; only non-optimised DBs have them)."""
    writable: bool = False


class ConnectionFailedError(Exception):
    """The PLC of a connection did not answer (or refused the session); the message says why, without secrets."""


@dataclass(frozen=True)
class OpenConnection:
    """A connection with its password decrypted, for a link; ``repr`` leaves the password out."""

    view: RuntimeConnection
    password: str | None = field(default=None, repr=False)


class PlcLink(Protocol):
    """One protocol's client: reads and writes mapped tags of one connection, each call in one session."""

    def read(self, connection: OpenConnection, tags: list[TagMapping]) -> list[TagReading]:
        """One reading per tag; per-item errors as the TagSource's. Raises ConnectionFailedError."""

    def write(self, connection: OpenConnection, items: list[tuple[TagMapping, Any]]) -> list[TagReading]:
        """Write each, answer the value read back. Raises ConnectionFailedError."""

    def close(self) -> None:
        """Close what the link keeps open between calls (at the app's end)."""


def failed_reading(
    tag: TagMapping, code: str, description: str, status: int, timestamp: str | None = None,
) -> TagReading:
    """An item's error as a Bad reading."""
    error = ItemError(code, description, status)
    return TagReading(tag.name, None, tag.data_type, "Bad", timestamp or utc_now(), error)
