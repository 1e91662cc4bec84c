"""Helpers for the console's tests: sign a test client in through the form, with the CSRF token of the page."""

from __future__ import annotations

import re
from typing import Any

__all__ = ("csrf_of", "sign_in")


def csrf_of(html: str) -> str:
    """The CSRF token of the page's forms."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: Any, key: str) -> Any:
    """Sign in through the form at /; returns the answer (303 to the project on success)."""
    token = csrf_of(client.get("/").text)
    return client.post("/console/signin", data={"apiKey": key, "_csrf_token": token}, follow_redirects=False)
