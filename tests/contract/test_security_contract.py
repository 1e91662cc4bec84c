"""The security area of the port on every adapter: access levels and TIA's password rules, master secret, UMAC.

What only the fake can say (whether a level has a password, the display password, a CPU enforcing its level in
PLCSIM) is tested through HTTP (tests/api/test_security_api.py, test_security_e2e.py); here the bridge answers
null for "is set" and 501 NO_OPENNESS_EQUIVALENT for the display password, and the tests say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from tests.lib.outcomes import raises_code
from tests.contract.conftest import HMI, IM

if TYPE_CHECKING:
    from engineering_api.backend.areas.security import ProtectionInfo

FULL_PW, READ_PW = "Fu11-access!", "R3ad-access!"


def _rows(info: ProtectionInfo) -> dict[str, tuple[bool, bool]]:
    return {r.access_level: (r.required, r.allowed) for r in info.passwords}


def test_levels_and_password_rules(backend: EngineeringBackend, plc: str) -> None:
    info = backend.security.protection_level(plc)
    assert (info.protection_level, info.is_failsafe_cpu) == ("FullAccess", False)
    assert info.available_levels == ["FullAccess", "ReadAccess", "HMIAccess", "NoAccess"]
    raises_code(e.ValidationError, "PASSWORD_REQUIRED", backend.security.configure_protection, plc, "ReadAccess", {})
    raises_code(e.ValidationError, "PASSWORDS_NOT_DISTINCT", backend.security.configure_protection, plc, "NoAccess",
                {"FullAccess": FULL_PW, "ReadAccess": FULL_PW})
    raises_code(e.ValidationError, "PASSWORD_LEVEL_NOT_PROTECTED", backend.security.set_access_password, plc,
                "ReadAccess", READ_PW)  # nothing is protected yet
    assert backend.security.protection_level(plc).protection_level == "FullAccess"

    info = backend.security.configure_protection(plc, "HMIAccess", {"FullAccess": FULL_PW})
    assert info.protection_level == "HMIAccess"
    assert _rows(info) == {"FullAccess": (True, True), "ReadAccess": (False, True), "HMIAccess": (False, False),
                           "NoAccess": (False, False)}
    assert backend.security.set_access_password(plc, "ReadAccess", READ_PW).protection_level == "HMIAccess"
    raises_code(e.ValidationError, "PASSWORD_LEVEL_NOT_PROTECTED", backend.security.set_access_password, plc,
                "HMIAccess", "Hm1!")
    raises_code(e.ValidationError, "PASSWORD_REQUIRED", backend.security.delete_access_password, plc, "FullAccess")
    backend.security.delete_access_password(plc, "ReadAccess")
    summary = backend.security.security_summary(plc)
    assert summary.protection_level == "HMIAccess" and summary.mechanisms == ["AccessLevel"]
    assert backend.security.configure_protection(plc, "FullAccess", {}).protection_level == "FullAccess"
    raises_code(e.ValidationError, "FAILSAFE_LEVEL_NOT_AVAILABLE", backend.security.configure_protection, plc,
                "FullAccessIncludingFailsafe", {})


def test_failsafe_cpu_and_devices_without_levels(backend: EngineeringBackend, plc: str) -> None:
    backend.devices.add_device("6ES7 516-3FN02-0AB0", None, "PLC_F")
    info = backend.security.protection_level("PLC_F")
    assert (info.protection_level, info.is_failsafe_cpu) == ("FullAccessIncludingFailsafe", True)
    backend.security.configure_protection("PLC_F", "ReadAccess",
                                          {"FullAccessIncludingFailsafe": "Fs-1!", "FullAccess": FULL_PW})
    assert backend.security.protection_level("PLC_F").protection_level == "ReadAccess"
    for article, name in ((HMI, "HMI_1"), (IM, "IO_1")):
        backend.devices.add_device(article, None, name)
        raises_code(e.ValidationError, "NOT_PROTECTABLE", backend.security.protection_level, name)
        assert backend.security.security_summary(name).protection_level is None
    with pytest.raises(e.NotFoundError):
        backend.security.protection_level("Nope")


def test_display_password(backend: EngineeringBackend, plc: str) -> None:
    if backend.name == "fake":
        assert backend.security.set_display_password(plc, "D1splay!").display_password_set is True
        return
    raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.security.set_display_password, plc, "D1splay!")


def test_master_secret(backend: EngineeringBackend, plc: str) -> None:
    raises_code(e.ConflictError, "MASTER_SECRET_NOT_SET", backend.security.master_secret, plc, "unprotect",
                "C0nfidential!", None)
    assert backend.security.master_secret(plc, "protect", "C0nfidential!", None).master_secret == "WithPassword"
    raises_code(e.ConflictError, "MASTER_SECRET_SET", backend.security.master_secret, plc, "protect", "Other-1!", None)
    raises_code(e.PermissionDeniedError, "WRONG_PASSWORD", backend.security.master_secret, plc, "change", "wrong",
                "N3w-secret!")
    backend.security.master_secret(plc, "change", "C0nfidential!", "N3w-secret!")
    assert backend.security.security_summary(plc).master_secret == "WithPassword"
    with pytest.raises(e.PermissionDeniedError):
        backend.security.master_secret(plc, "unprotect", "C0nfidential!", None)
    assert backend.security.master_secret(plc, "unprotect", "N3w-secret!", None).master_secret == "None"
    backend.security.master_secret(plc, "protect", "C0nfidential!", None)
    assert backend.security.master_secret(plc, "reset", None, None).master_secret == "None"


def test_umac_users_and_roles(backend: EngineeringBackend, plc: str) -> None:
    roles = backend.security.umac_roles()
    assert [r.name for r in roles if r.kind == "System"] == ["ES Administrator", "ES Standard"]
    assert backend.security.umac_users() == []
    first = backend.security.create_umac_user("Alice", "Alice-2024!", [], "")
    assert (first.name, first.roles) == ("Alice", ["ES Administrator"])
    assert backend.security.create_umac_user("Bob", "B0b-the-builder", ["es standard"], "").roles == ["ES Standard"]
    with pytest.raises(e.AlreadyExistsError):
        backend.security.create_umac_user("alice", "Another-1", [], "")
    raises_code(e.ValidationError, "ROLE_NOT_FOUND", backend.security.create_umac_user, "Carol", "Carol-2024",
                ["Wizard"], "")
    raises_code(e.ValidationError, "INVALID_PASSWORD", backend.security.create_umac_user, "Carol", "short", [], "")
    assert [(u.name, u.roles) for u in backend.security.umac_users()] == [("Alice", ["ES Administrator"]),
                                                                          ("Bob", ["ES Standard"])]
    summary = backend.security.security_summary(plc)
    assert summary.project_protected is True and summary.umac_user_count == 2


def test_saved_and_reopened(backend: EngineeringBackend, plc: str) -> None:
    backend.security.configure_protection(plc, "ReadAccess", {"FullAccess": FULL_PW})
    backend.security.master_secret(plc, "protect", "C0nfidential!", None)
    backend.security.create_umac_user("Alice", "Alice-2024!", [], "")
    path = backend.save_project().path
    backend.close_project()
    from pathlib import Path

    backend.open_project(Path(path))
    assert backend.security.protection_level(plc).protection_level == "ReadAccess"
    assert backend.security.security_summary(plc).master_secret == "WithPassword"
    assert [u.name for u in backend.security.umac_users()] == ["Alice"]
