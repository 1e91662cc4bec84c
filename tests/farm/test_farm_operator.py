"""The farm for its operator (issue 52): a request's id followed to the agent's log, Celery task events for Flower
and ``celery events``, the agent list's holder, queue, last call, durations and errors, the per-agent metrics, and
draining an agent (no new sessions, the current one finishes). One farm of the module's own: a Redis and one agent
logging at INFO."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from engineering_api.app import create_app
from engineering_api.compose import create_backend
from engineering_api.config import Settings
from engineering_api.farm.agent import AgentRunner
from engineering_api.farm.celery_app import CALL_TASK
from engineering_api.farm.registry import AgentRecord, AgentRegistry
from engineering_api.lib.tracing import REQUEST_ID_ATTRIBUTE, Tracing
from tests.api.metric_samples import TEST_CLIENT_ADDRESS, sample_value, scrape_metrics
from tools.bounds import HANG_GUARD_S
from tests.conftest import assert_error, data
from tests.farm.conftest import require_redis
from tools.farm_harness import Agents, RedisServer, redis_client
from tests.farm.farm_calls import until
from tests.farm.operator_events import CeleryEvents

pytestmark = pytest.mark.xdist_group("farm-2")

AGENT = "agent1"


@dataclass
class Farm:
    redis: RedisServer
    agents: Agents
    log: Path


@pytest.fixture(scope="module")
def own_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    require_redis()
    root = tmp_path_factory.mktemp("operator")
    redis = RedisServer(root)
    redis.start()
    agents = Agents(redis.url, root, env={"ENGINEERING_API_LOG_LEVEL": "INFO"})
    try:
        agents.start(1)
        yield Farm(redis, agents, root / f"{AGENT}.log")
    finally:
        agents.stop_all()
        redis.stop()


@pytest.fixture
def node(own_farm: Farm, tmp_path: Path) -> Iterator[TestClient[Any]]:
    settings = Settings.from_env(data_dir=tmp_path, farm_url=own_farm.redis.url,
                                 metrics_clients=(TEST_CLIENT_ADDRESS,))
    with TestClient(create_app(settings)) as client:
        yield client


def _admin(client: TestClient[Any]) -> dict[str, str]:
    return {"X-API-Key": client.app.state.services.settings.secret_path.read_text().strip()}


def _agent(client: TestClient[Any]) -> dict[str, Any]:
    listed = data(client.get("/api/farm/agents", headers=_admin(client)))
    return next(a for a in listed["agents"] if a["name"] == AGENT)


def test_a_request_id_reaches_the_agents_log_and_celery_events_show_the_call(own_farm: Farm,
                                                                              node: TestClient[Any]) -> None:
    events = CeleryEvents(own_farm.redis.url)
    try:
        events.listening()
        headers = {**_admin(node), "X-Request-ID": "trace-farm-7"}
        data(node.post("/api/projects/actions/create-sync", json={"name": "Traced"}, headers=headers))
        line = until(lambda: next((text for text in own_farm.log.read_text().splitlines()
                                   if "create_project" in text and "ended" in text), None), "the agent logged the call")
        assert "trace-farm-7" in line, line
        call_id = line.split(" call ", 1)[1].split()[0]
        until(lambda: "task-succeeded" in events.of_task(call_id), "the call's events arrived")
        kinds = events.of_task(call_id)
        assert {"task-sent", "task-received", "task-started", "task-succeeded"} <= set(kinds), kinds
        sent = next(e for e in events.seen if e.get("uuid") == call_id and e["type"] == "task-sent")
        assert sent["name"] == CALL_TASK and "create_project" in sent["args"] and "Traced" not in sent["args"]
    finally:
        events.stop()
        node.post("/api/projects/actions/close-sync", headers=_admin(node))


def test_the_agent_list_and_metrics_show_holder_queue_last_call_durations_and_errors(own_farm: Farm,
                                                                                    node: TestClient[Any]) -> None:
    admin = _admin(node)
    data(node.post("/api/projects/actions/create-sync", json={"name": "Listed"},
                   headers={**admin, "X-Request-ID": "list-1"}))
    # a call that fails on the agent: TIA's catalog has no such order number
    refused = node.post("/api/projects/devices/actions/add-sync", headers=admin,
                        json={"OrderNumber": "6ES7 999-9ZZ99-9ZZ9", "Name": "PLC_X"})
    assert 400 <= refused.status_code < 500, refused.text
    try:
        agent = _agent(node)
        assert agent["holder"] == "default" and agent["held"] and agent["heldSince"]
        assert agent["queue"] == f"engineering-api.agent.{AGENT}" and agent["draining"] is False
        assert agent["callsDone"] >= 2 and agent["callsFailed"] >= 1 and agent["callSecondsTotal"] > 0
        last = agent["lastCall"]
        assert last["method"] and last["endedAt"] and last["seconds"] >= 0 and isinstance(last["ok"], bool)
        samples = scrape_metrics(node)
        assert sample_value(samples, "engineering_api_farm_up") == 1
        assert sample_value(samples, "engineering_api_farm_agent_state", agent=AGENT, state="held") == 1
        assert sample_value(samples, "engineering_api_farm_agent_state", agent=AGENT, state="idle") == 0
        assert sample_value(samples, "engineering_api_farm_agent_holder", agent=AGENT, holder="default") == 1
        assert sample_value(samples, "engineering_api_farm_agent_calls_total", agent=AGENT) == agent["callsDone"]
        errors = sample_value(samples, "engineering_api_farm_agent_call_errors_total", agent=AGENT)
        assert errors == agent["callsFailed"]
        assert sample_value(samples, "engineering_api_farm_agent_call_seconds_count", agent=AGENT) == agent["callsDone"]
        assert sample_value(samples, "engineering_api_farm_agent_call_seconds_sum", agent=AGENT) > 0
        assert 0 <= sample_value(samples, "engineering_api_farm_agent_lease_age_seconds", agent=AGENT) < HANG_GUARD_S
        assert sample_value(samples, "engineering_api_farm_agent_held_seconds", agent=AGENT) >= 0
        assert sample_value(samples, "engineering_api_farm_agent_draining", agent=AGENT) == 0
    finally:
        node.post("/api/projects/actions/close-sync", headers=admin)


def test_a_drained_agent_finishes_its_session_and_takes_no_new_one(own_farm: Farm, node: TestClient[Any]) -> None:
    admin = _admin(node)
    _, other_key = node.app.state.services.keys.create("second", "engineer")
    other = {"X-API-Key": other_key, "X-Engineering-Session": "second"}
    data(node.post("/api/projects/actions/create-sync", json={"name": "Held"}, headers=admin))
    try:
        drained = data(node.post(f"/api/farm/agents/{AGENT}/actions/drain", headers=admin))
        assert drained == {"agentName": AGENT, "draining": True, "holder": "default", "currentCall": None}
        # the current session goes on
        data(node.post("/api/projects/devices/actions/add-sync", headers=admin,
                       json={"OrderNumber": "6ES7 516-3AN02-0AB0", "Name": "PLC_1"}))
        data(node.post("/api/projects/actions/save-sync", headers=admin))
        # a new session gets no agent: the only one is drained
        refused = node.post("/api/projects/actions/create-sync", json={"name": "Other"}, headers=other)
        assert AGENT in assert_error(refused, 503, "NO_FREE_AGENT")["details"]["drainedAgents"]
        data(node.post("/api/projects/actions/close-sync", headers=admin))
        agent = _agent(node)
        assert agent["draining"] and agent["holder"] is None and agent["currentCall"] is None  # may be stopped now
        assert sample_value(scrape_metrics(node), "engineering_api_farm_agent_draining", agent=AGENT) == 1
        assert_error(node.post(f"/api/farm/agents/{AGENT}/actions/drain", headers=other), 403, None)
        resumed = data(node.post(f"/api/farm/agents/{AGENT}/actions/resume", headers=admin))
        assert resumed["draining"] is False
        data(node.post("/api/projects/actions/create-sync", json={"name": "Other"}, headers=other))
        data(node.post("/api/projects/actions/close-sync", headers=other))
    finally:
        node.post(f"/api/farm/agents/{AGENT}/actions/resume", headers=admin)
        node.post("/api/projects/actions/close-sync", headers=admin)


def test_the_farm_calls_of_a_request_are_spans_of_its_trace(own_farm: Farm, tmp_path: Path,
                                                             spans: InMemorySpanExporter) -> None:
    settings = Settings.from_env(data_dir=tmp_path, farm_url=own_farm.redis.url, tracing=True)
    with TestClient(create_app(settings)) as client:
        admin = _admin(client)
        try:
            data(client.post("/api/projects/actions/create-sync", json={"name": "Spanned"},
                             headers={**admin, "X-Request-ID": "span-farm-3"}))
        finally:
            client.post("/api/projects/actions/close-sync", headers=admin)
    finished = spans.get_finished_spans()
    request = next(s for s in finished if s.name == "POST /api/projects/actions/create-sync")
    job = next(s for s in finished if s.name == "job projects.create")  # a -sync route runs a job and waits
    port = next(s for s in finished if s.name == "port create_project")
    call = next(s for s in finished if s.name == "farm call create_project")
    assert job.parent is not None and job.parent.span_id == request.context.span_id
    assert port.parent is not None and port.parent.span_id == job.context.span_id
    assert call.parent is not None and call.parent.span_id == port.context.span_id
    for span in (request, job, port, call):
        assert span.attributes is not None and span.attributes[REQUEST_ID_ATTRIBUTE] == "span-farm-3", span.name
    assert call.attributes is not None and call.attributes["engineering_api.agent"] == AGENT


def test_an_agent_continues_the_trace_its_call_carries(own_farm: Farm, tmp_path: Path,
                                                       spans: InMemorySpanExporter) -> None:
    """The agent's side in process (an agent's spans go to its own process's exporter): the message's headers, made
    by the node under its farm call span, make the agent's span a child of it."""
    backend = create_backend(Settings.from_env(data_dir=tmp_path))
    registry = AgentRegistry(redis_client(own_farm.redis.url), "span-test")
    record = AgentRecord(name="inproc", backend="fake", tia_versions=["V19"])
    runner = AgentRunner(backend, registry, record, Tracing.on())
    headers: dict[str, str] = {}
    try:
        with Tracing.on().span("farm call session_status", {}):
            Tracing.on().inject(headers)
        assert "traceparent" in headers
        outcome = runner.run("session_status", {"args": [], "kwargs": {}}, uuid.uuid4().hex,
                             fence={"instance": record.instance}, request_id="span-agent-4", headers=headers)
    finally:
        backend.close()
    assert outcome is not None and "result" in outcome, outcome
    sent = next(s for s in spans.get_finished_spans() if s.name == "farm call session_status")
    ran = next(s for s in spans.get_finished_spans() if s.name == "agent session_status")
    assert ran.parent is not None and ran.parent.span_id == sent.context.span_id
    assert ran.attributes is not None and ran.attributes[REQUEST_ID_ATTRIBUTE] == "span-agent-4"
