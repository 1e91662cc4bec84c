"""How a pulled document becomes tag values: its parsing (JSON or XML), the field paths of a mapping, and each
value's check against its tag's data type, all before anything is written.

A path names one field: ``order.lines[0].qty``, a leading ``$.`` allowed, or any RFC 9535 JSONPath that names at
most one field (``$[0].recipe.setpoint`` for a document that is an array, ``$['order']['lines'][0]``), evaluated by
python-jsonpath (the dotted form is read as its normalized path). In an XML document the
root element is the path's first step, child elements are fields, repeated children a list, ``@name`` an attribute
and an element's text its value: ``<order id="7"><qty>5</qty></order>`` has ``order.@id`` = ``"7"`` and ``order.qty``
= ``"5"``. XML is parsed without DTDs, entities or network access (``defusedxml``'s rules through lxml's options).
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from jsonpath import JSONPathEnvironment, JSONPathError, JSONPath
from lxml import etree
from engineering_api.errors import codes
from simatic_xml.safe import UnsafeXmlError, XmlSyntaxError, parse_untrusted

from engineering_api.backend.errors import ValidationError
from engineering_api.lib import bounded_json

__all__ = ("MAX_DOCUMENT_BYTES", "WRITABLE_TYPES", "MappingError", "check_path", "coerce", "extract", "parse")

MAX_DOCUMENT_BYTES = 1_000_000
"""A pulled or posted document larger than this is refused (an ERP order is a few KB)."""

_JSONPATH = JSONPathEnvironment(strict=True)
"""python-jsonpath held to RFC 9535 (no extensions of its own)."""
_STEP = re.compile(r"(@?[A-Za-z_][\w\-]*)|\[(\d{1,6})\]")
_INTEGER_RANGES = {
    "SInt": (-(2**7), 2**7 - 1), "Int": (-(2**15), 2**15 - 1), "DInt": (-(2**31), 2**31 - 1),
    "LInt": (-(2**63), 2**63 - 1), "USInt": (0, 2**8 - 1), "UInt": (0, 2**16 - 1), "UDInt": (0, 2**32 - 1),
    "ULInt": (0, 2**64 - 1), "Byte": (0, 2**8 - 1), "Word": (0, 2**16 - 1), "DWord": (0, 2**32 - 1),
    "LWord": (0, 2**64 - 1),
}
"""Ranges from the data types' definitions (STEP 7 help, "Integers" and "Bit strings")."""
_REAL_LIMIT = {"Real": 3.402823e38, "LReal": 1.7976931348623157e308}
WRITABLE_TYPES = frozenset({"Bool", *_INTEGER_RANGES, *_REAL_LIMIT, "String", "WString"})
"""Tag types a mapping may write: each value is checked here before any is written, so a run writes all or none."""


