"""Snapshots of a virtual PLC's state over HTTP: a program runs, a snapshot is taken, the CPU runs on and its values
are changed, the snapshot is restored, and the scans after the restore give exactly what the scans after the
snapshot gave (DB values, an IEC timer in an instance DB, bit memory, outputs, the virtual clock).

The program is downloaded through the engineering routes (``download_line``), as a user does."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.api.snapshot_line import LINE, SIM, SNAPSHOTS, running_line, step, values
from tests.conftest import Headers, assert_error, data, run_job
from tests.scl_frames import global_db

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

def test_the_scans_after_a_restore_are_the_scans_after_the_snapshot(client: Any, admin_headers: Headers,
                                                                      cpu: dict[str, Any]) -> None:
    h = admin_headers
    running_line(client, h)
    step(client, h, 7)
    taken = data(client.post(SNAPSHOTS, json={"snapshotName": "Warm start"}, headers=h))
    assert (taken["name"], taken["instance"], taken["operatingState"], taken["operatingMode"]) == (
        "Warm start", "Line", "Run", "SingleStep")
    assert taken["virtualTimeMs"] == 70 and taken["device"] == "PLC_1" and taken["dataBlockCount"] >= 2
    at_snapshot = values(client, h)
    step(client, h, 9)
    after_snapshot = values(client, h)
    assert after_snapshot['"Blink_DB".Pulses'] > at_snapshot['"Blink_DB".Pulses'], (at_snapshot, after_snapshot)

    # the process goes on elsewhere: other inputs, other values, more time
    data(client.put(f"{SIM}/tags/Run_PB", json={"value": False}, headers=h))
    data(client.put(f"{SIM}/tags/%22Snap_DB%22.Count", json={"value": 999}, headers=h))
    step(client, h, 5)
    assert values(client, h) != after_snapshot

    # a CPU in RUN is refused, and nothing changes; the answer names the next step
    refused = assert_error(client.post(f"{SNAPSHOTS}/Warm%20start/restore", headers=h), 409,
                           "SIM_SNAPSHOT_CPU_RUNNING")
    assert "/api/simulation/instances/Line/stop" in refused["message"]
    data(client.post(f"{LINE}/stop", json={"confirm": True}, headers=h))
    preview = data(client.post(f"{SNAPSHOTS}/Warm%20start/restore?dryRun=true", headers=h))
    assert "Warm start" in preview["summary"] and values(client, h)["operatingState"] == "Stop"

    restored = data(client.post(f"{SNAPSHOTS}/warm%20START/restore", headers=h))  # names are case-insensitive
    assert restored["snapshot"]["name"] == "Warm start"
    assert (restored["state"]["operatingState"], restored["state"]["virtualTimeMs"]) == ("Run", 70)
    assert values(client, h) == at_snapshot
    step(client, h, 9)
    assert values(client, h) == after_snapshot

    # a restore is repeatable: the snapshot is not used up
    data(client.post(f"{LINE}/stop", json={"confirm": True}, headers=h))
    data(client.post(f"{SNAPSHOTS}/{quote('Warm start')}/restore", headers=h))
    step(client, h, 9)
    assert values(client, h) == after_snapshot

    records = data(client.get("/api/audit", params={"pathPrefix": SNAPSHOTS}, headers=h))["records"]
    audited = {(r["method"], r["path"], r["outcome"]) for r in records}  # the audit shows the decoded path
    assert {("POST", SNAPSHOTS, "succeeded"), ("POST", f"{SNAPSHOTS}/warm START/restore", "succeeded")} <= audited


def test_a_snapshot_in_stop_restores_stop_and_forces(client: Any, admin_headers: Headers,
                                                       cpu: dict[str, Any]) -> None:
    h = admin_headers
    running_line(client, h)
    step(client, h, 3)
    data(client.post(f"{LINE}/stop", json={"confirm": True}, headers=h))
    stopped = data(client.post(SNAPSHOTS, json={"snapshotName": "stopped"}, headers=h))
    assert stopped["operatingState"] == "Stop" and stopped["forceCount"] == 0
    at_stop = values(client, h)
    data(client.post(f"{LINE}/run", headers=h))
    step(client, h, 4)
    data(client.post(f"{LINE}/stop", json={"confirm": True}, headers=h))
    assert data(client.post(f"{SNAPSHOTS}/stopped/restore", headers=h))["state"]["operatingState"] == "Stop"
    assert values(client, h) == at_stop


def test_names_listing_deleting_and_errors(client: Any, admin_headers: Headers, make_key: Any,
                                           cpu: dict[str, Any]) -> None:
    h = admin_headers
    running_line(client, h)
    for bad in ("", ".", "..", "-x", "a/b", "x" * 65, "tab\there", "trailing "):
        assert_error(client.post(SNAPSHOTS, json={"snapshotName": bad}, headers=h), 422)
    data(client.post(SNAPSHOTS, json={"snapshotName": "One"}, headers=h))
    assert_error(client.post(SNAPSHOTS, json={"snapshotName": "ONE"}, headers=h), 409, "SIM_SNAPSHOT_EXISTS")
    data(client.post(SNAPSHOTS, json={"snapshotName": "two.2_b-c"}, headers=h))
    viewer = make_key("viewer")
    listed = data(client.get(SNAPSHOTS, headers=viewer))
    assert [s["name"] for s in listed] == ["One", "two.2_b-c"]
    assert_error(client.post(SNAPSHOTS, json={"snapshotName": "Three"}, headers=viewer), 403)
    assert_error(client.post(f"{SNAPSHOTS}/Nope/restore", headers=h), 404, "SIM_SNAPSHOT_NOT_FOUND")
    assert_error(client.get(f"{SIM}/instances/Nope/snapshots", headers=h), 404, "SIM_INSTANCE_NOT_FOUND")
    assert data(client.delete(f"{SNAPSHOTS}/one?dryRun=true", headers=h))["changes"][0]["name"] == "One"
    assert data(client.delete(f"{SNAPSHOTS}/one", headers=h))["name"] == "One"
    assert_error(client.delete(f"{SNAPSHOTS}/one", headers=h), 404, "SIM_SNAPSHOT_NOT_FOUND")
    assert [s["name"] for s in data(client.get(SNAPSHOTS, headers=h))] == ["two.2_b-c"]

    # another program downloaded since: the snapshot no longer fits
    data(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                     json={"SourceName": "More.scl", "SclContent": global_db("More_DB", "X : Int")}, headers=h))
    data(client.post("/api/devices/PLC_1/actions/download-sync", json={"stopCpu": True}, headers=h))
    data(client.post(f"{LINE}/stop", json={"confirm": True}, headers=h))
    assert_error(client.post(f"{SNAPSHOTS}/two.2_b-c/restore", headers=h), 409, "SIM_SNAPSHOT_PROGRAM_CHANGED")

    # powered off: nothing to take; a deleted instance takes its snapshots with it
    data(client.post(f"{LINE}/power-off", json={"confirm": True}, headers=h))
    assert_error(client.post(SNAPSHOTS, json={"snapshotName": "off"}, headers=h), 409, "INSTANCE_OFF")
    data(client.delete(LINE, headers=h))
    data(client.post(f"{SIM}/instances/create", json={"name": "Line"}, headers=h))
    assert data(client.get(SNAPSHOTS, headers=h)) == []


def test_a_stored_test_case_starts_from_a_snapshot_taken_over_http(client: Any, admin_headers: Headers,
                                                                   cpu: dict[str, Any]) -> None:
    """The server's test harness: a case naming a snapshot starts from it (the CPU, in RUN, is stopped for the
    restore and runs on), twice in a row, whatever the first run did; without it the case starts clean."""
    h = admin_headers
    running_line(client, h)
    step(client, h, 7)
    data(client.post(SNAPSHOTS, json={"snapshotName": "Seven"}, headers=h))
    data(client.post(f"{LINE}/stop", json={"confirm": True}, headers=h))
    data(client.post(SNAPSHOTS, json={"snapshotName": "Stopped"}, headers=h))
    data(client.post(f"{LINE}/run", headers=h))
    step(client, h, 20)
    case = {"name": "From seven", "deviceName": "PLC_1", "instanceName": "Line", "snapshot": "Seven",
            "steps": [{"cycles": 1, "assert": {'"Snap_DB".Count': 8, "Run_PB": True}}],
            "teardown": [{"write": {'"Snap_DB".Count': 0}}]}
    data(client.post("/api/testharness/tests", json=case, headers=h))
    clean = {**case, "name": "From clean", "snapshot": None,
             "steps": [{"cycles": 1, "assert": {'"Snap_DB".Count': 1, "Run_PB": False}}]}  # MRES clears %I too
    data(client.post("/api/testharness/tests", json=clean, headers=h))
    # a snapshot taken in STOP cannot start a case (starting the CPU would initialise its values); the run goes on
    data(client.post("/api/testharness/tests", json={**case, "name": "From a stopped one", "snapshot": "Stopped"},
                     headers=h))
    for _ in range(2):
        run = run_job(client, "POST", "/api/testharness/run", h, params={"testName": "From*"})
        assert run["status"] == "Completed", run
        results = {r["testName"]: r for r in run["result"]["results"]}
        assert results["From seven"]["status"] == "Passed" and results["From seven"]["stateReset"] is False, results
        assert results["From clean"]["status"] == "Passed" and results["From clean"]["stateReset"] is True, results
        stopped = results["From a stopped one"]
        assert (stopped["status"], stopped["errorCode"]) == ("Error", "SNAPSHOT_IN_STOP"), stopped
