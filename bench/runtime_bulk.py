"""Bulk read and write of 1,000 tags through the runtime API (issue 17), on a running simulated CPU.

    python bench/runtime_bulk.py [--rounds 10] [--tags 1000]

A free-running instance holds a DB with an ``Array[0..N-1] of Int``; a runtime user with the admin role logs
in, then each round sends ``POST /api/runtime/tags/values`` with every element's name and ``PUT`` with a value for
each. Requests go in-process through Litestar's TestClient (ASGI, no socket), so the figure is the service's own
cost: guard (bearer token lookup), JSON decode, release lookup, the CPU reads under its lock, encoding. The best
round counts (a busy 2-core machine only slows rounds down); the median is printed too. Target: a 1,000-tag bulk
read under 100 ms.

Writes ``bench/results/runtime_bulk.json``; exits 0 whether or not the target is met (it is printed).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from litestar.testing import TestClient  # noqa: E402

from engineering_api.app import create_app  # noqa: E402
from engineering_api.config import Settings  # noqa: E402
from runtime_support import ok, running_program  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--tags", type=int, default=1000)
    args = parser.parse_args()
    program = f"""
DATA_BLOCK "Big"
VAR v : Array[0..{args.tags - 1}] of Int; END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Big".v[0] := "Big".v[0] + 1;
END_ORGANIZATION_BLOCK
"""
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        with TestClient(create_app(Settings.from_env(data_dir=data_dir)), base_url="http://127.0.0.1") as client:
            admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
            running_program(client, admin, "Bench", program)
            ok(client.post("/api/runtime/users", json={"username": "bench", "password": "bench-password",
                                                        "roles": ["admin"]}, headers=admin))
            token = ok(client.post("/api/runtime/auth/login",
                                    json={"username": "bench", "password": "bench-password"}))["token"]
            bearer = {"Authorization": f"Bearer {token}"}
            names = [f'"Big".v[{i}]' for i in range(args.tags)]
            writes = [{"name": name, "value": i % 100} for i, name in enumerate(names)]
            reads_ms, writes_ms = [], []
            for _ in range(args.rounds):
                started = time.perf_counter()
                results = ok(client.post("/api/runtime/tags/values", json={"names": names}, headers=bearer))
                reads_ms.append((time.perf_counter() - started) * 1000)
                assert len(results) == args.tags and not any(r["error"] for r in results)
                started = time.perf_counter()
                results = ok(client.put("/api/runtime/tags/values", json={"values": writes}, headers=bearer))
                writes_ms.append((time.perf_counter() - started) * 1000)
                assert not any(r["error"] for r in results)
            client.app.state.services.backend.plcsim.get("Bench").power_off()
    result = {
        "tags": args.tags, "rounds": args.rounds,
        "bulk_read_ms": {"best": round(min(reads_ms), 2), "median": round(statistics.median(reads_ms), 2)},
        "bulk_write_ms": {"best": round(min(writes_ms), 2), "median": round(statistics.median(writes_ms), 2)},
        "target_read_ms": TARGET_MS, "met": min(reads_ms) <= TARGET_MS,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "runtime_bulk.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"bulk read of {args.tags} tags: best {result['bulk_read_ms']['best']} ms, median "
          f"{result['bulk_read_ms']['median']} ms (target <= {TARGET_MS:.0f} ms: "
          f"{'met' if result['met'] else 'NOT met'})")
    print(f"bulk write of {args.tags} tags: best {result['bulk_write_ms']['best']} ms, median "
          f"{result['bulk_write_ms']['median']} ms")


if __name__ == "__main__":
    main()
