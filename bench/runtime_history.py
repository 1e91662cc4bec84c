"""History ingest rate of the runtime API (issue 17): how many logged values a second the embedded store takes.

    python bench/runtime_history.py [--rounds 5] [--tags 100] [--cycles 1000]

Two figures, each the best of ``--rounds`` (a busy 2-core machine only slows rounds down):

* **store**: :class:`engineering_api.runtime.tag_logging.DatabaseHistoryStore.append` of ``tags x cycles`` rows in
  one batch into a SQLite service database, as a pump hands them over, against the **baseline** of the same run: a
  plain ``sqlite3`` ``executemany`` of the same rows into an unindexed table of the same shape in one transaction
  (the least any SQLite store can cost). The ratio is ours/baseline in rows per second.
* **sustained**: end to end through the service: ``tags`` Reals of a DB logged cyclically every cycle (100 ms) on a
  SingleStep simulated CPU; ``cycles`` cycles are stepped, then the runtime's pump drains the CPU's samples and
  logs them (monitored items, the dispatch, timestamps parsed, the store). Values per second of the pump, and of
  step plus pump (what a CPU producing them as fast as it can sustains).

Writes ``bench/results/runtime_history.json``; exits 0 (the figures are printed; the README states them).
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from litestar.testing import TestClient  # noqa: E402

from engineering_api.app import create_app  # noqa: E402
from engineering_api.config import Settings  # noqa: E402
from engineering_api.runtime import runtime_of  # noqa: E402
from engineering_api.lib.db import Database  # noqa: E402
from engineering_api.runtime.tag_logging import DatabaseHistoryStore  # noqa: E402
from runtime_support import ok, running_program  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CYCLE_MS = 100


def _rows(tags: int, cycles: int) -> list[tuple[str, int, float]]:
    start = 1_800_000_000_000
    return [(f'"big".v[{t}]', start + c * CYCLE_MS, float(c + t)) for c in range(cycles) for t in range(tags)]


def _baseline(path: Path, rows: list[tuple[str, int, float]]) -> float:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE samples (tag TEXT NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL)")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO samples VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def _store(path: Path, rows: list[tuple[str, int, float]]) -> float:
    db = Database(path)
    store = DatabaseHistoryStore(db)
    started = time.perf_counter()
    store.append(rows)
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def _sustained(tags: int, cycles: int, rounds: int) -> tuple[float, float, int]:
    """(best pump seconds, best step+pump seconds, values logged per round) through the service."""
    program = f"""
DATA_BLOCK "Big"
VAR v : Array[0..{tags - 1}] of Real; END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
VAR_TEMP i : Int; END_VAR
BEGIN
  FOR #i := 0 TO {tags - 1} DO
    "Big".v[#i] := "Big".v[#i] + 1.0;
  END_FOR;
END_ORGANIZATION_BLOCK
"""
    best_pump = best_total = float("inf")
    logged = 0
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        with TestClient(create_app(Settings.from_env(data_dir=data_dir)), base_url="http://127.0.0.1") as client:
            admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
            running_program(client, admin, "Bench", program,
                            config={"operatingMode": "SingleStep", "cycleTimeMs": CYCLE_MS})
            for t in range(tags):
                ok(client.put("/api/runtime/history/settings", headers=admin,
                               json={"tag": f'"Big".v[{t}]', "mode": "cyclic", "periodMs": CYCLE_MS}))
            runtime = runtime_of(client.app.state.services)
            store = runtime.history.store
            for _ in range(rounds):
                runtime.monitor.pump()
                before = store.raw('"big".v[0]', 0, 2**62, 10**9)
                started = time.perf_counter()
                ok(client.post("/api/simulation/instances/Bench/actions/step", json={"cycles": cycles}, headers=admin))
                stepped = time.perf_counter()
                runtime.monitor.pump()
                done = time.perf_counter()
                logged = (len(store.raw('"big".v[0]', 0, 2**62, 10**9)) - len(before)) * tags
                best_pump = min(best_pump, done - stepped)
                best_total = min(best_total, done - started)
            client.app.state.services.backend.plcsim.get("Bench").power_off()
    return best_pump, best_total, logged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tags", type=int, default=100)
    parser.add_argument("--cycles", type=int, default=1000)
    args = parser.parse_args()
    rows = _rows(args.tags, args.cycles)
    base_s = ours_s = float("inf")
    with tempfile.TemporaryDirectory() as scratch:
        for n in range(args.rounds):  # alternate the sides so neither always runs on a warmer machine
            sides = ("baseline", "ours") if n % 2 == 0 else ("ours", "baseline")
            for side in sides:
                path = Path(scratch) / f"{side}-{n}.sqlite"
                if side == "baseline":
                    base_s = min(base_s, _baseline(path, rows))
                else:
                    ours_s = min(ours_s, _store(path, rows))
    pump_s, total_s, logged = _sustained(args.tags, args.cycles, args.rounds)
    result = {
        "rows": len(rows), "rounds": args.rounds,
        "store_rows_per_s": round(len(rows) / ours_s), "baseline_rows_per_s": round(len(rows) / base_s),
        "baseline": "sqlite3 executemany into an unindexed table of the same shape, one transaction",
        "ratio_store_to_baseline": round(base_s / ours_s, 3),
        "sustained": {"tags": args.tags, "cycles": args.cycles, "values_logged": logged,
                      "pump_values_per_s": round(logged / pump_s) if logged else 0,
                      "step_and_pump_values_per_s": round(logged / total_s) if logged else 0},
        "python": platform.python_version(), "machine": platform.machine(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "runtime_history.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"history store: {result['store_rows_per_s']:,} rows/s; baseline (plain sqlite3, no index) "
          f"{result['baseline_rows_per_s']:,} rows/s; ratio {result['ratio_store_to_baseline']}")
    sustained = result["sustained"]
    print(f"sustained through the service ({args.tags} tags x {args.cycles} cycles = {logged:,} values): pump "
          f"{sustained['pump_values_per_s']:,} values/s, step + pump {sustained['step_and_pump_values_per_s']:,} "
          "values/s")


if __name__ == "__main__":
    main()
