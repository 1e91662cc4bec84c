"""Secrets out of what the service stores or answers about a request (a job's recorded input, a pipeline run's
variables and dry run, the assistant's tool events and records).

A field named like a secret (``password``, ``newPassword``, ``passwords``, ``secret``...) keeps its key and loses its
value, at any depth: the jobs table shows that a password was sent, never which.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

__all__ = ("REDACTED", "is_secret_name", "redacted", "redacted_json")

REDACTED = "***"
_SECRET = re.compile(r"(password|passwords|secret|apikey)$", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """Whether a field of this name holds a secret (``password``, ``newPassword``, ``master_secret``, ``apiKey``)."""
    return bool(_SECRET.search(name.replace("_", "")))


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and is_secret_name(k) and v is not None
                    else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def redacted(data: Any) -> Any:
    """``data`` as plain data with every secret-named field's value replaced by :data:`REDACTED`."""
    return _scrub(msgspec.to_builtins(data))


def redacted_json(data: Any) -> str:
    """``data`` as JSON (msgspec's encoding) with every secret-named field's value replaced by :data:`REDACTED`."""
    return msgspec.json.encode(_scrub(msgspec.to_builtins(data))).decode()
