"""The simulated CPU enforces its protection level, end to end through HTTP: the project's level goes into the CPU
with a download; from then on a download or a write without a password granting enough is refused (403
CPU_ACCESS_DENIED, nothing changes), HMI access allows reads and HMI writes only, "no access" refuses reads too,
and a lowered level counts after the next download (made with the password the CPU still has)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.api.motor_plant import DEVICE, prepare_motor_plant, read_tag
from tests.conftest import assert_error, data

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

Headers = dict[str, str]
SEC = f"{DEVICE}/security"
FULL_PW, READ_PW, HMI_PW = "Fu11-access!", "R3ad-access!", "Hm1-access!"


def _put(client: Any, h: Headers, tag: str, value: Any, **extra: Any) -> Any:
    return client.put(f"/api/simulation/tags/{quote(tag)}", json={"value": value, **extra}, headers=h)


def _download(client: Any, h: Headers, **body: Any) -> Any:
    return client.post(f"{DEVICE}/actions/download-sync", json=body, headers=h)


def test_a_protected_cpu_refuses_downloads_and_writes_without_the_password(
    client: Any, admin_headers: Headers, cpu: dict[str, Any], services: Any,
) -> None:
    h = admin_headers
    prepare_motor_plant(client, h)
    data(client.post(f"{SEC}/configure", json={"protectionLevel": "HMIAccess",
                                               "passwords": {"FullAccess": FULL_PW, "ReadAccess": READ_PW}}, headers=h))
    # the fresh CPU is unprotected: the first download needs no password and brings the level in
    assert data(_download(client, h))["state"] == "Success"
    data(client.post("/api/simulation/connect", json={"instanceName": "Line1_PLC"}, headers=h))
    data(client.post(f"{DEVICE}/cpu/actions/start", json={}, headers=h))

    # writes: HMI access allows an HMI's write only; an engineering write needs the full-access password
    denied = assert_error(_put(client, h, "Start_PB", True), 403, "CPU_ACCESS_DENIED")
    assert denied["details"]["protectionLevel"] == "HMIAccess" and denied["details"]["requiredAccess"] == "FullAccess"
    assert_error(_put(client, h, "Start_PB", True, password=READ_PW), 403, "CPU_ACCESS_DENIED")  # read grants less
    assert_error(_put(client, h, "Start_PB", True, password="wrong"), 403, "CPU_ACCESS_DENIED")
    assert_error(client.post("/api/simulation/tags/batch-write", json={"tags": [{"name": "Start_PB", "value": True}]},
                             headers=h), 403, "CPU_ACCESS_DENIED")
    assert read_tag(client, h, "Start_PB") is False  # nothing was written
    assert data(_put(client, h, "Guard_Closed", True, asHmi=True))["value"] is True
    assert data(_put(client, h, "Start_PB", True, password=FULL_PW))["value"] is True
    batch = data(client.post("/api/simulation/tags/batch-write", json={
        "tags": [{"name": "Start_PB", "value": False}], "password": FULL_PW}, headers=h))
    assert batch[0]["error"] is None

    # downloads: refused without the CPU's full-access password, CPU and program untouched
    cpu_before = services.backend.plcsim.get("Line1_PLC")
    digests = dict(cpu_before.image.digests)
    assert_error(_download(client, h, stopCpu=True), 403, "CPU_ACCESS_DENIED")
    assert_error(_download(client, h, stopCpu=True, password=READ_PW), 403, "CPU_ACCESS_DENIED")
    assert data(client.get(f"{DEVICE}/cpu/status", headers=h))["operatingState"] == "Run"
    assert cpu_before.image.digests == digests

    # back to full access in the project: the CPU keeps its level until the next download, made with its password
    data(client.post(f"{SEC}/configure", json={"protectionLevel": "FullAccess"}, headers=h))
    assert_error(_put(client, h, "Start_PB", True), 403, "CPU_ACCESS_DENIED")
    assert data(_download(client, h, stopCpu=True, password=FULL_PW))["state"] == "Success"
    assert data(_put(client, h, "Start_PB", True))["value"] is True
    assert data(_download(client, h, stopCpu=True))["state"] == "Success"


def test_no_access_refuses_hmi_writes_without_the_hmi_password(
    client: Any, admin_headers: Headers, cpu: dict[str, Any],
) -> None:
    h = admin_headers
    prepare_motor_plant(client, h)
    data(client.post(f"{SEC}/configure", json={"protectionLevel": "NoAccess",
                                               "passwords": {"FullAccess": FULL_PW, "HMIAccess": HMI_PW}}, headers=h))
    data(_download(client, h))
    data(client.post("/api/simulation/connect", json={"instanceName": "Line1_PLC"}, headers=h))
    assert_error(_put(client, h, "Start_PB", True, asHmi=True), 403, "CPU_ACCESS_DENIED")
    assert data(_put(client, h, "Start_PB", True, asHmi=True, password=HMI_PW))["value"] is True
    assert_error(_put(client, h, "Start_PB", False, password=HMI_PW), 403, "CPU_ACCESS_DENIED")
    # no access: even reads need a password (HMI access or more), sent with a batch read
    denied = assert_error(client.get(f"/api/simulation/tags/{quote('Start_PB')}", headers=h), 403, "CPU_ACCESS_DENIED")
    assert "batch-read" in denied["message"]
    assert_error(client.post("/api/simulation/tags/batch-read", json={"tagNames": ["Start_PB"]}, headers=h), 403,
                 "CPU_ACCESS_DENIED")
    read = data(client.post("/api/simulation/tags/batch-read", json={"tagNames": ["Start_PB"], "password": HMI_PW},
                            headers=h))
    assert read[0]["value"] is True
