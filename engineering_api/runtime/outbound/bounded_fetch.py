"""Reading an answer from outside with an end: a size cap and a deadline for the whole answer.

httpx's timeout bounds each read, not the answer: a peer sending a byte a second, or bytes without end, would
otherwise hold the thread (and the memory) for as long as it likes. Pushes' refusals, pulls' documents and the
OAuth issuer's discovery document and keys (JWKS) are all read through :func:`read_bounded`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engineering_api.lib import bounded_json
from engineering_api.runtime.outbound.tls import trust_context

if TYPE_CHECKING:
    import httpx

__all__ = ("FetchFailed", "FetchedJson", "fetch_json", "read_bounded")

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|$)", re.IGNORECASE)


def read_bounded(response: httpx.Response, limit: int, deadline: float) -> tuple[bytes, bool]:
    """A streamed answer's body, read until it holds more than ``limit`` bytes or ``deadline`` (a monotonic time)
    passes, and whether it ended in time."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
        if time.monotonic() > deadline:
            return b"".join(chunks), False
    return b"".join(chunks), True


class FetchFailed(Exception):  # an outside document that could not be had: its reason, said to the caller
    """The document could not be fetched; ``reason`` is a metric label (``unreachable``, ``status``, ``too_large``,
    ``slow``, ``not_json``), the message says why in words."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FetchedJson:
    """A JSON document and how long its server says it may be kept (``Cache-Control``)."""

    document: Any
    max_age: int | None
    """Seconds from ``max-age``; 0 for ``no-store``/``no-cache``; None when the server says nothing."""


def _max_age(cache_control: str) -> int | None:
    if _NO_STORE.search(cache_control):
        return 0
    found = _MAX_AGE.search(cache_control)
    return int(found.group(1)) if found else None


def fetch_json(url: str, limit: int, seconds: float) -> FetchedJson:
    """GET ``url`` (the caller checked it may be trusted) as JSON: at most ``limit`` bytes, the whole answer within
    ``seconds``; redirects are not followed (an issuer's documents are where it says they are).

    Raises:
        FetchFailed: unreachable, an answer other than 200, larger than ``limit``, slower than ``seconds``, not
            JSON.
    """
    import httpx  # here, not at the top: the server's start does not load httpx (with its CLI's rich and pygments)

    deadline = time.monotonic() + seconds
    try:
        with httpx.Client(timeout=seconds, follow_redirects=False, verify=trust_context()) as client, \
                client.stream("GET", url, headers={"Accept": "application/json"}) as answer:
            if answer.status_code != 200:
                raise FetchFailed("status", f"answered HTTP {answer.status_code}")
            body, in_time = read_bounded(answer, limit, deadline)
            max_age = _max_age(answer.headers.get("cache-control", ""))
    except httpx.HTTPError as exc:
        raise FetchFailed("unreachable", f"could not be reached ({type(exc).__name__})") from None
    if len(body) > limit:
        raise FetchFailed("too_large", f"is larger than {limit} bytes")
    if not in_time:
        raise FetchFailed("slow", f"took longer than {seconds:g} s")
    try:
        return FetchedJson(bounded_json.loads(body), max_age)
    except ValueError:  # not JSON, or nested deeper than any document read from outside
        raise FetchFailed("not_json", "is not JSON") from None
