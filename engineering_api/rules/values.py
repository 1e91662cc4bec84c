"""TIA's rules for tag and constant names, data types and constant values (no model state here)."""

from __future__ import annotations

import re

from simatic_xml.generate.datatypes import ELEMENTARY

__all__ = ("MAX_NAME", "PRIMARY_CULTURE", "RuleError", "check_name", "check_value", "resolve_type")

MAX_NAME = 128
PRIMARY_CULTURE = "en-US"
"""The comment language the port reads and writes; other languages of a comment are left as they are."""


class RuleError(ValueError):
    """A rule TIA enforces was broken; ``str()`` is the reason."""


_BAD_CHARS = re.compile(r'["\x00-\x1f\x7f]')
_ARRAY = re.compile(r"Array\s*\[\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\]\s+of\s+(.+)\Z", re.IGNORECASE)
_STRING = re.compile(r"(W?String)\s*(?:\[\s*(\d+)\s*\])?\Z", re.IGNORECASE)
_SYSTEM_PREFIXES = ("HW_", "OB_", "EVENT_", "CONN_", "PORT", "PIP", "RTM", "AOM_", "DB_ANY", "DB_WWW", "DB_DYN")
_NOT_FOR_TAGS = {"Variant", "DTL", "Date_And_Time", "LDT"}
_TYPE_CACHE: dict[str, str] = {}


def check_name(name: str, what: str = "tag") -> str:
    """A tag, constant or table name: 1–128 characters, no quotes or control characters, no outer blanks.

    Raises:
        RuleError: the name breaks a rule.
    """
    if not name:
        raise RuleError(f"the {what} name is empty")
    if len(name) > MAX_NAME:
        raise RuleError(f"the {what} name has {len(name)} characters; at most {MAX_NAME} are allowed")
    if name != name.strip():
        raise RuleError(f"the {what} name must not start or end with a blank")
    if _BAD_CHARS.search(name):
        raise RuleError(f'the {what} name must not contain " or control characters')
    return name


def resolve_type(data_type: str, udts: dict[str, str], *, for_constant: bool = False) -> tuple[str, bool]:
    """Canonical spelling of a data type and whether it is structured (UDT, array, string).

    ``udts`` maps lower-cased PLC data type names to their spelling. UDTs are written quoted
    (``"Motor"``), as TIA exports them.

    Raises:
        RuleError: the data type does not exist in the PLC or cannot be used here.
    """
    raw = data_type.strip()
    cached = _TYPE_CACHE.get(raw)
    if cached is not None and (not for_constant or cached not in ("Timer", "Counter")):
        return cached, False
    if not raw:
        raise RuleError("the data type is empty")
    upper = raw.upper()
    elementary = ELEMENTARY.get(upper)
    if elementary is not None:
        if elementary in _NOT_FOR_TAGS:
            if not for_constant:
                raise RuleError(f"the data type {elementary} cannot be used for a PLC tag")
            return elementary, False
        _TYPE_CACHE[raw] = elementary
        return elementary, False
    if upper in ("TIMER", "COUNTER") and not for_constant:
        canonical = upper.title()
        _TYPE_CACHE[raw] = canonical
        return canonical, False
    if upper.startswith(_SYSTEM_PREFIXES):
        return raw, False
    string = _STRING.match(raw)
    if string:
        kind = "WString" if string.group(1).upper() == "WSTRING" else "String"
        length = int(string.group(2)) if string.group(2) else 254
        if not 1 <= length <= (16382 if kind == "WString" else 254):
            raise RuleError(f"{raw}: the string length is out of range")
        return f"{kind}[{length}]" if string.group(2) else kind, True
    array = _ARRAY.match(raw)
    if array:
        low, high = int(array.group(1)), int(array.group(2))
        if low > high:
            raise RuleError(f"{raw}: the lower array bound is above the upper one")
        element, _ = resolve_type(array.group(3), udts, for_constant=for_constant)
        if element.upper().startswith("ARRAY"):
            raise RuleError(f"{raw}: arrays of arrays are not allowed; use Array[a..b, c..d]")
        return f"Array[{low}..{high}] of {element}", True
    name = raw[1:-1] if len(raw) > 1 and raw.startswith('"') and raw.endswith('"') else raw
    udt = udts.get(name.lower())
    if udt is not None and not for_constant:
        return f'"{udt}"', True
    raise RuleError(
        f"the data type {raw} does not exist: use an elementary type (Bool, Int, Real ...) or a PLC data type of this "
        "PLC"
    )


_INT_RANGES = {
    "SInt": (-(2**7), 2**7 - 1), "Int": (-(2**15), 2**15 - 1), "DInt": (-(2**31), 2**31 - 1),
    "LInt": (-(2**63), 2**63 - 1),
    "USInt": (0, 2**8 - 1), "UInt": (0, 2**16 - 1), "UDInt": (0, 2**32 - 1), "ULInt": (0, 2**64 - 1),
    "Byte": (0, 2**8 - 1), "Word": (0, 2**16 - 1), "DWord": (0, 2**32 - 1), "LWord": (0, 2**64 - 1),
}
_RADIX = re.compile(r"(?:(16|8|2)#)?([0-9A-Fa-f_]+)\Z")
_TYPED = re.compile(r"[A-Za-z_]+#(.+)\Z")


def check_value(data_type: str, value: str) -> str:
    """A constant's value must be a literal of its type (``16#FF``, ``-5``, ``TRUE``, ``1.5``, ``T#2s``).

    Raises:
        RuleError: the value does not fit the type.
    """
    text = value.strip()
    if not text:
        raise RuleError("the value is empty")
    typed = _TYPED.match(text)
    body = typed.group(1) if typed and not text.upper().startswith(("T#", "LT#", "D#", "TOD#", "LTOD#", "DT#",
                                                                    "S5T#")) \
        and not re.match(r"(16|8|2)#", text) else text
    if data_type == "Bool":
        if body.upper() not in ("TRUE", "FALSE", "0", "1"):
            raise RuleError(f"'{value}' is not a Bool value (TRUE or FALSE)")
        return text
    if data_type in _INT_RANGES:
        negative = body.startswith("-")
        m = _RADIX.match(body.lstrip("+-"))
        if m is None:
            raise RuleError(f"'{value}' is not a {data_type} value")
        try:
            number = int(m.group(2).replace("_", ""), int(m.group(1) or 10))
        except ValueError:
            raise RuleError(f"'{value}' is not a {data_type} value") from None
        number = -number if negative else number
        low, high = _INT_RANGES[data_type]
        if not low <= number <= high:
            raise RuleError(f"'{value}' is out of range for {data_type} ({low} to {high})")
        return text
    if data_type in ("Real", "LReal"):
        try:
            float(body.replace("_", ""))
        except ValueError:
            raise RuleError(f"'{value}' is not a {data_type} value") from None
        return text
    if data_type.upper().startswith(_SYSTEM_PREFIXES):
        if not body.isdigit():
            raise RuleError(f"'{value}' is not a {data_type} value (a hardware or object identifier)")
        return text
    return text
