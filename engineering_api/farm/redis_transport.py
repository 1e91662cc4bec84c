"""kombu's Redis transport with one client per channel instead of one per published message.

kombu's Redis channel builds a new ``redis.Redis`` object for every message it publishes (``conn_or_acquire``
without a client), and a client's constructor fills its table of ~170 response callbacks each time: about a
third of the API node's CPU per farm call went there (``bench/farm_scaling.py``). The connections come from the
channel's pool either way; a ``redis.Redis`` object is safe to share, since each command takes a connection of
the pool. Only the publishing side changes: calls that pass their own client (the worker's event loop) are as
kombu wrote them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import redis as kombu_redis

__all__ = ("Channel", "Transport")


class Channel(kombu_redis.Channel):
    """A Redis channel that keeps the client it publishes with."""

    _publishing_client: Any = None

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        if client:
            yield client
            return
        if self._publishing_client is None:
            self._publishing_client = self._create_client()
        yield self._publishing_client

    def close(self) -> None:
        self._publishing_client = None
        super().close()


class Transport(kombu_redis.Transport):
    """``redis://`` as kombu's transport, with :class:`Channel`."""

    Channel = Channel
