"""A per-node runtime tag history file as the releases before revision 0004 kept it (``<data dir>/
runtime-history.sqlite``, made by their ``SqliteHistoryStore``: ``samples(tag, t, value)``, WAL), and what its values
answer over HTTP once they are in the service database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from tests.api.runtime_users import RT, login, make_user
from tests.conftest import Headers, data

__all__ = ("LEVEL", "SAMPLES", "assert_history_answers", "write_history_file")

LEVEL = '"Line_DB".Level'
START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
SAMPLES = [('"line_db".level', START_MS + ms, value)
           for ms, value in ((0, 10.0), (1000, 20.0), (2000, 30.0), (2000, 35.0), (3000, 40.0))]
"""Level's samples by its canonical name; two share one millisecond, so their order must survive the move."""
RANGE = {"tags": LEVEL, "from": "2026-01-01T00:00:00Z", "to": "2026-01-01T00:01:00Z"}


def write_history_file(data_dir: Path, samples: list[tuple[str, int, float]] = SAMPLES) -> Path:
    """The history file, with ``samples`` in this order, as the old store wrote it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "runtime-history.sqlite"
    with closing(sqlite3.connect(path, isolation_level=None)) as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.execute("CREATE TABLE IF NOT EXISTS samples (tag TEXT NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL)")
        old.execute("CREATE INDEX IF NOT EXISTS samples_tag_t ON samples(tag, t)")
        old.executemany("INSERT INTO samples(tag, t, value) VALUES (?, ?, ?)", samples)
    return path


def raw_values(client: TestClient[Any], reader: Headers, **params: Any) -> list[dict[str, Any]]:
    """Level's raw values over the range, every page followed (pages of 2: the tie at 2 s spans a page break)."""
    values: list[dict[str, Any]] = []
    query = {**RANGE, "limit": 2, **params}
    while True:
        [series] = data(client.get(f"{RT}/history", headers=reader, params=query))
        values += series["values"]
        if not series.get("continuationPoint"):
            return values
        query["continuationPoint"] = series["continuationPoint"]


def assert_history_answers(client: TestClient[Any], admin: Headers, user: str = "historian") -> Headers:
    """The samples of :data:`SAMPLES` answer over HTTP as the old store answered them; the reader's headers."""
    make_user(client, admin, user, ["read"])
    reader = login(client, user)
    assert [(p["timestamp"], p["value"]) for p in raw_values(client, reader)] == [
        ("2026-01-01T00:00:00.000Z", 10.0), ("2026-01-01T00:00:01.000Z", 20.0), ("2026-01-01T00:00:02.000Z", 30.0),
        ("2026-01-01T00:00:02.000Z", 35.0), ("2026-01-01T00:00:03.000Z", 40.0)]
    [series] = data(client.get(f"{RT}/history", headers=reader, params={**RANGE, "aggregation": "avg",
                                                                        "interval": "1m"}))
    assert series["values"] == [{"timestamp": "2026-01-01T00:00:00.000Z", "value": 27.0, "count": 5}]
    [series] = data(client.get(f"{RT}/history", headers=reader, params={**RANGE, "aggregation": "last",
                                                                        "interval": "2s"}))
    assert [(p["value"], p["count"]) for p in series["values"]] == [(20.0, 2), (40.0, 3)]
    [series] = data(client.get(f"{RT}/history", headers=reader, params={**RANGE, "aggregation": "first",
                                                                        "interval": "2s"}))
    assert [p["value"] for p in series["values"]] == [10.0, 30.0], "of two samples at one ms, the first logged"
    return reader
