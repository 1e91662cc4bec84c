"""MCP in ``GET /metrics`` (issue 52): sessions by transport and tool calls by tool and outcome, through the
official SDK client over the live server, parsed with ``prometheus_client``'s text parser (the server listens on
loopback, which may read the metrics by default)."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests import live_http
from tests.mcp.conftest import Live
from tests.mcp.transports import http_session

pytestmark = pytest.mark.anyio


def _samples(live: Live) -> list[Any]:
    response = live_http.get(f"{live.base}/metrics")
    assert response.status_code == 200, response.text
    return [sample for family in text_string_to_metric_families(response.text) for sample in family.samples]


def _value(samples: list[Any], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) == 1, (name, labels, found)
    return float(found[0])


async def test_sessions_and_tool_calls_are_counted(live: Live) -> None:
    async with http_session(live) as session:
        assert not (await session.call_tool("find_tools", {"query": "compile"})).is_error
        assert (await session.call_tool("no_such_tool_guessed", {})).is_error
        assert (await session.call_tool("no_such_tool_either", {})).is_error
        samples = _samples(live)
        assert _value(samples, "engineering_api_mcp_sessions", transport="streamable-http", connected="true") >= 1
    calls = "engineering_api_mcp_tool_calls_total"
    assert _value(samples, calls, tool="find_tools", outcome="ok") == 1
    assert _value(samples, calls, tool="<unknown>", outcome="error") == 2  # guessed names make no series of their own
    assert not [s for s in samples if s.name == calls and s.labels["tool"].startswith("no_such")]
