"""Records by id kept together as one JSON object in a key-value row: the runtime's connections and pushes.

There are a few dozen of them at most, so a change reads, edits and writes the whole row; the store that owns
the row holds its lock around a change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import NotFoundError

if TYPE_CHECKING:
    from engineering_api.lib.db import KeyValueStore

__all__ = ("KeyedRecords",)


class KeyedRecords:
    """The records of one key-value row, by id; an unknown id is a ``NotFoundError`` naming the record."""

    def __init__(self, kv: KeyValueStore, row: str, *, noun: str, not_found_code: str) -> None:
        self._kv = kv
        self._row = row
        self._noun = noun
        """What a record is, for messages (``runtime connection``)."""
        self._not_found_code = not_found_code

    def all(self) -> dict[str, dict[str, Any]]:
        """Every record by id (a copy: edit it, then :meth:`write` it)."""
        value = self._kv.get(self._row)
        return value if isinstance(value, dict) else {}

    def one(self, record_id: str, every: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """The record (from ``every`` when the caller has read them already); raises NotFoundError."""
        raw = (self.all() if every is None else every).get(record_id)
        if raw is None:
            raise NotFoundError(f"No {self._noun} {record_id!r}.", code=self._not_found_code)
        return raw

    def write(self, every: dict[str, dict[str, Any]]) -> None:
        self._kv.set(self._row, every)

    def remove(self, record_id: str) -> dict[str, Any]:
        """Delete a record; returns it (raises NotFoundError)."""
        every = self.all()
        raw = self.one(record_id, every)
        del every[record_id]
        self.write(every)
        return raw
