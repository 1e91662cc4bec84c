"""``engineering-api test run`` without a folder: run PLC unit tests on a running server, for CI.

It starts a run (``POST /api/testharness/run``, a job), follows the job, prints one line per case that did not pass
and a one-line summary, and with ``--junit`` writes the run's JUnit XML. Exit status: 0 when every selected case
passed, 1 when any failed or errored, 2 for a usage or connection problem (no key, server unreachable, key refused,
no case matches, the job itself failed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.lib.printable import printable

if TYPE_CHECKING:
    import httpx

__all__ = ("URL_VARIABLE", "add_arguments", "run")

URL_VARIABLE = "ENGINEERING_API_URL"
KEY_VARIABLE = "ENGINEERING_API_KEY"
DEFAULT_URL = "http://127.0.0.1:9000"
POLL_SECONDS = 0.5


class _Stop(Exception):
    """A usage or connection problem: the message is printed, the exit status is 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``test run``."""
    parser.add_argument("--url", help=f"the server (default: {URL_VARIABLE}, else {DEFAULT_URL})")
    parser.add_argument("--api-key", help=f"an engineer's API key (default: the {KEY_VARIABLE} environment variable)")
    parser.add_argument("--pattern", default="*", help="a case name or a glob such as 'Motor*' (default: every case)")
    parser.add_argument("--device", help="only the cases of this PLC (their deviceName)")
    parser.add_argument("--instance", help="run every case on this simulation instance")
    parser.add_argument("--junit", help="write the run's JUnit XML to this file")
    parser.add_argument("--timeout", type=float, default=3600, help="give up after this many seconds (default 3600)")
    parser.set_defaults(func=run)


def _answer(response: httpx.Response) -> Any:
    """The ``data`` of a successful answer.

    Raises:
        _Stop: the server answered an error (its message and code are shown).
    """
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.is_success and body.get("success", True):
        return body.get("data")
    message = body.get("message") or response.reason_phrase
    code = f" ({body['code']})" if body.get("code") else ""
    raise _Stop(f"{response.request.method} {response.request.url.path}: HTTP {response.status_code}{code}: {message}")


def _follow(client: httpx.Client, job_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        record: dict[str, Any] = _answer(client.get(f"/api/jobs/{job_id}"))
        if record["status"] in ("Completed", "Failed", "Canceled"):
            return record
        if time.monotonic() > deadline:
            client.post(f"/api/jobs/{job_id}/actions/cancel")
            raise _Stop(f"the run did not finish within {timeout:g} s; job {job_id} was canceled")
        time.sleep(POLL_SECONDS)


def _say(line: str) -> None:
    print(printable(line), file=sys.stderr)


def _report(suite: dict[str, Any]) -> str:
    for result in suite["results"]:
        if result["passed"]:
            continue
        _say(f"{result['status'].upper()}: {result['testName']}")  # names and messages from the server's cases
        if result.get("error"):
            _say(f"  error at {result.get('errorStep')}: {result['error']}")
        for phase in ("setup", "steps", "teardown"):
            for step in result.get(phase) or []:
                for assertion in step["assertions"]:
                    if not assertion["passed"]:
                        _say(f"  {phase}[{step['stepIndex'] + 1}] {assertion['message']}")
    verdict = "PASSED" if suite["total"] and suite["failed"] == 0 else "FAILED"
    return (f"PLC tests {verdict}: {suite['passed']} passed, {suite['failed']} failed ({suite['failures']} with failed "
            f"assertions, {suite['errors']} with errors) of {suite['total']} in {suite['durationMs'] / 1000:.1f} s "
            f"(run {suite['runId']})")


def run(args: argparse.Namespace, transport: httpx.BaseTransport | None = None) -> int:
    """Run the selected cases and report; ``transport`` lets tests answer without a network."""
    url = (args.url or os.environ.get(URL_VARIABLE) or DEFAULT_URL).rstrip("/")
    key = args.api_key or os.environ.get(KEY_VARIABLE)
    if not key:
        print(f"error: no API key: pass --api-key or set {KEY_VARIABLE}", file=sys.stderr)
        return 2
    body = {"testName": args.pattern, "deviceName": args.device, "instanceName": args.instance}
    import httpx  # here, not at the top: every command's parser imports this module, and only this one calls out

    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=30, transport=transport) as client:
            started = _answer(client.post("/api/testharness/run", json={k: v for k, v in body.items() if v}))
            record = _follow(client, started["jobId"], args.timeout)
            if record["status"] != "Completed":
                code = f" ({record['errorCode']})" if record.get("errorCode") else ""
                raise _Stop(f"the run {record['status'].lower()}{code}: {record.get('error') or record.get('message')}")
            suite = record["result"]
            if args.junit:
                xml = client.get(f"/api/testharness/results/{suite['runId']}/junit")
                if not xml.is_success:
                    _answer(xml)
                Path(args.junit).write_bytes(xml.content)
    except httpx.HTTPError as exc:
        _say(f"error: cannot reach the server at {url}: {exc}")
        return 2
    except (_Stop, OSError) as exc:
        _say(f"error: {exc}")
        return 2
    print(_report(suite))
    return 0 if suite["total"] and suite["failed"] == 0 else 1
