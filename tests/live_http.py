"""httpx's one-shot requests for a server a test runs, waiting as long as the hang guard.

httpx's default timeout is 5 s, which a request to a live test server (an MCP initialize that builds the tool list,
a first page) can exceed on a busy machine; the suite waits for events with generous bounds instead.
"""

from __future__ import annotations

import functools

import httpx

from tools.bounds import HANG_GUARD_S

__all__ = ("delete", "get", "post", "put")

get = functools.partial(httpx.get, timeout=HANG_GUARD_S)
post = functools.partial(httpx.post, timeout=HANG_GUARD_S)
put = functools.partial(httpx.put, timeout=HANG_GUARD_S)
delete = functools.partial(httpx.delete, timeout=HANG_GUARD_S)
