"""A second app start in a process that holds a big heap, as a test worker starts app after app: the collector's
work it causes, counted (not timed), against ``start_budget.json``.

A full garbage collection walks every object the process holds. One ``gc.collect()`` per start (before the
lifespan's ``gc.freeze``, commit 280797f1) cost ~0.65 s per app start with a test worker's heap and made
``make test`` 34 minutes instead of 12, and nothing failed: the start budget counts a fresh interpreter, whose heap
is small. Here the heap holds ~1.9 M objects the collector tracks (a test worker's several times over), an app is
built and its lifespan entered and left twice, and the second time is counted: its full collections
(``gc.callbacks``; the objects each had to walk, ``gc.get_objects``, are in the message). With the
``gc.collect()`` of 280797f1 put back, the second start made 1, walking 1.87 M objects; without it, none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.perf.budget_tolerance import TOLERANCE
from tools.bounds import HANG_GUARD_S

__all__ = ()

BUDGET_FILE = Path(__file__).with_name("start_budget.json")
REPO = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import gc, json, logging, sys, tempfile
from pathlib import Path
logging.disable(logging.WARNING)
from litestar.testing import TestClient
from engineering_api.app import create_app
from engineering_api.config import Settings

def start(data_dir):
    app = create_app(Settings.from_env(data_dir=data_dir))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/api/health").status_code == 200

class Held:
    __slots__ = ()

start(Path(sys.argv[1]) / "first")
held = [Held() for _ in range(1_500_000)]  # a big heap: 1.5 M objects the collector tracks (32 bytes each)
full, walked = [], []
gc.collect()  # what the first start and the heap left: not the second start's work

def count(phase, info):
    if phase == "start" and info["generation"] == 2:
        full.append(1)
        walked.append(len(gc.get_objects()))

gc.callbacks.append(count)
start(Path(sys.argv[1]) / "second")
gc.callbacks.remove(count)
print(json.dumps({"full_collections": len(full), "objects_walked": sum(walked), "heap": len(gc.get_objects())}))
"""


def _second_start(tmp_path: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=HANG_GUARD_S, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_second_start_in_a_big_heap_makes_no_more_full_collections_than_its_budget(tmp_path: Path) -> None:
    seen = _second_start(tmp_path)
    budget = json.loads(BUDGET_FILE.read_text(encoding="utf-8"))["second_start_full_collections"]
    assert seen["heap"] > 1_500_000, "the heap is as big as the test means it to be"
    assert seen["full_collections"] <= budget * TOLERANCE, (
        f"a second start made {seen['full_collections']} full collections, over its budget {budget}: they walked "
        f"{seen['objects_walked']:,} objects (the heap: {seen['heap']:,}). What collects the whole heap at start? "
        "(CPython also collects it by itself once a start leaves more new objects than a quarter of the heap.)")
