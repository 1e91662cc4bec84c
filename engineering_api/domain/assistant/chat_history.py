"""Stored chat history, per API key and project key, in its own table of the service database.

Each key sees and clears only its own conversation: several people share one server, and a conversation
can hold project details its owner asked about.
"""

from __future__ import annotations

import builtins
import json
from typing import TYPE_CHECKING

import msgspec

from sqlalchemy import select

from engineering_api.domain.assistant.schema import HistoryEntry, ToolCallRecord
from engineering_api.lib.redact import redacted_json
from engineering_api.lib.schema import utc_now
from engineering_api.lib.tables import assistant_history as history

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from engineering_api.lib.db import Database

__all__ = ("ChatHistory",)

_LIMIT = 1000
"""Most entries one listing returns (the newest)."""


class ChatHistory:
    """The ``assistant_history`` table of the service database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, key_id: str, project_key: str | None, role: str, content: str,
            tool_calls: list[ToolCallRecord] | None = None) -> None:
        """Append one message."""
        self._db.insert(history.insert().values(
            key_id=key_id, project_key=project_key, role=role, content=content, at=utc_now(),
            tool_calls=redacted_json(tool_calls) if tool_calls else None))  # a tool's password argument is not kept

    def list(self, key_id: str, project_key: str | None = None, *, only_project: bool = False,
             limit: int = _LIMIT) -> list[HistoryEntry]:
        """The key's messages, oldest first; with ``only_project`` just those of ``project_key``."""
        rows = self._db.all(select(history).where(*self._of(key_id, project_key, only_project))
                            .order_by(history.c.id.desc()).limit(limit))
        return [
            HistoryEntry(role=row["role"], content=row["content"], timestamp=row["at"], project_key=row["project_key"],
                         tool_calls=msgspec.convert(json.loads(row["tool_calls"]), list[ToolCallRecord])
                         if row["tool_calls"] else None)
            for row in reversed(rows)
        ]

    def clear(self, key_id: str, project_key: str | None = None, *, only_project: bool = False) -> int:
        """Delete the key's messages (of one project key with ``only_project``); returns how many."""
        return self._db.execute(history.delete().where(*self._of(key_id, project_key, only_project)))

    @staticmethod
    def _of(key_id: str, project_key: str | None, only_project: bool) -> builtins.list[ColumnElement[bool]]:
        where = [history.c.key_id == key_id]
        if only_project:
            where.append(history.c.project_key.is_not_distinct_from(project_key))
        return where
