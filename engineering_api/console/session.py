"""Console sessions: an API key, presented once at sign-in, becomes a session cookie.

The cookie holds 256 random bits; only their SHA-256 is kept (in memory: a restart signs everybody out). Every
request re-reads the key behind the session, so a key revoked through REST or the CLI ends its sessions at once,
and a role changed in the store applies at the next click. Sign-out forgets the session on the server, so a copy
of the cookie is worth nothing after it. A session ends after ``consoleSessionHours`` however busy (an absolute
lifetime), and its forms are accepted only with the CSRF cookie of the browser that signed in.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import select

from engineering_api.lib.tables import api_keys
from engineering_api.lib.db import Database
from engineering_api.lib.security import Principal, Role

__all__ = ("COOKIE", "IDLE_SECONDS", "ConsoleSession", "SessionStore")

COOKIE = "console_session"
"""Name of the session cookie (HttpOnly, SameSite=Strict, path /)."""
IDLE_SECONDS = 8 * 3600
"""A session unused for a working day ends."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(slots=True)
class ConsoleSession:
    """A signed-in browser: the key it signed in with and when it was last seen."""

    session_id: str
    """Short public id (audit records name it), not the secret."""
    key_id: str
    last_seen: float = field(default_factory=time.monotonic)
    signed_in: float = field(default_factory=time.monotonic)
    csrf_cookie: str = ""
    """The CSRF cookie of the browser that signed in: forms of this session must come with it (bound tokens)."""
    runtime_token: str | None = None
    """The runtime user's bearer token once signed in on the runtime page (runtime users are not API keys: the
    runtime API has its own users and roles); kept on the server, never sent to the browser."""


class SessionStore:
    """Creates, resolves and revokes console sessions."""

    def __init__(self, db: Database, lifetime_seconds: float) -> None:
        self._db = db
        self._lifetime = lifetime_seconds
        self._sessions: dict[str, ConsoleSession] = {}
        self._lock = threading.Lock()

    def create(self, principal: Principal, csrf_cookie: str) -> str:
        """A new session for ``principal`` in the browser holding ``csrf_cookie``; returns the cookie value (shown to
        the browser only)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[_digest(token)] = ConsoleSession(secrets.token_hex(6), principal.key_id,
                                                            csrf_cookie=csrf_cookie)
        return token

    def resolve(self, token: str | None) -> tuple[ConsoleSession, Principal] | None:
        """The session and the current principal of its key, or None (unknown, idle too long, past its lifetime,
        key revoked)."""
        if not token:
            return None
        digest = _digest(token)
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(digest)
            if session is None:
                return None
            if now - session.last_seen > IDLE_SECONDS or now - session.signed_in > self._lifetime:
                del self._sessions[digest]
                return None
            session.last_seen = now
        row = self._db.one(select(api_keys.c.key_id, api_keys.c.name, api_keys.c.role)
                           .where(api_keys.c.key_id == session.key_id, api_keys.c.revoked_at.is_(None)))
        if row is None:
            self.revoke(token)
            return None
        return session, Principal(key_id=row["key_id"], name=row["name"], role=Role(row["role"]))

    def revoke(self, token: str | None) -> bool:
        """Forget a session; whether there was one."""
        if not token:
            return False
        with self._lock:
            return self._sessions.pop(_digest(token), None) is not None
