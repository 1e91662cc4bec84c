"""MCP's metric families, read at each scrape from the app's session registry (:mod:`engineering_api.lib.metrics`).

- ``engineering_api_mcp_sessions{transport,connected}``: the sessions the registry holds (a disconnected one stays
  listed until its cleanup);
- ``engineering_api_mcp_tool_calls_total{tool,outcome}``: answered tool calls since the start, ``outcome`` ``ok`` or
  ``error`` (a tool's refusal included); a name no tool has is counted as ``<unknown>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prometheus_client.metrics_core import Metric

    from engineering_api.mcp.sessions import SessionRegistry

__all__ = ("mcp_families",)


def mcp_families(sessions: SessionRegistry) -> Callable[[], Iterator[Metric]]:
    """The read that builds MCP's families from ``sessions`` at each scrape."""

    def read() -> Iterator[Metric]:
        open_sessions = GaugeMetricFamily("engineering_api_mcp_sessions", "MCP sessions by transport and whether "
                                          "connected", labels=["transport", "connected"])
        for (transport, connected), count in sorted(sessions.counts().items()):
            open_sessions.add_metric([transport, str(connected).lower()], count)
        calls = CounterMetricFamily("engineering_api_mcp_tool_calls", "MCP tool calls by tool and outcome",
                                    labels=["tool", "outcome"])
        for (tool, outcome), count in sorted(dict(sessions.tool_calls).items()):
            calls.add_metric([tool, outcome], count)
        yield open_sessions
        yield calls

    return read
