"""Base schema types: msgspec Structs that are camelCase on the wire.

T-IA Connect clients send PascalCase; :func:`key_normaliser` builds the case-insensitive key map
that the request class applies before msgspec validates a body. Enumerated string values (``Literal`` fields) are
matched case-insensitively the same way, as a .NET server parses enums: T-IA Connect's client sends ``SCL`` or
``scl`` alike.
"""

from __future__ import annotations

import time
import typing
from functools import lru_cache
from typing import Any

import msgspec

__all__ = ("CamelStruct", "KeyMap", "key_normaliser", "normalise_keys", "utc_now")


class CamelStruct(msgspec.Struct, rename="camel", omit_defaults=False, kw_only=True):
    """Base for every request and response schema: snake_case in Python, camelCase on the wire."""


KeyMap = dict[str, tuple[str, "KeyMap | None", "dict[str, str] | None"]]
"""lower-cased wire name -> (canonical wire name, nested map for Struct-valued fields, lower-cased -> canonical
value for enumerated string fields)."""


_last_stamp: tuple[int, str] = (-1, "")
_last_second: tuple[int, str] = (-1, "")
_MILLIS = tuple(f".{n:03d}Z" for n in range(1000))
"""The text after a timestamp's seconds, by its milliseconds."""


def utc_now() -> str:
    """The current UTC time as ISO 8601 with a ``Z`` suffix, as every timestamp on the wire."""
    global _last_stamp, _last_second
    millis = time.time_ns() // 1_000_000
    cached_millis, text = _last_stamp
    if millis != cached_millis:
        # Formatting costs more than the rest of an envelope: requests in the same millisecond share the text,
        # and those in the same second its date and time (a busy server answers in a new millisecond each time).
        seconds, part = divmod(millis, 1000)
        cached_second, head = _last_second
        if seconds != cached_second:
            head = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
            _last_second = (seconds, head)
        text = head + _MILLIS[part]
        _last_stamp = (millis, text)
    return text


def _struct_in(tp: Any) -> type[msgspec.Struct] | None:
    """The Struct type that ``tp`` holds directly or inside Optional/list/dict, if any."""
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp
    for arg in typing.get_args(tp):
        found = _struct_in(arg)
        if found is not None:
            return found
    return None


def _literal_values(tp: Any) -> dict[str, str] | None:
    """lower-cased -> canonical for the strings of a ``Literal`` that ``tp`` holds (also inside Optional/list)."""
    if typing.get_origin(tp) is typing.Literal:
        values = [v for v in typing.get_args(tp) if isinstance(v, str)]
    else:
        values = [v for arg in typing.get_args(tp) for v in (_literal_values(arg) or {}).values()]
    folded = {v.lower(): v for v in values}
    if not values or len(folded) != len(set(values)):  # values differing only in case stay exact
        return None
    return folded


@lru_cache(maxsize=None)
def key_normaliser(struct_type: type[msgspec.Struct]) -> KeyMap:
    """Case-insensitive key map for a Struct type and the Structs nested in it."""
    info = msgspec.structs.fields(struct_type)
    hints = typing.get_type_hints(struct_type)
    mapping: KeyMap = {}
    for field in info:
        nested = _struct_in(hints.get(field.name))
        mapping[field.encode_name.lower()] = (
            field.encode_name,
            key_normaliser(nested) if nested is not None and nested is not struct_type else None,
            _literal_values(hints.get(field.name)),
        )
    return mapping


def normalise_keys(value: Any, mapping: KeyMap | None) -> Any:
    """Rewrite dict keys to their canonical spelling; unknown keys are kept as they are."""
    if mapping is None:
        return value
    if isinstance(value, list):
        return [normalise_keys(item, mapping) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        canonical = mapping.get(key.lower()) if isinstance(key, str) else None
        if canonical is None:
            result[key] = item
            continue
        name, nested, values = canonical
        if values is not None:
            item = _canonical_value(item, values)
        result[name] = normalise_keys(item, nested)
    return result


def _canonical_value(item: Any, values: dict[str, str]) -> Any:
    if isinstance(item, str):
        return values.get(item.lower(), item)
    if isinstance(item, list):
        return [values.get(v.lower(), v) if isinstance(v, str) else v for v in item]
    return item
