"""The console's jobs, PLC, monitoring and history pages over Litestar's test client."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx

from engineering_api.config import Settings
from tests.api.motor_plant import DEVICE, prepare_motor_plant
from tests.api.source_control_support import SC, commit, put_block
from tests.console.conftest import csrf_of, sign_in
from tests.conftest import CPU, data
from tests.mcp.conftest import live_server
from tools.bounds import HANG_GUARD_S


def test_a_compile_job_is_shown_with_its_result_and_cannot_be_canceled_once_ended(client, admin_headers, cpu,
                                                                                  make_key, services):
    sign_in(client, make_key("engineer")["X-API-Key"])
    token = csrf_of(client.get("/console/plc").text)
    started = client.post("/console/devices/PLC_1/compile", data={"_csrf_token": token}, follow_redirects=False)
    assert started.status_code == 303
    job_id = started.headers["location"].rsplit("/", 1)[-1]
    record = services.jobs.get(job_id)
    assert record.operation == "devices.compile-software"
    events = client.get(f"/console/jobs/{job_id}/events")  # the stream ends with the job
    states = [json.loads(line[5:]) for line in events.text.splitlines() if line.startswith("data:")]
    assert states[-1]["terminal"] is True and states[-1]["status"] == "Completed"
    page = client.get(f"/console/jobs/{job_id}").text
    assert "devices.compile-software" in page and "Completed" in page and 'id="cancel"' not in page
    assert job_id in client.get("/console/jobs").text
    refused = client.post(f"/console/jobs/{job_id}/cancel", data={"_csrf_token": token})
    assert refused.status_code == 409 and "already ended" in refused.text
    rows = services.db.all("SELECT status, job_id, via FROM audit WHERE via = 'console' ORDER BY rowid")
    assert [tuple(r) for r in rows] == [(202, job_id, "console"), (409, job_id, "console")]


def test_stop_needs_the_confirmation_rest_needs_and_the_monitor_pushes_live_values(tmp_path):
    # over real HTTP: the monitor's stream never ends by itself, which Litestar's test client cannot read
    with live_server(Settings.from_env(data_dir=tmp_path)) as live, httpx.Client(base_url=live.base,
                                                                                 timeout=HANG_GUARD_S) as client:
        _monitor_and_stop(client, live.headers("admin"), live.keys["engineer"])


def _first_event(client: Any, url: str) -> dict[str, Any]:
    with client.stream("GET", url) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                return dict(json.loads(line[5:]))
    return {}


def _monitor_and_stop(client: Any, h: dict[str, str], key: str) -> None:
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"}, headers=h))
    prepare_motor_plant(client, h)
    sign_in(client, key)
    # the monitor offers the download and the connection as buttons, and names no REST route
    monitor = "/console/devices/PLC_1/blocks/FB_Motor/monitor"
    page = client.get(monitor).text
    assert 'id="monitor-download"' in page and "/api/" not in page.replace('data-events="', "")
    assert _first_event(client, f"{monitor}/events?instance=Motor1_DB") == {
        "error": "No simulation instance is connected."}
    downloaded = client.post("/console/devices/PLC_1/download", follow_redirects=False, data={
        "_csrf_token": csrf_of(page), "startAfterDownload": "yes", "next": monitor})
    assert downloaded.status_code == 303 and downloaded.headers["location"] == monitor
    page = client.get(monitor).text
    assert "<option>Line1_PLC</option>" in page
    connected = client.post("/console/simulation/connect", follow_redirects=False, data={
        "_csrf_token": csrf_of(page), "instanceName": "Line1_PLC", "next": "//elsewhere.example/"})
    assert connected.status_code == 303 and connected.headers["location"] == "/console/plc"  # only console pages
    plc = client.get("/console/plc").text
    assert 'id="stop-PLC_1"' in plc and "Run" in plc
    token = csrf_of(plc)
    refused = client.post("/console/devices/PLC_1/cpu/stop", data={"_csrf_token": token})
    assert refused.status_code == 409  # no confirmation: the CPU keeps running, as on REST
    assert data(client.get(f"{DEVICE}/cpu/status", headers=h))["operatingState"] == "Run"
    data(client.put("/api/simulation/tags/Guard_Closed", json={"value": True}, headers=h))
    data(client.put("/api/simulation/tags/Start_PB", json={"value": True}, headers=h))
    data(client.post("/api/simulation/instances/Line1_PLC/actions/step", json={"milliseconds": 1200}, headers=h))

    page = client.get("/console/devices/PLC_1/blocks/FB_Motor/monitor").text
    assert 'data-events="/console/devices/PLC_1/blocks/FB_Motor/monitor/events?instance=Motor1_DB"' in page
    first = _first_event(client, "/console/devices/PLC_1/blocks/FB_Motor/monitor/events?instance=Motor1_DB")
    assert first["operands"]["#Start"] == "TRUE" and first["operands"]["#StartDelay.ET"].startswith("T#")
    assert "#StartDelay.ET = T#" in first["lines"]["n1-l1"]

    stopped = client.post("/console/devices/PLC_1/cpu/stop", data={"_csrf_token": token, "confirm": "yes"},
                          follow_redirects=False)
    assert stopped.status_code == 303
    assert data(client.get(f"{DEVICE}/cpu/status", headers=h))["operatingState"] == "Stop"


def test_history_and_a_diff_of_two_commits(client, admin_headers, cpu, make_key):
    h = admin_headers
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;\n#Speed := #Speed + 1;")
    first = commit(client, h, "one")
    put_block(client, h, "FB_Motor", "#Speed := 2;\n#Speed := #Speed + 1;")
    second = commit(client, h, "two")
    sign_in(client, make_key("viewer")["X-API-Key"])
    history = client.get("/console/history").text
    assert first["sha"] in history and second["sha"] in history and 'id="compare-button"' in history
    page = client.get("/console/history/diff", params={"from": first["sha"], "to": second["sha"]}).text
    # the summary lists the changed network and draws nothing; the network is drawn when opened
    assert 'data-object="FB_Motor"' in page and 'data-network="1"' in page and "data-diff" not in page
    source = re.search(r'data-src="([^"]+)"', page)
    assert source is not None
    page = client.get(html.unescape(source.group(1))).text
    assert "<html" not in page and 'data-state="changed"' in page
    assert '<span class="line removed" data-diff="removed"><span class="ln">-</span>#Speed := 1;</span>' in page
    assert '<span class="line added" data-diff="added"><span class="ln">+</span>#Speed := 2;</span>' in page
    assert 'data-diff="same"><span class="ln"> </span>#Speed := #Speed + 1;' in page
    full = client.get(html.unescape(source.group(1)).replace("&fragment=true", ""))
    assert full.status_code == 200 and "<html" in full.text and 'data-object-path="' in full.text
    missing = client.get("/console/history/diff/network", params={"from": first["sha"], "to": second["sha"],
                                                                 "path": "Nowhere.xml", "network": 1})
    assert missing.status_code == 404


def test_unit_tests_run_as_a_job_and_each_case_shows_its_assertions(client, admin_headers, cpu, make_key):
    from tests.api.motor_test_program import motor_program_with_its_test

    motor_program_with_its_test(client, admin_headers)
    sign_in(client, make_key("engineer")["X-API-Key"])
    page = client.get("/console/tests").text
    assert "1 test case(s)" in page and 'id="run-tests"' in page
    started = client.post("/console/tests/run", data={"_csrf_token": csrf_of(page), "testName": "*"},
                          follow_redirects=False)
    job_id = started.headers["location"].rsplit("/", 1)[-1]
    events = client.get(f"/console/jobs/{job_id}/events").text  # ends with the job
    assert '"terminal":true' in events
    result = client.get("/console/tests").text
    assert 'data-case="Motor runs 2 s after start" data-status="Passed"' in result
    assert "&#34;Motor_DB&#34;.Running" in result.replace("&quot;", "&#34;") and "1 of 1 passed" in result


def test_runtime_page_needs_a_runtime_user_then_shows_alarms_and_a_trend(client, make_key, services):
    import time as clock

    from engineering_api.runtime.alarms import AlarmDefinition
    from engineering_api.runtime.tag_logging import LoggingSetting
    from engineering_api.runtime.service import runtime_of
    from engineering_api.runtime.simulated import canonical_name
    from engineering_api.lib.schema import utc_now

    runtime = runtime_of(services)
    runtime.users.create("operator", "correct horse battery", ["read"])
    runtime.history.save_setting(LoggingSetting(tag='"Tank".Level', mode="cyclic"))
    now = int(clock.time() * 1000)
    runtime.history.store.append([(canonical_name('"Tank".Level'), now - 60_000 + i * 10_000, float(i * i))
                                  for i in range(5)])
    runtime.alarms.save_definition(AlarmDefinition(name="TankHigh", kind="analog", tag='"Tank".Level', limit=10.0,
                                                   text="Tank level high"))
    runtime.alarms.on_tag_value("TankHigh", 16.0, utc_now())
    sign_in(client, make_key("viewer")["X-API-Key"])
    page = client.get("/console/runtime").text
    assert 'id="runtime-signin"' in page and 'id="alarms"' not in page  # an API key is no runtime user
    wrong = client.post("/console/runtime/signin", data={"_csrf_token": csrf_of(page), "username": "operator",
                                                         "password": "nope"})
    assert wrong.status_code == 401
    signed = client.post("/console/runtime/signin", data={"_csrf_token": csrf_of(page), "username": "operator",
                                                          "password": "correct horse battery"})
    assert signed.status_code == 200
    assert 'data-alarm="TankHigh"' in signed.text and "Tank level high" in signed.text
    assert 'aria-label="Trend of &#34;Tank&#34;.Level"' in signed.text.replace("&quot;", "&#34;")
    assert "5 value(s), 0.0 … 16.0" in signed.text and '<polyline points="0.0,200.0' in signed.text
