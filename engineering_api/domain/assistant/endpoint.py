"""What the assistant may be pointed at and sent: provider URLs and API keys, checked before they are stored or used,
and provider error text with every form of the key taken out.

A base URL may name a workstation on the LAN or this machine (Ollama on 192.168.x.y or 127.0.0.1) but never a
link-local or cloud-metadata address (the rule every URL an admin sets follows,
:mod:`engineering_api.lib.outbound_targets`). A key must be visible ASCII: anything else (a line break pasted with
it, a non-ASCII character) cannot go into an HTTP header, and the HTTP library would echo it in its error.
"""

from __future__ import annotations

import json

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.outbound_targets import refused_target

__all__ = ("check_api_key", "check_base_url", "redact_key")

_KEY_CHARACTERS = frozenset(chr(c) for c in range(0x21, 0x7F))


def check_base_url(url: str | None) -> None:
    """Raises:
    ValidationError: ``BASE_URL_REFUSED`` (422, naming ``baseUrl``) for a link-local or cloud-metadata host.
    """
    why = refused_target(url) if url else None
    if why is not None:
        raise ValidationError(
            f"baseUrl is refused: {why}. Private LAN addresses (a workstation running Ollama) are fine.",
            code=codes.BASE_URL_REFUSED, details={"field": "baseUrl"},
        )


def check_api_key(key: str | None) -> None:
    """Raises:
    ValidationError: ``API_KEY_INVALID`` (422, naming ``apiKey``) for a key with anything but visible ASCII; the
        key itself is never repeated.
    """
    if key and not set(key) <= _KEY_CHARACTERS:
        raise ValidationError(
            "apiKey may hold only visible ASCII characters: no spaces, line breaks or other control characters, "
            "and no non-ASCII letters (was a line break copied with it?)",
            code=codes.API_KEY_INVALID, details={"field": "apiKey"},
        )


def redact_key(text: str, key: str | None) -> str:
    """``text`` with the key taken out in every form an error may show it: as it is, trimmed, and escaped the way
    Python's ``repr``, JSON and byte strings write it."""
    if not key:
        return text
    forms = {key, key.strip(), repr(key)[1:-1], json.dumps(key)[1:-1], key.encode("unicode_escape").decode(),
             repr(key.encode("utf-8", "backslashreplace"))[2:-1]}
    for form in sorted(filter(None, forms), key=len, reverse=True):
        text = text.replace(form, "***")
    return text
