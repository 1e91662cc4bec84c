"""The AI assistant routes against a scripted model provider (tests/assistant_stub.py), which stands in for the
external model service: a real HTTP server on 127.0.0.1 speaking the OpenAI-compatible chat-completions API or
Anthropic's Messages API. The tools the model calls run for real on the fake TIA backend."""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from typing import Any

import pytest
from cryptography.fernet import Fernet

from tests.assistant_stub import ScriptedProvider, error, say, tools
from tests.conftest import CPU, assert_error, data
from tools.bounds import HANG_GUARD_S

SETTINGS = "/api/assistant/settings"
CHAT = "/api/assistant/chat-sync"  # waits for the answer; /api/assistant/chat returns at once (test_signalr)
HISTORY = "/api/assistant/history"
SECRET = "sk-test-5ecret-Assistant-Key-0042"


def _configure(client, admin_headers, stub: ScriptedProvider, **extra: Any) -> dict[str, Any]:
    body = {"provider": stub.kind, "model": "stub-large", "baseUrl": stub.base_url, "apiKey": stub.api_key, **extra}
    return data(client.put(SETTINGS, json=body, headers=admin_headers))


@pytest.fixture
def stub(client, admin_headers):
    with ScriptedProvider(api_key=SECRET) as provider:
        _configure(client, admin_headers, provider)
        yield provider


def _devices(client, headers) -> list[str]:
    return [d["name"] for d in data(client.get("/api/projects/devices", headers=headers))]


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    import json

    found = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name = next((line[6:].strip() for line in block.splitlines() if line.startswith("event:")), None)
        payload = "".join(line[5:].strip() for line in block.splitlines() if line.startswith("data:"))
        if name:
            found.append((name, json.loads(payload)))
    return found


# ----- settings ---------------------------------------------------------------------------------
def test_chat_without_a_provider_is_501_naming_the_settings_route(client, engineer_headers):
    body = assert_error(client.post(CHAT, json={"message": "hi"}, headers=engineer_headers), 501,
                        "NO_ASSISTANT_PROVIDER")
    assert SETTINGS in body["message"]
    assert body["details"]["settingsRoute"] == SETTINGS
    assert_error(client.post("/api/assistant/models", json={}, headers=engineer_headers), 501, "NO_ASSISTANT_PROVIDER")


def test_settings_are_admin_only_and_the_key_is_encrypted_and_never_shown(client, admin_headers, engineer_headers,
                                                                            settings, services):
    assert data(client.get(SETTINGS, headers=admin_headers)) == {
        "configured": False, "provider": None, "model": None, "baseUrl": None, "apiKeySet": False,
        "maxTokens": None, "timeoutSeconds": None, "updatedAt": None}
    body = {"provider": "openai", "model": "llama3.1", "baseUrl": "http://127.0.0.1:11434/v1/", "apiKey": SECRET}
    assert_error(client.put(SETTINGS, json=body, headers=engineer_headers), 403)
    assert_error(client.get(SETTINGS, headers=engineer_headers), 403)
    saved = client.put(SETTINGS, json=body, headers=admin_headers)
    assert SECRET not in saved.text
    shown = data(client.get(SETTINGS, headers=admin_headers))
    assert shown["apiKeySet"] is True and shown["baseUrl"] == "http://127.0.0.1:11434/v1"
    assert shown["provider"] == "openai" and shown["model"] == "llama3.1"

    # At rest: the database holds a Fernet token, the key file (mode 0600) decrypts it; no file holds the key.
    key_file = settings.data_dir / "assistant-secret.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    for path in settings.data_dir.iterdir():
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    stored = services.db.one("SELECT value FROM kv WHERE name = 'assistant.settings'")["value"]
    import json

    token = json.loads(stored)["apiKey"]
    assert Fernet(key_file.read_bytes()).decrypt(token.encode()).decode() == SECRET
    audit = data(client.get("/api/audit", params={"pathPrefix": SETTINGS}, headers=admin_headers))["records"]
    assert audit and SECRET not in json.dumps(audit)

    # Changing the model keeps the key; another URL without a key drops it (it was entered for the first one).
    data(client.put(SETTINGS, json={"provider": "openai", "model": "qwen2.5", "baseUrl": "http://127.0.0.1:11434/v1"},
                    headers=admin_headers))
    assert data(client.get(SETTINGS, headers=admin_headers))["apiKeySet"] is True
    data(client.put(SETTINGS, json={"provider": "openai", "model": "x", "baseUrl": "http://10.0.0.9:8000/v1"},
                    headers=admin_headers))
    assert data(client.get(SETTINGS, headers=admin_headers))["apiKeySet"] is False
    assert_error(client.put(SETTINGS, json={"provider": "openai", "model": "x", "baseUrl": "ftp://h"},
                            headers=admin_headers), 422)
    assert data(client.delete(SETTINGS, headers=admin_headers))["configured"] is False
    assert_error(client.post(CHAT, json={"message": "hi"}, headers=admin_headers), 501, "NO_ASSISTANT_PROVIDER")


