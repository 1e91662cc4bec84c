"""Who a request works for, as the TIA worker sees it: one session, one portal.

Embedded, every request shares the server's one portal. In a farm (:mod:`engineering_api.farm.dispatch`) each
session gets a portal of its own on some agent, so the guard middleware records the request's session here. A
request without an ``X-Engineering-Session`` header works in the ``default`` session, which every key shares, as
every key shares the one portal of an embedded server: a client that knows nothing of farms (T-IA Connect's, an
MCP assistant, a runtime dashboard) sees what it would see embedded. A pipeline that builds several projects in
parallel names a session per project; a named session belongs to its key, so one key cannot reach another's.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable

__all__ = ("DEFAULT_SESSION", "SESSION_HEADER", "caller_id", "current_caller", "current_job")

SESSION_HEADER = b"x-engineering-session"
"""Names a session (a portal of its own in a farm); without it a request works in the default session."""

DEFAULT_SESSION = "default"
"""The session of requests that name none, shared by every key."""

current_caller: contextvars.ContextVar[str | None] = contextvars.ContextVar("engineering_api_caller", default=None)
"""The request's session; None for work the server starts on its own (it runs in the default session too)."""

current_job: contextvars.ContextVar[str | None] = contextvars.ContextVar("engineering_api_job", default=None)
"""The job a TIA worker thread is running (None for inline calls): a farm records it with each call it sends, so
an API node that restarts can re-attach the job to its call on the agent."""

_SESSION_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def caller_id(key_id: str, headers: Iterable[tuple[bytes, bytes]]) -> str:
    """``key_id/session`` for a request naming a valid session, else :data:`DEFAULT_SESSION` (other values are
    ignored)."""
    for name, value in headers:
        if name == SESSION_HEADER:
            session = value.decode("latin-1").strip()
            if _SESSION_NAME.fullmatch(session):
                return f"{key_id}/{session}"
    return DEFAULT_SESSION
