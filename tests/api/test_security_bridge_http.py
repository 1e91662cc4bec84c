"""Security & UMAC over the Openness bridge (C# stand-in) through HTTP: what Openness does not say is null, the
display password is 501 NO_OPENNESS_EQUIVALENT in the wire format, dry runs agree with the calls."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import assert_error, data
from tests.contract.conftest import CPU

SEC = "/api/devices/PLC_1/security"


def test_security_over_the_bridge(bridge_client: tuple[TestClient[Any], dict[str, str]]) -> None:
    client, h = bridge_client
    data(client.post("/api/instance/actions/launch", json={}, headers=h))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"}, headers=h))

    info = data(client.get(f"{SEC}/protection-level", headers=h))
    assert info["protectionLevel"] == "FullAccess" and {r["isSet"] for r in info["passwords"]} == {None}
    body = {"protectionLevel": "ReadAccess", "passwords": {"FullAccess": "Fu11-access!"}}
    preview = data(client.post(f"{SEC}/configure?dryRun=true", json=body, headers=h))
    assert ("create", "FullAccess") in {(c["action"], c["name"]) for c in preview["changes"]}
    assert data(client.get(f"{SEC}/protection-level", headers=h))["protectionLevel"] == "FullAccess"
    assert data(client.post(f"{SEC}/configure", json=body, headers=h))["protectionLevel"] == "ReadAccess"
    # the level already requires the full-access password, so TIA has it: a new level keeps it
    assert data(client.post(f"{SEC}/configure", json={"protectionLevel": "HMIAccess"}, headers=h))[
        "protectionLevel"] == "HMIAccess"
    assert_error(client.delete(f"{SEC}/password/FullAccess?dryRun=true", headers=h), 422, "PASSWORD_REQUIRED")
    refused = assert_error(client.post(f"{SEC}/display-password", json={"password": "D1splay!"}, headers=h), 501,
                           "NO_OPENNESS_EQUIVALENT")
    assert refused["success"] is False and "D1splay!" not in str(refused)
    summary = data(client.get(f"{SEC}/summary", headers=h))
    assert summary["displayPasswordSet"] is None and summary["accessPasswordsSet"] is None
    assert summary["mechanisms"] == ["AccessLevel"]
    data(client.post("/api/security/users", json={"name": "Alice", "password": "Alice-2024!"}, headers=h))
    assert data(client.get("/api/security/users", headers=h)) == [
        {"name": "Alice", "roles": ["ES Administrator"], "description": ""}]
