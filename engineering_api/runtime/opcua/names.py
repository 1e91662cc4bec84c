"""How an S7-1500's OPC UA server names and types a PLC's tags; shared by the simulated PLC's server, the OPC UA
source and the import of a project's released tags.

Node ids: every tag and method of an S7-1500 lives in the namespace ``http://www.siemens.com/simatic-s7-opcua``,
index 3 by default (S7-1500 Communication function manual A5E03735815-AJ, 05/2021, §9.1.5 "Addressing nodes"),
with a string identifier spelled as the tag: ``ns=3;s="Motor_DB"."speed"`` for a DB member, ``ns=3;s="Start"`` for
a PLC tag, ``ns=3;s="DB"."arr"[2]`` for an array element. The simulated PLC's server matches identifiers exactly
(case included), as the names are spelled in the program.

Data types follow the PLCopen mapping of IEC 61131-3 types to OPC UA built-in types (OPC 30000, Table 27), which
the S7-1500 uses for elementary types; S7's ``Time`` is a signed 32-bit count of milliseconds, so Int32. ``LDT``
(nanoseconds since 1970) is an OPC UA ``DateTime`` (S7-1500 Communication function manual A5E03735815-AF, 12/2017,
§9.1 table 9-1 "SIMATIC and OPC UA data types"; table 9-3 of the 05/2021 edition lists LDT - DateTime for server
methods too); DateTime counts 100 ns ticks, Python's datetime microseconds, so a value read through OPC UA keeps
the LDT's microseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = (
    "S7_NAMESPACE", "S7_NAMESPACE_INDEX", "node_identifier", "node_path", "plc_value", "variant_type_name",
    "variant_value",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

S7_NAMESPACE = "http://www.siemens.com/simatic-s7-opcua"
S7_NAMESPACE_INDEX = 3

_TOKEN = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([^."\[\]\s]+)|(\[[^\]]*\])|(\.))')

_VARIANT_TYPES = {
    "bool": "Boolean", "sint": "SByte", "int": "Int16", "dint": "Int32", "lint": "Int64",
    "usint": "Byte", "uint": "UInt16", "udint": "UInt32", "ulint": "UInt64",
    "byte": "Byte", "word": "UInt16", "dword": "UInt32", "lword": "UInt64",
    "real": "Float", "lreal": "Double", "time": "Int32", "ltime": "Int64",
    "string": "String", "wstring": "String", "char": "String", "wchar": "String", "ldt": "DateTime",
}


def node_path(name: str) -> list[str]:
    """The node identifiers from the tag's top to itself: ``"DB".a[1].b`` gives ``"DB"``, ``"DB"."a"``,
    ``"DB"."a"[1]``, ``"DB"."a"[1]."b"`` (each one a node of the address space).

    Raises:
        ValueError: not a tag name (empty, or characters outside names, quotes, dots and indices).
    """
    out: list[str] = []
    current = ""
    pos = 0
    text = name.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"not a PLC tag name: {name!r}")
        quoted, plain, index, _dot = match.groups()
        pos = match.end()
        if quoted is not None or plain is not None:
            member = quoted.replace('""', '"') if quoted is not None else plain
            current = f'{current}.{_quote(member)}' if current else _quote(member)
            out.append(current)
        elif index is not None:
            if not current:
                raise ValueError(f"not a PLC tag name: {name!r}")
            current += index.replace(" ", "")
            out.append(current)
    if not out:
        raise ValueError(f"not a PLC tag name: {name!r}")
    return out


def node_identifier(name: str) -> str:
    """The string identifier of a tag's node: ``"Motor_DB".speed`` gives ``"Motor_DB"."speed"``."""
    return node_path(name)[-1]


def variant_type_name(data_type: str) -> str | None:
    """The OPC UA built-in type of a TIA elementary type (``Real`` → ``Float``); None for the others."""
    base = data_type.strip().lower().split("[", 1)[0]
    return _VARIANT_TYPES.get(base)


def variant_value(type_name: str, value: Any) -> Any:
    """``value`` as the Python value of OPC UA built-in type ``type_name``.

    Raises:
        ValueError, TypeError: it cannot be one (a string for an Int16, ...).
    """
    if type_name == "String":
        return "" if value is None else str(value)
    if type_name == "DateTime":
        if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{value!r} is not an LDT (nanoseconds since 1970)")
        return _EPOCH + timedelta(microseconds=value // 1000)
    if type_name == "Boolean":
        if not isinstance(value, bool | int):
            raise TypeError(f"{value!r} is not a Boolean")
        return bool(value)
    if type_name in ("Float", "Double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{value!r} is not a number")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not an integer")
    return int(value)


def _quote(member: str) -> str:
    return '"' + member.replace('"', '""') + '"'


def plc_value(value: Any) -> Any:
    """A value an OPC UA client wrote, as the PLC holds it: a DateTime as an LDT's nanoseconds since 1970; any
    other value as it is."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        delta = aware - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
    return value