@dataclass(frozen=True, slots=True)
class MappingError(Exception):
    """One field that cannot be written: which, and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


def _steps(path: str) -> tuple[str | int, ...] | int:
    """The steps of a path in this module's own dotted form (``order.lines[0].qty``, ``order.@id``, a leading ``$.``
    allowed), or where a path not in that form leaves it."""
    text = path[2:] if path.startswith("$.") else path
    steps: list[str | int] = []
    position = 0
    while position < len(text) or not steps:
        if steps and text[position] == ".":
            position += 1
        match = _STEP.match(text, position)
        if match is None:
            return position
        steps.append(match.group(1) if match.group(1) else int(match.group(2)))
        position = match.end()
    return tuple(steps)


@functools.lru_cache(maxsize=1024)
def check_path(path: str) -> JSONPath:
    """The query of a field path: the dotted form as its RFC 9535 normalized path, any other path starting with
    ``$`` as RFC 9535 JSONPath (``$[0].recipe.setpoint``), which must name at most one field (a singular query).

    Raises:
        ValidationError: ``PULL_MAPPING_INVALID``, the path is neither, or may name several fields.
    """
    dotted = _steps(path)
    if isinstance(dotted, tuple):
        text = "$" + "".join(f"[{s}]" if isinstance(s, int) else f"[{json.dumps(s)}]" for s in dotted)
    elif path.startswith("$"):
        text = path
    else:
        raise ValidationError(f"Field path {path!r}: unexpected {path[dotted:dotted + 10]!r} at {dotted} "
                              "(steps are names, @attributes and [index], e.g. order.lines[0].qty, or JSONPath "
                              "from $, e.g. $[0].recipe.setpoint)", code=codes.PULL_MAPPING_INVALID)
    try:
        query = _JSONPATH.compile(text)
    except JSONPathError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValidationError(f"Field path {path!r} is not JSONPath (RFC 9535): {first}",
                              code=codes.PULL_MAPPING_INVALID) from None
    if not isinstance(query, JSONPath) or not query.singular_query():
        raise ValidationError(f"Field path {path!r} may name several fields (a wildcard, slice, filter or ..): a "
                              "mapping writes one value, name it by names and indexes", code=codes.PULL_MAPPING_INVALID)
    return query


def _xml_value(element: Any) -> Any:
    children = list(element)
    if not children and not element.attrib:
        return element.text or ""
    value: dict[str, Any] = {f"@{k}": v for k, v in element.attrib.items()}
    for child in children:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        converted = _xml_value(child)
        if child.tag in value:
            existing = value[child.tag]
            value[child.tag] = [*existing, converted] if isinstance(existing, list) else [existing, converted]
        else:
            value[child.tag] = converted
    if not children and element.text and element.text.strip():
        value["#text"] = element.text
    return value


def parse(raw: bytes, content_type: str) -> Any:
    """The document as JSON values (XML converted as the module says).

    Raises:
        MappingError: ``$`` (the whole document) too large, not UTF-8 JSON, not well-formed XML, or with a DTD.
    """
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise MappingError("$", f"the document is larger than {MAX_DOCUMENT_BYTES} bytes")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind.endswith("xml") or kind.endswith("+xml") or (not kind and raw.lstrip()[:1] == b"<"):
        try:  # the one hardened parse of outside XML: no DTD or entity, libxml2's depth limit (256) kept
            root = parse_untrusted(raw, max_bytes=MAX_DOCUMENT_BYTES).getroot()
        except UnsafeXmlError:
            raise MappingError("$", "an XML document with a DTD is refused") from None
        except XmlSyntaxError as exc:
            # lxml's message quotes the document's own names: only where it broke is said
            cause = exc.__cause__
            where = f" (line {cause.lineno}, column {cause.offset})" if isinstance(cause, etree.XMLSyntaxError) else ""
            raise MappingError("$", f"not well-formed XML{where}") from None
        return {root.tag: _xml_value(root)}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MappingError("$", f"not UTF-8 (byte {exc.start})") from None
    try:
        return bounded_json.loads(text)
    except bounded_json.JsonTooDeep as exc:
        raise MappingError("$", str(exc)) from None
    except json.JSONDecodeError as exc:
        raise MappingError("$", f"not JSON (line {exc.lineno}, column {exc.colno})") from None
    except ValueError:
        raise MappingError("$", "not JSON") from None


def extract(document: Any, path: str) -> Any:
    """The value at ``path`` (Raises MappingError naming the path: a missing field, an index past the end)."""
    found = check_path(path).findall(document)
    if not found:
        raise MappingError(path, "the document has no field at this path")
    value = found[0]
    if isinstance(value, dict) and set(value) == {"#text"} | {k for k in value if k.startswith("@")}:
        value = value.get("#text", "")
    if isinstance(value, (dict, list)):
        raise MappingError(path, "the field is an object or a list, not a value")
    return value


def _kind(value: Any) -> str:
    """What a source's value is, for an error: never the value itself (a document may hold anything, and errors
    are kept in the run log and ``lastError`` and logged)."""
    if isinstance(value, bool):
        return "a Boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "an empty text" if not value.strip() else "a text"
    return {type(None): "null", dict: "an object", list: "a list"}.get(type(value), "a value")


def coerce(value: Any, data_type: str, field: str) -> Any:
    """``value`` as the tag's type takes it (XML text converted), or MappingError naming ``field``."""
    text = value.strip() if isinstance(value, str) else value
    if data_type == "Bool":
        if isinstance(text, bool):
            return text
        if text in (0, 1, "0", "1", "true", "false", "TRUE", "FALSE", "True", "False"):
            return str(text).lower() in ("1", "true")
        raise MappingError(field, f"{_kind(value)} is not a Bool (true, false, 1 or 0)")
    if data_type in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[data_type]
        if isinstance(text, bool) or isinstance(text, float) and not text.is_integer():
            raise MappingError(field, f"{_kind(value)} is not a whole number for {data_type}")
        try:
            whole = int(text)
        except (TypeError, ValueError):
            raise MappingError(field, f"{_kind(value)} is not a whole number for {data_type}") from None
        if not low <= whole <= high:
            raise MappingError(field, f"the number is outside {data_type}'s range {low}..{high}")
        return whole
    if data_type in _REAL_LIMIT:
        try:
            real = float(text) if not isinstance(text, bool) else math.nan
        except (TypeError, ValueError):
            real = math.nan
        if not math.isfinite(real) or abs(real) > _REAL_LIMIT[data_type]:
            raise MappingError(field, f"{_kind(value)} is not a finite number for {data_type}")
        return real
    if data_type in ("String", "WString"):
        if isinstance(value, (dict, list)) or value is None:
            raise MappingError(field, f"{_kind(value)} is not a text")
        shown = value if isinstance(value, str) else json.dumps(value)
        if data_type == "String" and (len(shown) > 254 or any(ord(c) > 255 for c in shown)):
            raise MappingError(field, "a String holds at most 254 characters of Latin-1 (use a WString tag)")
        return shown
    raise MappingError(field, f"tags of type {data_type} cannot be written by a pull")
