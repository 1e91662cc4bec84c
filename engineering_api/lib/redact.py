"""Secrets out of what the service stores about a request (a job's recorded input).

A field named like a secret (``password``, ``newPassword``, ``passwords``, ``secret``...) keeps its key and loses its
value, at any depth: the jobs table shows that a password was sent, never which.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

__all__ = ("REDACTED", "redacted_json")

REDACTED = "***"
_SECRET = re.compile(r"(password|passwords|secret|apikey)$", re.IGNORECASE)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and _SECRET.search(k.replace("_", "")) and v is not None
                    else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def redacted_json(data: Any) -> str:
    """``data`` as JSON (msgspec's encoding) with every secret-named field's value replaced by :data:`REDACTED`."""
    return msgspec.json.encode(_scrub(msgspec.to_builtins(data))).decode()
