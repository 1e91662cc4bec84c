"""What real TIA demands, through HTTP over the Openness bridge (the C# stand-in under Mono): the TLS trust prompt
answered by ``trustTls`` or the server setting ``trust_plc_certificates`` (and reported), the pre-download checks
answered per request and listed in the result, the master secret's password never echoed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app, create_services
from engineering_api.config import Settings
from tests.api.bridge_routes import DB, DEVICE, INSTANCE
from tests.bridge.conftest import require_standin
from tests.conftest import assert_error, configure, data
from tests.contract.conftest import CPU

FINGERPRINT = "3F:A1:07:C2"
MASTER = "Master-Secret-1!"


def _client(tmp_path: Path, **settings: Any) -> Iterator[tuple[TestClient[Any], dict[str, str]]]:
    require_standin()
    from openness_bridge.standin import standin_backend

    config = Settings.from_env(data_dir=tmp_path, backend="openness", **settings)
    services = create_services(config, backend=standin_backend(tmp_path / "bridge-state"))
    with TestClient(create_app(config, services=services)) as client:
        key = config.secret_path.read_text(encoding="utf-8").strip()
        headers = {"X-API-Key": key}
        data(client.post("/api/instance/actions/launch", json={}, headers=headers))
        data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=headers))
        data(client.post("/api/projects/devices/actions/add-sync", json={"OrderNumber": CPU, "Name": "PLC_1"},
                         headers=headers))
        assert configure(client, headers, "PLC_1", "192.168.0.10").status_code == 200
        data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=headers))
        data(client.post("/api/blockgeneration/generate-and-import", json={"spec": DB, "deviceName": "PLC_1"},
                         headers=headers))
        data(client.post("/api/simulation/instances/create", json={"name": "Line1_PLC", "cpuType": "CPU1516"},
                         headers=headers))
        data(client.put(f"{INSTANCE}/network", json={"ipAddress": "192.168.0.10"}, headers=headers))
        data(client.post(f"{INSTANCE}/power-on", headers=headers))
        yield client, headers


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[tuple[TestClient[Any], dict[str, str]]]:
    """The service over the bridge with PLC_1 and the powered instance Line1_PLC at its address."""
    yield from _client(tmp_path)


def _cpu() -> Any:
    from StandIn.Wire import Softbus

    return Softbus.Find("Line1_PLC")


def test_trust_tls_answers_the_prompt_and_the_choice_is_in_the_result(bridge: Any) -> None:
    client, h = bridge
    _cpu().TlsFingerprint = FINGERPRINT
    body = assert_error(client.post(f"{DEVICE}/online", json={}, headers=h), 409, "TLS_NOT_TRUSTED")
    assert '"trustTls": true' in body["message"]
    status = data(client.post(f"{DEVICE}/online", json={"trustTls": True}, headers=h))
    assert status["online"] is True
    assert status["tlsVerifications"] == [{"plcName": "PLC_1", "verificationInfo": status["tlsVerifications"][0][
        "verificationInfo"], "choice": "Trusted", "decidedBy": "request"}]
    assert FINGERPRINT in status["tlsVerifications"][0]["verificationInfo"]


def test_the_server_setting_trusts_when_the_request_does_not_say(tmp_path: Path) -> None:
    for client, h in _client(tmp_path, trust_plc_certificates=True):
        _cpu().TlsFingerprint = FINGERPRINT
        result = data(client.post(f"{DEVICE}/actions/download-sync", json={}, headers=h))
        assert [(v["choice"], v["decidedBy"]) for v in result["tlsVerifications"]] == [("Trusted", "setting")]


def test_pre_download_checks_are_answered_per_request_and_reported(bridge: Any) -> None:
    client, h = bridge
    _cpu().AsksAlarmTexts = True
    data(client.post(f"{DEVICE}/security/master-secret/actions", json={"password": MASTER}, headers=h))
    body = {"preDownloadChecks": {"AlarmTextLibrariesDownload": "NoAction"}, "plcMasterSecretPassword": MASTER}
    result = data(client.post(f"{DEVICE}/actions/download-sync", json=body, headers=h))
    checks = {c["category"]: c["answer"] for c in result["preDownloadChecks"]}
    assert checks["AlarmTextLibrariesDownload"] == "NoAction"
    assert checks["PlcMasterSecretPassword"] == "Password given"
    assert _cpu().AlarmTextsLoaded is False
    assert MASTER not in repr(result)
    refused = assert_error(client.post(f"{DEVICE}/actions/download-sync", json={}, headers=h), 409, "DOWNLOAD_FAILED")
    assert "master secret" in repr(refused["details"]["messages"])
    assert_error(client.post(f"{DEVICE}/actions/download-sync", json={
        "preDownloadChecks": {"DataBlockReinitialization": "Maybe"}}, headers=h), 422, "VALIDATION_FAILED")


def test_the_download_and_online_inputs_document_the_new_fields(bridge: Any) -> None:
    client, _ = bridge
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    download = next(s for name, s in schemas.items() if name.startswith("DevicesDownload") and name.endswith("Request"))
    assert {"trustTls", "plcMasterSecretPassword", "preDownloadChecks"} <= set(download["properties"])
    assert "DataBlockReinitialization" in download["properties"]["preDownloadChecks"]["description"]
    online = next(s for name, s in schemas.items() if name.startswith("DevicesOnlineGoOnline")
                  and name.endswith("Request"))
    assert "trust_plc_certificates" in online["properties"]["trustTls"]["description"]


def test_the_stored_credentials_open_a_protected_project_when_the_request_brings_none(
    bridge: Any, tmp_path: Path,
) -> None:
    from StandIn.Control import ProjectProtection

    client, h = bridge
    secret = "Alice-2024!"
    data(client.post("/api/security/users", json={"name": "alice", "password": secret}, headers=h))
    path = data(client.post("/api/projects/actions/save-sync", headers=h))["path"]
    data(client.post("/api/projects/actions/close-sync", headers=h))
    ProjectProtection.Protect(path)
    opening = {"path": "Line1/Line1.ap19"}
    body = assert_error(client.post("/api/projects/actions/open-sync", json=opening, headers=h), 403,
                        "PROJECT_CREDENTIALS_REQUIRED")
    assert '"credentials"' in body["message"]
    stored = data(client.put("/api/projects/credentials", json={"user": "alice", "password": secret}, headers=h))
    assert stored == {"user": "alice", "userType": "Project", "passwordSet": True}
    assert data(client.get("/api/projects/credentials", headers=h)) == stored
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not any(secret.encode() in p.read_bytes() for p in files)  # encrypted at rest, in no log or table
    assert data(client.post("/api/projects/actions/open-sync", json=opening, headers=h))["path"] == path
    data(client.post("/api/projects/actions/close-sync", headers=h))
    assert data(client.delete("/api/projects/credentials", headers=h))["passwordSet"] is False
    assert_error(client.post("/api/projects/actions/open-sync", json=opening, headers=h), 403,
                 "PROJECT_CREDENTIALS_REQUIRED")
