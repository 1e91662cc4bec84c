"""Token buckets shared by every route: one per API key, one per client address for failed authentications.

Litestar builds the app's middleware once per route handler, so state kept on a middleware instance is per
route (at 5 requests a minute, 4 routes gave 20). The buckets live here instead, one object on ``Services``.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("RateLimiter", "TokenBuckets")

_MAX_BUCKETS = 10_000
"""Past this many names, buckets that have refilled are dropped, so a scan from many addresses cannot grow
memory without bound (a full bucket holds no state worth keeping)."""


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, updated: float) -> None:
        self.tokens = tokens
        self.updated = updated


class TokenBuckets:
    """Token buckets by name: each holds up to ``per_minute`` tokens and refills ``per_minute`` a minute."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._clock = clock

    def take(self, name: str, per_minute: int) -> int:
        """Take a token: 0 when there was one, else the seconds until there is one (nothing taken)."""
        now = self._clock()
        bucket = self._buckets.get(name)
        if bucket is None:
            if len(self._buckets) >= _MAX_BUCKETS:
                self._drop_full(now, per_minute)
            bucket = self._buckets[name] = _Bucket(per_minute, now)
        else:
            bucket.tokens, bucket.updated = _refill(bucket, now, per_minute), now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0
        return _wait(bucket.tokens, per_minute)

    def wait(self, name: str, per_minute: int) -> int:
        """The seconds until a token is available (0: one is), without taking it."""
        bucket = self._buckets.get(name)
        return 0 if bucket is None else _wait(_refill(bucket, self._clock(), per_minute), per_minute)

    def _drop_full(self, now: float, per_minute: int) -> None:
        full = [name for name, bucket in self._buckets.items() if _refill(bucket, now, per_minute) >= per_minute]
        for name in full:
            del self._buckets[name]


def _refill(bucket: _Bucket, now: float, per_minute: int) -> float:
    """The tokens ``bucket`` holds at ``now``: those it held, and ``per_minute`` a minute since, at most
    ``per_minute``."""
    tokens = bucket.tokens + (now - bucket.updated) * per_minute / 60.0
    return tokens if tokens < per_minute else per_minute


def _wait(tokens: float, per_minute: int) -> int:
    """The seconds until a bucket holding ``tokens`` holds one (0: it does)."""
    if tokens >= 1:
        return 0
    return max(1, math.ceil((1 - tokens) * 60.0 / per_minute))


class RateLimiter:
    """The service's limits: requests per key across all routes, failed authentications per client address."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.requests = TokenBuckets(clock)
        """One bucket per API key id."""
        self.auth_failures = TokenBuckets(clock)
        """One bucket per client address; a failed authentication takes a token, an empty bucket refuses."""