# ----- the tool loop ----------------------------------------------------------------------------
def test_a_chat_runs_real_tools_and_records_history(client, admin_headers, engineer_headers, stub):
    stub.script = [
        tools(("projects_create", {"name": "Line7"}), text="Creating the project."),
        tools(("devices_add", {"orderNumber": CPU, "name": "PLC_7"})),
        say("Project Line7 with PLC_7 is ready."),
    ]
    # T-IA Connect's client sends PascalCase.
    result = data(client.post(CHAT, json={"Message": "Create project Line7 with a CPU", "ProjectKey": "Line7"},
                              headers=engineer_headers))
    assert result["content"] == "Project Line7 with PLC_7 is ready."
    assert [(c["tool"], c["isError"], c["round"]) for c in result["toolCalls"]] == [
        ("projects_create", False, 1), ("devices_add", False, 2)]
    assert result["rounds"] == 2 and result["limitReached"] is False and result["stopped"] is False
    assert result["usage"] == {"promptTokens": 300, "completionTokens": 30, "totalTokens": 330}
    assert _devices(client, engineer_headers) == ["PLC_7"]

    first, second, third = stub.chats
    assert first.headers["authorization"] == f"Bearer {SECRET}"
    assert first.body["model"] == "stub-large"
    offered = {t["function"]["name"] for t in first.body["tools"]}
    assert {"find_tools", "call_tool", "projects_create", "devices_add", "blocks_list"} <= offered
    assert len(offered) <= 120 and "simulation_runtime_start" not in offered  # default categories only
    assert first.body["messages"][0]["role"] == "system" and "Line7" in first.body["messages"][0]["content"]
    assert first.body["messages"][-1] == {"role": "user", "content": "Create project Line7 with a CPU"}
    # The tool's result went back to the model, answering its call by id.
    tool_message = second.body["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1_0"
    assert "projects_create finished" in tool_message["content"]
    assert third.body["messages"][-1]["role"] == "tool"

    history = data(client.get(HISTORY, headers=engineer_headers))
    assert [(e["role"], e["projectKey"]) for e in history] == [("user", "Line7"), ("assistant", "Line7")]
    assert history[0]["content"] == "Create project Line7 with a CPU"
    assert [c["tool"] for c in history[1]["toolCalls"]] == ["projects_create", "devices_add"]
    audit = data(client.get("/api/audit", params={"pathPrefix": "devices_add"}, headers=admin_headers))["records"]
    assert audit and audit[0]["via"] == "assistant" and audit[0]["sessionId"].startswith("assistant-")

    # The next message gets the stored conversation as context, and the tools of the category it names.
    stub.script = [say("It has one device.")]
    data(client.post(CHAT, json={"message": "How many devices? Then the simulation.", "projectKey": "Line7"},
                     headers=engineer_headers))
    roles = [m["role"] for m in stub.chats[-1].body["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert "simulation_runtime_start" in {t["function"]["name"] for t in stub.chats[-1].body["tools"]}


def test_the_stream_sends_the_events_in_order(client, engineer_headers, stub):
    stub.script = [tools(("projects_create", {"name": "Line8"}), text="On it."), say("Done.")]
    response = client.post(CHAT, json={"message": "Create Line8", "stream": True}, headers=engineer_headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert [name for name, _ in events] == [
        "onUserMessage", "onTokenUsage", "onIntermediateResponse", "onToolExecution", "onToolExecution",
        "onTokenUsage", "onAssistantResponse"]
    payloads = dict(events[:3])
    assert payloads["onUserMessage"]["content"] == "Create Line8"
    assert payloads["onIntermediateResponse"] == {"round": 1, "content": "On it."}
    started, finished = events[3][1], events[4][1]
    assert (started["status"], started["tool"],
            started["arguments"]) == ("started", "projects_create", {"name": "Line8"})
    assert (finished["status"], finished["isError"]) == ("finished", False)
    assert events[5][1]["total"]["totalTokens"] == 220
    final = events[-1][1]
    assert final["success"] is True and final["content"] == "Done." and final["errorMessage"] is None
    assert [c["tool"] for c in final["toolCalls"]] == ["projects_create"]

    # Accept: text/event-stream asks for the same.
    stub.script = [say("Hello.")]
    response = client.post(CHAT, json={"message": "hi"}, headers={**engineer_headers, "Accept": "text/event-stream"})
    assert [name for name, _ in _events(response.text)] == ["onUserMessage", "onTokenUsage", "onAssistantResponse"]


def test_a_destructive_tool_waits_for_the_users_next_message(client, engineer_headers, cpu, stub):
    delete = ("devices_delete", {"deviceName": "PLC_1"})
    confirmed = ("devices_delete", {"deviceName": "PLC_1", "confirm": True})
    # The model tries to confirm by itself in the same turn: both calls only preview.
    stub.script = [tools(delete), tools(confirmed), say("Deleting PLC_1 removes it. Confirm?")]
    first = data(client.post(CHAT, json={"message": "Delete PLC_1", "projectKey": "Line1"}, headers=engineer_headers))
    assert [(c["preview"], c["isError"]) for c in first["toolCalls"]] == [(True, False), (True, False)]
    assert [p["tool"] for p in first["pendingConfirmations"]] == ["devices_delete", "devices_delete"]
    assert "confirm=true was ignored" in stub.chats[2].body["messages"][-1]["content"]
    assert _devices(client, engineer_headers) == ["PLC_1"]

    # A confirmation for other arguments than the previewed ones does not run either.
    stub.script = [tools(("devices_delete", {"deviceName": "PLC_9", "confirm": True})), say("?")]
    data(client.post(CHAT, json={"message": "yes", "projectKey": "Other"}, headers=engineer_headers))
    assert _devices(client, engineer_headers) == ["PLC_1"]

    # The user's next message confirms: now the same call with confirm=true runs.
    stub.script = [tools(confirmed), say("PLC_1 is deleted.")]
    second = data(client.post(CHAT, json={"message": "Yes, delete it", "projectKey": "Line1"},
                              headers=engineer_headers))
    assert "Waiting for the user's confirmation" in stub.chats[-2].body["messages"][0]["content"]
    assert [(c["preview"], c["isError"]) for c in second["toolCalls"]] == [(False, False)]
    assert second["pendingConfirmations"] == []
    assert _devices(client, engineer_headers) == []


def test_at_most_ten_tool_rounds(client, engineer_headers, stub):
    stub.default = tools(("projects_list", {}))
    result = data(client.post(CHAT, json={"message": "loop"}, headers=engineer_headers))
    assert result["limitReached"] is True and result["rounds"] == 10
    assert len(result["toolCalls"]) == 10
    assert "10 rounds" in result["content"]
    assert len(stub.chats) == 11  # ten rounds, then the answer that asked for an eleventh


def test_a_viewer_runs_only_read_tools(client, admin_headers, viewer_headers, stub):
    stub.script = [
        tools(("projects_create", {"name": "Sneaky"}), ("call_tool", {"name": "projects_create",
                                                                       "arguments": {"name": "Sneaky2"}})),
        tools(("projects_list", {})),
        say("I may not create projects."),
    ]
    result = data(client.post(CHAT, json={"message": "create a project"}, headers=viewer_headers))
    assert [(c["tool"], c["code"]) for c in result["toolCalls"]] == [
        ("projects_create", "FORBIDDEN"), ("projects_create", "FORBIDDEN"), ("projects_list", None)]
    offered = {t["function"]["name"] for t in stub.chats[0].body["tools"]}
    assert "projects_list" in offered and "projects_create" not in offered and "devices_delete" not in offered
    assert data(client.get("/api/health"))["projectOpen"] is False  # projects_create would have opened it
    refused = data(client.get("/api/audit", params={"pathPrefix": "projects_create"}, headers=admin_headers))["records"]
    assert [(r["status"], r["via"], r["role"]) for r in refused] == [(403, "assistant", "viewer")] * 2


def test_provider_failures_answer_502_without_the_key(client, admin_headers, engineer_headers, stub, caplog):
    caplog.set_level(logging.DEBUG)
    stub.script = [error(500, f"upstream exploded, key {SECRET} rejected")]
    body = assert_error(client.post(CHAT, json={"message": "hi"}, headers=engineer_headers), 502,
                        "ASSISTANT_PROVIDER_FAILED")
    assert body["details"]["providerStatus"] == 500
    assert "upstream exploded" in body["message"] and SECRET not in body["message"]

    stub.script = [error(500, "down")]
    response = client.post(CHAT, json={"message": "hi", "stream": True}, headers=engineer_headers)
    final = _events(response.text)[-1]
    assert final[0] == "onAssistantResponse" and final[1]["success"] is False
    assert final[1]["code"] == "ASSISTANT_PROVIDER_FAILED"

    with ScriptedProvider() as gone:
        url = gone.base_url
    data(client.put(SETTINGS, json={"provider": "openai", "model": "m", "baseUrl": url}, headers=admin_headers))
    body = assert_error(client.post(CHAT, json={"message": "hi"}, headers=engineer_headers), 502,
                        "ASSISTANT_PROVIDER_FAILED")
    assert body["details"]["providerStatus"] is None
    assert caplog.records and not [r for r in caplog.records if SECRET in r.getMessage()]  # never logged


# ----- history, stop, models --------------------------------------------------------------------
def test_history_is_per_key_filtered_by_project_and_cleared(client, admin_headers, engineer_headers, viewer_headers,
                                                            stub):
    stub.default = say("ok")
    for key in ("A", "B"):
        data(client.post(CHAT, json={"message": f"about {key}", "projectKey": key}, headers=engineer_headers))
    assert len(data(client.get(HISTORY, headers=engineer_headers))) == 4
    only_a = data(client.get(HISTORY, params={"projectKey": "A"}, headers=engineer_headers))
    assert [(e["role"], e["content"]) for e in only_a] == [("user", "about A"), ("assistant", "ok")]
    assert data(client.get(HISTORY, headers=viewer_headers)) == []  # another key's conversation is not shown

    assert_error(client.delete(HISTORY, headers=viewer_headers), 403)
    assert data(client.delete(HISTORY, params={"projectKey": "A"}, headers=engineer_headers))["deleted"] == 2
    assert {e["projectKey"] for e in data(client.get(HISTORY, headers=engineer_headers))} == {"B"}
    assert data(client.delete(HISTORY, headers=engineer_headers))["deleted"] == 2
    assert data(client.get(HISTORY, headers=engineer_headers)) == []
    audit = data(client.get("/api/audit", params={"pathPrefix": HISTORY}, headers=admin_headers))["records"]
    assert [a["method"] for a in audit] == ["DELETE"] * 3  # the two clears and the viewer's refusal


def test_stop_ends_the_running_generation(client, engineer_headers, stub):
    assert_error(client.post("/api/assistant/stop", headers=engineer_headers), 404, "NO_GENERATION_RUNNING")
    stub.delay = 30
    stub.script = [say("too late")]
    answers: list[Any] = []
    chat = threading.Thread(target=lambda: answers.append(
        client.post(CHAT, json={"message": "write a long story", "projectKey": "P"}, headers=engineer_headers)))
    chat.start()
    assert stub.chat_started.wait(HANG_GUARD_S)
    assert_error(client.post(CHAT, json={"message": "another"}, headers=engineer_headers), 409, "ASSISTANT_BUSY")
    started = time.monotonic()
    stopped = data(client.post("/api/assistant/stop", headers=engineer_headers))
    assert stopped["stopped"] is True and stopped["projectKey"] == "P"
    chat.join(HANG_GUARD_S)
    assert time.monotonic() - started < 10
    result = data(answers[0])
    assert result["stopped"] is True and result["content"].startswith("(stopped)")
    assert answers[0].json()["message"] == "stopped"
    assert_error(client.post("/api/assistant/stop", headers=engineer_headers), 404, "NO_GENERATION_RUNNING")
    assert [e["role"] for e in data(client.get(HISTORY, headers=engineer_headers))] == ["user", "assistant"]


def test_models_of_the_configured_or_the_named_provider(client, admin_headers, engineer_headers, viewer_headers, stub):
    listed = data(client.post("/api/assistant/models", json={}, headers=engineer_headers))
    assert listed["provider"] == "openai" and listed["current"] == "stub-large"
    assert [m["id"] for m in listed["models"]] == ["stub-large", "stub-small"]
    assert stub.received[-1].headers["authorization"] == f"Bearer {SECRET}"
    assert_error(client.post("/api/assistant/models", json={}, headers=viewer_headers), 403)
    with ScriptedProvider(kind="anthropic", api_key="other-key", models=["claude-x"]) as other:
        named = {"provider": "anthropic", "baseUrl": other.base_url, "apiKey": "other-key"}
        assert_error(client.post("/api/assistant/models", json=named, headers=engineer_headers), 403, "FORBIDDEN")
        listed = data(client.post("/api/assistant/models", json=named, headers=admin_headers))
        assert listed["models"] == [{"id": "claude-x", "name": "Claude-X", "ownedBy": None}]
        assert listed["current"] is None
        # The stored key never goes to a URL the request names.
        bare = {"provider": "anthropic", "baseUrl": other.base_url}
        body = assert_error(client.post("/api/assistant/models", json=bare, headers=admin_headers), 502)
        assert body["details"]["providerStatus"] == 401
        assert all(r.headers.get("x-api-key") != SECRET for r in other.received)
    stub.api_key = "rotated"
    assert_error(client.post("/api/assistant/models", json={}, headers=engineer_headers), 502,
                 "ASSISTANT_PROVIDER_FAILED")


def test_the_anthropic_messages_api(client, admin_headers, engineer_headers):
    with ScriptedProvider(kind="anthropic", api_key=SECRET) as stub:
        _configure(client, admin_headers, stub)
        stub.script = [
            tools(("projects_create", {"name": "LineA"}), ("projects_list", {}), text="Creating."),
            say("LineA exists."),
        ]
        result = data(client.post(CHAT, json={"message": "Create LineA", "locale": "de-DE"}, headers=engineer_headers))
        assert result["content"] == "LineA exists." and result["provider"] == "anthropic"
        assert [c["tool"] for c in result["toolCalls"]] == ["projects_create", "projects_list"]
        assert result["usage"]["totalTokens"] == 440
        first, second = stub.chats
        assert first.path == "/v1/messages"
        assert first.headers["x-api-key"] == SECRET and first.headers["anthropic-version"] == "2023-06-01"
        assert "de-DE" in first.body["system"]
        assert {"name", "description", "input_schema"} <= set(first.body["tools"][0])
        # Both results of the round go back in one user message, each answering its tool_use id.
        results = second.body["messages"][-1]
        assert results["role"] == "user"
        assert [(b["type"], b["tool_use_id"]) for b in results["content"]] == [
            ("tool_result", "toolu_1_0"), ("tool_result", "toolu_1_1")]
        assert second.body["messages"][-2]["content"][0] == {"type": "text", "text": "Creating."}
        listed = data(client.post("/api/assistant/models", json={}, headers=engineer_headers))
        assert [m["id"] for m in listed["models"]] == ["stub-large", "stub-small"]


def test_client_history_replaces_the_stored_context_and_a_proposal_lasts_one_message(client, engineer_headers, cpu,
                                                                                    stub):
    stub.script = [say("first")]
    data(client.post(CHAT, json={"message": "stored one"}, headers=engineer_headers))
    # T-IA Connect's client sends its own History[{Role, Content}].
    stub.script = [say("second")]
    data(client.post(CHAT, json={"Message": "now", "History": [{"Role": "user", "Content": "from the client"},
                                                               {"Role": "assistant", "Content": "noted"}]},
                     headers=engineer_headers))
    assert [(m["role"], m["content"]) for m in stub.chats[-1].body["messages"][1:]] == [
        ("user", "from the client"), ("assistant", "noted"), ("user", "now")]

    # A preview waits for the very next message only: a message in between that does not confirm drops it.
    delete = {"deviceName": "PLC_1"}
    stub.script = [tools(("devices_delete", delete)), say("Confirm?"), say("Something else then."),
                   tools(("devices_delete", {**delete, "confirm": True})), say("?")]
    for message in ("delete PLC_1", "what time is it", "yes delete it"):
        data(client.post(CHAT, json={"message": message}, headers=engineer_headers))
    assert _devices(client, engineer_headers) == ["PLC_1"]


def test_a_password_given_to_a_tool_is_not_answered_or_streamed(client, engineer_headers, stub):
    secret = "Tool-Pass-8421"
    stub.script = [tools(("projects_create", {"name": "Line9", "password": secret})), say("Done.")]
    response = client.post(CHAT, json={"message": "Create Line9", "stream": True}, headers=engineer_headers)
    assert secret not in response.text
    started = [p for name, p in _events(response.text) if name == "onToolExecution"][0]
    assert started["arguments"] == {"name": "Line9", "password": "***"}
    stub.script = [tools(("projects_create", {"name": "Line10", "password": secret})), say("Done.")]
    result = data(client.post(CHAT, json={"message": "Create Line10"}, headers=engineer_headers))
    assert secret not in str(result) and result["toolCalls"][0]["arguments"]["password"] == "***"


def test_a_chat_retried_with_its_idempotency_key_is_answered_once(client, engineer_headers, stub):
    stub.script = [tools(("projects_create", {"name": "Once"})), say("Project Once is ready.")]
    body = {"message": "Create project Once", "projectKey": "Once"}
    headers = {**engineer_headers, "Idempotency-Key": "chat-once-1"}
    first = data(client.post(CHAT, json=body, headers=headers))
    asked = len(stub.chats)
    retry = data(client.post(CHAT, json=body, headers=headers))
    assert retry == first and first["content"] == "Project Once is ready."
    assert len(stub.chats) == asked == 2  # the model and its tool were not asked again
    history = data(client.get(HISTORY, headers=engineer_headers, params={"projectKey": "Once"}))
    assert [e["role"] for e in history] == ["user", "assistant"]
    # the same key with another message is refused; the async route finds the same turn
    assert_error(client.post(CHAT, json={**body, "message": "Something else"}, headers=headers), 422,
                 "IDEMPOTENCY_KEY_REUSED")
    accepted = client.post("/api/assistant/chat", json=body, headers=headers)
    assert accepted.status_code == 202 and len(stub.chats) == 2
