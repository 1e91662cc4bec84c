"""MCP sessions as the reference routes list them: client, protocol version, start and last activity.

The SDK's transports own the connections; this registry only records them (keyed by the transport's session
id) and remembers which API key opened each one, so no other key can use or see it. A session idle for longer
than the timeout is expired: its record goes and, where this process owns the connection (SSE), the
connection is closed.
"""

from __future__ import annotations

import builtins
import collections
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engineering_api.lib.schema import CamelStruct, utc_now

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("McpSession", "SessionInfo", "SessionRegistry")


class SessionInfo(CamelStruct):
    """An MCP session as listed by ``GET /mcp/sessions``."""

    session_id: str
    transport: str
    """``streamable-http``, ``sse`` or ``stdio``."""
    key_id: str | None
    client_name: str | None
    client_version: str | None
    client_id: str | None
    """The ``X-Client-Id`` header (T-IA Connect's VS Code client sends ``vscode/<version>``)."""
    protocol_version: str | None
    started_at: str
    last_activity_at: str
    requests: int
    tool_calls: int
    categories: list[str] | None
    tools: str
    """The tool profile the session lists (``core`` or ``all``); ``categories``, when set, replace it."""
    connected: bool


@dataclass
class McpSession:
    """The mutable record behind a :class:`SessionInfo`."""

    session_id: str
    transport: str
    key_id: str | None
    client_id: str | None = None
    categories: list[str] | None = None
    tools: str = "core"
    client_name: str | None = None
    client_version: str | None = None
    protocol_version: str | None = None
    started_at: str = field(default_factory=utc_now)
    last_activity_at: str = field(default_factory=utc_now)
    last_activity: float = field(default_factory=time.monotonic)
    requests: int = 0
    tool_calls: int = 0
    connected: bool = True
    busy: int = 0
    """Requests of the session being served now; a session with none is idle."""
    close: Callable[[], None] | None = None
    """Closes the connection (SSE); None where the SDK owns it (streamable HTTP expires on its own)."""

    def info(self) -> SessionInfo:
        """The wire form."""
        return SessionInfo(
            session_id=self.session_id, transport=self.transport, key_id=self.key_id, client_name=self.client_name,
            client_version=self.client_version, client_id=self.client_id, protocol_version=self.protocol_version,
            started_at=self.started_at, last_activity_at=self.last_activity_at, requests=self.requests,
            tool_calls=self.tool_calls, categories=self.categories, tools=self.tools, connected=self.connected,
        )


class SessionRegistry:
    """Sessions by id; safe to use from the event loop and the stdio thread."""

    def __init__(self, idle_timeout_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_timeout_s = idle_timeout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, McpSession] = {}
        self.tool_calls: collections.Counter[tuple[str, str]] = collections.Counter()
        """Tool calls since the start by (tool, ``ok`` or ``error``), for the metrics (sessions come and go)."""

    def count_tool_call(self, tool: str, failed: bool) -> None:
        """Count one answered tool call (``tool``: a catalog name; the caller maps unknown names to one label)."""
        self.tool_calls[tool, "error" if failed else "ok"] += 1  # one dict update: the event loop's, no lock needed

    def counts(self) -> dict[tuple[str, bool], int]:
        """Open sessions by (transport, connected), for the metrics."""
        with self._lock:
            return collections.Counter((s.transport, s.connected) for s in self._sessions.values())

    def open(self, session: McpSession) -> McpSession:
        """Record a new session (replacing a closed record of the same id)."""
        with self._lock:
            self._sessions[session.session_id] = session
        return session

    def get(self, session_id: str) -> McpSession | None:
        """A session by id."""
        with self._lock:
            return self._sessions.get(session_id)

    def touch(self, session_id: str, *, method: str, client_name: str | None = None,
              client_version: str | None = None, protocol_version: str | None = None) -> None:
        """Note a request on the session (and what the handshake told about the client)."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return
            session.requests += 1
            session.busy += 1
            session.tool_calls += method == "tools/call"
            session.last_activity = self._clock()
            session.last_activity_at = utc_now()
            session.client_name = client_name or session.client_name
            session.client_version = client_version or session.client_version
            session.protocol_version = protocol_version or session.protocol_version

    def served(self, session_id: str) -> None:
        """A request :meth:`touch` noted has been answered."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None and session.busy:
                session.busy -= 1

    def admit(self, key_id: str | None, limit: int) -> bool:
        """Make room for one more open session of ``key_id``: at ``limit``, the key's oldest idle session is closed
        (and forgotten). False when every one of them is busy, so the new session must be refused."""
        with self._lock:
            mine = [s for s in self._sessions.values() if s.key_id == key_id and s.connected]
            if len(mine) < limit:
                return True
            idle = [s for s in mine if s.busy == 0]
            if not idle:
                return False
            oldest = min(idle, key=lambda s: s.last_activity)
            del self._sessions[oldest.session_id]
        if oldest.close is not None:
            oldest.close()
        return True

    def disconnected(self, session_id: str) -> None:
        """The transport ended; the record stays until cleanup so it can still be inspected."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                session.connected = False
                session.close = None

    def list(self, key_id: str | None = None) -> list[SessionInfo]:
        """Sessions newest first; only the key's own when ``key_id`` is given."""
        self.expire()
        with self._lock:
            chosen = [s for s in self._sessions.values() if key_id is None or s.key_id == key_id]
        chosen.sort(key=lambda s: s.started_at, reverse=True)
        return [s.info() for s in chosen]

    # builtins.list: in the class body, ``list`` names the method above.
    def expire(self) -> builtins.list[str]:
        """Close sessions idle past the timeout; forget them. Returns their ids."""
        now = self._clock()
        with self._lock:
            stale = [s for s in self._sessions.values() if now - s.last_activity > self.idle_timeout_s]
            for session in stale:
                del self._sessions[session.session_id]
        for session in stale:
            if session.close is not None:
                session.close()
        return [s.session_id for s in stale]

    def cleanup(self, key_id: str | None = None) -> builtins.list[str]:
        """Forget disconnected sessions and expire idle ones (of ``key_id`` only, when given). Returns their ids."""
        removed = self.expire()
        with self._lock:
            gone = [s for s in self._sessions.values()
                    if not s.connected and (key_id is None or s.key_id == key_id)]
            for session in gone:
                del self._sessions[session.session_id]
        return removed + [s.session_id for s in gone]

    def remove(self, session_id: str) -> McpSession | None:
        """Forget one session, closing its connection where this process owns it."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is not None and session.close is not None:
            session.close()
        return session

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)
