"""The farm's metric families, per agent, read from the registry in Redis at each scrape
(:mod:`engineering_api.lib.metrics`).

- ``engineering_api_farm_agent_state{agent,state}``: 1 for the agent's state, one of ``idle``, ``busy`` (running a
  call), ``held`` (a caller holds it, between calls), ``closing`` (its holder gave up; it closes the project);
- ``engineering_api_farm_agent_draining{agent}``: 1 when an admin drained it (no new holder);
- ``engineering_api_farm_agent_holder{agent,holder}``: 1 for the caller holding it (``default`` or
  ``<keyId>/<session>``, never a key), absent when free;
- ``engineering_api_farm_agent_calls_total``, ``engineering_api_farm_agent_call_errors_total`` and
  ``engineering_api_farm_agent_call_seconds`` (a summary: ``_sum`` and ``_count``) ``{agent}``: the calls it ran
  since it started (they restart at zero with the agent, as Prometheus counters may);
- ``engineering_api_farm_agent_lease_age_seconds{agent}``: how old its liveness lease (heartbeat) is, about a second
  while it is alive; ``engineering_api_farm_agent_held_seconds{agent}``: how long its holder has held it.

Redis away: no farm samples, and ``engineering_api_farm_up`` 0 (1 when the registry answered).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from redis.exceptions import RedisError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prometheus_client.metrics_core import Metric

    from engineering_api.farm.registry import AgentRecord, AgentRegistry

__all__ = ("AGENT_STATES", "farm_families")

AGENT_STATES = ("idle", "busy", "held", "closing")


def _state(record: AgentRecord, claim: dict[str, object] | None) -> str:
    if record.current_call:
        return "busy"
    if claim is not None:
        return "closing" if claim.get("closing") else "held"
    return "idle"


def farm_families(registry: AgentRegistry) -> Callable[[], Iterator[Metric]]:
    """The read that builds the farm's families from ``registry`` at each scrape."""

    def read() -> Iterator[Metric]:
        up = GaugeMetricFamily("engineering_api_farm_up", "Whether the farm's Redis answered this scrape")
        try:
            roster = registry.roster()
            drained = registry.drained()
        except RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        now = time.time()
        state = GaugeMetricFamily("engineering_api_farm_agent_state", "Each live agent's state (1 for the current "
                                  "one): idle, busy, held, closing", labels=["agent", "state"])
        draining = GaugeMetricFamily("engineering_api_farm_agent_draining", "Whether each agent is drained (takes "
                                     "no new holder)", labels=["agent"])
        holder = GaugeMetricFamily("engineering_api_farm_agent_holder", "The caller holding each agent (key id and "
                                   "session, never a key)", labels=["agent", "holder"])
        calls = CounterMetricFamily("engineering_api_farm_agent_calls", "Calls each agent ran since it started",
                                    labels=["agent"])
        errors = CounterMetricFamily("engineering_api_farm_agent_call_errors", "Calls each agent ran that ended in "
                                     "an error", labels=["agent"])
        seconds = SummaryMetricFamily("engineering_api_farm_agent_call_seconds", "Time each agent's calls ran",
                                      labels=["agent"])
        lease = GaugeMetricFamily("engineering_api_farm_agent_lease_age_seconds", "Age of each agent's liveness "
                                  "lease (its last heartbeat)", labels=["agent"])
        held = GaugeMetricFamily("engineering_api_farm_agent_held_seconds", "How long each held agent's holder has "
                                 "held it", labels=["agent"])
        for record, _, claim, lease_left in roster:
            if record is None:
                continue
            current = _state(record, claim)
            draining.add_metric([record.name], 1 if record.name in drained else 0)
            for each in AGENT_STATES:
                state.add_metric([record.name, each], 1 if each == current else 0)
            if claim is not None:
                holder.add_metric([record.name, str(claim.get("caller"))], 1)
                claimed_at = claim.get("at")
                if isinstance(claimed_at, (int, float)):
                    held.add_metric([record.name], max(0.0, now - claimed_at))
            calls.add_metric([record.name], record.calls_done)
            errors.add_metric([record.name], record.calls_failed)
            seconds.add_metric([record.name], count_value=record.calls_done, sum_value=record.call_seconds)
            if lease_left is not None:  # by Redis' own clock (PTTL), never this node's against the agent's
                lease.add_metric([record.name], max(0.0, record.lease_seconds - lease_left))
        yield from (up, state, draining, holder, calls, errors, seconds, lease, held)

    return read
