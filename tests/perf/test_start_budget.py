"""The server start's work, counted: a regression guard that a busy machine cannot make noisy.

In a fresh interpreter (as ``engineering-api serve``'s worker starts), the app is imported and built by
``create_app`` (settings from a clean environment, a new data directory: the database made and migrated, every
route registered). Counted: the modules loaded by the two, and the calls of Python functions ``create_app`` makes
(``cProfile``'s count, which includes the imports it makes). Held against ``start_budget.json`` with the work budget's
10% tolerance (``test_work_budget.py``): raising a budget is a reviewed change that says why.

Modules of optional parts the start does not use never load, whatever the budget: the farm's (Celery, kombu,
Redis), the language server's (pygls, lsprotocol) and, with tracing off, OpenTelemetry (Litestar's app looked for
OpenTelemetry's middleware at every start, importing its plugin and ~70 modules with it: ``app._ServiceApp``),
Litestar's pydantic and attrs plugins, httpx, PyJWT, cryptography and Pillow (see ``NEVER_AT_START``).

The MCP warm-up is counted apart (``mcp_warm_up_modules``, ``mcp_warm_up_calls``): the lifespan runs it on a
thread of its own before ``/api/health`` answers (issue 71: the first ``/mcp`` request waits for no import), and
it is the start's largest part (the MCP SDK's import, ~0.5 s of CPU: its pydantic models), so what it loads and
calls is held to a budget of its own, here run on the main thread after ``create_app`` (the same work).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.perf.budget_tolerance import TOLERANCE
from tools.bounds import HANG_GUARD_S

__all__ = ()

BUDGET_FILE = Path(__file__).with_name("start_budget.json")
REPO = Path(__file__).resolve().parents[2]
NEVER_AT_START = ("celery", "kombu", "redis", "pygls", "lsprotocol", "opentelemetry", "pydantic", "attr", "attrs",
                  "httpx", "jwt", "cryptography", "PIL", "alembic", "mako", "pygments", "jinja2", "markupsafe",
                  "pygit2", "sqlalchemy.dialects.postgresql", "engineering_api.console.render",
                  "engineering_api.domain.pipelines.runner", "engineering_api.domain.source_lines",
                  "engineering_api.rules.hmi_render_unified", "engineering_api.domain.testharness.junit_report")
"""Packages (with every module under them) the start must not load: the farm's, the language server's, tracing's when it
is off; Litestar's pydantic and attrs plugins' (no route takes or answers either: ``app._ServiceApp``; the MCP SDK's
pydantic is loaded by the lifespan's warm-up, not counted here); httpx, which the runtime API's pulls and pushes and
the assistant use only when they call out (its import loaded its command line's libraries too); PyJWT and
cryptography, which the runtime API needs for a bearer token or a stored secret, not to start; Pillow, which draws
HMI screens; Alembic (with Mako and Pygments), which runs only when a database is behind the newest revision (a new
SQLite database is made from the schema snapshot: ``lib/schema_snapshot``); Jinja, which renders the console's pages
(``console._ConsoleTemplates``); pygit2, which source control's calls use (``domain.sourcecontrol._later``);
SQLAlchemy's PostgreSQL dialect with its drivers, on a SQLite server (a ``postgresql_*`` keyword on a table loaded
it: ``lib/tables``); the console's drawing of blocks (LAD/FBD, GRAPH, SCL, diffs) and its live monitoring, which its
first block, UDT, diff or monitor page loads (``console.pages``, ``console.git_log``, ``console.plc``); the
pipelines' runner, which their first run loads; the compile routes' source-line mapping, the Unified screen drawing
and the test runs' JUnit writer, by their first use. Counted here are the import and ``create_app``: a served process
still loads OpenTelemetry and cryptography afterwards, on the lifespan's MCP warm-up thread (the MCP SDK imports
both)."""

_SCRIPT = r"""
import cProfile, json, logging, pstats, sys
from pathlib import Path
logging.disable(logging.WARNING)
before = set(sys.modules)
from engineering_api.app import create_app
from engineering_api.config import Settings
settings = Settings.from_env(data_dir=Path(sys.argv[1]))
profile = cProfile.Profile()
profile.enable()
app = create_app(settings)
profile.disable()
loaded = sorted(set(sys.modules) - before)
from engineering_api.mcp import runtime
warm_up, before_warm_up = cProfile.Profile(), set(sys.modules)
warm_up.enable()
runtime._warm(app.state.services)  # the warm-up thread's work: the SDK's side imported, the catalogue built,
runtime._warm_schemas(app.state.services)  # then the default profile's schemas
warm_up.disable()
print(json.dumps({"modules": loaded, "create_app_calls": pstats.Stats(profile).total_calls,
                  "routes": len(app.routes), "mcp_warm_up_modules": len(set(sys.modules) - before_warm_up),
                  "mcp_warm_up_calls": pstats.Stats(warm_up).total_calls}))
"""


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What one start imported and called (one subprocess for the module's tests)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path_factory.mktemp("start") / "data")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _budget() -> dict[str, Any]:
    budget: dict[str, Any] = json.loads(BUDGET_FILE.read_text(encoding="utf-8"))
    return budget


def test_the_start_loads_no_optional_part_it_does_not_use(start: dict[str, Any]) -> None:
    loaded = {part for part in NEVER_AT_START for name in start["modules"]
              if name == part or name.startswith(f"{part}.")}
    assert not loaded, sorted(loaded)


@pytest.mark.parametrize("count", ["modules", "create_app_calls", "mcp_warm_up_modules", "mcp_warm_up_calls"])
def test_the_start_stays_within_its_budget(start: dict[str, Any], count: str) -> None:
    budget = _budget()[count]
    measured = len(start["modules"]) if count == "modules" else start[count]
    assert start["routes"] > 400, "every route is registered at start"
    if measured < budget * 0.9:
        print(f"{count}: {measured} is well under its budget {budget}: lower it")
    assert measured <= budget * TOLERANCE, (
        f"{count}: {measured} over the budget {budget} (+{(measured / budget - 1) * 100:.0f}%); by package: "
        + str(sorted(_by_package(start["modules"]).items(), key=lambda kv: -kv[1])[:15]))


def _by_package(modules: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in modules:
        counts[name.split(".")[0]] = counts.get(name.split(".")[0], 0) + 1
    return counts
