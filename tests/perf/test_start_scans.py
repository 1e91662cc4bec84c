"""What the served start does not do: scan every installed distribution's metadata for plugins, or load uvicorn.

Checked in a fresh interpreter, as a server's worker starts (``asgi.create``, the lifespan, ``/api/health``), with
``importlib.metadata.entry_points`` counted: pydantic's plugin search is off by its documented switch unless the
environment sets it (``asgi.create``), APScheduler's plugin aliases come from its own metadata
(``lib.scheduler_import``), and sse-starlette is imported without uvicorn unless uvicorn serves the process
(``mcp.runtime.import_sse_starlette``), both before the start's threads exist. Each full scan cost ~10 ms of the
start's CPU, uvicorn's import ~18 ms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tools.bounds import HANG_GUARD_S

__all__ = ()

REPO = Path(__file__).resolve().parents[2]

_SERVED_START = r"""
import importlib.metadata, json, logging, os, sys
logging.disable(logging.WARNING)
scans = []
scan_all = importlib.metadata.entry_points
def counted(**params):
    scans.append(params)
    return scan_all(**params)
importlib.metadata.entry_points = counted
from engineering_api.asgi import create
from litestar.testing import TestClient
app = create()
with TestClient(app, base_url="http://127.0.0.1") as client:
    health = client.get("/api/health").status_code
    warm = app.state.mcp.transports is not None
from apscheduler.schedulers.base import BaseScheduler
holders = sorted(name for name, module in list(sys.modules.items())
                 if getattr(getattr(module, "entry_points", None), "__qualname__", "").startswith("asyncio_scheduler."))
print(json.dumps({
    "holders": holders,
    "health": health, "mcp_warm": warm, "scans": scans,
    "restored": importlib.metadata.entry_points is counted,
    # uvicorn's and what only it loads (click comes with litestar.testing here)
    "loaded": sorted(name for name in ("uvicorn", "watchfiles") if name in sys.modules),
    "sse_starlette": "sse_starlette" in sys.modules,
    "plugins_switch": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
    "triggers": sorted(BaseScheduler._trigger_plugins), "executors": sorted(BaseScheduler._executor_plugins),
    "jobstores": sorted(BaseScheduler._jobstore_plugins)}))
"""


def _run(script: str, data_dir: Path, **env_vars: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    env.update(ENGINEERING_API_DATA_DIR=str(data_dir), **env_vars)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=HANG_GUARD_S)
    assert done.returncode == 0, done.stderr[-3000:]
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


@pytest.fixture(scope="module")
def served_start(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run(_SERVED_START, tmp_path_factory.mktemp("scans") / "data")


def test_the_served_start_scans_no_distribution_for_plugins(served_start: dict[str, Any]) -> None:
    seen = served_start
    assert seen["health"] == 200 and seen["mcp_warm"]
    assert seen["scans"] == []
    assert seen["restored"], "importlib.metadata.entry_points was left replaced"
    # the scheduler's module keeps the replacement it bound (for its class body); no other module took it
    assert seen["holders"] == ["apscheduler.schedulers.base"]
    assert seen["plugins_switch"] == "__all__"
    # APScheduler's aliases, as a scan of every distribution finds them here (its own are the only ones installed)
    assert {"interval", "cron", "date", "and", "or"} <= set(seen["triggers"])
    assert {"asyncio", "threadpool", "processpool"} <= set(seen["executors"])
    assert {"memory", "sqlalchemy"} <= set(seen["jobstores"])


def test_the_served_start_loads_no_uvicorn(served_start: dict[str, Any]) -> None:
    assert served_start["sse_starlette"]
    assert served_start["loaded"] == []


def test_a_plugin_switch_the_environment_sets_is_kept(tmp_path: Path) -> None:
    """``PYDANTIC_DISABLE_PLUGINS=0`` asks pydantic to look for plugins: the start leaves it so, and pydantic scans."""
    seen = _run(_SERVED_START, tmp_path / "data", PYDANTIC_DISABLE_PLUGINS="0")
    assert seen["plugins_switch"] == "0"
    assert seen["scans"] == [{"group": "pydantic"}]


_UNDER_UVICORN = r"""
import json
from uvicorn.main import Server  # what `uvicorn engineering_api.asgi:create --factory` has loaded
from engineering_api.mcp import runtime
runtime._load_transports()
from sse_starlette.sse import AppStatus
print(json.dumps({"wrapped": Server.handle_exit is AppStatus.handle_exit and AppStatus.original_handler is not None}))
"""


def test_served_by_uvicorn_sse_starlette_still_wraps_its_exit_handler(tmp_path: Path) -> None:
    """Under uvicorn, a SIGTERM still ends the SDK's event streams (sse-starlette's wrap of uvicorn's handler)."""
    assert _run(_UNDER_UVICORN, tmp_path / "data")["wrapped"]
