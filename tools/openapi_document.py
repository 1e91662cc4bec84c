"""The OpenAPI document, built once per test process: building the app and its document costs seconds of CPU,
and several test modules read the same document (the routes page, the document's own tests, the generated
clients). ``engineering-api openapi`` as a program is tested on its own (tests/service/test_cli.py)."""

from __future__ import annotations

import functools
import io
import json
from contextlib import redirect_stdout
from typing import Any

__all__ = ("openapi_document", "openapi_text")


@functools.cache
def openapi_text() -> str:
    """The document as ``engineering-api openapi`` prints it, that command run in this process."""
    from engineering_api.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["openapi"])
    assert code == 0, f"engineering-api openapi exited with {code}"
    return out.getvalue()


def openapi_document() -> dict[str, Any]:
    """A fresh copy of the document (a caller may change its copy)."""
    document: dict[str, Any] = json.loads(openapi_text())
    return document
