"""The served start holds the garbage collector (no collection at all) and freezes what it made
(``engineering_api.asgi``): checked in a fresh interpreter, as a server's worker starts, since both change the
process's collector. The same start begins the MCP SDK's import before it builds the app (``asgi.create``,
``mcp.runtime.load_sdk_ahead``), and MCP is warm when ``/api/health`` first answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engineering_api.lib.collector import YOUNG_COLLECTION_EVERY
from tools.bounds import HANG_GUARD_S

__all__ = ()

REPO = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import gc, json, logging, sys, threading
logging.disable(logging.WARNING)
normal = gc.get_threshold()
import engineering_api.app as app_module
from engineering_api.asgi import create
from litestar.testing import TestClient
collections = []
def held(phase, info):  # a collection while the start holds the collector: an explicit one
    if phase == "start" and gc.get_threshold()[0] == 0:
        collections.append(info["generation"])
gc.callbacks.append(held)
build = app_module.create_app
sdk_at_build = []
def watched(settings):  # what the start has begun of the MCP SDK's import when it builds the app
    sdk_at_build.extend(t.name for t in threading.enumerate() if t.name == "mcp-import-ahead")
    sdk_at_build.extend(["mcp"] if "mcp" in sys.modules else [])
    return build(settings)
app_module.create_app = watched
app = create()
during = gc.get_threshold()
with TestClient(app, base_url="http://127.0.0.1") as client:
    after, frozen = gc.get_threshold(), gc.get_freeze_count()
    health = client.get("/api/health").status_code
    warm = app.state.mcp.transports is not None and app.state.mcp.transports.manager is not None
print(json.dumps({"normal": normal, "during": during, "after": after, "frozen": frozen,
                  "collections_held": collections, "health": health, "sdk_at_build": sdk_at_build,
                  "mcp_warm_at_health": warm}))
"""


@pytest.fixture(scope="module")
def served_start(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What one served start (``asgi.create`` and the lifespan, then ``/api/health``) saw, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")}
    env["ENGINEERING_API_DATA_DIR"] = str(tmp_path_factory.mktemp("served") / "data")
    done = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=HANG_GUARD_S, check=True)
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


def test_the_start_imports_the_mcp_sdk_while_it_builds_the_app_and_mcp_is_warm_at_health(
        served_start: dict[str, Any]) -> None:
    """The import (~0.4 s of CPU) runs while building the app waits on the new database's writes, not after."""
    assert served_start["health"] == 200
    assert served_start["sdk_at_build"], "the SDK's import had not begun when the app was built"
    assert served_start["mcp_warm_at_health"]


def test_the_start_makes_no_collection_and_freezes_what_it_made(served_start: dict[str, Any]) -> None:
    seen = served_start
    assert seen["health"] == 200
    # no collection while the app is imported and built and its lifespan starts: automatic ones are held (~600 young
    # ones took ~0.11 s of the start's CPU before), and nothing collects explicitly
    assert seen["during"][0] == 0 and seen["collections_held"] == []
    # collections back once the lifespan has started, the young generation's every 10,000 allocations at most
    assert seen["after"] == [max(seen["normal"][0], YOUNG_COLLECTION_EVERY), *seen["normal"][1:]]
    assert seen["frozen"] > 100_000  # the modules, routes and handlers: out of every later full collection


_FAILED_AND_TWICE = r"""
import gc, json, logging
logging.disable(logging.CRITICAL)
normal = gc.get_threshold()
from engineering_api import asgi
import engineering_api.app as app_module
def refused(*args, **kwargs):
    raise ValueError("settings refused")
real = app_module.create_app
app_module.create_app = refused
try:
    asgi.create()
except ValueError:
    pass
after_failure = gc.get_threshold()
app_module.create_app = real
first, second = asgi.hold_collections(), asgi.hold_collections()  # two starts at once in one process
second()
second()  # a second on_startup of the same app (a restarted app) does not end the other start's hold
one_ended = gc.get_threshold()
first()
both_ended = gc.get_threshold()
first()  # nor, with none held, changes anything
print(json.dumps({"normal": normal, "after_failure": after_failure, "one_ended": one_ended,
                  "both_ended": both_ended, "again": gc.get_threshold()}))
"""


def test_a_failed_start_and_two_starts_at_once_leave_the_collector_as_they_found_it(tmp_path: Path) -> None:
    """A start whose app could not be built gave the collector back no thresholds (automatic collection off for the
    rest of the process); of two starts held at once, the second kept (0, ...) and whichever ended last left
    collection off for good."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")}
    env["ENGINEERING_API_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run([sys.executable, "-c", _FAILED_AND_TWICE], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=HANG_GUARD_S, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["after_failure"] == seen["normal"]
    assert seen["one_ended"][0] == 0  # the other start still holds it
    assert seen["both_ended"] == seen["again"] == [max(seen["normal"][0], YOUNG_COLLECTION_EVERY), *seen["normal"][1:]]
