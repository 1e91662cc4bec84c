"""Async Jobs: read, list with filters, cancel, the SSE event stream, execute-sync."""

from __future__ import annotations

import json
import threading


from tests.conftest import CPU, assert_error, data, job_error, run_job, start_job, wait_job
from tools.bounds import HANG_GUARD_S


def test_get_job(client, engineer_headers, project):
    job_id = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    record = wait_job(client, job_id, engineer_headers)
    assert record["jobId"] == job_id
    assert record["operation"] == "projects.save"
    assert record["status"] == "Completed"
    assert record["progress"] == 100
    assert record["result"]["name"] == "Line1"
    assert job_error(record)["code"] is None
    assert record["createdAt"] <= record["startedAt"] <= record["completedAt"]


def test_get_unknown_job_is_404(client, viewer_headers):
    assert_error(client.get("/api/jobs/does-not-exist", headers=viewer_headers), 404, "JOB_NOT_FOUND")


def test_a_running_job_answers_with_retry_after(client, engineer_headers, project, gate):
    opened, entered = gate
    job_id = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert entered.wait(HANG_GUARD_S)
    response = client.get(f"/api/jobs/{job_id}", headers=engineer_headers)
    assert data(response)["status"] == "Running"
    assert response.headers["retry-after"] == "1"
    opened.set()
    assert wait_job(client, job_id, engineer_headers)["status"] == "Completed"


def test_failed_job_carries_the_error(client, engineer_headers):
    record = run_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert record["status"] == "Failed"
    assert job_error(record)["code"] == "NO_PROJECT_OPEN"
    assert job_error(record)["status"] == 409
    assert job_error(record)["message"]
    assert record["result"] is None


def test_list_jobs_with_filters_and_paging(client, engineer_headers, project):
    ok_ids = [run_job(client, "POST", "/api/projects/actions/save", engineer_headers)["jobId"] for _ in range(3)]
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    failed = run_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert failed["status"] == "Failed"
    listing = data(client.get("/api/jobs", headers=engineer_headers))
    assert listing["total"] == 6  # create-sync, 3 saves, close-sync, failed save
    assert listing["jobs"][0]["jobId"] == failed["jobId"]  # newest first
    saves = data(client.get("/api/jobs", params={"operation": "projects.save"}, headers=engineer_headers))
    assert saves["total"] == 4
    completed = data(
        client.get("/api/jobs", params={"operation": "projects.save", "status": "Completed"}, headers=engineer_headers)
    )
    assert sorted(j["jobId"] for j in completed["jobs"]) == sorted(ok_ids)
    page = data(client.get("/api/jobs", params={"limit": 2, "offset": 1}, headers=engineer_headers))
    assert (page["limit"], page["offset"], page["total"]) == (2, 1, 6)
    assert [j["jobId"] for j in page["jobs"]] == [j["jobId"] for j in listing["jobs"][1:3]]
    failed_only = data(client.get("/api/jobs", params={"status": "Failed"}, headers=engineer_headers))
    assert [j["jobId"] for j in failed_only["jobs"]] == [failed["jobId"]]


def test_list_jobs_rejects_bad_filters(client, viewer_headers):
    assert_error(client.get("/api/jobs", params={"status": "Done"}, headers=viewer_headers), 422)
    assert client.get("/api/jobs", params={"limit": 0}, headers=viewer_headers).status_code == 422
    assert client.get("/api/jobs", params={"offset": -1}, headers=viewer_headers).status_code == 422


def test_cancel_a_queued_job(client, engineer_headers, project, gate):
    opened, entered = gate
    running = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert entered.wait(HANG_GUARD_S)
    queued = start_job(client, "POST", "/api/projects/actions/close", engineer_headers)
    assert data(client.get(f"/api/jobs/{queued}", headers=engineer_headers))["status"] == "Pending"
    response = client.post(f"/api/jobs/{queued}/actions/cancel", headers=engineer_headers)
    data(response)
    canceled = wait_job(client, queued, engineer_headers)
    assert canceled["status"] == "Canceled"
    assert job_error(canceled)["code"] == "CANCELED"
    opened.set()
    assert wait_job(client, running, engineer_headers)["status"] == "Completed"
    # the canceled close never ran: the project is still open
    assert data(client.get("/api/instance/status", headers=engineer_headers))["projectOpen"] is True


