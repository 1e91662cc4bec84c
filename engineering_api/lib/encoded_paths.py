"""Path segments that hold a ``/``, and paths no route takes.

A name with a slash (a branch ``feature/rc``, a force table ``Line 1/2``) travels as one encoded segment,
``feature%2Frc``: that is how the console writes it (:func:`segment`) and how T-IA Connect's client sends it
(``encodeURIComponent(branchName)``). ASGI servers put the percent-decoded path in ``scope["path"]``, so ``%2F``
becomes a real ``/`` before routing, and ``DELETE /api/source-control/branches/feature%2Frc`` would look for a route
two segments deep (404). The check :func:`path_refused`, in the wrapper around Litestar's own ASGI handler
(before routing), rebuilds the path from the undecoded ``raw_path`` with the slash of an encoded segment written as
:data:`~engineering_api.lib.segment_slash.SEGMENT_SLASH`, a control character no decoded path can hold (see below),
so the segment routes as one; the guard middleware then gives the route's handler its parameters with real slashes
(:func:`restore_slashes`), and an error body or audit row shows the path with ``%2F`` again
(:func:`~engineering_api.lib.segment_slash.shown_path`).

The same check refuses, with 400 ``INVALID_PATH``, a path whose decoded form holds a control character (``%00``,
``%0A``...): no route, file or object name of this service takes one (TIA's names exclude them), and a NUL reaching
the file system would fail deep inside as a 500.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, unquote

from engineering_api.lib.segment_slash import SEGMENT_SLASH

if TYPE_CHECKING:
    from litestar.types import HTTPScope, Scope

__all__ = ("INVALID_PATH_MESSAGE", "SLASHES_KEPT", "path_refused", "restore_slashes", "segment")

INVALID_PATH_MESSAGE = ("The path holds a control character (such as %00 or %0A), which no route or name of this "
                        "service takes.")

SLASHES_KEPT = "encoded_slashes_kept"
"""Scope key set when ``SEGMENT_SLASH`` stands in the path (so only those requests pay for restoring)."""
_CONTROLS = frozenset(map(chr, (*range(0x20), 0x7F)))
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
"""Names ``quote`` leaves as they are (its always-safe characters): most names, which a page links thousands of."""
_ASCII_ENCODED = {code: f"%{code:02X}" for code in range(128) if not _UNRESERVED(chr(code))}
"""``quote``'s encoding of each ASCII character it encodes, for ``str.translate`` (a tenth of ``quote``'s work on a
quoted tag name such as ``"Motor_1"``)."""


def segment(value: object) -> str:
    """``value`` as one URL path segment: every reserved character encoded, ``/`` included.

    A name must never add segments to a URL the console builds: ``../cpu`` as a force table's name would otherwise
    turn its *Force* button into the CPU's *Start*. (``.`` and ``..`` alone are dot segments that browsers remove even
    when encoded: :func:`engineering_api.rules.watch_tables.check_table_name` refuses them as names; device, block and
    tag table names cannot be them.)
    """
    text = str(value)
    if _UNRESERVED(text):
        return text
    return text.translate(_ASCII_ENCODED) if text.isascii() else quote(text, safe="")


def _kept_path(raw_path: bytes) -> str:
    # Some clients (httpx, so Litestar's test client) pass the query in raw_path too; scope["path"] has none.
    raw_path = raw_path.split(b"?", 1)[0]
    return "/".join(unquote(part, errors="replace").replace("/", SEGMENT_SLASH)
                    for part in raw_path.decode("latin-1").split("/"))


def restore_slashes(scope: Scope) -> None:
    """Give the route's path parameters back the slashes :func:`path_refused` set aside."""
    if scope.get(SLASHES_KEPT):
        params = scope["path_params"]
        scope["path_params"] = {name: value.replace(SEGMENT_SLASH, "/") if isinstance(value, str) else value
                                for name, value in params.items()}


def path_refused(scope: HTTPScope) -> bool:
    """Keep a ``%2F`` of ``scope``'s raw path inside its segment (rewriting ``scope["path"]``); True when the path
    holds a control character instead, and the request must be answered :data:`INVALID_PATH_MESSAGE` (400
    ``INVALID_PATH``). Called before routing, by the outermost wrapper
    (:func:`engineering_api.lib.observability.observe_requests`)."""
    raw = scope.get("raw_path")
    # A control character or a slash reaches a segment only through an escape: most paths hold none.
    if raw is not None and b"%" not in raw:
        return False
    if not _CONTROLS.isdisjoint(scope["path"]):
        return True
    if raw is not None and b"%2f" in raw.split(b"?", 1)[0].lower():
        scope["path"] = _kept_path(raw)
        cast("dict[str, Any]", scope)[SLASHES_KEPT] = True
    return False
