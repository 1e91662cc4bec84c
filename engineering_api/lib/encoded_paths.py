"""Path parameters that hold a ``/``: a branch name such as ``feature/rc`` arrives as ``feature%2Frc``.

ASGI servers put the percent-decoded path in ``scope["path"]``, so ``%2F`` becomes a real ``/`` before routing and
``DELETE /api/source-control/branches/feature%2Frc`` would look for a route two segments deep (404). T-IA Connect's
client sends exactly that (``encodeURIComponent(branchName)``). This wrapper, around Litestar's own ASGI handler
(before routing), reads the undecoded ``raw_path`` for the listed prefixes and, when the one segment after the prefix
holds an encoded slash, routes it with backslashes instead, the spelling those handlers already take for a ``/``
(git ref names never hold a backslash).

The same wrapper refuses, with 400 ``INVALID_PATH``, a path whose decoded form holds a control character (``%00``,
``%0A``...): no route, file or TIA object name holds one (TIA's names exclude them, see
:mod:`engineering_api.rules.naming`), and a NUL reaching the file system would fail deep inside as a 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

from litestar.enums import ScopeType

from engineering_api.lib.responses import send_problem

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = ("SLASH_PREFIXES", "keep_encoded_slashes")

_CONTROLS = frozenset(map(chr, (*range(0x20), 0x7F)))

SLASH_PREFIXES = (b"/api/source-control/branches/",)
"""Routes whose last path parameter may hold an encoded ``/``."""


def _rerouted(raw_path: bytes) -> str | None:
    if b"%" not in raw_path or b"%2f" not in raw_path.lower():  # most paths hold no escape: no lower-case copy
        return None
    for prefix in SLASH_PREFIXES:
        if raw_path.startswith(prefix):
            segment = raw_path[len(prefix):]
            if segment and b"/" not in segment:
                return prefix.decode("ascii") + unquote(segment.decode("latin-1"), errors="strict").replace("/", "\\")
    return None


def keep_encoded_slashes(app: ASGIApp) -> ASGIApp:
    """``app`` with ``%2F`` kept inside one path segment for :data:`SLASH_PREFIXES`."""

    async def handler(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            raw = scope.get("raw_path")
            # A control character reaches the decoded path only through an escape: most paths hold none.
            if (raw is None or b"%" in raw) and not _CONTROLS.isdisjoint(scope["path"]):
                await send_problem(send, 400, "INVALID_PATH", "The path holds a control character (such as %00 or "
                                   "%0A), which no route or name of this service takes.", "")
                return
            path = _rerouted(raw) if raw else None
            if path is not None:
                scope["path"] = path
        await app(scope, receive, send)

    return handler
