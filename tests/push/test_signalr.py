"""Legacy ASP.NET SignalR over long polling, driven exactly as the VS Code client (src/api/signalr.ts) drives it."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from engineering_api.push import hub_of
from tests.conftest import assert_error, data, start_job
from tools.bounds import HANG_GUARD_S

CONNECTION_DATA = json.dumps([{"name": "jobhub"}, {"name": "assistanthub"}])


def _url(endpoint: str, token: str | None = None, **extra: str) -> str:
    # The client's buildUrl: connectionData first, then the extras, then connectionToken.
    params = {"connectionData": CONNECTION_DATA, **extra}
    if token:
        params["connectionToken"] = token
    return f"/signalr/{endpoint}?{urlencode(params)}"


def _connect(client: Any, headers: dict[str, str]) -> str:
    response = client.post(_url("negotiate"), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ConnectionToken"] and body["ConnectionId"] and body["TryWebSockets"] is False
    assert body["ProtocolVersion"] == "1.5"
    token = body["ConnectionToken"]
    assert client.get(_url("start", token, transport="longPolling"), headers=headers).status_code == 200
    return token


class Poller:
    """The client's pollLoop: poll, keep C as the next messageId, collect M."""

    def __init__(self, client: Any, headers: dict[str, str], token: str) -> None:
        self.client, self.headers, self.token = client, headers, token
        self.message_id: str | None = None
        self.received: list[dict[str, Any]] = []

    def poll(self) -> list[dict[str, Any]]:
        params = {"transport": "longPolling"}
        if self.message_id:
            params["messageId"] = self.message_id
        response = self.client.get(_url("poll", self.token, **params), headers=self.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        if body.get("C"):
            self.message_id = body["C"]
        self.received += body["M"]
        return body["M"]

    def until(self, predicate: Any, timeout: float = HANG_GUARD_S) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while not any(predicate(m) for m in self.received):
            assert time.monotonic() < deadline, self.received
            self.poll()
        return self.received


@pytest.fixture
def fast_polls(services: Any) -> None:
    hub_of(services).poll_seconds = 0.5


def _status(job_id: str, *statuses: str) -> Any:
    return lambda m: m["M"] == "jobStatusChanged" and m["A"][0] == job_id and m["A"][1] in statuses


def test_negotiate_start_poll_a_job_to_completed(client, engineer_headers, fast_polls):
    token = _connect(client, engineer_headers)
    poller = Poller(client, engineer_headers, token)
    assert poller.poll() == []  # nothing yet: an empty answer after the bounded wait
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=engineer_headers))
    job_id = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    poller.until(_status(job_id, "Completed", "Failed"))
    mine = [m for m in poller.received if m["A"][0] == job_id]
    assert all(m["H"].lower() == "jobhub" for m in mine)
    final = next(m for m in mine if m["M"] == "jobStatusChanged" and m["A"][1] == "Completed")
    job_id_, status, result, description = final["A"]
    assert (job_id_, status) == (job_id, "Completed")
    assert result["Name"] == "Line1"  # PascalCase, as an ASP.NET hub serialises .NET objects
    assert isinstance(description, str)
    progress = [m["A"] for m in mine if m["M"] == "jobProgressChanged"]
    assert progress and progress[-1][1] == 100 and all(len(a) == 3 for a in progress)
    # every job of the run (create-sync's and the save's) is followed once: nothing is delivered twice
    ids = [(m["M"], json.dumps(m["A"])) for m in poller.received]
    assert len(ids) == len(set(ids))


def test_messages_published_between_polls_are_not_lost(client, viewer_headers, services, fast_polls):
    token = _connect(client, viewer_headers)
    poller = Poller(client, viewer_headers, token)
    poller.poll()
    hub = hub_of(services)
    for i in range(5):
        hub.publish("jobhub", "jobProgressChanged", ["j", i * 10, f"step {i}"])
    assert [m["A"][1] for m in poller.poll()] == [0, 10, 20, 30, 40]
    hub.publish("jobhub", "jobProgressChanged", ["j", 50, "step 5"])
    assert [m["A"][1] for m in poller.poll()] == [50]  # the cursor moved: earlier ones are not sent again


def test_a_poll_returns_early_when_a_message_arrives(client, viewer_headers, services):
    hub = hub_of(services)
    hub.poll_seconds = HANG_GUARD_S  # a poll that is not woken outlasts the guard
    token = _connect(client, viewer_headers)
    poller = Poller(client, viewer_headers, token)
    # Published on the event loop, as the server's own publishers (job followers, the assistant) do.
    timer = threading.Timer(0.3, lambda: client.blocking_portal.call(
        hub.publish, "jobhub", "jobProgressChanged", ["j", 5, "x"]))
    started = time.monotonic()
    timer.start()
    messages = poller.poll()
    assert time.monotonic() - started < HANG_GUARD_S  # woken by the message, not ended by the poll's time
    assert messages and messages[0]["A"] == ["j", 5, "x"]


