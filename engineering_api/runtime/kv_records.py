"""Records by id kept together as one JSON object in a key-value row: the runtime's connections, pushes and pulls.

There are a few dozen of them at most, so a change reads, edits and writes the whole row; the store that owns
the row holds its lock around a change.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from engineering_api.backend.errors import NotFoundError
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.secret_box import SecretBox

if TYPE_CHECKING:
    from engineering_api.services import Services

__all__ = ("KeyedRecords", "SecretRecordStore")


class _Named(Protocol):
    @property
    def name(self) -> str: ...


ViewT = TypeVar("ViewT", bound=_Named)


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


class SecretRecordStore(Generic[ViewT]):
    """Named definitions in the service database, each holding at most one secret (``secretToken``) encrypted with
    the store's own key file; a client sees a definition through ``view``, which leaves the secret out."""

    def __init__(self, services: Services, *, prefix: str, key_file: str, noun: str, not_found_code: str,
                 view: Callable[[dict[str, Any]], ViewT]) -> None:
        self._records = KeyedRecords(KeyValueStore(services.db, prefix), "definitions", noun=noun,
                                     not_found_code=not_found_code)
        self._secrets = SecretBox(services.settings.data_dir, key_file)
        self._lock = threading.Lock()
        self._view = view

    def list(self) -> builtins.list[ViewT]:
        """Every definition, by name (case-insensitive)."""
        return sorted((self._view(raw) for raw in self._records.all().values()), key=lambda v: v.name.lower())

    def ids(self) -> builtins.list[str]:
        return builtins.list(self._records.all())

    def get(self, record_id: str) -> ViewT:
        """Raises NotFoundError (the store's not-found code)."""
        return self._view(self._records.one(record_id))

    def delete(self, record_id: str) -> ViewT:
        """Raises NotFoundError (the store's not-found code)."""
        with self._lock:
            return self._view(self._records.remove(record_id))

    def _secret_of(self, raw: dict[str, Any]) -> str | None:
        """A stored definition's decrypted secret (``None`` when it keeps none)."""
        token = raw.get("secretToken")
        return self._secrets.decrypt(token) if isinstance(token, str) else None
