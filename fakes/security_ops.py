"""CPU protection, display password, master secret and UMAC users of the fake (:mod:`..areas.security`).

Secrets are kept only as salted scrypt hashes (``Device.security``, ``Project.umac``), saved with the project.
A download copies the device's protection (level and password hashes) into the simulated CPU; from then on the
CPU enforces it (:func:`check_cpu_access`), as a protected S7-1500 does: a download or a
write without a password that grants enough is refused with 403 ``CPU_ACCESS_DENIED``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.security import (AccessPasswordState, MasterSecretResult, ProtectionInfo,
                                                    SecurityPort, SecuritySummary, UmacRole, UmacUser)
from engineering_api.backend.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules import cpu_protection as cp
from engineering_api.rules.umac import SYSTEM_ROLES, check_new_user, resolve_roles

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.rules.catalog import HardwareCatalog
    from fakes.model import Device, Project
    from fakes.session import FakeSession

__all__ = ("FakeSecurity", "check_cpu_access", "hash_secret", "verify_secret")

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_CPU_PROTECTION = "_engineering_api_protection"
"""Attribute of a simulated CPU holding the protection downloaded into it."""
_NEEDS = {"download": cp.FULL, "write": cp.FULL, "hmi-write": cp.HMI, "read": cp.HMI}
_WHAT = {"download": "download to", "write": "write to", "hmi-write": "write (as an HMI) to", "read": "read from"}


def hash_secret(secret: str) -> str:
    """``scrypt$<salt>$<hash>`` with a fresh 16-byte salt (base64)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_secret(secret: str | None, stored: str | None) -> bool:
    """Whether ``secret`` is the one ``stored`` was made from (constant-time compare)."""
    if not secret or not stored:
        return False
    _, salt, digest = stored.split("$")
    again = hashlib.scrypt(secret.encode("utf-8"), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(again, base64.b64decode(digest))


def _top(failsafe: bool) -> str:
    return cp.levels_of(failsafe)[0]


class FakeSecurity(SecurityPort):
    """CPU protection, display password, master secret and project users of the fake's open project.

    Args:
        session: the open project, read or changed in transactions.
        catalog: the hardware catalog (loaded on first use), which tells a fail-safe CPU by its order number.
    """

    def __init__(self, session: FakeSession, catalog: Callable[[], HardwareCatalog]) -> None:
        self._session = session
        self._catalog = catalog

    # ----- helpers ------------------------------------------------------------------------------
    def _sec_failsafe(self, dev: Device) -> bool:
        entry = self._catalog().find(dev.order_number)
        return cp.is_failsafe_cpu(dev.family, entry.name if entry is not None else "")

    def _sec_cpu_device(self, project: Project, device: str) -> Device:
        dev = self._session.device(project, device)
        if not cp.supports_protection(dev.device_kind, dev.family):
            raise ValidationError(f"'{device}' ({dev.family}) is not an S7-1200/1500 CPU; it has no access levels.",
                                  code=codes.NOT_PROTECTABLE)
        return dev

    def _sec_state(self, dev: Device) -> dict[str, Any]:
        """The device's protection for a change, with TIA's default (the unprotected top row) filled in."""
        state = dev.security
        state.setdefault("level", _top(self._sec_failsafe(dev)))
        state.setdefault("passwords", {})
        return state

    def _sec_info(self, dev: Device) -> ProtectionInfo:
        failsafe = self._sec_failsafe(dev)
        state = {"level": _top(failsafe), "passwords": {}} | dev.security  # reads change nothing
        level = state["level"]
        required, allowed = cp.passwords_required(level, failsafe), cp.passwords_allowed(level, failsafe)
        rows = [AccessPasswordState(access_level=lv, is_set=lv in state["passwords"], required=lv in required,
                                    allowed=lv in allowed) for lv in cp.levels_of(failsafe)]
        return ProtectionInfo(device_name=dev.name, protection_level=level, is_failsafe_cpu=failsafe,
                              available_levels=list(cp.levels_of(failsafe)), passwords=rows)

    @staticmethod
    def _sec_distinct(password: str, hashes: dict[str, str], skip: str | None = None) -> None:
        if any(verify_secret(password, h) for lv, h in hashes.items() if lv != skip):
            raise ValidationError("Two access levels cannot have the same password (nor the display password).",
                                  code=codes.PASSWORDS_NOT_DISTINCT)

    def _sec_secrets(self, state: dict[str, Any]) -> dict[str, str]:
        """Every password hash of a CPU that must differ from a new one: the levels' and the display's."""
        return dict(state.get("passwords", {})) | ({"display": state["display"]} if state.get("display") else {})

    # ----- CPU protection -----------------------------------------------------------------------
    def security_summary(self, device: str) -> SecuritySummary:
        project = self._session.project()
        dev = self._session.device(project, device)
        users = len(project.umac.get("users", []))
        summary = SecuritySummary(device_name=dev.name, project_protected=users > 0, umac_user_count=users)
        if cp.supports_protection(dev.device_kind, dev.family):
            info, state = self._sec_info(dev), dev.security
            summary.protection_level, summary.is_failsafe_cpu = info.protection_level, info.is_failsafe_cpu
            summary.access_passwords_set = [r.access_level for r in info.passwords if r.is_set]
            summary.display_password_set = bool(state.get("display"))
            summary.master_secret = state.get("masterSecret", {}).get("state", "None")
        summary.mechanisms = [name for name, on in (
            ("AccessLevel", summary.protection_level not in (None, cp.FULL, cp.FAILSAFE)),
            ("DisplayPassword", summary.display_password_set), ("MasterSecret", summary.master_secret != "None"),
            ("ProjectUserManagement", summary.project_protected)) if on]
        return summary

    def protection_level(self, device: str) -> ProtectionInfo:
        return self._sec_info(self._sec_cpu_device(self._session.project(), device))

    def configure_protection(self, device: str, level: str, passwords: dict[str, str]) -> ProtectionInfo:
        with self._session.change() as project:
            dev = self._sec_cpu_device(project, device)
            failsafe, state = self._sec_failsafe(dev), self._sec_state(dev)
            allowed = cp.passwords_allowed(level, failsafe)
            kept = {lv: h for lv, h in state["passwords"].items() if lv in allowed and lv not in passwords}
            cp.check_configuration(level, failsafe, passwords, list(kept))
            for password in passwords.values():
                self._sec_distinct(password, kept | ({"display": state["display"]} if state.get("display") else {}))
            state["level"] = level
            state["passwords"] = kept | {lv: hash_secret(pw) for lv, pw in passwords.items()}
            return self._sec_info(dev)

    def set_access_password(self, device: str, level: str, password: str) -> ProtectionInfo:
        with self._session.change() as project:
            dev = self._sec_cpu_device(project, device)
            failsafe, state = self._sec_failsafe(dev), self._sec_state(dev)
            kept = [lv for lv in state["passwords"] if lv != level]
            cp.check_configuration(state["level"], failsafe, {level: password}, kept)
            self._sec_distinct(password, self._sec_secrets(state), skip=level)
            state["passwords"][level] = hash_secret(password)
            return self._sec_info(dev)

    def delete_access_password(self, device: str, level: str) -> ProtectionInfo:
        with self._session.change() as project:
            dev = self._sec_cpu_device(project, device)
            failsafe, state = self._sec_failsafe(dev), self._sec_state(dev)
            if level not in state["passwords"]:
                raise NotFoundError(f"'{device}' has no password for {level}.", code=codes.PASSWORD_NOT_SET)
            if level in cp.passwords_required(state["level"], failsafe):
                raise ValidationError(
                    f"The protection level '{state['level']}' needs the {level} password; select "
                    f"{_top(failsafe)} first (POST .../security/configure) to remove it.",
                    code=codes.PASSWORD_REQUIRED, details={"accessLevel": level, "protectionLevel": state["level"]})
            del state["passwords"][level]
            return self._sec_info(dev)

    def set_display_password(self, device: str, password: str | None) -> SecuritySummary:
        with self._session.change() as project:
            dev = self._sec_cpu_device(project, device)
            if not dev.family.startswith("S7-1500"):
                raise ValidationError(f"'{device}' ({dev.family}) has no display; only S7-1500 CPUs have one.",
                                      code=codes.NO_DISPLAY)
            state = self._sec_state(dev)
            if password is None:
                if not state.get("display"):
                    raise NotFoundError(f"'{device}' has no display password.", code=codes.PASSWORD_NOT_SET)
                del state["display"]
            else:
                cp.check_password_text(password)
                self._sec_distinct(password, dict(state["passwords"]))
                state["display"] = hash_secret(password)
        return self.security_summary(device)

    # ----- master secret ------------------------------------------------------------------------
    def master_secret(
        self, device: str, action: str, password: str | None, new_password: str | None
    ) -> MasterSecretResult:
        with self._session.change() as project:
            dev = self._sec_cpu_device(project, device)
            if int(project.version.lstrip("Vv").split(".")[0]) < 17:
                raise ValidationError(
                    f"The master secret for confidential PLC configuration data exists from TIA Portal V17; the "
                    f"project is {project.version}. Upgrade the project to use it.", code=codes.MASTER_SECRET_NEEDS_V17)
            secret = self._sec_state(dev).setdefault("masterSecret", {"state": "None"})
            protected = secret["state"] != "None"
            if action == "protect":
                if protected:
                    raise ConflictError(f"'{device}' already has a master secret; use action 'change'.",
                                        code=codes.MASTER_SECRET_SET)
                secret.update(state="WithPassword", hash=hash_secret(cp.check_password_text(password)))
            elif action == "reset":
                secret.clear()
                secret["state"] = "None"
            else:
                if not protected:
                    raise ConflictError(f"'{device}' has no master secret.", code=codes.MASTER_SECRET_NOT_SET)
                if not verify_secret(password, secret.get("hash")):
                    raise PermissionDeniedError("The current master secret password is wrong.",
                                                code=codes.WRONG_PASSWORD)
                if action == "change":
                    new = cp.check_password_text(new_password, "newPassword")
                    if new == password:
                        raise ValidationError("The new password equals the current one.", code=codes.INVALID_PASSWORD,
                                              details={"field": "newPassword"})
                    secret["hash"] = hash_secret(new)
                else:
                    secret.clear()
                    secret["state"] = "None"
            return MasterSecretResult(device_name=dev.name, action=action, master_secret=secret["state"])

    # ----- UMAC ---------------------------------------------------------------------------------
    def _sec_umac(self, project: Project) -> dict[str, Any]:
        if int(project.version.lstrip("Vv").split(".")[0]) < 18:
            raise ValidationError(f"Project user management through Openness (UmacConfigurator) needs a V18 or newer "
                                  f"project; the project is {project.version}.", code=codes.UMAC_NEEDS_V18)
        return project.umac

    def umac_users(self) -> list[UmacUser]:
        users = self._sec_umac(self._session.project()).get("users", [])
        return [UmacUser(name=u["name"], roles=list(u["roles"]), description=u.get("description", "")) for u in users]

    def create_umac_user(self, name: str, password: str, roles: list[str], description: str) -> UmacUser:
        with self._session.change() as project:
            users = self._sec_umac(project).setdefault("users", [])
            check_new_user(name, password, [u["name"] for u in users])
            assigned = resolve_roles(roles, list(SYSTEM_ROLES), first_user=not users)
            users.append({"name": name, "hash": hash_secret(password), "roles": assigned, "description": description})
            return UmacUser(name=name, roles=assigned, description=description)

    def umac_roles(self) -> list[UmacRole]:
        self._sec_umac(self._session.project())
        return [UmacRole(name=name, kind="System", description=text, function_rights=list(rights))
                for name, (text, rights) in SYSTEM_ROLES.items()]

    # ----- enforcement in the simulated CPU -----------------------------------------------------
    def load_protection(self, dev: Device, cpu: Any) -> None:
        """A download puts the device's protection into the CPU (a CPU without access levels keeps none)."""
        if cp.supports_protection(dev.device_kind, dev.family):
            info = self._sec_info(dev)
            hashes = dict(dev.security.get("passwords", {}))
            setattr(cpu, _CPU_PROTECTION, {"level": info.protection_level, "passwords": hashes})


def check_cpu_access(cpu: Any, password: str | None, what: str) -> None:
    """Refuse ``what`` (download, write, hmi-write, read) unless the CPU's level or the password grants enough.

    Raises:
        PermissionDeniedError: ``CPU_ACCESS_DENIED`` (403), naming the level needed and the CPU's level.
    """
    loaded = getattr(cpu, _CPU_PROTECTION, None)
    if not loaded:
        return
    granted = cp.level_rank(loaded["level"])
    if password:
        matched = [cp.level_rank(lv) for lv, h in loaded["passwords"].items() if verify_secret(password, h)]
        granted = max([granted, *matched])
    need = _NEEDS[what]
    if granted >= cp.level_rank(need):
        return
    hint = ("The password given grants less." if password else
            'Send the password of a level that allows it ("password"'
            + ('; reads take it with POST /api/simulation/tags/batch-read).' if what == "read" else ').'))
    raise PermissionDeniedError(
        f'The CPU "{cpu.name}" is protected ({loaded["level"]}): a {_WHAT[what]} it needs {need}. {hint}',
        code=codes.CPU_ACCESS_DENIED, details={"protectionLevel": loaded["level"], "requiredAccess": need,
                                           "instanceName": cpu.name})
