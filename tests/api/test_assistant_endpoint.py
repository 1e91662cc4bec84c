"""The assistant's provider settings through HTTP: a key that is not visible ASCII and a link-local or cloud-metadata
base URL are refused when saved (422 naming the field), and no provider error shows the key, in any form, to a
client, a stored history or the log."""

from __future__ import annotations

import logging

import pytest

from engineering_api.domain.assistant.settings import settings_store
from engineering_api.lib.db import KeyValueStore
from tests.assistant_stub import ScriptedProvider, say
from tests.conftest import assert_error, data

SETTINGS = "/api/assistant/settings"
SECRET = "sk-test-5ecret-Assistant-Key-0042"


@pytest.mark.parametrize("key", [f"{SECRET}\n", f"{SECRET}\r\n", f"sk-caf\u00e9-{SECRET}", f"sk {SECRET}", "\x00"])
def test_a_key_that_is_not_visible_ascii_is_422_naming_the_field(client, admin_headers, key: str) -> None:
    with ScriptedProvider() as stub:
        body = {"provider": "openai", "model": "m", "baseUrl": stub.base_url, "apiKey": key}
        problem = assert_error(client.put(SETTINGS, json=body, headers=admin_headers), 422, "API_KEY_INVALID")
        assert "apiKey" in problem["message"] and SECRET not in problem["message"]
        assert data(client.get(SETTINGS, headers=admin_headers))["configured"] is False
        models = client.post("/api/assistant/models", json={"baseUrl": stub.base_url, "apiKey": key},
                             headers=admin_headers)
        assert_error(models, 422, "API_KEY_INVALID")
        assert stub.received == []


def test_a_stored_key_with_a_line_break_never_reaches_a_viewer_or_the_log(
    client, services, admin_headers, viewer_headers, caplog,
) -> None:
    """Settings saved before keys were checked: the chat fails (502) without the key, in the answer, the viewer's
    history and the log."""
    caplog.set_level(logging.DEBUG)
    with ScriptedProvider(api_key=SECRET) as stub:
        stub.default = say("ok")
        data(client.put(SETTINGS, json={"provider": "openai", "model": "m", "baseUrl": stub.base_url},
                        headers=admin_headers))
        store = settings_store(services)
        kv = KeyValueStore(services.db, "assistant.")
        kv.set("settings", {**kv.get("settings"), "apiKey": store._encrypt(f"{SECRET}\n")})
        for body in ({"message": "hi"}, {"message": "hi", "stream": True}):
            response = client.post("/api/assistant/chat-sync", json=body, headers=viewer_headers)
            assert SECRET not in response.text and "5ecret" not in response.text
        assert_error(client.post("/api/assistant/chat-sync", json={"message": "hi"}, headers=viewer_headers), 502,
                     "ASSISTANT_PROVIDER_FAILED")
        history = client.get("/api/assistant/history", headers=viewer_headers)
        assert history.status_code == 200 and "5ecret" not in history.text
        models = client.post("/api/assistant/models", json={}, headers=admin_headers)
        assert_error(models, 502) and "5ecret" not in models.text
    assert not [r for r in caplog.records if "5ecret" in r.getMessage() or "5ecret" in str(r.exc_info)]


def test_a_provider_error_echoing_the_key_escaped_is_redacted(client, admin_headers, engineer_headers) -> None:
    from tests.assistant_stub import error

    with ScriptedProvider(api_key=SECRET) as stub:
        data(client.put(SETTINGS, json={"provider": "openai", "model": "m", "baseUrl": stub.base_url,
                                        "apiKey": SECRET}, headers=admin_headers))
        stub.script = [error(401, f"bad key {SECRET!r} / {SECRET.encode()!r}")]
        problem = assert_error(client.post("/api/assistant/chat-sync", json={"message": "hi"},
                                           headers=engineer_headers),
                               502)
        assert "5ecret" not in problem["message"] and "bad key" in problem["message"]


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest", "http://169.254.1.1:11434/v1", "http://[fd00:ec2::254]/v1",
    "http://[fe80::1]:11434/v1", "http://[::ffff:169.254.169.254]/v1", "http://2852039166/v1",
    "http://0xa9.0xfe.0xa9.0xfe/v1", "http://metadata.google.internal/computeMetadata/v1",
])
def test_a_link_local_or_metadata_base_url_is_422(client, admin_headers, url: str) -> None:
    body = {"provider": "openai", "model": "m", "baseUrl": url}
    problem = assert_error(client.put(SETTINGS, json=body, headers=admin_headers), 422, "BASE_URL_REFUSED")
    assert "baseUrl" in problem["message"] and problem["details"]["field"] == "baseUrl"
    assert data(client.get(SETTINGS, headers=admin_headers))["configured"] is False
    assert_error(client.post("/api/assistant/models", json={"baseUrl": url}, headers=admin_headers), 422,
                 "BASE_URL_REFUSED")


@pytest.mark.parametrize("url", ["http://192.168.1.20:11434/v1", "http://10.0.0.5/v1", "http://[fd12:3456::7]/v1",
                                 "http://127.0.0.1:11434/v1", "https://llm.plant.example/v1"])
def test_lan_and_public_base_urls_stay_allowed(client, admin_headers, url: str) -> None:
    body = {"provider": "openai", "model": "m", "baseUrl": url}
    assert data(client.put(SETTINGS, json=body, headers=admin_headers))["baseUrl"] == url


def test_a_host_name_that_resolves_to_a_metadata_address_is_never_called(
    client, admin_headers, engineer_headers, monkeypatch,
) -> None:
    import socket

    real = socket.getaddrinfo

    def resolve(host: str, *args, **kwargs):
        if host == "llm.rebound.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    body = {"provider": "openai", "model": "m", "baseUrl": "http://llm.rebound.example/v1"}
    data(client.put(SETTINGS, json=body, headers=admin_headers))  # what a name resolves to is judged at each call
    problem = assert_error(client.post("/api/assistant/chat-sync", json={"message": "hi"}, headers=engineer_headers),
                           502, "ASSISTANT_PROVIDER_FAILED")
    assert "169.254.169.254" in problem["message"] and "link-local" in problem["message"]
