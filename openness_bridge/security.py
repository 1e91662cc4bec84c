"""Security & UMAC over Openness: a CPU's access level and passwords, its master secret, the project's users.

Openness members (sources in docs/openness-members.md, "Security & UMAC"):

* ``PlcAccessLevelProvider`` (service of the CPU's device item): ``PlcProtectionAccessLevel`` (get/set),
  ``SetPassword(PlcProtectionAccessLevel, SecureString)``, ``ResetPassword(PlcProtectionAccessLevel)``. Openness does
  not say whether a level has a password: ``isSet`` is null here, and the rules that need it are kept from what
  the call itself carries (a protected level is configured together with its required passwords).
* ``PlcMasterSecretConfigurator`` (same item): ``MasterSecretConfiguration``, ``Protect``, ``ChangePassword``,
  ``Unprotect(SecureString)``, ``Reset``. Missing (older TIA): 422 ``MASTER_SECRET_NEEDS_V17``.
* ``UmacConfigurator`` (service of the project; in the V17 API already): ``ProjectUsers`` (``Create(name,
  SecureString)``, walk, ``Roles.Add(role)``), ``SystemRoles``, ``CustomRoles``. No ``Siemens.Engineering.Umac`` at
  all (before V17): 422 ``UMAC_NEEDS_V18``, the code the fake gives by project version. Whether V17's
  ``ProjectUsers`` has ``Create`` is unconfirmed (the V17 stubs show no composition's own ``Create``).
* The CPU display's password has no Openness member: 501 ``NO_OPENNESS_EQUIVALENT``.

Passwords cross into .NET only as ``SecureString`` built here and are never logged or echoed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.security import (
    AccessPasswordState,
    MasterSecretResult,
    ProtectionInfo,
    SecurityPort,
    SecuritySummary,
    UmacRole,
    UmacUser,
)
from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    NotSupportedError,
    PermissionDeniedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules import cpu_protection as cp
from engineering_api.rules.umac import SYSTEM_ROLES, check_new_user, resolve_roles
from openness_bridge.device_lookup import article_type_identifier

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeSecurity", "secure_string")


def secure_string(text: str) -> Any:
    """A read-only ``System.Security.SecureString`` holding ``text``."""
    from System.Security import SecureString  # .NET is loaded late

    secret = SecureString()
    for char in text:
        secret.AppendChar(char)
    secret.MakeReadOnly()
    return secret


class BridgeSecurity(SecurityPort):
    """CPU protection, master secret and project users over Openness.

    Args:
        session: the Openness session: its calls, transactions, the open project and its devices.
    """

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    # ----- reaching the services ---------------------------------------------------------------
    def _features(self, name: str) -> Any:
        return getattr(self._session.namespace("Siemens.Engineering.HW.Features"), name, None)

    def _level_enum(self) -> Any:
        return self._session.namespace("Siemens.Engineering.HW").PlcProtectionAccessLevel

    def _cpu_security(self, project: Any, device: str) -> tuple[Any, bool]:
        """(``PlcAccessLevelProvider``, F-CPU) of a device's CPU item.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_PROTECTABLE`` (no PLC, or its CPU offers no access levels).
        """
        failsafe = cp.is_failsafe_order_number(article_type_identifier(self._session.find_device(project, device)))
        try:
            item, _ = self._session.plc_item(project, device)
        except ValidationError:
            item = None
        provider_type = self._features("PlcAccessLevelProvider")
        provider = self._session.service(item, provider_type) if item is not None and provider_type else None
        if provider is None:
            raise ValidationError(f"'{device}' is not an S7-1200/1500 CPU; it has no access levels.",
                                  code=codes.NOT_PROTECTABLE)
        return provider, failsafe

    def _master(self, project: Any, device: str) -> Any:
        self._cpu_security(project, device)
        item, _ = self._session.plc_item(project, device)
        kind = self._features("PlcMasterSecretConfigurator")
        service = self._session.service(item, kind) if kind is not None else None
        if service is None:
            raise ValidationError(
                f"The master secret for confidential PLC configuration data exists from TIA Portal V17; this TIA "
                f"Portal ({self._session.version}) or this CPU offers no PlcMasterSecretConfigurator.",
                code=codes.MASTER_SECRET_NEEDS_V17)
        return service

    def _umac(self, project: Any) -> Any:
        kind = getattr(self._session.namespace("Siemens.Engineering.Umac"), "UmacConfigurator",
                       None) if self._has_umac() else None
        service = (
            self._session.api.engineering.IEngineeringServiceProvider(project).GetService[kind]() if kind else None
        )
        if service is None:
            raise ValidationError(f"Project user management through Openness (UmacConfigurator) needs a TIA Portal "
                                  f"with Siemens.Engineering.Umac (V17 or newer); this is {self._session.version}.",
                                  code=codes.UMAC_NEEDS_V18)
        return service

    def _has_umac(self) -> bool:
        try:
            self._session.namespace("Siemens.Engineering.Umac")
        except ImportError:
            return False
        return True

    # ----- reading -----------------------------------------------------------------------------
    @staticmethod
    def _level_of(provider: Any, failsafe: bool) -> str:
        try:
            level = str(provider.PlcProtectionAccessLevel.ToString())
        except Exception:  # Siemens: the getter can throw on a CPU never protected; TIA's default then
            level = "None"
        return cp.levels_of(failsafe)[0] if level in ("None", "") else level

    def _protection_info(self, device: str, provider: Any, failsafe: bool) -> ProtectionInfo:
        level = self._level_of(provider, failsafe)
        required, allowed = cp.passwords_required(level, failsafe), cp.passwords_allowed(level, failsafe)
        rows = [AccessPasswordState(access_level=lv, is_set=None, required=lv in required, allowed=lv in allowed)
                for lv in cp.levels_of(failsafe)]
        return ProtectionInfo(device_name=device, protection_level=level, is_failsafe_cpu=failsafe,
                              available_levels=list(cp.levels_of(failsafe)), passwords=rows)

    def protection_level(self, device: str) -> ProtectionInfo:
        def run() -> ProtectionInfo:
            provider, failsafe = self._cpu_security(self._session.project(), device)
            return self._protection_info(device, provider, failsafe)

        return self._session.call("PlcAccessLevelProvider.PlcProtectionAccessLevel", run)

    def security_summary(self, device: str) -> SecuritySummary:
        def run() -> SecuritySummary:
            project = self._session.project()
            self._session.find_device(project, device)
            summary = SecuritySummary(device_name=device, display_password_set=None)
            try:
                users = list(self._umac(project).ProjectUsers)
                summary.umac_user_count, summary.project_protected = len(users), bool(users)
            except ValidationError:
                pass
            try:
                provider, failsafe = self._cpu_security(project, device)
            except ValidationError:
                provider = None
            if provider is not None:
                summary.protection_level, summary.is_failsafe_cpu = self._level_of(provider, failsafe), failsafe
                summary.access_passwords_set = None
                try:
                    summary.master_secret = str(self._master(project, device).MasterSecretConfiguration.ToString())
                except ValidationError:
                    pass
            summary.mechanisms = [name for name, on in (
                ("AccessLevel", summary.protection_level not in (None, cp.FULL, cp.FAILSAFE)),
                ("MasterSecret", summary.master_secret != "None"),
                ("ProjectUserManagement", summary.project_protected)) if on]
            return summary

        return self._session.call("PlcAccessLevelProvider/UmacConfigurator", run)

    # ----- access levels -----------------------------------------------------------------------
    def configure_protection(self, device: str, level: str, passwords: dict[str, str]) -> ProtectionInfo:
        def run() -> ProtectionInfo:
            provider, failsafe = self._cpu_security(self._session.project(), device)
            current = self._level_of(provider, failsafe)
            allowed = cp.passwords_allowed(level, failsafe)
            # Openness does not say which passwords are set: a required one counts as kept only when the level
            # already required it (TIA then has it); otherwise it must come with this call.
            kept = [lv for lv in cp.passwords_required(current, failsafe) if lv in allowed and lv not in passwords]
            cp.check_configuration(level, failsafe, passwords, kept)
            enum = self._level_enum()
            for gone in (lv for lv in cp.levels_of(failsafe) if lv not in allowed):
                provider.ResetPassword(getattr(enum, gone))  # TIA discards them when the level rises
            provider.PlcProtectionAccessLevel = getattr(enum, level)
            for lv, password in passwords.items():
                provider.SetPassword(getattr(enum, lv), secure_string(password))
            return self._protection_info(device, provider, failsafe)

        return self._session.change("PlcAccessLevelProvider.SetPassword", run, invocation=ValidationError)

    def set_access_password(self, device: str, level: str, password: str) -> ProtectionInfo:
        def run() -> ProtectionInfo:
            provider, failsafe = self._cpu_security(self._session.project(), device)
            current = self._level_of(provider, failsafe)
            others = [lv for lv in cp.passwords_required(current, failsafe) if lv != level]
            cp.check_configuration(current, failsafe, {level: password}, others)
            provider.SetPassword(getattr(self._level_enum(), level), secure_string(password))
            return self._protection_info(device, provider, failsafe)

        return self._session.change("PlcAccessLevelProvider.SetPassword", run, invocation=ValidationError)

    def delete_access_password(self, device: str, level: str) -> ProtectionInfo:
        def run() -> ProtectionInfo:
            provider, failsafe = self._cpu_security(self._session.project(), device)
            current = self._level_of(provider, failsafe)
            if level not in cp.levels_of(failsafe):
                raise ValidationError(f"'{level}' exists only on F-CPUs.", code=codes.FAILSAFE_LEVEL_NOT_AVAILABLE)
            if level in cp.passwords_required(current, failsafe):
                raise ValidationError(
                    f"The protection level '{current}' needs the {level} password; select "
                    f"{cp.levels_of(failsafe)[0]} first (POST .../security/configure) to remove it.",
                    code=codes.PASSWORD_REQUIRED, details={"accessLevel": level, "protectionLevel": current})
            provider.ResetPassword(getattr(self._level_enum(), level))
            return self._protection_info(device, provider, failsafe)

        return self._session.change("PlcAccessLevelProvider.ResetPassword", run)

    def set_display_password(self, device: str, password: str | None) -> SecuritySummary:
        self._session.call("PlcAccessLevelProvider", lambda: self._cpu_security(self._session.project(), device))
        raise NotSupportedError(
            "Openness has no member for the CPU display's password (it is set in TIA's device configuration, "
            "'Protection & Security' of the display, by hand).", code=codes.NO_OPENNESS_EQUIVALENT)

    # ----- master secret -----------------------------------------------------------------------
    def master_secret(
        self, device: str, action: str, password: str | None, new_password: str | None
    ) -> MasterSecretResult:
        def run() -> MasterSecretResult:
            service = self._master(self._session.project(), device)
            state = str(service.MasterSecretConfiguration.ToString())
            if action == "protect":
                if state != "None":
                    raise ConflictError(f"'{device}' already has a master secret; use action 'change'.",
                                        code=codes.MASTER_SECRET_SET)
                service.Protect(secure_string(cp.check_password_text(password)))
            elif action == "reset":
                service.Reset()
            else:
                if state == "None":
                    raise ConflictError(f"'{device}' has no master secret.", code=codes.MASTER_SECRET_NOT_SET)
                current = secure_string(cp.check_password_text(password))
                try:
                    if action == "change":
                        service.ChangePassword(current,
                                               secure_string(cp.check_password_text(new_password, "newPassword")))
                    else:
                        service.Unprotect(current)
                except EngineeringError:
                    raise
                except Exception as exc:  # TIA refuses a wrong current password; its text is kept, never the password
                    raise PermissionDeniedError("TIA refused the current master secret password.",
                                                code=codes.WRONG_PASSWORD, details={"detail": str(exc)[:200]}) from None
            return MasterSecretResult(device_name=device, action=action,
                                      master_secret=str(service.MasterSecretConfiguration.ToString()))

        return self._session.change(f"PlcMasterSecretConfigurator.{action}", run)

    # ----- UMAC --------------------------------------------------------------------------------
    @staticmethod
    def _user(user: Any) -> UmacUser:
        return UmacUser(name=str(user.Name), roles=[str(role.Name) for role in user.Roles])

    def umac_users(self) -> list[UmacUser]:
        return self._session.call("UmacConfigurator.ProjectUsers",
                          lambda: [self._user(u) for u in self._umac(self._session.project()).ProjectUsers])

    def create_umac_user(self, name: str, password: str, roles: list[str], description: str) -> UmacUser:
        def run() -> UmacUser:
            umac = self._umac(self._session.project())
            users = [str(u.Name) for u in umac.ProjectUsers]
            check_new_user(name, password, users)
            known = {str(r.Name): r for r in [*umac.SystemRoles, *umac.CustomRoles]}
            assigned = resolve_roles(roles, list(known), first_user=not users)
            user = umac.ProjectUsers.Create(name, secure_string(password))
            for role in assigned:
                user.Roles.Add(known[role])
            # No public source shows a ProjectUser description member: ``description`` is not written to TIA.
            return UmacUser(name=name, roles=[str(r.Name) for r in user.Roles])

        return self._session.change("ProjectUserComposition.Create", run)

    def umac_roles(self) -> list[UmacRole]:
        def run() -> list[UmacRole]:
            umac = self._umac(self._session.project())
            # Openness names no member listing a role's engineering function rights; a system role's are TIA's
            # documented ones (engineering_api.rules.umac), a custom role's are not read.
            system = [UmacRole(name=str(r.Name), kind="System", description=SYSTEM_ROLES.get(str(r.Name), ("", []))[0],
                               function_rights=list(SYSTEM_ROLES.get(str(r.Name), ("", []))[1]))
                               for r in umac.SystemRoles]
            return [*system, *(UmacRole(name=str(r.Name), kind="Custom") for r in umac.CustomRoles)]

        return self._session.call("UmacConfigurator.SystemRoles", run)
