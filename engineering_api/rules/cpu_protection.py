"""TIA's rules for the protection of S7-1200/1500 CPUs: access levels and their passwords (both adapters).

The levels, most privileged first, are Openness' ``PlcProtectionAccessLevel`` members:
``FullAccessIncludingFailsafe`` (F-CPUs only), ``FullAccess``, ``ReadAccess``, ``HMIAccess``, ``NoAccess``. TIA's
"Protection & Security" table selects one level: that is what anyone gets without a password. Passwords exist
only for the levels above the selected one (TIA greys out the others); the top row of the CPU's table (full
access, or full access including fail-safe on an F-CPU) must have one as soon as anything is protected, and on
an F-CPU so must full access. Two levels never share a password.

What a password grants: the most privileged level whose password it is; without one, the selected level.
A download and an engineering write need full access; an HMI write needs HMI access; reads need HMI access
(an HMI's reads) or read access (TIA's monitoring).
"""

from __future__ import annotations

import re

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

__all__ = (
    "FAILSAFE", "FULL", "HMI", "LEVELS", "NONE", "PASSWORD_MAX", "READ", "check_configuration", "check_password_text",
    "is_failsafe_cpu", "is_failsafe_order_number", "level_rank", "levels_of", "parse_level", "passwords_allowed",
    "passwords_required",
    "supports_protection",
)

FAILSAFE = "FullAccessIncludingFailsafe"
FULL = "FullAccess"
READ = "ReadAccess"
HMI = "HMIAccess"
NONE = "NoAccess"
LEVELS = (FAILSAFE, FULL, READ, HMI, NONE)
"""Most privileged first, as TIA's table lists them."""
_RANK = {NONE: 0, HMI: 1, READ: 2, FULL: 3, FAILSAFE: 4}
_ALIASES = {
    "fullaccessincludingfailsafe": FAILSAFE, "failsafe": FAILSAFE, "fullincludingfailsafe": FAILSAFE,
    "fullaccess": FULL, "full": FULL, "read": READ, "readaccess": READ, "hmi": HMI, "hmiaccess": HMI,
    "noaccess": NONE, "none": NONE, "no": NONE, "completeprotection": NONE,
}
PASSWORD_MAX = 120
"""Longest password the service takes (TIA's user-management limit; a CPU password is shorter in practice)."""
_F_CPU = re.compile(r"CPU \d{4}(?:SP )?T?F", re.IGNORECASE)


def parse_level(text: str, field: str = "accessLevel") -> str:
    """An access level from its Openness name or a short alias (``full``, ``read``, ``hmi``, ``none``), any case.

    Raises:
        ValidationError: ``INVALID_ACCESS_LEVEL``.
    """
    level = _ALIASES.get(re.sub(r"[\s_\-.()]", "", text or "").lower())
    if level is None:
        raise ValidationError(
            f"Unknown access level {text!r}. Known: {', '.join(LEVELS)} (or full, read, hmi, none).",
            code=codes.INVALID_ACCESS_LEVEL, details={"field": field, "known": list(LEVELS)})
    return level


def level_rank(level: str) -> int:
    """Privilege order: NoAccess 0 ... FullAccessIncludingFailsafe 4."""
    return _RANK[level]


def is_failsafe_cpu(family: str, type_name: str = "") -> bool:
    """Whether the CPU is an F-CPU (S7-1500F/1200F family, or an F in the type: ``CPU 1516F``, ``1511TF``)."""
    return family.rstrip().upper().endswith("F") or bool(_F_CPU.search(type_name or ""))


def is_failsafe_order_number(order_number: str) -> bool:
    """Whether an article is an F-CPU by its number: S7-1500 ``6ES7 51x-xF..`` (F), ``-xU..`` (TF), ``-xS..``
    (ET 200SP F); S7-1200 ``6ES7 21x-xxF..``. The bridge has only the type identifier to go by."""
    order = order_number.replace("OrderNumber:", "").split("/")[0].strip().upper()
    return bool(re.match(r"6ES7 51\d-\d[FUS]", order) or re.match(r"6ES7 21\d-\d[A-Z]F", order))