def test_a_job_canceled_on_the_server_reaches_the_client_as_failed(client, engineer_headers, project, gate,
                                                                  fast_polls):
    opened, entered = gate
    token = _connect(client, engineer_headers)
    poller = Poller(client, engineer_headers, token)
    running = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert entered.wait(HANG_GUARD_S)
    queued = start_job(client, "POST", "/api/projects/actions/close", engineer_headers)
    poller.until(_status(queued, "Pending"))
    data(client.post(f"/api/jobs/{queued}/actions/cancel", headers=engineer_headers))
    poller.until(_status(queued, "Completed", "Failed"))
    final = [m for m in poller.received if _status(queued, "Completed", "Failed")(m)]
    assert len(final) == 1
    assert final[0]["A"][1] == "Failed" and final[0]["A"][3].startswith("Canceled")  # the client stops on Failed
    assert data(client.get(f"/api/jobs/{queued}", headers=engineer_headers))["status"] == "Canceled"
    opened.set()
    poller.until(_status(running, "Completed"))


def test_a_job_running_before_the_connection_opened_is_followed_too(client, engineer_headers, project, gate,
                                                                    fast_polls):
    opened, entered = gate
    running = start_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert entered.wait(HANG_GUARD_S)
    poller = Poller(client, engineer_headers, _connect(client, engineer_headers))
    poller.until(_status(running, "Running"))  # its current state first
    opened.set()
    poller.until(_status(running, "Completed"))


def test_connections_belong_to_their_key(client, make_key, fast_polls):
    owner, other = make_key("viewer"), make_key("engineer")
    token = _connect(client, owner)
    assert_error(client.get(_url("poll", token, transport="longPolling"), headers=other), 403, "FORBIDDEN")
    assert_error(client.post(_url("abort", token, transport="longPolling"), headers=other), 403)
    assert_error(client.get(_url("poll", "not-a-token", transport="longPolling"), headers=owner), 404,
                 "SIGNALR_CONNECTION_NOT_FOUND")
    # no key, or a wrong one: 401 like every route
    assert_error(client.post(_url("negotiate")), 401, "UNAUTHORIZED")
    assert_error(client.get(_url("poll", token, transport="longPolling"), headers={"X-API-Key": "eapi_x"}), 401)


def test_bad_input_is_refused(client, viewer_headers):
    def negotiate(data: str) -> Any:
        return client.post(f"/signalr/negotiate?{urlencode({'connectionData': data})}", headers=viewer_headers)

    assert_error(negotiate("not json"), 422, "INVALID_CONNECTION_DATA")
    assert_error(negotiate('[{"name":"chathub"}]'), 422, "UNKNOWN_HUB")
    assert_error(negotiate("[]"), 422, "INVALID_CONNECTION_DATA")
    token = _connect(client, viewer_headers)
    assert_error(client.get(_url("poll", token, transport="webSockets"), headers=viewer_headers), 422,
                 "TRANSPORT_NOT_SUPPORTED")
    assert_error(client.get(_url("poll", token, messageId="abc"), headers=viewer_headers), 422, "INVALID_MESSAGE_ID")
    assert_error(client.get("/signalr/poll", headers=viewer_headers), 422, "INVALID_CONNECTION_TOKEN")


def test_abort_closes_the_connection_and_is_audited(client, viewer_headers, admin_headers):
    token = _connect(client, viewer_headers)
    response = client.post(_url("abort", token, transport="longPolling"), headers=viewer_headers)
    assert response.status_code == 200
    assert_error(client.get(_url("poll", token, transport="longPolling"), headers=viewer_headers), 404)
    records = data(client.get("/api/audit", params={"pathPrefix": "/signalr"}, headers=admin_headers))["records"]
    paths = [(r["method"], r["path"], r["status"]) for r in records]
    assert ("POST", "/signalr/abort", 200) in paths and ("POST", "/signalr/negotiate", 200) in paths
    assert all(token not in json.dumps(r) for r in records)


def test_idle_connections_expire(client, viewer_headers, services):
    token, fresh = _connect(client, viewer_headers), _connect(client, viewer_headers)
    hub = hub_of(services)
    [idle] = [c for c in hub.connections if c.token == token]
    idle.last_seen -= hub.idle_seconds + 1  # not polled for longer than the hub allows
    assert_error(client.get(_url("poll", token, transport="longPolling"), headers=viewer_headers), 404)
    assert [c.token for c in hub.connections] == [fresh]


