"""Stored chat history, per API key and project key, in its own table of the service database.

Each key sees and clears only its own conversation: several people share one server, and a conversation
can hold project details its owner asked about.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import msgspec

from engineering_api.domain.assistant._schema import HistoryEntry, ToolCallRecord
from engineering_api.lib.redact import redacted_json
from engineering_api.lib.schema import utc_now

if TYPE_CHECKING:
    from engineering_api.lib.db import Database

__all__ = ("ChatHistory",)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS assistant_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id TEXT NOT NULL,
    project_key TEXT,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    at TEXT NOT NULL,
    tool_calls TEXT
);
CREATE INDEX IF NOT EXISTS assistant_history_key ON assistant_history(key_id, project_key);
"""
_LIMIT = 1000
"""Most entries one listing returns (the newest)."""


class ChatHistory:
    """The history table; created on first use (it is the assistant's own, not part of the core schema)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        db.create(_SCHEMA)

    def add(self, key_id: str, project_key: str | None, role: str, content: str,
            tool_calls: list[ToolCallRecord] | None = None) -> None:
        """Append one message."""
        self._db.insert(
            "INSERT INTO assistant_history(key_id, project_key, role, content, at, tool_calls) VALUES (?,?,?,?,?,?)",
            (key_id, project_key, role, content, utc_now(),
             redacted_json(tool_calls) if tool_calls else None),  # a tool's password argument is not kept
        )

    def list(self, key_id: str, project_key: str | None = None, *, only_project: bool = False,
             limit: int = _LIMIT) -> list[HistoryEntry]:
        """The key's messages, oldest first; with ``only_project`` just those of ``project_key``."""
        if only_project:
            rows = self._db.all(
                "SELECT * FROM assistant_history WHERE key_id = ? AND project_key IS ? ORDER BY id DESC LIMIT ?",
                (key_id, project_key, limit))
        else:
            rows = self._db.all("SELECT * FROM assistant_history WHERE key_id = ? ORDER BY id DESC LIMIT ?",
                                (key_id, limit))
        return [
            HistoryEntry(role=row["role"], content=row["content"], timestamp=row["at"], project_key=row["project_key"],
                         tool_calls=msgspec.convert(json.loads(row["tool_calls"]), list[ToolCallRecord])
                         if row["tool_calls"] else None)
            for row in reversed(rows)
        ]

    def clear(self, key_id: str, project_key: str | None = None, *, only_project: bool = False) -> int:
        """Delete the key's messages (of one project key with ``only_project``); returns how many."""
        if only_project:
            return self._db.execute("DELETE FROM assistant_history WHERE key_id = ? AND project_key IS ?",
                                    (key_id, project_key))
        return self._db.execute("DELETE FROM assistant_history WHERE key_id = ?", (key_id,))
