"""Who a request works for, as the TIA worker sees it: one caller, one portal.

Embedded, every caller shares the server's one portal. In a farm (:mod:`engineering_api.farm.dispatch`) each
caller gets a portal of its own on some agent, so the guard middleware records the caller of each request here.
The caller is the API key, or the key plus an ``X-Engineering-Session`` header, so that a pipeline can work on
several projects in parallel with one key; a session name never reaches another key's sessions.
"""

from __future__ import annotations

import contextvars
import re

__all__ = ("SESSION_HEADER", "caller_id", "current_caller")

SESSION_HEADER = b"x-engineering-session"
"""Names one of a key's portals in a farm; without it the key has one."""

current_caller: contextvars.ContextVar[str | None] = contextvars.ContextVar("engineering_api_caller", default=None)
"""The request's caller; None for work the server starts on its own."""

_SESSION_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def caller_id(key_id: str, headers: list[tuple[bytes, bytes]]) -> str:
    """``key_id``, or ``key_id/session`` when the request names a valid session (other values are ignored)."""
    for name, value in headers:
        if name == SESSION_HEADER:
            session = value.decode("latin-1").strip()
            if _SESSION_NAME.fullmatch(session):
                return f"{key_id}/{session}"
    return key_id
