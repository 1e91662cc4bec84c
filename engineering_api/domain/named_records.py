"""Records kept by case-insensitive name (pipeline definitions, PLC test cases) in the service's key-value state.

All of a kind live under one key, as a small map by lower-cased name. Callers run on the one TIA worker thread,
so a read-modify-write of the map cannot interleave with another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engineering_api.lib.db import KeyValueStore

__all__ = ("NamedRecords",)


class NamedRecords:
    """The records of one kind under ``key``, each in its JSON form, by lower-cased name."""

    def __init__(self, kv: KeyValueStore, key: str) -> None:
        self._kv = kv
        self._key = key

    def all(self) -> dict[str, Any]:
        """Lower-cased name → record."""
        return self._kv.get(self._key) or {}

    def by_name(self) -> list[Any]:
        """Every record, sorted by name (case-insensitively)."""
        return [raw for _, raw in sorted(self.all().items())]

    def find(self, name: str) -> Any | None:
        """The record of ``name`` (case-insensitive), or None."""
        return self.all().get(name.lower())

    def put(self, name: str, raw: Any, records: dict[str, Any] | None = None) -> None:
        """Store (or replace) the record of ``name``; ``records`` is :meth:`all` when the caller has just read it."""
        records = self.all() if records is None else records
        records[name.lower()] = raw
        self._kv.set(self._key, records)

    def remove(self, name: str) -> None:
        """Drop the record of ``name`` (which must exist)."""
        records = self.all()
        del records[name.lower()]
        self._kv.set(self._key, records)
