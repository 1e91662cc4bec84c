"""Key changes pushed to every node on one PostgreSQL database, so each can remember the keys it verified.

SQLite has a change mark every process can read (:class:`~engineering_api.lib.shared_mark.SharedMark`);
PostgreSQL has none a node could read without a round trip. So a trigger on the keys table (migration 0006) sends
a notification on :data:`CHANNEL` in the transaction of every statement that changes a key, whoever runs it (a
node, psql, a node of an older release, a restore): PostgreSQL delivers it to every listening connection when, and
only when, that transaction commits (https://www.postgresql.org/docs/current/sql-notify.html). Each node's key
store listens on a connection of its own (:class:`KeyChanges`, a daemon thread that makes it and makes it again
when it is lost or broke under the thread) and keeps a mark that moves on every notification, every new
connection and every loss. Reading the mark first takes whatever notifications have already arrived on the socket
(psycopg's connections are non-blocking, so that is one read that never waits: no round trip, never a wait on a
silent server). A node that changes a key waits until its own listener has the notification
(:meth:`KeyChanges.wait_past`, woken by the listening thread) before it answers: PostgreSQL signals every listener
at that commit, so the other nodes nearly always have it by then too (42 and 48 of 50 revocations were refused by
the other store's very next verification on a busy 2-core machine), and the rest within PostgreSQL's delivery
time (milliseconds), as a change made without a listener (the CLI, psql). A node whose own notification does not
arrive in time stops listening, and so remembering, until it listens again.
While a node is not listening its mark is None and it remembers no key.

A server that goes silent leaves the listening connection open (nothing can be committed there meanwhile, so the
remembered keys stay true); a node cut off from a server others still reach loses the connection within the TCP
bounds of :data:`~engineering_api.lib.db_watch.TCP_BOUNDS`, and forgets its keys then.
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import threading
import time
from typing import TYPE_CHECKING, Any

from engineering_api.lib.db_watch import postgres_connect_args

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("CHANNEL", "DELIVERY_WAIT_S", "KeyChanges")

logger = logging.getLogger(__name__)

CHANNEL = "engineering_api_keys"
"""The notification channel of key changes (the keys table's trigger, migration 0006, notifies on it)."""
DELIVERY_WAIT_S = 2.0
"""How long a node that changed a key waits for its own notification at most."""
_WAIT_S = 1.0
"""How long the listening thread waits on the socket before it looks whether the database was closed."""
_BACK_OFF_MAX_S = 5.0
"""The longest pause between two attempts to listen again (each failure in a row pauses :data:`_WAIT_S` longer)."""


class KeyChanges:
    """Listens for key changes on its own connection to ``url`` (a ``postgresql://`` URL) until ``closed()``."""

    def __init__(self, url: str, closed: Callable[[], bool]) -> None:
        self._url = url
        self._closed = closed
        self._lock = threading.Lock()
        self._moved = threading.Condition(self._lock)
        """Notified whenever the mark moves (a node waiting for its own change's notification wakes on it)."""
        self._conn: Any = None
        """The listening psycopg connection, while there is one."""
        self._mark = 0
        self.connected = threading.Event()
        """Set while listening (for tests and the first verification)."""
        self._thread = threading.Thread(target=self._run, name="key-changes", daemon=True)
        self._thread.start()

    def mark(self) -> int | None:
        """A number that moves whenever a key changed (or the listening connection was made or lost): the
        notifications already on the socket are taken first. None while not listening."""
        with self._lock:
            return self._current()

    def wait_past(self, mark: int | None, timeout: float | None = None) -> bool:
        """Wait (at most ``timeout``, :data:`DELIVERY_WAIT_S` unless given) until the mark moves past ``mark``: a
        node that changed a key waits for its own notification, which PostgreSQL signals to every listener at the
        same commit, so the others have it on their sockets by then too (delivery takes milliseconds, not zero:
        without the wait a request sent to another node right after the change's answer could come first). The
        listening thread wakes the wait.

        Returns whether the mark moved. When it did not, this listener missed a notification PostgreSQL sent: it
        is dropped (the mark is None, so nothing is remembered) until the thread listens again."""
        if mark is None:
            return True
        timeout = DELIVERY_WAIT_S if timeout is None else timeout
        with self._moved:
            if self._moved.wait_for(lambda: self._current() != mark, timeout):
                return True
            logger.warning("the notification of a key change did not arrive within %.1f s; "
                           "remembering no key until listening again", timeout)
            self._drop()
            return False

    def _current(self) -> int | None:
        """The mark after the notifications already arrived; None while not listening (caller holds the lock)."""
        if self._conn is None:
            return None
        self._take(self._conn)
        return self._mark if self._conn is not None else None

    def _move(self) -> None:
        """Move the mark and wake whoever waits for it (caller holds the lock)."""
        self._mark += 1
        self._moved.notify_all()

    def _take(self, conn: Any) -> None:
        """Read the notifications already arrived, without waiting (caller holds the lock)."""
        pgconn = conn.pgconn
        try:
            pgconn.consume_input()  # a non-blocking read: what has arrived, never a wait
            while pgconn.notifies() is not None:
                self._move()
        except Exception as exc:  # the connection broke: what was remembered may be stale
            logger.warning("stopped listening for key changes (%s); listening again", exc)
            self._drop()

    def _drop(self) -> None:
        """Forget the listening connection, whoever holds it (caller holds the lock)."""
        conn, self._conn = self._conn, None
        self._move()
        self.connected.clear()
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _listen(self) -> Any:
        import psycopg

        conn = psycopg.connect(self._url, autocommit=True, **postgres_connect_args(self._url))
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self) -> None:
        failures = 0
        while not self._closed():
            try:
                self._listen_a_while()
            except Exception as exc:  # the database away, or the connection closed under the thread: listen again
                with self._lock:
                    self._drop()
                if not failures:  # once per outage: a database away for an hour would fill the log otherwise
                    logger.warning("not listening for key changes (%s); every key is looked up until it is back",
                                   exc)
                failures += 1
                if self._wait(min(_WAIT_S * failures, _BACK_OFF_MAX_S)):
                    break
            else:
                failures = 0
        with self._lock:
            self._drop()

    def _listen_a_while(self) -> None:
        """Listen (making the connection when there is none), wait for the socket at most :data:`_WAIT_S`, and
        take what arrived.

        Raises:
            Exception: whatever psycopg or the selector raise: the connection could not be made, or was closed
                meanwhile (by a verification that found it broken, or a wait that gave up on it).
        """
        with self._lock:
            conn = self._conn
        if conn is None:
            conn = self._listen()
            with self._lock:
                self._conn = conn
                self._move()
                self.connected.set()
        with selectors.DefaultSelector() as waiting:  # not select.select: it fails for descriptors >= 1024
            waiting.register(conn.pgconn.socket, selectors.EVENT_READ)
            waiting.select(_WAIT_S)
        with self._lock:
            if self._conn is conn:
                self._take(conn)

    def _wait(self, seconds: float) -> bool:
        """Pause before listening again; whether the database was closed meanwhile."""
        time.sleep(seconds)
        return self._closed()
