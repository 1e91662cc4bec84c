"""Formats and limits of the runtime API through HTTP: XML bodies for ``Accept: application/xml`` (errors too, as
RFC 9457 problem+xml), CORS only for configured origins, and a request budget per bearer token (429, Retry-After)."""

from __future__ import annotations

import pytest

from typing import TYPE_CHECKING, Any

from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from simatic_xml.safe import parse_untrusted
from tests.api.runtime_users import RT, login, make_user
from tests.conftest import assert_error, data

if TYPE_CHECKING:
    from pathlib import Path

Headers = dict[str, str]
XML = {"Accept": "application/xml"}
PROBLEM = "{urn:ietf:rfc:7807}"


def xml(response: Any) -> Any:
    return parse_untrusted(response.content).getroot()


def test_xml_bodies_for_values_and_errors(client: TestClient[Any], running_plc: str,
                                         users: dict[str, Headers]) -> None:
    reader = users["reader"]
    answer = client.post(f"{RT}/tags/values", json={"tagNames": ['"Motor_DB".limit', '"Motor_DB".nope']},
                         headers={**reader, **XML})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    assert answer.headers["vary"] == "Accept"
    root = xml(answer)
    assert root.tag == "response" and root.findtext("success") == "true"
    first, second = root.find("data").findall("item")
    assert first.findtext("name") == '"Motor_DB".limit' and first.findtext("value") == "100"
    assert first.findtext("quality") == "Good" and first.find("error").get("nil") == "true"
    assert second.find("value").get("nil") == "true" and second.findtext("error/code") == "TAG_NOT_FOUND"
    # an error of a route, and a refusal of the guard, as RFC 9457 problem details in XML
    missing = client.get(f"{RT}/tags/%22Motor_DB%22.nope/value", headers={**reader, **XML})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+xml")
    problem = xml(missing)
    assert problem.tag == f"{PROBLEM}problem" and problem.findtext(f"{PROBLEM}status") == "404"
    assert problem.findtext(f"{PROBLEM}code") == "TAG_NOT_FOUND"
    refused = client.get(f"{RT}/users/current", headers=XML)
    assert refused.status_code == 401 and xml(refused).findtext(f"{PROBLEM}code") == "UNAUTHORIZED"
    # JSON stays the default, and wins a tie or a higher quality
    for accept in ("*/*", "application/json, application/xml;q=0.5", "application/json, application/xml"):
        answer = client.get(f"{RT}/users/current", headers={**reader, "Accept": accept})
        assert answer.headers["content-type"].startswith("application/json"), accept
    assert data(client.get(f"{RT}/users/current", headers=reader))["username"] == "reader"


@pytest.mark.parametrize("encoding", ["gzip, deflate", "identity"])
def test_a_runtime_routes_error_is_xml_whatever_the_client_accepts_as_encoding(
        client: TestClient[Any], running_plc: str, users: dict[str, Headers], encoding: str) -> None:
    """The guard calls a route without its exception layer when nothing wraps the request's ``send``; the XML layer
    around a runtime route does, so its errors must still pass through it (a client without gzip, curl's default,
    got them as JSON)."""
    headers = {**users["reader"], **XML, "Accept-Encoding": encoding}
    for answer in (client.get(f"{RT}/tags/%22Motor_DB%22.nope/value", headers=headers),
                   client.get(f"{RT}/history", headers=headers)):
        assert answer.headers["content-type"].startswith("application/problem+xml"), (answer.status_code, answer.text)
        assert answer.status_code in (404, 422) and answer.headers["vary"] == "Accept"

def test_each_bearer_token_has_its_own_request_budget(client: TestClient[Any], admin_headers: Headers) -> None:
    settings = data(client.get(f"{RT}/settings", headers=admin_headers))
    assert settings["requestsPerTokenPerMinute"] == 600
    data(client.put(f"{RT}/settings", json={**settings, "requestsPerTokenPerMinute": 2}, headers=admin_headers))
    make_user(client, admin_headers, "dash", ["read"])
    first, second = login(client, "dash"), login(client, "dash")
    for _ in range(2):
        data(client.get(f"{RT}/users/current", headers=first))
    limited = client.get(f"{RT}/users/current", headers=first)
    assert_error(limited, 429, "RATE_LIMITED")
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert data(client.get(f"{RT}/users/current", headers=second))["username"] == "dash"  # another token


def test_cors_answers_only_configured_origins(tmp_path: Path) -> None:
    allowed = "https://dashboard.example"
    app = create_app(Settings.from_env(data_dir=tmp_path, cors_origins=(allowed,)))
    with TestClient(app) as client:
        preflight = {"Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization, content-type"}
        ok = client.options(f"{RT}/tags/values", headers={"Origin": allowed, **preflight})
        assert ok.status_code in (200, 204) and ok.headers["access-control-allow-origin"] == allowed
        other = client.options(f"{RT}/tags/values", headers={"Origin": "https://evil.example", **preflight})
        assert other.headers.get("access-control-allow-origin") != "https://evil.example"
        assert "access-control-allow-origin" not in other.headers
