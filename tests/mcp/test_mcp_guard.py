"""The MCP transports sit behind the same guard as the REST routes: Host and Origin checks, keys and the per-key
rate limit answer before the SDK sees a byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.config import Settings
from tests.conftest import Headers, assert_error

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "guard-test", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(data_dir=tmp_path, rate_limit_per_minute=5)


@pytest.mark.parametrize(("method", "path"), [("POST", "/mcp"), ("GET", "/mcp/sse"), ("POST", "/mcp/messages")])
def test_a_foreign_host_or_origin_is_refused_before_the_sdk(
    client: TestClient[Any], admin_headers: Headers, method: str, path: str
) -> None:
    foreign = client.request(method, path, headers={**admin_headers, **ACCEPT, "Host": "evil.example"},
                             json=INITIALIZE)
    assert_error(foreign, 421)
    origin = client.request(method, path, headers={**admin_headers, **ACCEPT, "Origin": "http://evil.example"},
                            json=INITIALIZE)
    assert_error(origin, 403)


def test_the_rate_limit_counts_mcp_messages(client: TestClient[Any], admin_headers: Headers) -> None:
    statuses = [client.post("/mcp", headers={**admin_headers, **ACCEPT}, json=INITIALIZE).status_code
                for _ in range(7)]
    assert statuses[0] == 200 and statuses[-1] == 429, statuses
    limited = client.post("/mcp", headers={**admin_headers, **ACCEPT}, json=INITIALIZE)
    assert limited.headers["Retry-After"]
