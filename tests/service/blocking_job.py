"""A job that blocks until released."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from litestar.testing import TestClient

__all__ = ("block_backend_method",)


def block_backend_method(client: TestClient, method: str) -> threading.Event:
    """Make a backend method wait until the returned event is set (a slow TIA call)."""
    backend = client.app.state.services.backend
    original = getattr(backend, method)
    gate = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        gate.wait(HANG_GUARD_S)
        return original(*args, **kwargs)

    setattr(backend, method, slow)
    return gate