def supports_protection(device_kind: str, family: str) -> bool:
    """Access levels are a feature of S7-1200/1500 CPUs (ET 200SP CPUs are S7-1500 CPUs)."""
    return device_kind == "plc" and (family.startswith("S7-1200") or family.startswith("S7-1500")
                                     or family.startswith("ET 200SP"))


def levels_of(failsafe: bool) -> tuple[str, ...]:
    """The rows of the CPU's table, most privileged first."""
    return LEVELS if failsafe else LEVELS[1:]


def passwords_allowed(selected: str, failsafe: bool) -> list[str]:
    """Levels that may have a password: those above the selected one."""
    return [lv for lv in levels_of(failsafe) if _RANK[lv] > _RANK[selected]]


def passwords_required(selected: str, failsafe: bool) -> list[str]:
    """Levels that must have a password: the top row (and full access on an F-CPU) once anything is protected."""
    top = levels_of(failsafe)[0]
    if selected == top:
        return []
    required = [top]
    if failsafe and _RANK[selected] < _RANK[FULL]:
        required.append(FULL)
    return required


def check_password_text(password: str | None, field: str = "password") -> str:
    """A password as TIA takes it: not empty, at most :data:`PASSWORD_MAX` characters.

    Raises:
        ValidationError: ``INVALID_PASSWORD`` (the message never repeats the password).
    """
    if not isinstance(password, str) or not password:
        raise ValidationError("The password must not be empty.", code=codes.INVALID_PASSWORD, details={"field": field})
    if len(password) > PASSWORD_MAX:
        raise ValidationError(f"The password is longer than {PASSWORD_MAX} characters.", code=codes.INVALID_PASSWORD,
                              details={"field": field})
    return password


def check_configuration(selected: str, failsafe: bool, new_passwords: dict[str, str], kept: list[str]) -> None:
    """Check a whole configuration before anything changes: the level, the new passwords and the ones kept.

    Args:
        selected: the level to select.
        failsafe: whether the CPU is an F-CPU.
        new_passwords: level -> new password given in the request.
        kept: levels whose existing password stays (the caller drops the ones not allowed any more).

    Raises:
        ValidationError: ``FAILSAFE_LEVEL_NOT_AVAILABLE`` (a standard CPU), ``PASSWORD_LEVEL_NOT_PROTECTED`` (a password
            for the selected level or one below it), ``PASSWORD_REQUIRED`` (a required password missing),
            ``PASSWORDS_NOT_DISTINCT`` (two levels with one password), ``INVALID_PASSWORD``.
    """
    rows = levels_of(failsafe)
    for level in (selected, *new_passwords):
        if level not in rows:
            raise ValidationError(
                f"'{level}' exists only on F-CPUs; this CPU's levels are {', '.join(rows)}.",
                code=codes.FAILSAFE_LEVEL_NOT_AVAILABLE, details={"accessLevel": level})
    allowed = passwords_allowed(selected, failsafe)
    for level, password in new_passwords.items():
        check_password_text(password, f"passwords.{level}")
        if level not in allowed:
            raise ValidationError(
                f"A password for '{level}' is not possible while the protection level is '{selected}': TIA takes "
                f"passwords only for the levels above the selected one ({', '.join(allowed) or 'none'}).",
                code=codes.PASSWORD_LEVEL_NOT_PROTECTED, details={"accessLevel": level, "protectionLevel": selected,
                                                              "allowed": allowed})
    have = set(new_passwords) | set(kept)
    missing = [lv for lv in passwords_required(selected, failsafe) if lv not in have]
    if missing:
        raise ValidationError(
            f"The protection level '{selected}' needs a password for {', '.join(missing)} (TIA requires the "
            "password of the unprotected row as soon as the CPU is protected).",
            code=codes.PASSWORD_REQUIRED, details={"missing": missing, "protectionLevel": selected})
    values = list(new_passwords.values())
    if len(set(values)) != len(values):
        raise ValidationError("Two access levels cannot have the same password.", code=codes.PASSWORDS_NOT_DISTINCT,
                              details={"levels": sorted(new_passwords)})
