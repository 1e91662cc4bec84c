"""Tag history: logging settings per tag, the store behind a small interface, and aggregation over intervals.

A tag is logged *cyclically* (every ``periodMs`` of the CPU's virtual time, whatever the value) or *on change*
(when it moves by more than ``deadband`` from the last logged value; 0: any change). The simulated CPU samples at
the end of its cycles (monitored items, :mod:`engineering_api.backend.areas.runtime_values`), so a value carries the
scan time of the cycle that produced it, and a shift stepped in virtual time logs as it would have in real time.

:class:`TagLogStore` is the interface a time-series database can implement instead; :class:`DatabaseHistoryStore`
(the service database's ``runtime_history`` table, so nodes on one PostgreSQL share it) is the embedded default.
Aggregates are over the logged samples of an interval: ``avg`` is their arithmetic mean (with cyclic logging, the time
average), ``first``/``last`` by time.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol

import msgspec
from sqlalchemy import bindparam, select, text

from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.tables import runtime_history
from engineering_api.runtime.simulated import canonical_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.lib.db import Database

__all__ = ("AGGREGATIONS", "DatabaseHistoryStore", "TagLoggingService", "TagLogStore", "LoggingSetting",
           "parse_time")

AGGREGATIONS = ("raw", "avg", "min", "max", "count", "first", "last")
Aggregation = Literal["raw", "avg", "min", "max", "count", "first", "last"]
MAX_POINTS = 10_000
"""Values one query answers per tag at most (raw samples or intervals)."""


class LoggingSetting(CamelStruct):
    """How one tag is logged."""

    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    """Name of the tag to log, as the PLC spells it (Start, "Motor_DB".Speed)."""
    mode: Literal["cyclic", "onChange"]
    period_ms: Annotated[float, msgspec.Meta(ge=10, le=86_400_000)] = 1000.0
    """cyclic: the logging period in the CPU's (virtual) time."""
    deadband: Annotated[float, msgspec.Meta(ge=0)] = 0.0
    """onChange: log when the value moves by more than this (0: any change)."""


class HistoryPoint(CamelStruct):
    """A raw sample, or an interval's aggregate (``timestamp``: the interval's start; ``count``: its samples)."""

    timestamp: str
    value: Any
    count: int | None = None


class TagLogStore(Protocol):
    """Where logged values go; a time-series database can stand in for the service database."""

    def append(self, rows: Iterable[tuple[str, int, float]]) -> int:
        """Store (tag key, ms since 1970, value) rows; returns how many."""

    def raw(self, tag: str, start_ms: int, end_ms: int, limit: int) -> list[tuple[int, float]]:
        """(ms, value) of ``tag`` with ``start <= t < end``, oldest first (samples of one ms always in the same
        order), at most ``limit``."""

    def aggregate(self, tag: str, start_ms: int, end_ms: int, interval_ms: int,
                  aggregation: str) -> list[tuple[int, float | None, int]]:
        """(interval start ms, aggregate, sample count) for every interval from ``start`` holding samples."""


_SQL_AGGREGATES = {"avg": "avg(value)", "min": "min(value)", "max": "max(value)", "count": "count(*)"}
# the bounds cast to BIGINT: PostgreSQL's driver may send a large int as numeric, whose division is not integral
_BUCKET = "(t - CAST(:start AS BIGINT)) / CAST(:step AS BIGINT)"
_WHERE = "tag = :tag AND t >= :start AND t < :end"
# every column named: the database's rows are read by name (count's value and its count(*) would share one)
_AGGREGATE_SQL = {name: text(f"SELECT {_BUCKET} AS b, {expression} AS v, count(*) AS n FROM runtime_history "
                             f"WHERE {_WHERE} GROUP BY b ORDER BY b") for name, expression in _SQL_AGGREGATES.items()}
# first/last: the value at the interval's earliest/latest time (of several samples at that ms, the first logged)
_AGGREGATE_SQL.update({name: text(
    "SELECT b, (SELECT value FROM runtime_history s WHERE s.tag = :tag AND s.t = x.edge ORDER BY s.id LIMIT 1) AS v, "
    "n "
    f"FROM (SELECT {_BUCKET} AS b, {pick}(t) AS edge, count(*) AS n FROM runtime_history WHERE {_WHERE} GROUP BY b) x "
    "ORDER BY b") for name, pick in (("first", "min"), ("last", "max"))})
# the id orders the samples of one millisecond the same way every time (continuation paging counts them)
_RAW = (select(runtime_history.c.t, runtime_history.c.value)
        .where(runtime_history.c.tag == bindparam("tag"), runtime_history.c.t >= bindparam("start"),
               runtime_history.c.t < bindparam("end"))
        .order_by(runtime_history.c.t, runtime_history.c.id).limit(bindparam("limit")))


