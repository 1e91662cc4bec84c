"""The tool list (about a second of CPU: every operation's schemas) is built while the server starts, in a thread of
its own (engineering_api.mcp.runtime), so the first assistant turn builds nothing. When it must be built later (the
build at start failed), the turn that needs it must not hold the event loop meanwhile: another request, such as
the vendor client's 1-second telemetry call, is answered while the build is still running. Measured by ordering,
not by a clock: the build waits (with a generous bound) until a health request has been answered, which can only
happen if the loop is free."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from engineering_api.mcp import tools as tools_module
from tests.assistant_stub import ScriptedProvider, say
from tests.conftest import data

_BOUND_S = 30.0
"""How long the build waits for the health answer: far longer than any busy machine needs."""


def test_another_request_is_answered_while_the_first_turn_builds_the_tool_list(
    client, admin_headers, engineer_headers, monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, answered = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}
    real = tools_module.ToolCatalog

    def slow_catalog(operations: Any) -> Any:
        built = real(operations)
        started.set()
        seen["answeredDuringBuild"] = answered.wait(_BOUND_S)
        return built

    monkeypatch.setattr(tools_module, "ToolCatalog", slow_catalog)
    monkeypatch.setattr(tools_module, "_BUILT", [])  # built in this test, not taken from an earlier one
    client.app.state.services.notes.pop("mcp.catalog", None)  # as if the build at start had failed
    with ScriptedProvider() as stub:
        stub.default = say("Hello.")
        body = {"provider": stub.kind, "model": "stub", "baseUrl": stub.base_url, "apiKey": "sk-test"}
        data(client.put("/api/assistant/settings", json=body, headers=admin_headers))
        chat: dict[str, Any] = {}
        turn = threading.Thread(target=lambda: chat.update(response=client.post(
            "/api/assistant/chat-sync", json={"message": "hi"}, headers=engineer_headers)))
        turn.start()
        try:
            assert started.wait(_BOUND_S), "the chat turn never built the tool list"
            health = client.get("/api/health")
            answered.set()
        finally:
            answered.set()
            turn.join(_BOUND_S * 2)
    assert health.status_code == 200
    assert seen == {"answeredDuringBuild": True}, "the health request waited for the tool list build"
    assert data(chat["response"])["content"] == "Hello."


def test_the_first_turn_after_start_builds_no_tool_list(
    client, admin_headers, engineer_headers, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_build(operations: Any) -> Any:
        raise AssertionError("the tool list was built after the start")

    monkeypatch.setattr(tools_module, "ToolCatalog", no_build)
    monkeypatch.setattr(tools_module, "_BUILT", [])
    with ScriptedProvider() as stub:
        stub.default = say("Hello.")
        body = {"provider": stub.kind, "model": "stub", "baseUrl": stub.base_url, "apiKey": "sk-test"}
        data(client.put("/api/assistant/settings", json=body, headers=admin_headers))
        answer = client.post("/api/assistant/chat-sync", json={"message": "hi"}, headers=engineer_headers)
    assert data(answer)["content"] == "Hello."
