"""One OPC UA session per connection, kept open between calls on one event loop thread of its own.

A PLC's OPC UA server takes a limited number of sessions from all its clients together, and opening one costs it a
secure channel, a session and, with Basic256Sha256, an asymmetric handshake: the monitor polling a connection's tags
must not open one per read. A session is kept per connection and used
until the connection changes (another endpoint, security, user or password), it fails, or the server stops
(:meth:`OpcUaSessions.close`). A call on a kept session that finds it gone (the PLC restarted, the network dropped
it) is tried once more on a new one, so a call succeeds whenever a fresh session would have.

asyncua's client lives on the loop it connected on (its keep-alive and secure channel renewal are tasks there), so
every session lives on this module's one loop; callers on other threads wait for their call's result.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.runtime.plc_links import ConnectionFailedError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine

    from engineering_api.runtime.plc_links import OpenConnection

__all__ = ("OpcUaSessions", "reason")

T = TypeVar("T")


def reason(exc: BaseException) -> str:
    """A failure as a connection's error text. Never the password: asyncua's errors name the endpoint and the
    status, not the credentials."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _fingerprint(connection: OpenConnection) -> tuple[object, ...]:
    """What a session was opened with: another value means another session."""
    view = connection.view
    return (view.endpoint_url, view.security_policy, view.security_mode, view.username, connection.password,
            view.timeout_seconds)


class OpcUaSessions:
    """The kept sessions of one link; ``connect`` opens a connected asyncua client for a connection (raising
    :class:`ConnectionFailedError` when the server does not take it)."""

    def __init__(self, connect: Callable[[OpenConnection], Awaitable[Any]]) -> None:
        self._connect = connect
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Lock()
        self._kept: dict[str, tuple[tuple[object, ...], Any]] = {}
        """connection id -> (fingerprint, client); read and written on the loop only."""
        self._opening: dict[str, asyncio.Lock] = {}
        self._calls: set[concurrent.futures.Future[Any]] = set()
        """The calls waiting on the loop, cancelled should it stop under them."""
        self._closing = False
        self.opened = 0
        """Sessions opened so far (a kept one is counted once)."""

    def call(self, connection: OpenConnection, work: Callable[[Any], Awaitable[T]]) -> T:
        """``work(client)`` on the connection's session, from any thread but the loop's.

        Raises:
            ConnectionFailedError: the server did not take a session, or the session failed under ``work``.
        """
        return self._submit(self._use(connection, work))

    def close(self) -> None:
        """Close every kept session and end the loop's thread (the next call starts them again)."""
        with self._started:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
            self._closing = True
        if loop is None or thread is None:
            self._closing = False
            return
        asyncio.run_coroutine_threadsafe(self._close_all(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        with self._started:
            for waiting in self._calls:
                waiting.cancel()  # a call the stopped loop will not finish: its caller gets ConnectionFailedError
            self._closing = False
        loop.close()
        self._opening.clear()  # its locks belong to the closed loop; the next loop makes its own

    def _submit(self, work: Coroutine[Any, Any, T]) -> T:
        with self._started:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name="runtime-opcua-sessions",
                                                daemon=True)
                self._thread.start()
            loop = self._loop
            waiting = asyncio.run_coroutine_threadsafe(work, loop)
            self._calls.add(waiting)
        try:
            # each request on the session is bounded by the connection's timeout (asyncua's request timeout)
            return waiting.result()
        except concurrent.futures.CancelledError:
            raise ConnectionFailedError("the server stopped during the call") from None
        finally:
            with self._started:
                self._calls.discard(waiting)

    async def _use(self, connection: OpenConnection, work: Callable[[Any], Awaitable[T]]) -> T:
        from asyncua import ua

        cid = connection.view.connection_id
        client, kept = await self._session(connection)
        try:
            return await work(client)
        except (OSError, TimeoutError, asyncio.TimeoutError, ua.UaError) as exc:
            await self._drop(cid)
            if not kept:
                if isinstance(exc, ua.UaError):
                    raise
                raise ConnectionFailedError(reason(exc)) from exc
        # the kept session went stale: once more on a new session, as a call without a kept one would run
        client, _kept = await self._session(connection)
        try:
            return await work(client)
        except (OSError, TimeoutError, asyncio.TimeoutError) as exc:
            await self._drop(cid)
            raise ConnectionFailedError(reason(exc)) from exc

    async def _session(self, connection: OpenConnection) -> tuple[Any, bool]:
        """The connection's client, and whether it was kept from an earlier call."""
        cid = connection.view.connection_id
        if self._closing:
            raise ConnectionFailedError("the server is stopping")
        async with self._opening.setdefault(cid, asyncio.Lock()):
            fingerprint = _fingerprint(connection)
            kept = self._kept.get(cid)
            if kept is not None and kept[0] == fingerprint:
                return kept[1], True
            await self._drop(cid)
            client = await self._connect(connection)
            self.opened += 1
            self._kept[cid] = (fingerprint, client)
            return client, False

    async def _drop(self, cid: str) -> None:
        kept = self._kept.pop(cid, None)
        if kept is not None:
            try:
                await kept[1].disconnect()
            except Exception:  # the session may already be gone; nothing to report
                pass

    async def _close_all(self) -> None:
        for cid in list(self._kept):
            await self._drop(cid)
