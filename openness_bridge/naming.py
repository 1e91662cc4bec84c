"""Name checks the bridge makes before calling Openness, so refusals arrive as clear 422s.

Project names become a folder and a file name on Windows, so Windows file-name rules apply
(``\\ / : * ? " < > |``, control characters, reserved device names, no trailing period or space).
TIA would refuse these too, but with a generic ``EngineeringTargetInvocationException``; checking first
gives the engineer the exact rule. The 128-character limit matches the fake's model of TIA's limit.
"""

from __future__ import annotations

from engineering_api.backend.errors import ValidationError

__all__ = ("MAX_NAME", "check_device_name", "check_project_name")

MAX_NAME = 128
_FORBIDDEN = frozenset('\\/:*?"<>|')
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})


def _check(kind: str, name: str) -> None:
    if not name or not name.strip():
        raise ValidationError(f"The {kind} name must not be empty.", code="INVALID_NAME")
    if name != name.strip():
        raise ValidationError(f"The {kind} name '{name}' must not begin or end with a space.", code="INVALID_NAME")
    if len(name) > MAX_NAME:
        raise ValidationError(f"The {kind} name is longer than {MAX_NAME} characters.", code="INVALID_NAME")
    bad = sorted({c for c in name if c in _FORBIDDEN or ord(c) < 32})
    if bad:
        raise ValidationError(
            f"The {kind} name '{name}' contains characters Windows does not allow: {' '.join(map(repr, bad))}.",
            code="INVALID_NAME", details={"forbidden": bad},
        )
    if name.endswith("."):
        raise ValidationError(f"The {kind} name '{name}' must not end with a period.", code="INVALID_NAME")
    if name.split(".")[0].upper() in _RESERVED:
        raise ValidationError(f"'{name}' is a reserved name on Windows and cannot be used.", code="INVALID_NAME")


def check_project_name(name: str, version: str) -> None:
    """Raise ``ValidationError`` unless ``name`` works as a project folder and ``name.apNN`` file name."""
    _check("project", name)
    file_name = f"{name}.ap{version[1:]}"
    if len(file_name.encode("utf-8")) > 255:
        raise ValidationError(
            f"The project file name '{file_name}' is too long for the file system (255 bytes in UTF-8).",
            code="INVALID_NAME",
        )


def check_device_name(name: str) -> None:
    """Raise ``ValidationError`` unless ``name`` is an acceptable device name."""
    _check("device", name)
