"""The server's last line of defence: a request that fails is logged and answered empty, and serving goes on."""

from __future__ import annotations

import logging
from typing import Callable, TypeVar

__all__ = ("guarded", "log")

log = logging.getLogger("engineering_api.lsp")
T = TypeVar("T")


def guarded(call: Callable[[], T], default: T) -> T:
    """``call()``, or ``default`` when it fails (logged): one bad request must never stop the server."""
    try:
        return call()
    except Exception:  # the server's last line: log it and go on serving
        log.exception("engineering-api lsp: a request failed")
        return default
