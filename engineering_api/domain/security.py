"""Security & UMAC operations: CPU access levels and passwords, display password, master secret, project users.

TIA's rules (:mod:`engineering_api.rules.cpu_protection`): a CPU's protection level is what anyone gets without
a password; passwords exist only for the levels above it, the unprotected row needs one as soon as the CPU is
protected, and no two levels share one. ``configure`` selects a level and sets passwords at once (checked as a
whole, nothing changes on a 4xx); ``password`` sets one more; deleting a required one is refused.

Passwords are write-only: no answer carries one, the audit log records only method and path, and a job's stored
input has them replaced (:mod:`engineering_api.lib.redact`). Every change needs the admin role: these settings
decide who may download to and write into a CPU, which is more than an engineer's project changes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from engineering_api.backend import errors as e
from engineering_api.backend.areas.security import (
    MASTER_SECRET_ACTIONS,
    MasterSecretResult,
    ProtectionInfo,
    SecuritySummary,
    UmacRole,
    UmacUser,
)
from engineering_api.domain.common import NEEDS_PLC, DeviceRef
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.lib.security import Role
from engineering_api.rules import cpu_protection as cp
from engineering_api.rules.project_texts import ProjectTexts

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Security & UMAC"
DEVICE = "/api/devices/{deviceName}/security"


class PasswordInput(DeviceRef, kw_only=True):
    """A password for one access level above the selected one (``FullAccess``, ``ReadAccess``, ``HMIAccess``...)."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"password"})
    """Stored hashed, not as written (:class:`~engineering_api.rules.project_texts.ProjectTexts`)."""

    access_level: str
    """The access level the password opens: FullAccessIncludingFailsafe, FullAccess, ReadAccess, HMIAccess or NoAccess
    (or full, read, hmi, none)."""
    password: str


class DeletePasswordInput(DeviceRef, kw_only=True):
    """The access level whose password goes (path)."""

    access_level: str
    """The access level whose password is removed: FullAccessIncludingFailsafe, FullAccess, ReadAccess, HMIAccess or
    NoAccess (or full, read, hmi, none)."""


class DisplayPasswordInput(DeviceRef, kw_only=True):
    """The CPU display's password; ``remove: true`` (without a password) removes it."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"password"})
    """Stored hashed, not as written (:class:`~engineering_api.rules.project_texts.ProjectTexts`)."""

    password: str | None = None
    remove: bool = False
    """True removes the display's password (send no password with it)."""


class MasterSecretInput(DeviceRef, kw_only=True):
    """``protect`` (password), ``change`` (password = current, newPassword), ``unprotect`` (password), ``reset``."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"password", "new_password"})
    """Stored hashed, not as written (:class:`~engineering_api.rules.project_texts.ProjectTexts`)."""

    action: str = "protect"
    """What to do with the PLC master secret: protect, change, unprotect or reset (default protect)."""
    password: str | None = None
    new_password: str | None = None
    """For change: the new password (password then holds the current one)."""


class ConfigureInput(DeviceRef, kw_only=True):
    """The protection level to select and passwords per level (``{"FullAccess": "...", "ReadAccess": "..."}``)."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"passwords"})
    """Stored hashed, not as written (:class:`~engineering_api.rules.project_texts.ProjectTexts`)."""

    protection_level: str
    """The access level to select for the CPU: FullAccessIncludingFailsafe, FullAccess, ReadAccess, HMIAccess or
    NoAccess (or full, read, hmi, none)."""
    passwords: dict[str, str] = {}
    """Passwords by access level, e.g. {"FullAccess": "...", "ReadAccess": "..."}, for the levels above the selected
    one."""


