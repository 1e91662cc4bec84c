"""A real browser as the runtime API's client: headless Chromium (Debian's, driven by Selenium) loads a dashboard
page from another origin, logs in with fetch (CORS preflight), subscribes, and follows the stream with its own
EventSource, which cannot send Authorization (the ticket) and reconnects by itself with Last-Event-ID.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from engineering_api.config import Settings
from tests.api.alarm_plant import LEVEL, running_plant
from tests.api.runtime_users import PASSWORD, RT, login
from tests.conftest import data
from tests.browser.conftest import until
from tests.mcp.conftest import Live, live_server
from tools.bounds import HANG_GUARD_S

HERE = Path(__file__).parent


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    """This directory over HTTP on another port: the dashboard's own origin."""
    handler = functools.partial(_QuietHandler, directory=str(HERE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_browser_dashboard_follows_values_and_alarms(
    page_server: str, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings.from_env(data_dir=tmp_path, cors_origins=(page_server,))
    with live_server(settings) as live, httpx.Client(base_url=live.base, headers=live.headers("admin"),
                                                     timeout=HANG_GUARD_S) as rest:
        running_plant(rest, live.headers("admin"), "Dashboard")
        resumed = _record_resumes(live, monkeypatch)
        query = urlencode({"api": live.base, "user": "board", "password": PASSWORD, "tag": LEVEL})
        browser.get(f"{page_server}/dashboard.html?{query}")

        def state() -> dict[str, Any]:
            return browser.execute_script("return window.dashboard")

        first = until("the current value", lambda: state()["values"] or state()["failures"])
        assert not state()["failures"], state()["failures"]
        assert first == [0.0]

        operator = login(rest, "operator")
        data(rest.put(f"{RT}/tags/{LEVEL}/value", json={"value": 95.0}, headers=operator))
        data(rest.post("/api/simulation/instances/Line/actions/step", json={"cycles": 2}))
        seen = until("the new value and the alarm",
                      lambda: (s := state())["alarms"] and 95.0 in s["values"] and s)
        assert seen["values"] == [0.0, 95.0] and seen["alarms"] == ["TankHigh:incoming"]
        assert browser.find_element("id", "level").text == "95"
        assert "Tank level high (incoming)" in browser.find_element("id", "alarms").text
        # each stream ended after one event; EventSource came back on its own, saying what it had last
        ids = [int(i) for i in seen["ids"]]
        assert ids == sorted(set(ids)) and seen["opened"] >= 3
        assert resumed[:2] == ids[:2]


def _record_resumes(live: Live, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The Last-Event-ID of every reconnect the server saw, in order."""
    from engineering_api.runtime.service import runtime_of

    hub = runtime_of(live.services).hub
    seen: list[int] = []
    original = hub.resume

    def resume(sub: Any, last_event_id: int) -> None:
        seen.append(last_event_id)
        original(sub, last_event_id)

    monkeypatch.setattr(hub, "resume", resume)  # records the resumes the page asks for, then calls the original
    return seen