class DatabaseHistoryStore:
    """The embedded store: the service database's table ``runtime_history(id, tag, t, value)``, indexed by
    (tag, t), so every node on one PostgreSQL shares it."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._append_sql = ("INSERT INTO runtime_history (tag, t, value) VALUES (%s, %s, %s)" if db.postgres
                            else "INSERT INTO runtime_history (tag, t, value) VALUES (?, ?, ?)")

    def append(self, rows: Iterable[tuple[str, int, float]]) -> int:
        batch = list(rows)
        if batch:
            # the driver's executemany straight from the tuples: a pump hands over thousands of rows at a time,
            # and a Core insert would build and process a dict per row
            with self._db.transaction(), self._db.locked() as conn:
                conn.exec_driver_sql(self._append_sql, batch)
        return len(batch)

    def raw(self, tag: str, start_ms: int, end_ms: int, limit: int) -> list[tuple[int, float]]:
        rows = self._db.all(_RAW, {"tag": tag, "start": start_ms, "end": end_ms, "limit": limit})
        return [(row["t"], row["value"]) for row in rows]

    def aggregate(self, tag: str, start_ms: int, end_ms: int, interval_ms: int,
                  aggregation: str) -> list[tuple[int, float | None, int]]:
        rows = self._db.all(_AGGREGATE_SQL[aggregation], {"tag": tag, "start": start_ms, "end": end_ms,
                                                          "step": interval_ms})
        return [(start_ms + int(row["b"]) * interval_ms, row["v"], int(row["n"])) for row in rows]


def parse_time(text: str, what: str) -> int:
    """ISO 8601 (``Z`` or an offset; naive means UTC) as ms since 1970.

    Raises ValidationError (``INVALID_TIME``).
    """
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{what} is not an ISO 8601 time: {text!r}", code=codes.INVALID_TIME) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return int(moment.timestamp() * 1000)


def format_ms(ms: int) -> str:
    moment = dt.datetime.fromtimestamp(ms // 1000, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_interval(text: str | None) -> int | None:
    """``900``, ``900s``, ``15m``, ``8h``, ``1d`` as ms (None for None).

    Raises ValidationError (``INVALID_INTERVAL``).
    """
    if text is None:
        return None
    units = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
    body, unit = (text[:-1], units[text[-1]]) if text and text[-1] in units else (text, 1000)
    try:
        ms = int(float(body) * unit)
    except ValueError:
        ms = 0
    if ms < 1:
        raise ValidationError(f"interval must be a positive number of seconds, or with s/m/h/d: {text!r}",
                              code=codes.INVALID_INTERVAL)
    return ms


class TagLoggingService:
    """Logging settings (in the service database) and the store of logged values."""

    def __init__(self, db: Database, store: TagLogStore) -> None:
        self._settings = KeyValueStore(db, "runtime.history.")
        self.store = store

    def settings(self) -> list[LoggingSetting]:
        saved = self._settings.get("settings") or []
        return [msgspec.convert(s, LoggingSetting) for s in saved]

    def save_setting(self, setting: LoggingSetting) -> LoggingSetting:
        """Log ``setting.tag`` from now on (replacing its earlier setting); logged values stay."""
        key = canonical_name(setting.tag)
        kept = [s for s in self.settings() if canonical_name(s.tag) != key]
        self._settings.set("settings", msgspec.to_builtins([*kept, setting]))
        return setting

    def delete_setting(self, tag: str) -> LoggingSetting:
        """Stop logging ``tag`` (its values stay). Raises NotFoundError (``LOGGING_NOT_CONFIGURED``)."""
        key = canonical_name(tag)
        old = next((s for s in self.settings() if canonical_name(s.tag) == key), None)
        if old is None:
            raise NotFoundError(f'The tag "{tag}" is not logged.', code=codes.LOGGING_NOT_CONFIGURED)
        self._settings.set("settings", msgspec.to_builtins([s for s in self.settings() if s is not old and
                                                            canonical_name(s.tag) != key]))
        return old

    def log(self, samples: Iterable[tuple[str, str, Any]]) -> int:
        """Store (tag, scan timestamp, value) samples; values that are not numbers or Bools are skipped."""
        times: dict[str, int] = {}  # the samples of one cycle share its scan time: parse it once
        keys: dict[str, str] = {}
        rows = []
        for tag, stamp, value in samples:
            if not isinstance(value, (int, float)):
                continue
            at = times.get(stamp)
            if at is None:
                at = times[stamp] = parse_time(stamp, "timestamp")
            key = keys.get(tag)
            if key is None:
                key = keys[tag] = canonical_name(tag)
            rows.append((key, at, float(value)))
        return self.store.append(rows)

    def value_at(self, tag: str, end_ms: int) -> float | None:
        """The last value of a logged ``tag`` before ``end_ms``: its value at that time as logged (None: the tag is
        not logged, or nothing was logged before then)."""
        key = canonical_name(tag)
        if all(canonical_name(s.tag) != key for s in self.settings()):
            return None
        rows = self.store.aggregate(key, 0, end_ms, max(end_ms, 1), "last")
        return rows[0][1] if rows else None

    def query(self, tag: str, start_ms: int, end_ms: int, aggregation: str, interval_ms: int | None,
              limit: int) -> list[HistoryPoint]:
        """A tag's values or aggregates (see the module docstring).

        Raises ValidationError: an aggregate without an interval (``INTERVAL_REQUIRED``), more than
        :data:`MAX_POINTS` intervals (``TOO_MANY_POINTS``).
        """
        key = canonical_name(tag)
        if aggregation == "raw":
            return [HistoryPoint(timestamp=format_ms(t), value=v) for t, v in self.store.raw(key, start_ms, end_ms,
                                                                                             limit)]
        if interval_ms is None:
            raise ValidationError(f"aggregation={aggregation} needs an interval (seconds, or 15m, 8h...).",
                                  code=codes.INTERVAL_REQUIRED)
        if (end_ms - start_ms) / interval_ms > MAX_POINTS:
            raise ValidationError(f"More than {MAX_POINTS} intervals; choose a longer interval or a shorter range.",
                                  code=codes.TOO_MANY_POINTS)
        return [HistoryPoint(timestamp=format_ms(t), value=int(v) if aggregation == "count" and v is not None else v,
                             count=n) for t, v, n in self.store.aggregate(key, start_ms, end_ms, interval_ms,
                                                                         aggregation)]
