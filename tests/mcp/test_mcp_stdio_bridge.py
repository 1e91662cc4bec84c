"""``engineering-api mcp --url`` (the Claude Desktop configuration) as a client runs it: a child process on stdio.

* It exits by itself when the client closes stdin, after answering the requests already sent (a raw client, so the
  test decides when stdin closes);
* a refused key is said on stderr and in a JSON-RPC error naming the cause, through the official SDK's client;
* the stdio configuration of ``/mcp/config`` names the data directory by its absolute path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

from engineering_api.mcp.bridge import REFUSED
from engineering_api.mcp.client_config import client_configs
from tests import live_http
from tests.mcp.conftest import Live
from tests.mcp.transports import stdio_params

_BOUND_S = 120.0
"""Generous: a start of the bridge and a slow tool on a busy machine."""


def _bridge(live: Live, key: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "engineering_api.cli", "mcp", "--url", live.base, "--api-key", key],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _send(process: subprocess.Popen[bytes], message: dict[str, Any]) -> None:
    assert process.stdin is not None
    process.stdin.write((json.dumps(message) + "\n").encode())
    process.stdin.flush()


_INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def test_the_bridge_answers_requests_in_flight_then_exits_when_stdin_closes(live: Live) -> None:
    process = _bridge(live, live.keys["engineer"])
    try:
        _send(process, _INITIALIZE)
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["id"] == 1
        _send(process, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        _send(process, {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                        "params": {"name": "tests_slow", "arguments": {"steps": 5, "stepSeconds": 0.1}}})
        rest, errors = process.communicate(timeout=_BOUND_S)  # closes stdin at once: the call is still running
    finally:
        if process.poll() is None:
            process.kill()
    answers = [json.loads(line) for line in rest.decode().splitlines()]
    assert [a["id"] for a in answers] == [2], errors.decode()
    assert answers[0]["result"]["structuredContent"] == {"steps": 5}
    assert process.returncode == 0, errors.decode()


@pytest.mark.anyio
async def test_a_refused_key_is_said_on_stderr_and_in_the_json_rpc_error(live: Live, tmp_path: Path) -> None:
    errlog = (tmp_path / "stderr.txt").open("w+")
    with anyio.fail_after(_BOUND_S), pytest.raises(BaseException) as raised:  # a group, unwrapped below
        async with stdio_client(stdio_params(["--url", live.base, "--api-key", "eapi_wrong"]), errlog=errlog) as (
                read, write), ClientSession(read, write) as session:
            await session.initialize()
    error = _mcp_error(raised.value).error
    assert error.code == REFUSED
    assert "refused the API key (401" in error.message and live.base in error.message
    errlog.seek(0)
    said = errlog.read()
    assert "refused the API key (401" in said and "eapi_wrong" not in said


def _mcp_error(exc: BaseException) -> MCPError:
    """The SDK's MCPError, out of the exception groups its task groups wrap it in."""
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    assert isinstance(exc, MCPError), repr(exc)
    return exc


def test_the_stdio_config_names_the_data_directory_absolutely(live: Live, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    config = live_http.get(f"{live.base}/mcp/config", headers=live.headers()).json()["data"]["stdio"]["content"]
    args = config["args"]
    given = Path(args[args.index("--data-dir") + 1])
    assert given.is_absolute() and given == live.data_dir.resolve()
    monkeypatch.chdir(tmp_path)
    relative = client_configs("http://127.0.0.1:9000", Path("var"))["stdio"]["content"]["args"]
    assert relative[relative.index("--data-dir") + 1] == str(tmp_path.resolve() / "var")


@pytest.mark.parametrize("round_", range(4))
def test_a_client_writing_everything_at_once_gets_its_tools_from_a_fresh_bridge(live: Live, round_: int) -> None:
    """initialize, notifications/initialized and tools/list written in one go, stdin closed at once: every request
    is answered, and tools/list by the session initialize opened (before, on some starts, -32600 Missing session
    ID: the list went out before the session existed)."""
    process = _bridge(live, live.keys["engineer"])
    batch = [_INITIALIZE, {"jsonrpc": "2.0", "method": "notifications/initialized"},
             {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
             {"jsonrpc": "2.0", "id": 3, "method": "ping"}]
    try:
        out, errors = process.communicate(b"".join((json.dumps(m) + "\n").encode() for m in batch), timeout=_BOUND_S)
    finally:
        if process.poll() is None:
            process.kill()
    answers = {a["id"]: a for a in map(json.loads, out.decode().splitlines())}
    assert sorted(answers) == [1, 2, 3], (answers, errors.decode())
    assert "error" not in answers[2] and answers[2]["result"]["tools"], answers[2]
    assert answers[3].get("result") == {}, answers[3]
    assert process.returncode == 0, errors.decode()