def test_cancel_a_running_job_is_cooperative(client, engineer_headers, project, gate):
    opened, entered = gate
    running = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert entered.wait(HANG_GUARD_S)
    record = data(client.post(f"/api/jobs/{running}/actions/cancel", headers=engineer_headers))
    assert record["status"] == "Running"
    assert record["message"] == "cancel requested"
    opened.set()
    # save has no step after which it could stop, so it finishes
    assert wait_job(client, running, engineer_headers)["status"] in ("Completed", "Canceled")


def test_cancel_errors(client, engineer_headers, project):
    assert_error(client.post("/api/jobs/nope/actions/cancel", headers=engineer_headers), 404, "JOB_NOT_FOUND")
    done = run_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert_error(client.post(f"/api/jobs/{done['jobId']}/actions/cancel", headers=engineer_headers), 409,
                 "JOB_FINISHED")


def test_viewer_cannot_cancel(client, viewer_headers, engineer_headers, project):
    done = run_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert_error(client.post(f"/api/jobs/{done['jobId']}/actions/cancel", headers=viewer_headers), 403)


def _events(text: str) -> list[tuple[str | None, dict]]:
    events: list[tuple[str | None, dict]] = []
    name = None
    for line in text.splitlines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
    return events


def test_events_of_a_finished_job(client, engineer_headers, project):
    done = run_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    response = client.get(f"/api/jobs/{done['jobId']}/events", headers=engineer_headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert events[-1][0] == "completed"
    assert events[-1][1]["status"] == "Completed"
    assert events[-1][1]["jobId"] == done["jobId"]


def test_events_stream_until_the_job_ends(client, engineer_headers, project, gate):
    opened, entered = gate
    job_id = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert entered.wait(HANG_GUARD_S)
    threading.Timer(0.2, opened.set).start()
    response = client.get(f"/api/jobs/{job_id}/events", headers=engineer_headers)
    events = _events(response.text)
    statuses = [e[1]["status"] for e in events]
    assert statuses[0] == "Running"
    assert statuses[-1] == "Completed"
    assert events[-1][0] == "completed"


def test_events_of_an_unknown_job_is_404(client, viewer_headers):
    assert_error(client.get("/api/jobs/nope/events", headers=viewer_headers), 404, "JOB_NOT_FOUND")


# ----- execute-sync ----------------------------------------------------------------------------
def _execute(client, headers, operation, **parameters):
    body = {"operation": operation} | ({"parameters": parameters} if parameters else {})
    return client.post("/api/jobs/execute-sync", json=body, headers=headers)


def test_execute_sync_runs_an_operation_by_name(client, engineer_headers, workspace):
    created = data(_execute(client, engineer_headers, "projects.create", Name="ByName"))
    assert created["path"] == str(workspace / "ByName" / "ByName.ap19")
    device = data(_execute(client, engineer_headers, "devices.add", orderNumber=CPU, name="PLC_1"))
    assert device["name"] == "PLC_1"
    listed = data(_execute(client, engineer_headers, "DEVICES.LIST"))  # names are case-insensitive
    assert [d["name"] for d in listed] == ["PLC_1"]
    jobs = data(client.get("/api/jobs", params={"operation": "projects.create"}, headers=engineer_headers))
    assert jobs["total"] == 1  # long operations still leave a job record


def test_execute_sync_errors(client, engineer_headers, viewer_headers, project):
    assert_error(_execute(client, engineer_headers, "projects.nothing"), 404, "OPERATION_NOT_FOUND")
    assert_error(_execute(client, engineer_headers, "devices.add", name="X"), 422)
    assert_error(_execute(client, engineer_headers, "devices.add", orderNumber=CPU, name="bad/name"), 422,
                 "INVALID_NAME")
    assert_error(_execute(client, engineer_headers, "projects.open", path="../../x.ap19"), 422, "PATH_REJECTED")
    assert_error(_execute(client, engineer_headers, "tia.firewall.whitelist"), 403, "FORBIDDEN")  # admin only
    assert_error(_execute(client, viewer_headers, "projects.list"), 403)
    assert_error(client.post("/api/jobs/execute-sync", json={}, headers=engineer_headers), 422)