def test_assistant_events_reach_only_the_callers_connections(client, admin_headers, make_key, fast_polls):
    from tests.assistant_stub import ScriptedProvider, say, tools

    me, other = make_key("engineer"), make_key("engineer")
    with ScriptedProvider(api_key="sk-test-push") as stub:
        settings = {"provider": stub.kind, "model": "m", "baseUrl": stub.base_url, "apiKey": stub.api_key}
        data(client.put("/api/assistant/settings", json=settings, headers=admin_headers))
        mine = Poller(client, me, _connect(client, me))
        theirs = Poller(client, other, _connect(client, other))
        stub.script = [tools(("projects_create", {"name": "Line8"}), text="On it."), say("Done.")]
        data(client.post("/api/assistant/chat-sync", json={"message": "Create Line8"}, headers=me))  # the JSON form
        mine.until(lambda m: m["M"] == "onAssistantResponse")
        assistant = [m for m in mine.received if m["H"].lower() == "assistanthub"]
        assert [m["M"] for m in assistant] == [
            "onUserMessage", "onTokenUsage", "onIntermediateResponse", "onToolExecution", "onToolExecution",
            "onTokenUsage", "onAssistantResponse"]
        final = assistant[-1]["A"][0]
        assert (final["Content"], final["Success"], final["ErrorMessage"]) == ("Done.", True, None)
        # the copilot panel reads String(args[0]) of these three: text first, the event's fields after it
        texts = {m["M"]: m["A"] for m in assistant if m["M"] != "onToolExecution"}
        assert texts["onUserMessage"][0] == "Create Line8" and texts["onUserMessage"][1]["Content"] == "Create Line8"
        assert texts["onIntermediateResponse"][0] == "On it."
        tool_texts = [m["A"][0] for m in assistant if m["M"] == "onToolExecution"]
        assert tool_texts[0] == "Running projects_create"
        assert tool_texts[1].startswith("projects_create done: ") and all(isinstance(t, str) for t in tool_texts)
        assert [m["A"][1]["Status"] for m in assistant if m["M"] == "onToolExecution"] == ["started", "finished"]
        theirs.poll()
        assert not [m for m in theirs.received if m["H"].lower() == "assistanthub"]
        # the stream form publishes the same final answer
        stub.script = [say("Hello.")]
        client.post("/api/assistant/chat", json={"message": "hi", "stream": True}, headers=me)
        mine.until(lambda m: m["M"] == "onAssistantResponse" and m["A"][0]["Content"] == "Hello.")


def test_chat_returns_at_once_and_the_answer_follows_on_signalr(client, admin_headers, engineer_headers, fast_polls):
    """T-IA Connect's copilot panel shows busy and its Stop button once ``POST /api/assistant/chat`` returns, and
    leaves busy on onAssistantResponse: the route must return before the answer (copilotViewProvider.ts onSend)."""
    from tests.assistant_stub import ScriptedProvider, say

    with ScriptedProvider(delay=30) as stub:
        settings = {"provider": stub.kind, "model": "m", "baseUrl": stub.base_url}
        data(client.put("/api/assistant/settings", json=settings, headers=admin_headers))
        poller = Poller(client, engineer_headers, _connect(client, engineer_headers))
        stub.script = [say("Too late.")]
        response = client.post("/api/assistant/chat", json={"Message": "Which devices?", "History": [], "Locale": "en"},
                               headers=engineer_headers)
        assert response.status_code == 202, response.text  # while the model is still held back by the stub
        accepted = data(response, 202)
        assert accepted["running"] is True and accepted["startedAt"]
        assert stub.chat_started.wait(HANG_GUARD_S)
        poller.until(lambda m: m["M"] == "onUserMessage")
        assert_error(client.post("/api/assistant/chat", json={"message": "again"}, headers=engineer_headers), 409,
                     "ASSISTANT_BUSY")
        data(client.post("/api/assistant/stop", headers=engineer_headers))  # the panel's Stop button
        final = [m for m in poller.until(lambda m: m["M"] == "onAssistantResponse") if m["M"] == "onAssistantResponse"]
        assert final[0]["A"][0]["Stopped"] is True
        # once stopped, the next message is answered and arrives the same way
        stub.delay = 0
        stub.script = [say("PLC_1.")]
        data(client.post("/api/assistant/chat", json={"message": "And now?"}, headers=engineer_headers), 202)
        poller.until(lambda m: m["M"] == "onAssistantResponse" and m["A"][0]["Content"] == "PLC_1.")
        history = data(client.get("/api/assistant/history", headers=engineer_headers))
        assert [(e["role"], e["content"]) for e in history][-2:] == [("user", "And now?"), ("assistant", "PLC_1.")]
