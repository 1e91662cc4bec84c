"""Security of CPUs and of the project: access levels and passwords, display password, master secret, UMAC.

CPU protection (S7-1200/1500): the rules are :mod:`engineering_api.rules.cpu_protection`. Passwords and secrets
go in and never come out: every model here says only whether one is set. The fake keeps salted scrypt hashes;
TIA keeps them as TIA does (Openness takes them as ``SecureString``).

The master secret ("Protect confidential PLC configuration data") exists from TIA Portal V17; Openness names its
states ``None``, ``WithoutPassword``, ``WithPassword``, ``WithPasswordAllDataProtection``. UMAC (project users and
roles) is reached through Openness' ``UmacConfigurator`` from V18; both adapters refuse older projects alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "MASTER_SECRET_ACTIONS", "AccessPasswordState", "MasterSecretResult", "ProtectionInfo", "SecurityPort",
    "SecuritySummary", "UmacRole", "UmacUser",
)

MASTER_SECRET_ACTIONS = ("protect", "change", "unprotect", "reset")


class AccessPasswordState(CamelStruct):
    """One row of the CPU's protection table."""

    access_level: str
    is_set: bool | None = False
    """Null on TIA Portal: Openness does not say whether a level has a password."""
    required: bool = False
    """The selected level needs this password (the unprotected row, and full access on an F-CPU)."""
    allowed: bool = False
    """A password is possible for this row (it is above the selected level)."""


class ProtectionInfo(CamelStruct, kw_only=True):
    """The CPU's protection level and which passwords are set (never the passwords)."""

    device_name: str
    protection_level: str
    """What anyone gets without a password: an Openness ``PlcProtectionAccessLevel`` name."""
    is_failsafe_cpu: bool = False
    available_levels: list[str] = []
    passwords: list[AccessPasswordState] = []


class SecuritySummary(CamelStruct, kw_only=True):
    """Which protection mechanisms are active on a device."""

    device_name: str
    protection_level: str | None = None
    """Null for a device without access levels (not an S7-1200/1500 CPU)."""
    access_passwords_set: list[str] | None = []
    """Null on TIA Portal (Openness does not say)."""
    is_failsafe_cpu: bool = False
    display_password_set: bool | None = False
    """Null on TIA Portal (Openness has no member for it)."""
    master_secret: str = "None"
    """``None``, ``WithoutPassword``, ``WithPassword`` or ``WithPasswordAllDataProtection``."""
    project_protected: bool = False
    """UMAC: the project has users, so it is protected (TIA cannot take that back)."""
    umac_user_count: int = 0
    mechanisms: list[str] = []
    """Active mechanisms: ``AccessLevel``, ``DisplayPassword``, ``MasterSecret``, ``ProjectUserManagement``."""


class MasterSecretResult(CamelStruct, kw_only=True):
    """The master secret's state after an action."""

    device_name: str
    action: str
    master_secret: str


class UmacUser(CamelStruct, kw_only=True):
    """A project user (never the password)."""

    name: str
    roles: list[str] = []
    description: str = ""


class UmacRole(CamelStruct, kw_only=True):
    """A role with its function rights."""

    name: str
    kind: str
    """``System`` (TIA's own, cannot change) or ``Custom``."""
    description: str = ""
    function_rights: list[str] = []


class SecurityPort(ABC):
    """Security of the open project's CPUs and of the project itself.

    Errors common to the device methods: ``NotFoundError`` ``DEVICE_NOT_FOUND``; ``ValidationError``
    ``NOT_PROTECTABLE`` (not an S7-1200/1500 CPU).
    """

    @abstractmethod
    def security_summary(self, device: str) -> SecuritySummary:
        """Which mechanisms are active on a device (any device; a non-CPU shows none)."""

    @abstractmethod
    def protection_level(self, device: str) -> ProtectionInfo:
        """The CPU's protection level and its password rows."""

    @abstractmethod
    def configure_protection(self, device: str, level: str, passwords: dict[str, str]) -> ProtectionInfo:
        """Select a protection level and set passwords at once (all checked before anything changes).

        Passwords of levels at or below the new level are removed, as TIA discards them.

        Raises:
            ValidationError: the rules of :func:`engineering_api.rules.cpu_protection.check_configuration`; also
                ``PASSWORDS_NOT_DISTINCT`` when a new password equals a kept one.
        """

    @abstractmethod
    def set_access_password(self, device: str, level: str, password: str) -> ProtectionInfo:
        """Set or change the password of one level above the selected one.

        Raises:
            ValidationError: ``PASSWORD_LEVEL_NOT_PROTECTED``, ``PASSWORDS_NOT_DISTINCT``, ``INVALID_PASSWORD``,
                ``FAILSAFE_LEVEL_NOT_AVAILABLE``.
        """

    @abstractmethod
    def delete_access_password(self, device: str, level: str) -> ProtectionInfo:
        """Delete the password of one level.

        Raises:
            ValidationError: ``PASSWORD_REQUIRED`` (the selected level needs it: select full access first).
            NotFoundError: ``PASSWORD_NOT_SET``.
        """

    @abstractmethod
    def set_display_password(self, device: str, password: str | None) -> SecuritySummary:
        """Set (or with None remove) the password of the CPU's display (S7-1500 CPUs with a display).

        Raises:
            ValidationError: ``NO_DISPLAY``; ``INVALID_PASSWORD``; ``PASSWORDS_NOT_DISTINCT`` (an access-level
            password).
            NotFoundError: ``PASSWORD_NOT_SET`` (remove without one).
            NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` on TIA Portal (Openness has no member for it).
        """

    @abstractmethod
    def master_secret(
        self, device: str, action: str, password: str | None, new_password: str | None
    ) -> MasterSecretResult:
        """Protect, change, unprotect or reset the master secret for confidential PLC configuration data.

        Raises:
            ValidationError: ``MASTER_SECRET_NEEDS_V17`` (older project); ``INVALID_PASSWORD``.
            ConflictError: ``MASTER_SECRET_SET`` (protect when protected: change it), ``MASTER_SECRET_NOT_SET``.
            PermissionDeniedError: ``WRONG_PASSWORD`` (change/unprotect with a wrong current password).
        """

    @abstractmethod
    def umac_users(self) -> list[UmacUser]:
        """The project's users.

        Raises:
            ValidationError: ``UMAC_NEEDS_V18``.
        """

    @abstractmethod
    def create_umac_user(self, name: str, password: str, roles: list[str], description: str) -> UmacUser:
        """Create a project user with roles (the first user gets the administrator role, as in TIA).

        Raises:
            ValidationError: ``UMAC_NEEDS_V18``; ``INVALID_USER_NAME``; ``INVALID_PASSWORD``; ``ROLE_NOT_FOUND``;
                ``TOO_MANY_USERS``; ``TOO_MANY_ROLES``.
            AlreadyExistsError: ``USER_EXISTS``.
        """

    @abstractmethod
    def umac_roles(self) -> list[UmacRole]:
        """System and custom roles with their function rights.

        Raises:
            ValidationError: ``UMAC_NEEDS_V18``.
        """
