"""Helpers for the console's tests: sign a test client in through the form, with the CSRF token of the page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.simatic_xml.sxml_corpus import CORPUS

__all__ = ("corpus_file", "csrf_of", "sign_in")


def csrf_of(html: str) -> str:
    """The CSRF token of the page's forms."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: Any, key: str) -> Any:
    """Sign in through the form at /; returns the answer (303 to the project on success)."""
    token = csrf_of(client.get("/").text)
    return client.post("/console/signin", data={"apiKey": key, "_csrf_token": token}, follow_redirects=False)


def corpus_file(relative: str) -> Path:
    """A file of the SimaticML corpus (``../shared/corpus/simaticml``, or ``$SIMATICML_CORPUS``); the test skips
    without it, like the other corpus tests."""
    root = CORPUS if CORPUS.is_dir() else Path(os.environ.get("SIMATICML_CORPUS", "/nonexistent"))
    path = root / relative
    if not path.is_file():
        pytest.skip(f"the SimaticML corpus file {relative} is not here")
    return path
