"""Security & UMAC through HTTP: CPU protection levels and passwords with TIA's rules, display password, master
secret, UMAC users and roles, roles of the API keys, secrets never returned, logged or audited."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import Headers, add_device, assert_error, data

SEC = "/api/devices/PLC_1/security"
FULL_PW, READ_PW, HMI_PW = "Fu11-access!", "R3ad-access!", "Hm1-access!"


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    return admin_headers


def level(client: TestClient[Any], h: Headers, device: str = "PLC_1") -> dict[str, Any]:
    return data(client.get(f"/api/devices/{device}/security/protection-level", headers=h))


def rows(info: dict[str, Any]) -> dict[str, tuple[bool, bool, bool]]:
    return {r["accessLevel"]: (r["isSet"], r["required"], r["allowed"]) for r in info["passwords"]}


def test_default_is_full_access_and_summary(client: TestClient[Any], h: Headers) -> None:
    info = level(client, h)
    assert info["protectionLevel"] == "FullAccess" and info["isFailsafeCpu"] is False
    assert info["availableLevels"] == ["FullAccess", "ReadAccess", "HMIAccess", "NoAccess"]
    assert not any(is_set or required or allowed for is_set, required, allowed in rows(info).values())
    summary = data(client.get(f"{SEC}/summary", headers=h))
    assert summary["mechanisms"] == [] and summary["masterSecret"] == "None"


def test_configure_then_passwords_follow_tias_rules(client: TestClient[Any], h: Headers) -> None:
    # a level below full access needs the full-access password; nothing changes on the refusal
    assert_error(client.post(f"{SEC}/configure", json={"protectionLevel": "ReadAccess"}, headers=h), 422,
                 "PASSWORD_REQUIRED")
    assert level(client, h)["protectionLevel"] == "FullAccess"
    # a password for the selected level (or one below it) is not possible
    assert_error(client.post(f"{SEC}/configure", json={"protectionLevel": "ReadAccess",
                                                       "passwords": {"FullAccess": FULL_PW, "ReadAccess": READ_PW}},
                             headers=h), 422, "PASSWORD_LEVEL_NOT_PROTECTED")
    # two levels cannot share a password
    assert_error(client.post(f"{SEC}/configure", json={"protectionLevel": "NoAccess",
                                                       "passwords": {"full": FULL_PW, "read": FULL_PW}},
                             headers=h), 422, "PASSWORDS_NOT_DISTINCT")
    assert level(client, h)["protectionLevel"] == "FullAccess"
    info = data(client.post(f"{SEC}/configure", json={"ProtectionLevel": "HMIAccess",
                                                      "Passwords": {"FullAccess": FULL_PW}}, headers=h))
    assert info["protectionLevel"] == "HMIAccess"
    assert rows(info) == {"FullAccess": (True, True, True), "ReadAccess": (False, False, True),
                          "HMIAccess": (False, False, False), "NoAccess": (False, False, False)}
    # one more password, for a level above the selected one
    info = data(client.post(f"{SEC}/password", json={"accessLevel": "ReadAccess", "password": READ_PW}, headers=h))
    assert rows(info)["ReadAccess"] == (True, False, True)
    assert_error(client.post(f"{SEC}/password", json={"accessLevel": "HMIAccess", "password": HMI_PW}, headers=h),
                 422, "PASSWORD_LEVEL_NOT_PROTECTED")
    assert_error(client.post(f"{SEC}/password", json={"accessLevel": "ReadAccess", "password": FULL_PW}, headers=h),
                 422, "PASSWORDS_NOT_DISTINCT")
    assert_error(client.post(f"{SEC}/password", json={"accessLevel": "Everything", "password": "x"}, headers=h),
                 422, "INVALID_ACCESS_LEVEL")
    assert_error(client.post(f"{SEC}/password", json={"accessLevel": "ReadAccess", "password": ""}, headers=h),
                 422, "INVALID_PASSWORD")
    assert_error(client.post(f"{SEC}/password", json={"accessLevel": "FullAccessIncludingFailsafe",
                                                      "password": "x1"}, headers=h), 422,
                                                      "FAILSAFE_LEVEL_NOT_AVAILABLE")
    # the required password stays; the optional one goes (with a dry run first)
    assert_error(client.delete(f"{SEC}/password/FullAccess", headers=h), 422, "PASSWORD_REQUIRED")
    preview = data(client.delete(f"{SEC}/password/ReadAccess?dryRun=true", headers=h))
    assert preview["dryRun"] is True and preview["changes"][0]["name"] == "ReadAccess"
    assert rows(level(client, h))["ReadAccess"][0] is True
    info = data(client.delete(f"{SEC}/password/ReadAccess", headers=h))
    assert rows(info)["ReadAccess"][0] is False
    assert_error(client.delete(f"{SEC}/password/ReadAccess", headers=h), 404, "PASSWORD_NOT_SET")
    summary = data(client.get(f"{SEC}/summary", headers=h))
    assert summary["mechanisms"] == ["AccessLevel"] and summary["accessPasswordsSet"] == ["FullAccess"]
    # back to full access: TIA discards every password (dry run lists them)
    preview = data(client.post(f"{SEC}/configure?dryRun=true", json={"protectionLevel": "full"}, headers=h))
    assert {(c["action"], c["name"]) for c in preview["changes"]} == {("delete", "FullAccess"),
                                                                      ("replace", "FullAccess")}
    info = data(client.post(f"{SEC}/configure", json={"protectionLevel": "full"}, headers=h))
    assert info["protectionLevel"] == "FullAccess" and not any(r[0] for r in rows(info).values())


def test_failsafe_cpu_has_the_extra_level(client: TestClient[Any], h: Headers) -> None:
    add_device(client, h, "6ES7 516-3FN02-0AB0", "PLC_F")
    info = level(client, h, "PLC_F")
    assert info["isFailsafeCpu"] is True and info["protectionLevel"] == "FullAccessIncludingFailsafe"
    assert_error(client.post("/api/devices/PLC_F/security/configure",
                             json={"protectionLevel": "ReadAccess", "passwords": {"FullAccessIncludingFailsafe": "F1"}},
                             headers=h), 422, "PASSWORD_REQUIRED")
    info = data(client.post("/api/devices/PLC_F/security/configure",
                            json={"protectionLevel": "ReadAccess",
                                  "passwords": {"FullAccessIncludingFailsafe": "Fs-1!", "FullAccess": FULL_PW}},
                            headers=h))
    assert [r["accessLevel"] for r in info["passwords"] if r["isSet"]] == ["FullAccessIncludingFailsafe", "FullAccess"]


def test_devices_without_access_levels_or_display(client: TestClient[Any], h: Headers) -> None:
    add_device(client, h, "6AV2 124-0GC01-0AX0", "HMI_1")
    assert_error(client.get("/api/devices/HMI_1/security/protection-level", headers=h), 422, "NOT_PROTECTABLE")
    assert data(client.get("/api/devices/HMI_1/security/summary", headers=h))["protectionLevel"] is None
    add_device(client, h, "6ES7 214-1AG40-0XB0", "PLC_1200")
    assert_error(client.post("/api/devices/PLC_1200/security/display-password", json={"password": "D1splay!"},
                             headers=h), 422, "NO_DISPLAY")
    assert_error(client.get("/api/devices/Nope/security/summary", headers=h), 404, "DEVICE_NOT_FOUND")


def test_display_password(client: TestClient[Any], h: Headers) -> None:
    data(client.post(f"{SEC}/configure", json={"protectionLevel": "ReadAccess", "passwords": {"FullAccess": FULL_PW}},
                     headers=h))
    assert_error(client.post(f"{SEC}/display-password", json={"password": FULL_PW}, headers=h), 422,
                 "PASSWORDS_NOT_DISTINCT")
    assert_error(client.post(f"{SEC}/display-password", json={}, headers=h), 422, "PASSWORD_OR_REMOVE")
    assert_error(client.post(f"{SEC}/display-password", json={"remove": True}, headers=h), 404, "PASSWORD_NOT_SET")
    preview = data(client.post(f"{SEC}/display-password?dryRun=true", json={"password": "D1splay!"}, headers=h))
    assert preview["changes"][0]["action"] == "create"
    assert data(client.get(f"{SEC}/summary", headers=h))["displayPasswordSet"] is False
    summary = data(client.post(f"{SEC}/display-password", json={"password": "D1splay!"}, headers=h))
    assert summary["displayPasswordSet"] is True and "DisplayPassword" in summary["mechanisms"]
    summary = data(client.post(f"{SEC}/display-password", json={"remove": True}, headers=h))
    assert summary["displayPasswordSet"] is False


def test_master_secret_actions(client: TestClient[Any], h: Headers) -> None:
    ms = f"{SEC}/master-secret/actions"
    assert_error(client.post(ms, json={"action": "unprotect", "password": "x1"}, headers=h), 409,
                 "MASTER_SECRET_NOT_SET")
    assert_error(client.post(ms, json={"action": "protect"}, headers=h), 422, "INVALID_PASSWORD")
    assert_error(client.post(ms, json={"action": "explode", "password": "x"}, headers=h), 422, "INVALID_ACTION")
    assert data(client.post(ms, json={"password": "C0nfidential!"}, headers=h))["masterSecret"] == "WithPassword"
    assert_error(client.post(ms, json={"action": "protect", "password": "Other1!"}, headers=h), 409,
                 "MASTER_SECRET_SET")
    assert_error(client.post(ms, json={"action": "change", "password": "wrong", "newPassword": "N3w!"}, headers=h),
                 403, "WRONG_PASSWORD")
    data(client.post(ms, json={"action": "change", "password": "C0nfidential!", "newPassword": "N3w-secret!"},
                     headers=h))
    assert_error(client.post(ms, json={"action": "unprotect", "password": "C0nfidential!"}, headers=h), 403,
                 "WRONG_PASSWORD")
    preview = data(client.post(f"{ms}?dryRun=true", json={"action": "reset"}, headers=h))
    assert preview["changes"][0]["action"] == "reset"
    assert data(client.get(f"{SEC}/summary", headers=h))["masterSecret"] == "WithPassword"
    assert data(client.post(ms, json={"action": "unprotect", "password": "N3w-secret!"}, headers=h))[
        "masterSecret"] == "None"


def _older_project(client: TestClient[Any], h: Headers, version: str) -> None:
    data(client.post("/api/instance/actions/detach", headers=h))
    data(client.post("/api/instance/actions/launch", json={"version": version}, headers=h))
    data(client.post("/api/projects/actions/create-sync", json={"name": f"Old{version}"}, headers=h))
    add_device(client, h, "6ES7 516-3AN02-0AB0", "PLC_1")


def test_master_secret_needs_v17_and_umac_v18(client: TestClient[Any], h: Headers) -> None:
    _older_project(client, h, "V16")
    assert_error(client.post(f"{SEC}/master-secret/actions", json={"password": "C0nfidential!"}, headers=h), 422,
                 "MASTER_SECRET_NEEDS_V17")
    assert_error(client.get("/api/security/users", headers=h), 422, "UMAC_NEEDS_V18")
    assert_error(client.get("/api/security/roles", headers=h), 422, "UMAC_NEEDS_V18")
    # access levels are older than both
    assert level(client, h)["protectionLevel"] == "FullAccess"


def test_umac_users_and_roles(client: TestClient[Any], h: Headers) -> None:
    roles = data(client.get("/api/security/roles", headers=h))
    assert [r["name"] for r in roles] == ["ES Administrator", "ES Standard"]
    assert "Manage users and roles" in roles[0]["functionRights"] and roles[1]["kind"] == "System"
    assert data(client.get("/api/security/users", headers=h)) == []
    first = data(client.post("/api/security/users", json={"name": "Alice", "password": "Alice-2024!"}, headers=h))
    assert first == {"name": "Alice", "roles": ["ES Administrator"], "description": ""}
    second = data(client.post("/api/security/users", json={"Name": "Bob", "Password": "B0b-the-builder",
                                                           "Roles": ["es standard"]}, headers=h))
    assert second["roles"] == ["ES Standard"]
    for body, status, code in (
        ({"name": "alice", "password": "Another-1"}, 409, "USER_EXISTS"),
        ({"name": "Carol", "password": "short1"}, 422, "INVALID_PASSWORD"),
        ({"name": "Carol", "password": "nodigitshere"}, 422, "INVALID_PASSWORD"),
        ({"name": "Carol", "password": "Carol-2024", "roles": ["Wizard"]}, 422, "ROLE_NOT_FOUND"),
        ({"name": "Anonymous", "password": "Anon-2024"}, 422, "INVALID_USER_NAME"),
        ({"name": " Carol", "password": "Carol-2024"}, 422, "INVALID_USER_NAME"),
    ):
        assert_error(client.post("/api/security/users", json=body, headers=h), status, code)
    users = data(client.get("/api/security/users", headers=h))
    assert [u["name"] for u in users] == ["Alice", "Bob"]
    summary = data(client.get(f"{SEC}/summary", headers=h))
    assert summary["projectProtected"] is True and summary["umacUserCount"] == 2
    # saved with the project, as hashes
    data(client.post("/api/projects/actions/save-sync", headers=h))
    project_file = next(p for p in _files(client, h) if p.suffix.startswith(".ap"))
    text = project_file.read_text()
    assert "Alice-2024!" not in text and "scrypt$" in text


def _files(client: TestClient[Any], h: Headers) -> list[Any]:
    from pathlib import Path

    path = Path(data(client.get("/api/projects", headers=h))[0]["path"])
    return [p for p in path.parent.rglob("*") if p.is_file()]


def test_roles_of_the_api_keys(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                               engineer_headers: Headers) -> None:
    for path in (f"{SEC}/summary", f"{SEC}/protection-level", "/api/security/users", "/api/security/roles"):
        assert client.get(path, headers=viewer_headers).status_code == 200
    changes = (
        ("POST", f"{SEC}/configure", {"protectionLevel": "ReadAccess", "passwords": {"FullAccess": FULL_PW}}),
        ("POST", f"{SEC}/password", {"accessLevel": "ReadAccess", "password": READ_PW}),
        ("DELETE", f"{SEC}/password/ReadAccess", None),
        ("POST", f"{SEC}/display-password", {"password": "D1splay!"}),
        ("POST", f"{SEC}/master-secret/actions", {"password": "C0nfidential!"}),
        ("POST", "/api/security/users", {"name": "Eve", "password": "Eve-2024-x"}),
    )
    for method, path, body in changes:
        for headers in (viewer_headers, engineer_headers):
            assert_error(client.request(method, path, json=body, headers=headers), 403)
    assert level(client, h)["protectionLevel"] == "FullAccess"
    assert data(client.get("/api/security/users", headers=h)) == []


def test_secrets_are_never_returned_logged_or_audited(
    client: TestClient[Any], h: Headers, services: Any, caplog: pytest.LogCaptureFixture,
) -> None:
    secrets = [FULL_PW, READ_PW, "D1splay!", "C0nfidential!", "N3w-secret!", "Alice-2024!"]
    bodies = [
        client.post(f"{SEC}/configure", json={"protectionLevel": "HMIAccess", "passwords": {"FullAccess": FULL_PW}},
                    headers=h),
        client.post(f"{SEC}/password", json={"accessLevel": "ReadAccess", "password": READ_PW}, headers=h),
        client.post(f"{SEC}/password", json={"accessLevel": "ReadAccess", "password": FULL_PW}, headers=h),  # 422
        client.post(f"{SEC}/display-password", json={"password": "D1splay!"}, headers=h),
        client.post(f"{SEC}/master-secret/actions", json={"password": "C0nfidential!"}, headers=h),
        client.post(f"{SEC}/master-secret/actions", json={"action": "change", "password": "C0nfidential!",
                                                          "newPassword": "N3w-secret!"}, headers=h),
        client.post("/api/security/users", json={"name": "Alice", "password": "Alice-2024!"}, headers=h),
        client.get(f"{SEC}/summary", headers=h), client.get(f"{SEC}/protection-level", headers=h),
        client.get("/api/security/users", headers=h),
        client.post("/api/devices/PLC_1/actions/download", json={"password": FULL_PW}, headers=h),
    ]
    texts = [r.text for r in bodies]
    rows_ = services.db.all("SELECT * FROM audit") + services.db.all("SELECT * FROM jobs")
    stored = repr([dict(r) for r in rows_])
    assert "/security/password" in stored  # the calls were audited (method and path)
    for secret in secrets:
        assert not any(secret in text for text in texts), secret
        assert secret not in caplog.text, secret
        assert secret not in stored, secret
    assert '"password":"***"' in stored  # the download job's recorded input


def test_the_assistant_history_keeps_no_tool_password(tmp_path: Any) -> None:
    from engineering_api.domain.assistant.chat_history import ChatHistory
    from engineering_api.domain.assistant.schema import ToolCallRecord
    from engineering_api.lib.db import Database

    db = Database(tmp_path / "h.db")
    history = ChatHistory(db)
    history.add("k", None, "assistant", "done", [ToolCallRecord(
        round=1, tool="security.configure", arguments={"deviceName": "PLC_1", "protectionLevel": "ReadAccess",
                                                        "passwords": {"FullAccess": FULL_PW}})])
    stored = repr([dict(r) for r in db.all("SELECT * FROM assistant_history")])
    assert FULL_PW not in stored and "***" in stored and "ReadAccess" in stored
