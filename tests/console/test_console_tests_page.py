"""*Run* on the console's tests page ends on the run's readable result, not on the job's raw JSON (issue 49)."""

from __future__ import annotations

from tests.console.conftest import csrf_of, sign_in


def test_run_follows_its_job_to_the_result_case_by_case(client, admin_headers, cpu, make_key):
    from tests.api.motor_test_program import motor_program_with_its_test

    motor_program_with_its_test(client, admin_headers)
    sign_in(client, make_key("engineer")["X-API-Key"])
    token = csrf_of(client.get("/console/tests").text)
    started = client.post("/console/tests/run", data={"_csrf_token": token, "testName": "*"}, follow_redirects=False)
    assert started.status_code == 303
    landing = started.headers["location"]
    job_id = landing.rsplit("/", 1)[-1]
    assert '"terminal":true' in client.get(f"/console/jobs/{job_id}/events").text  # the stream ends with the job
    ended = client.get(landing, follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"].startswith("/console/tests?run_id=")
    result = client.get(landing)  # as the browser's reload at the job's end follows it
    assert result.status_code == 200 and 'id="run-result"' in result.text and "1 of 1 passed" in result.text
    assert 'data-case="Motor runs 2 s after start" data-status="Passed"' in result.text
    assert '<pre class="code"' not in result.text and '"runId"' not in result.text


def test_a_run_that_could_not_start_its_cases_stays_on_its_job_page_which_says_why(client, admin_headers, cpu,
                                                                                   make_key):
    sign_in(client, make_key("engineer")["X-API-Key"])
    token = csrf_of(client.get("/console/tests").text)
    started = client.post("/console/tests/run", data={"_csrf_token": token, "testName": "NoSuchCase"},
                          follow_redirects=False)
    assert started.status_code == 303  # the pattern is matched by the job, which fails
    job_id = started.headers["location"].rsplit("/", 1)[-1]
    client.get(f"/console/jobs/{job_id}/events")
    page = client.get(started.headers["location"])
    assert page.status_code == 200 and 'id="job"' in page.text and 'role="alert"' in page.text


def test_a_job_that_is_no_test_run_is_not_shown_as_one(client, admin_headers, cpu, make_key):
    sign_in(client, make_key("engineer")["X-API-Key"])
    token = csrf_of(client.get("/console/plc").text)
    compile_job = client.post("/console/devices/PLC_1/compile", data={"_csrf_token": token},
                              follow_redirects=False).headers["location"].rsplit("/", 1)[-1]
    answer = client.get(f"/console/tests/jobs/{compile_job}")
    assert answer.status_code == 404 and "not a test run" in answer.text
