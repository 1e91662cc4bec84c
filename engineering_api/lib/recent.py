"""The newest N records of a kind (test runs, pipeline executions) in the service's key-value state.

Each record has a key of its own plus an index of ids, newest first; saving a new one drops the oldest beyond the
limit. Callers run on the one TIA worker thread, so a read-modify-write of the index cannot interleave.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engineering_api.lib.db import KeyValueStore

__all__ = ("RecentRecords",)


class RecentRecords:
    """Capped, newest-first records: the id index under ``index_key``, each record under ``item_prefix + id``."""

    def __init__(self, kv: KeyValueStore, index_key: str, item_prefix: str, keep: int) -> None:
        self._kv = kv
        self._index = index_key
        self._item = item_prefix
        self.keep = keep

    def save(self, record_id: str, raw: Any) -> None:
        """Record (or update) one; a new one may drop the oldest."""
        self._kv.set(self._item + record_id, raw)
        ids: list[str] = self._kv.get(self._index) or []
        if record_id in ids:
            return
        ids.insert(0, record_id)
        for dropped in ids[self.keep:]:
            self._kv.delete(self._item + dropped)
        self._kv.set(self._index, ids[: self.keep])

    def newest(self, limit: int) -> list[Any]:
        """Up to ``limit`` records, newest first."""
        ids: list[str] = self._kv.get(self._index) or []
        found = (self._kv.get(self._item + record_id) for record_id in ids[:limit])
        return [raw for raw in found if raw is not None]

    def ids(self) -> list[str]:
        """Every kept id, newest first."""
        return list(self._kv.get(self._index) or [])

    def get(self, record_id: str) -> Any:
        """One record, or None when it is not (or no longer) kept."""
        if record_id not in (self._kv.get(self._index) or []):
            return None
        return self._kv.get(self._item + record_id)