class CreateUserInput(ProjectTexts, kw_only=True):
    """A new project user: name, password (8..120 characters, a letter and a digit) and role names."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"password"})
    """Stored hashed, not as written (:class:`~engineering_api.rules.project_texts.ProjectTexts`)."""

    name: str
    """Name of the new project (UMAC) user."""
    password: str
    roles: list[str] = []
    """Names of the project roles to give the user, e.g. ES Standard."""
    description: str = ""


def _levels(passwords: dict[str, str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for key, value in passwords.items():
        level = cp.parse_level(key, f"passwords.{key}")
        if level in parsed:
            raise e.ValidationError(f"The level {level} is given twice in passwords.", code=codes.INVALID_ACCESS_LEVEL,
                                    details={"field": f"passwords.{key}"})
        parsed[level] = value
    return parsed


def _display_password(d: DisplayPasswordInput) -> str | None:
    if d.remove == (d.password is not None):
        raise e.ValidationError('Send either "password" (to set it) or "remove": true (to remove it).',
                                code=codes.PASSWORD_OR_REMOVE, details={"field": "password"})
    return None if d.remove else cp.check_password_text(d.password)


def _action(d: MasterSecretInput) -> str:
    action = d.action.strip().lower()
    if action not in MASTER_SECRET_ACTIONS:
        raise e.ValidationError(f"Unknown action {d.action!r}; known: {', '.join(MASTER_SECRET_ACTIONS)}.",
                                code=codes.INVALID_ACTION, details={"field": "action"})
    if action != "reset" and not d.password:
        raise e.ValidationError(f"The action '{action}' needs \"password\".", code=codes.INVALID_PASSWORD,
                                details={"field": "password"})
    if action == "change" and not d.new_password:
        raise e.ValidationError("The action 'change' needs \"newPassword\".", code=codes.INVALID_PASSWORD,
                                details={"field": "newPassword"})
    return action


# ----- previews (dry runs) -------------------------------------------------------------------------
def _preview_delete(ctx: OperationContext, d: DeletePasswordInput) -> Preview:
    level = cp.parse_level(d.access_level)
    info = ctx.backend.security.protection_level(d.device_name)
    row = next((r for r in info.passwords if r.access_level == level), None)
    if row is None or row.is_set is False:  # null (TIA Portal: not known) is not refused, as the call
        raise e.NotFoundError(f"'{d.device_name}' has no password for {level}.", code=codes.PASSWORD_NOT_SET)
    if row.required:
        raise e.ValidationError(f"The protection level '{info.protection_level}' needs the {level} password.",
                                code=codes.PASSWORD_REQUIRED, details={"accessLevel": level})
    return plan(f"Would delete the {level} password of {d.device_name}.",
                [PlannedChange(action="delete", kind="password", name=level, device=d.device_name,
                               detail=f"protection level {info.protection_level}")])


def _preview_configure(ctx: OperationContext, d: ConfigureInput) -> Preview:
    level, passwords = cp.parse_level(d.protection_level, "protectionLevel"), _levels(d.passwords)
    info = ctx.backend.security.protection_level(d.device_name)
    allowed = cp.passwords_allowed(level, info.is_failsafe_cpu)
    # is_set is null on TIA Portal: a password the current level requires is there (as the bridge counts it)
    kept = [r.access_level for r in info.passwords if (r.is_set or (r.is_set is None and r.required))
            and r.access_level in allowed and r.access_level not in passwords]
    cp.check_configuration(level, info.is_failsafe_cpu, passwords, kept)
    changes = [PlannedChange(action="delete", kind="password", name=r.access_level, device=d.device_name,
                             detail=f"not possible at {level}" + (" (if set)" if r.is_set is None else ""))
               for r in info.passwords if r.is_set is not False and r.access_level not in allowed]
    changes += [PlannedChange(action="replace" if any(r.is_set and r.access_level == lv for r in info.passwords)
                              else "create", kind="password", name=lv, device=d.device_name) for lv in passwords]
    if level != info.protection_level:
        changes.insert(0, PlannedChange(action="replace", kind="protectionLevel", name=level, device=d.device_name,
                                        detail=f"now {info.protection_level}"))
    warnings = [] if cp.level_rank(level) >= cp.level_rank(info.protection_level) else [
        "The new level protects the CPU more: after the next download, downloads and writes need a password."]
    return plan(f"Would set the protection level of {d.device_name} to {level}.", changes, warnings)


def _preview_display(ctx: OperationContext, d: DisplayPasswordInput) -> Preview:
    password = _display_password(d)
    summary = ctx.backend.security.security_summary(d.device_name)
    if password is None and not summary.display_password_set:
        raise e.NotFoundError(f"'{d.device_name}' has no display password.", code=codes.PASSWORD_NOT_SET)
    action = "delete" if password is None else "replace" if summary.display_password_set else "create"
    return plan(f"Would {'remove' if password is None else 'set'} the display password of {d.device_name}.",
                [PlannedChange(action=action, kind="password", name="display", device=d.device_name)])


def _preview_master_secret(ctx: OperationContext, d: MasterSecretInput) -> Preview:
    action = _action(d)
    summary = ctx.backend.security.security_summary(d.device_name)
    state = summary.master_secret
    if action == "protect" and state != "None":
        raise e.ConflictError(f"'{d.device_name}' already has a master secret; use action 'change'.",
                              code=codes.MASTER_SECRET_SET)
    if action in ("change", "unprotect") and state == "None":
        raise e.ConflictError(f"'{d.device_name}' has no master secret.", code=codes.MASTER_SECRET_NOT_SET)
    verb = {"protect": "create", "change": "replace", "unprotect": "delete", "reset": "reset"}[action]
    warnings = ["The current password is checked only by the real call."] if action in ("change", "unprotect") else []
    if action == "reset":
        warnings.append("Reset removes the protected configuration data from the project and the PLC.")
    return plan(f"Would {action} the master secret of {d.device_name} (now {state}).",
                [PlannedChange(action=verb, kind="masterSecret", name=d.device_name, device=d.device_name,
                               detail=f"now {state}")], warnings)


# ----- handlers ------------------------------------------------------------------------------------
def _configure(ctx: OperationContext, d: ConfigureInput) -> ProtectionInfo:
    return ctx.backend.security.configure_protection(d.device_name,
                                                     cp.parse_level(d.protection_level, "protectionLevel"),
                                            _levels(d.passwords))


def _master_secret(ctx: OperationContext, d: MasterSecretInput) -> MasterSecretResult:
    return ctx.backend.security.master_secret(d.device_name, _action(d), d.password, d.new_password)


_ADMIN = Role.ADMIN
OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("security.summary", SECTION,
         "Get security summary for a device — shows which protection mechanisms are "
         "active.", f"{DEVICE}/summary", lambda ctx, d: ctx.backend.security.security_summary(d.device_name), DeviceRef,
         SecuritySummary, errors=NEEDS_PLC),
    read("security.protection-level.get", SECTION, "Get the current CPU protection level.",
         f"{DEVICE}/protection-level", lambda ctx, d: ctx.backend.security.protection_level(d.device_name), DeviceRef,
         ProtectionInfo, errors=NEEDS_PLC),
    Operation(
        name="security.password.set", summary="Set or change a password for a specific access level.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.security.set_access_password(
            d.device_name, cp.parse_level(d.access_level), d.password),
        input=PasswordInput, output=ProtectionInfo, route=RouteSpec("POST", f"{DEVICE}/password"), role=_ADMIN,
        errors=NEEDS_PLC, example={"accessLevel": "ReadAccess", "password": "R3ad-only!"},
        description="Only levels above the selected protection level take a password (422 "
                    "PASSWORD_LEVEL_NOT_PROTECTED); two levels cannot share one (422 PASSWORDS_NOT_DISTINCT). "
                    "Select a level first with POST .../security/configure.",
    ),
    Operation(
        name="security.password.delete", summary="Delete a password for a specific access level.", section=SECTION,
        handler=lambda ctx,
        d: ctx.backend.security.delete_access_password(d.device_name, cp.parse_level(d.access_level)),
        input=DeletePasswordInput, output=ProtectionInfo,
        route=RouteSpec("DELETE", f"{DEVICE}/password/{{accessLevel}}"),
        role=_ADMIN, errors=NEEDS_PLC, destructive=True, preview=_preview_delete,
        description="A password the selected level needs (the unprotected row) is refused: 422 PASSWORD_REQUIRED.",
    ),
    Operation(
        name="security.display-password.set", summary="Set the display password for a device (HMI display protection).",
        section=SECTION, handler=lambda ctx,
        d: ctx.backend.security.set_display_password(d.device_name, _display_password(d)),
        input=DisplayPasswordInput, output=SecuritySummary, route=RouteSpec("POST", f"{DEVICE}/display-password"),
        role=_ADMIN, errors=(*NEEDS_PLC, e.NotSupportedError), destructive=True, preview=_preview_display,
        example={"password": "D1splay!"},
        description="S7-1500 CPUs (they have a display). On TIA Portal: 501 NO_OPENNESS_EQUIVALENT (Openness has no "
                    "member for the display password).",
    ),
    Operation(
        name="security.master-secret", summary="Set the master secret for a device.", section=SECTION,
        handler=_master_secret, input=MasterSecretInput, output=MasterSecretResult,
        route=RouteSpec("POST", f"{DEVICE}/master-secret/actions"), role=_ADMIN,
        errors=(*NEEDS_PLC, e.ConflictError, e.PermissionDeniedError), destructive=True,
        preview=_preview_master_secret, example={"action": "protect", "password": "C0nfidential!"},
        description="The password protecting confidential PLC configuration data (TIA Portal V17 and later; older "
                    "projects: 422 MASTER_SECRET_NEEDS_V17). action: protect | change (password, newPassword) | "
                    "unprotect (password) | reset. A wrong current password: 403 WRONG_PASSWORD.",
    ),
    Operation(
        name="security.configure", summary="Configure security settings for a device (protection levels, access "
        "control).", section=SECTION, handler=_configure, input=ConfigureInput, output=ProtectionInfo,
        route=RouteSpec("POST", f"{DEVICE}/configure"), role=_ADMIN, errors=NEEDS_PLC, destructive=True,
        preview=_preview_configure,
        example={"protectionLevel": "ReadAccess", "passwords": {"FullAccess": "Fu11-access!"}},
        description="Selects the protection level and sets passwords in one step, all checked first. Passwords of "
                    "levels at or below the new level are removed, as TIA discards them; a level below full access "
                    "needs the full-access password (422 PASSWORD_REQUIRED). The CPU enforces the level after the "
                    "next download.",
    ),
    Operation(
        name="security.users.create", summary="Create a UMAC user in the project (User Management Access Control).",
        section=SECTION, handler=lambda ctx, d: ctx.backend.security.create_umac_user(d.name, d.password, d.roles,
                                                                            d.description),
        input=CreateUserInput, output=UmacUser, route=RouteSpec("POST", "/api/security/users"), role=_ADMIN,
        errors=(e.ValidationError, e.AlreadyExistsError, e.NoProjectOpenError, e.PortalUnavailableError),
        example={"name": "Engineer1", "password": "Commissioning24", "roles": ["ES Standard"]},
        description="The first user gets the role ES Administrator, as in TIA; a project with users is protected "
                    "(TIA cannot take that back). V18+ projects (422 UMAC_NEEDS_V18).",
    ),
    read("security.users.list", SECTION, "List all UMAC users in the project.", "/api/security/users",
         lambda ctx, d: ctx.backend.security.umac_users(), None, list[UmacUser],
         errors=(e.ValidationError, e.NoProjectOpenError, e.PortalUnavailableError)),
    read("security.roles.list", SECTION, "List all UMAC roles available in the project.", "/api/security/roles",
         lambda ctx, d: ctx.backend.security.umac_roles(), None, list[UmacRole],
         errors=(e.ValidationError, e.NoProjectOpenError, e.PortalUnavailableError)),
)
