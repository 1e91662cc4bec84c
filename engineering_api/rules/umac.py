"""UMAC (project user management) rules both adapters apply before anything changes.

System roles and limits follow Siemens' documentation of project user management (SINAMICS Startdrive
commissioning manual 06/2020, "Project protection and user administration": the roles "ES Administrator", with
all three engineering function rights, assigned to the first user, and "ES Standard"; the SIMOTICS S200 manual's
limits: 25 users besides "Anonymous", 10 roles per user, user names up to 100 characters, passwords up to 120).
The password guideline (8+ characters with a letter and a digit) is this service's default, like TIA's
configurable one.
"""

from __future__ import annotations

from engineering_api.backend.errors import AlreadyExistsError, ValidationError
from engineering_api.errors import codes

__all__ = ("ADMIN_ROLE", "MAX_ROLES_PER_USER", "MAX_USERS", "SYSTEM_ROLES", "check_new_user", "resolve_roles")

ADMIN_ROLE = "ES Administrator"
SYSTEM_ROLES: dict[str, tuple[str, list[str]]] = {
    ADMIN_ROLE: ("Administers the protected project; assigned to the first project user.",
                 ["Open project read-only", "Open project read/write", "Manage users and roles"]),
    "ES Standard": ("Works on the protected project.", ["Open project read-only", "Open project read/write"]),
}
"""name -> (description, function rights): TIA's system-defined engineering roles."""
MAX_USERS = 25
MAX_ROLES_PER_USER = 10
_NAME_MAX = 100
_PASSWORD_MIN, _PASSWORD_MAX = 8, 120
_RESERVED = {"anonymous"}


def check_new_user(name: str, password: str, existing: list[str]) -> None:
    """A new user's name and password, before anything changes.

    Raises:
        ValidationError: ``INVALID_USER_NAME``, ``INVALID_PASSWORD``, ``TOO_MANY_USERS``.
        AlreadyExistsError: ``USER_EXISTS`` (names are unique ignoring case).
    """
    if not name or not name.strip() or len(name) > _NAME_MAX or name != name.strip() or any(c < " " for c in name):
        raise ValidationError(f"A user name has 1..{_NAME_MAX} characters, no leading or trailing blanks and no "
                              "control characters.", code=codes.INVALID_USER_NAME, details={"field": "name"})
    if name.lower() in _RESERVED:
        raise ValidationError(f"'{name}' is TIA's built-in user.", code=codes.INVALID_USER_NAME,
                              details={"field": "name"})
    if any(n.lower() == name.lower() for n in existing):
        raise AlreadyExistsError(f"The project user '{name}' exists.", code=codes.USER_EXISTS)
    if len(existing) >= MAX_USERS:
        raise ValidationError(f"A project has at most {MAX_USERS} users besides Anonymous.", code=codes.TOO_MANY_USERS)
    if (not isinstance(password, str) or not _PASSWORD_MIN <= len(password) <= _PASSWORD_MAX
            or not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password)):
        raise ValidationError(
            f"The password does not meet the password guideline: {_PASSWORD_MIN}..{_PASSWORD_MAX} characters with at "
            "least one letter and one digit.", code=codes.INVALID_PASSWORD, details={"field": "password"})
    if password == name:
        raise ValidationError("The password must differ from the user name.", code=codes.INVALID_PASSWORD,
                              details={"field": "password"})


def resolve_roles(wanted: list[str], known: list[str], *, first_user: bool) -> list[str]:
    """The roles by their exact names (matched ignoring case), the administrator role added for the first user.

    Raises:
        ValidationError: ``ROLE_NOT_FOUND``, ``TOO_MANY_ROLES``.
    """
    by_key = {k.lower(): k for k in known}
    roles: list[str] = []
    for role in wanted:
        name = by_key.get(role.strip().lower())
        if name is None:
            raise ValidationError(f"The role '{role}' does not exist. Roles: {', '.join(known)}.",
                                  code=codes.ROLE_NOT_FOUND, details={"role": role, "known": known})
        if name not in roles:
            roles.append(name)
    if first_user and ADMIN_ROLE not in roles:
        roles.insert(0, ADMIN_ROLE)
    if len(roles) > MAX_ROLES_PER_USER:
        raise ValidationError(f"A user has at most {MAX_ROLES_PER_USER} roles.", code=codes.TOO_MANY_ROLES)
    return roles
