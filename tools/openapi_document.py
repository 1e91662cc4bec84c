"""The OpenAPI document, built once per checkout content: building the app and its document costs ~7 s of CPU, and
several test modules in each xdist worker read the same document (the routes page, the document's own tests, the
generated clients). ``engineering-api openapi`` as a program is tested on its own (tests/service/test_cli.py).

The first process to need it builds it and leaves it in the temporary folder under a name made of what the document
is made from (the service's source files, the versions of Python and of the libraries that render it, the
``ENGINEERING_API_*`` settings); the others, the workers of the same run among them, read it. Another content
gets another name, so a stale document is never read.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("openapi_document", "openapi_text")

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("engineering_api", "fakes", "simatic_xml")
"""The packages whose files make the document: the routes and their models, and the backend the app is built on."""
RENDERERS = ("litestar", "msgspec", "pydantic")
"""The libraries that turn the routes into the document."""
STALE_S = 86_400
"""A document of another content older than this is removed when one is written."""


@functools.cache
def openapi_text() -> str:
    """The document as ``engineering-api openapi`` prints it (built in this process, or read as another left it)."""
    kept = Path(tempfile.gettempdir()) / f"engineering-api-openapi-{_content_key()}.json"
    with contextlib.suppress(FileNotFoundError):
        return kept.read_text(encoding="utf-8")
    with _held(kept.with_suffix(".lock")):
        with contextlib.suppress(FileNotFoundError):
            return kept.read_text(encoding="utf-8")  # built while this process waited
        text = _built()
        partial = kept.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(kept)  # whole or absent, never half-written
    _drop_stale(kept)
    return text


def openapi_document() -> dict[str, Any]:
    """A fresh copy of the document (a caller may change its copy)."""
    document: dict[str, Any] = json.loads(openapi_text())
    return document


def _built() -> str:
    """``engineering-api openapi`` run in this process."""
    from engineering_api.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["openapi"])
    assert code == 0, f"engineering-api openapi exited with {code}"
    return out.getvalue()


def _content_key() -> str:
    """A digest of what the document is made from (~30 ms: the packages' files are read)."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for name in RENDERERS:
        digest.update(f"{name}={version(name)}\n".encode())
    for key in sorted(k for k in os.environ if k.startswith("ENGINEERING_API_")):
        digest.update(f"{key}={os.environ[key]}\n".encode())
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _drop_stale(kept: Path) -> None:
    """Remove the documents of other contents left more than a day ago (each commit's content has its own)."""
    for other in kept.parent.glob("engineering-api-openapi-*"):
        with contextlib.suppress(OSError):
            if other.name != kept.name and time.time() - other.stat().st_mtime > STALE_S:
                other.unlink()


@contextlib.contextmanager
def _held(lock: Path) -> Iterator[None]:
    """``lock`` held by this process (an advisory lock, released when the process dies): one builder at a time."""
    try:
        import fcntl
    except ImportError:  # Windows has none: each process builds its own
        yield
        return
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
