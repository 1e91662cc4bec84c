"""Bounds on every wait for a PostgreSQL server, for :mod:`engineering_api.lib.db`.

A server that stops answering without closing its connections (a paused process or host, a partition that drops
packets, a proxy that stops forwarding) would otherwise hold a statement, and every request queued behind the
node's one connection, for as long as it stays silent: the kernel of a paused host, or the proxy in between, still
acknowledges what the node sends, so neither the socket nor TCP ever reports an error. The bounds:

- making a connection: libpq's ``connect_timeout`` (:data:`CONNECT_TIMEOUT_S`), unless the URL names its own;
- a statement, or a transaction as a whole, without an answer: :class:`StatementWatch` shuts the connection's socket
  down after :data:`STATEMENT_BOUND_S`, so the waiting driver call fails at once as on a lost connection (the
  database layer then drops it and makes a new one);
- a peer that is gone for the network: TCP keepalives and ``tcp_user_timeout`` (:data:`TCP_BOUNDS`), so the kernel
  itself ends a connection whose packets are no longer acknowledged (libpq's parameters,
  https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import TYPE_CHECKING, Any, TypedDict, cast

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ("CHECK_INTERVAL_S", "CONNECT_TIMEOUT_S", "STATEMENT_BOUND_S", "TCP_BOUNDS", "PostgresConnectArgs",
           "StatementWatch", "postgres_connect_args", "watch_engine")

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
"""How long making a connection to a PostgreSQL server may take (``connect_timeout`` in the URL overrides it)."""
STATEMENT_BOUND_S = 10.0
"""How long a statement, or a transaction as a whole, may wait for the server before its connection is cut. The
node's statements take milliseconds; one that runs this long holds every request behind it (they share one
connection), so it is treated as a server that went silent."""
CHECK_INTERVAL_S = 0.5
"""How often the watch looks at the running statement: a silent server is found within the bound plus this."""
TCP_BOUNDS = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
              "tcp_user_timeout": 15_000}
"""An idle connection probed after 5 s, declared dead after 3 unanswered probes 2 s apart; data not acknowledged
within 15 s (``tcp_user_timeout``, milliseconds) ends the connection as well."""


class PostgresConnectArgs(TypedDict, total=False):
    """The libpq connection parameters :func:`postgres_connect_args` sets (psycopg passes its keyword arguments
    through to libpq by name)."""

    connect_timeout: int
    keepalives: int
    keepalives_idle: int
    keepalives_interval: int
    keepalives_count: int
    tcp_user_timeout: int


def postgres_connect_args(url: str) -> PostgresConnectArgs:
    """psycopg's connection arguments for ``url``: the bounds above, except those the URL sets itself."""
    wanted = {"connect_timeout": CONNECT_TIMEOUT_S, **TCP_BOUNDS}
    # the keys are PostgresConnectArgs' own (those of the two constants above), minus the URL's
    return cast("PostgresConnectArgs", {name: value for name, value in wanted.items() if f"{name}=" not in url})


class StatementWatch:
    """Cuts the connection of a statement that has waited longer than :data:`STATEMENT_BOUND_S`.

    The database sets :attr:`busy_since` (``time.monotonic()``) before a statement and back to None after it (two
    attribute stores, no call per statement); one daemon thread looks at it every :data:`CHECK_INTERVAL_S` and
    shuts the socket :attr:`fd` down (both directions) when it is too old: the driver's wait then ends with a lost
    connection. Closing the descriptor instead would let a file opened meanwhile reuse its number.
    """

    def __init__(self, bound: float | None = None) -> None:
        self.bound = STATEMENT_BOUND_S if bound is None else bound
        self.busy_since: float | None = None
        self.fd: int | None = None
        """The socket of the connection in use (libpq's ``PQsocket``)."""
        self.cut = False
        """Whether the watch cut the connection of the running statement (read and reset by the database)."""
        self.cuts = 0
        """How many statements were cut since the start."""
        self._slots: dict[int, tuple[int, float]] = {}
        """Statements of other connections (a pool's, :func:`watch_engine`): key -> (socket, start)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="database statement watch", daemon=True)
        self._thread.start()

    def enter(self, key: int, fd: int) -> None:
        """A statement of another connection (socket ``fd``) starts; ``key`` names it for :meth:`leave`."""
        self._slots[key] = (fd, time.monotonic())

    def leave(self, key: int) -> None:
        self._slots.pop(key, None)

    def _run(self) -> None:
        while not self._stop.wait(CHECK_INTERVAL_S):
            now = time.monotonic()
            for key, slot in list(self._slots.items()):
                if now - slot[1] > self.bound and self._slots.get(key) == slot:
                    self._slots.pop(key, None)
                    self._cut(slot[0])
            started = self.busy_since
            if started is None or time.monotonic() - started <= self.bound:
                continue
            fd = self.fd
            if fd is None or self.busy_since != started:  # it ended meanwhile
                continue
            self.cut = True
            self._cut(fd)

    def _cut(self, fd: int) -> None:
        self.cuts += 1
        logger.error("the PostgreSQL server gave no answer within %.0f s: its connection is cut", self.bound)
        try:
            cut = socket.socket(fileno=fd)
            try:
                cut.shutdown(socket.SHUT_RDWR)
            finally:
                cut.detach()  # the descriptor stays the driver's, to close
        except OSError as exc:  # closed meanwhile
            logger.debug("the cut found no socket: %s", exc)

    def reason(self) -> str:
        """The outage reason of a cut statement."""
        return f"the PostgreSQL server gave no answer within {self.bound:g} s"

    def close(self) -> None:
        """End the thread."""
        self._stop.set()


def watch_engine(engine: Engine, watch: StatementWatch) -> None:
    """Bound every statement on ``engine``'s pooled PostgreSQL connections, and the pool's pre-ping, by ``watch``
    (a pool's connections are used by several threads at once: each statement has a slot of its own)."""
    from sqlalchemy import event

    def before(_conn: Any, cursor: Any, *_: Any) -> None:
        watch.enter(id(cursor), cursor.connection.pgconn.socket)

    def after(_conn: Any, cursor: Any, *_: Any) -> None:
        watch.leave(id(cursor))

    def failed(context: Any) -> None:
        if context.cursor is not None:
            watch.leave(id(context.cursor))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)
    ping = engine.dialect.do_ping

    def bounded_ping(dbapi_connection: Any) -> bool:
        key = id(dbapi_connection)
        watch.enter(key, dbapi_connection.pgconn.socket)
        try:
            return bool(ping(dbapi_connection))
        finally:
            watch.leave(key)

    # this engine's dialect only: SQLAlchemy has no event around the pool's pre-ping, so its method is replaced
    setattr(engine.dialect, "do_ping", bounded_ping)
