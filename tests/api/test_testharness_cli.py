"""``engineering-api test run`` through the whole HTTP stack: the command's httpx client is given the test app's
transport (no socket), the simulation is :class:`FakeSim` on the app's backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from lxml import etree

from engineering_api.cli import build_parser
from engineering_api.ci import testrun_server as cli
from tests.api.testharness_support import create, fake_simulation
from tests.api.junit_schema import XSD
from tests.api.fake_sim import FakeSim
from tests.conftest import data

if TYPE_CHECKING:
    from pathlib import Path

    from litestar import Litestar
    from litestar.testing import TestClient

Headers = dict[str, str]
PASSING = {"name": "Motor idle", "deviceName": "PLC_1", "steps": [{"assert": {"Running": False}}]}
FAILING = {"name": "Motor early", "deviceName": "PLC_2", "steps": [{"description": "too early",
                                                                  "assert": {"Running": True}}]}


@pytest.fixture
def sim(api: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch) -> FakeSim:
    return fake_simulation(api.app.state.services, monkeypatch)


class AppTransport(httpx.BaseTransport):
    """Hands each request to the test client's transport (the app, served in the client's event loop)."""

    def __init__(self, client: TestClient[Litestar]) -> None:
        self._inner = client._transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)


def main(api: TestClient[Litestar], *argv: str) -> int:
    args = build_parser().parse_args(["test", "run", *argv])
    return cli.run(args, transport=AppTransport(api))


def key(headers: Headers) -> str:
    return headers["X-API-Key"]


def test_all_passed_exits_0_with_a_summary(api: TestClient[Litestar], engineer: Headers, sim: FakeSim,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data(create(api, engineer, PASSING))
    data(create(api, engineer, FAILING))
    assert main(api, "--api-key", key(engineer), "--device", "PLC_1") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("PLC tests PASSED: 1 passed, 0 failed (0 with failed assertions, "
                                               "0 with errors) of 1 in ")


def test_a_failure_exits_1_and_writes_valid_junit(api: TestClient[Litestar], engineer: Headers, sim: FakeSim,
                                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data(create(api, engineer, PASSING))
    data(create(api, engineer, FAILING))
    report = tmp_path / "out.xml"
    assert main(api, "--api-key", key(engineer), "--pattern", "motor*", "--junit", str(report)) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("PLC tests FAILED: 1 passed, 1 failed (1 with failed assertions, 0 with errors) of "
                                   "2")
    assert (
        "FAILED: Motor early" in captured.err and "steps[1] Running is false (Bool); expected == true" in captured.err
    )
    document = etree.parse(str(report))
    XSD.assertValid(document)
    assert document.getroot().get("failures") == "1"


@pytest.mark.parametrize(("argv", "words"), [
    (("--pattern", "nothing*"), "TESTS_NOT_FOUND"),
    (("--pattern", "Motor idle", "--device", "PLC_9"), "TEST_NOT_FOUND"),
])
def test_nothing_to_run_exits_2(api: TestClient[Litestar], engineer: Headers, sim: FakeSim,
                                capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str) -> None:
    data(create(api, engineer, PASSING))
    assert main(api, "--api-key", key(engineer), *argv) == 2
    assert words in capsys.readouterr().err


def test_key_problems_exit_2(api: TestClient[Litestar], viewer: Headers, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(cli.KEY_VARIABLE, raising=False)
    assert main(api) == 2
    assert "no API key" in capsys.readouterr().err
    assert main(api, "--api-key", key(viewer)) == 2
    assert "HTTP 403 (FORBIDDEN)" in capsys.readouterr().err
    assert main(api, "--api-key", "eapi_wrong") == 2
    assert "HTTP 401" in capsys.readouterr().err


def test_an_unreachable_server_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["test", "run", "--url", "http://127.0.0.1:9", "--api-key", "k"])
    assert cli.run(args) == 2
    assert "cannot reach the server at http://127.0.0.1:9" in capsys.readouterr().err


def test_usage_errors_exit_2() -> None:
    from engineering_api.cli import main as entry

    assert entry(["test", "run", "--timeout", "soon"]) == 2
    assert entry(["test"]) == 2
