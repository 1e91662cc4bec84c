"""XML request bodies (``Content-Type: application/xml`` or ``text/xml``), read into the route's body type.

Integration clients (MES, ERP, SCADA scripts) that speak XML send the same fields as the JSON body, as elements:
the root element stands for the body (its name is not looked at), each child element for a field, matched
case-insensitively like JSON keys. A list field is its element repeated (``<tagNames>a</tagNames><tagNames>b
</tagNames>``) or one element wrapping the items (``<tagNames><name>a</name><name>b</name></tagNames>``); a body
that is a list is the root's children. An element's text is the value; where the field's type is open (a tag's
``value``), ``true``/``false`` and numbers are read as such and anything else as text. The conversion into the body
type is then the one JSON bodies get, so a value that does not fit answers the same 400/422.

The document is parsed hardened (:func:`simatic_xml.safe.parse_untrusted`: no DOCTYPE, no entities, no network); a
body that is not well-formed XML, or unsafe, answers 400 ``INVALID_XML``.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import msgspec
from litestar.exceptions import ClientException

from engineering_api.errors import codes

__all__ = ("is_xml", "xml_value")

_XML_TYPES = ("application/xml", "text/xml")
_NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def is_xml(content_type: str) -> bool:
    """Whether a Content-Type names XML (``application/xml``, ``text/xml``, ``application/<x>+xml``)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media in _XML_TYPES or (media.startswith("application/") and media.endswith("+xml"))


def xml_value(body: bytes, body_type: Any) -> Any:
    """The JSON-like value of an XML body for ``body_type`` (a Struct, a list of them, or open).

    Raises:
        ClientException: 400 ``INVALID_XML``.
    """
    from simatic_xml.safe import UnsafeXmlError, XmlSyntaxError, parse_untrusted

    try:
        root = parse_untrusted(body, max_bytes=len(body) + 1, keep_blank_text=False).getroot()
    except (UnsafeXmlError, XmlSyntaxError, ValueError) as exc:
        raise ClientException(detail=f"The body is not XML this API reads: {exc}",
                              extra={"code": codes.INVALID_XML}) from None
    return _value(root, body_type)


def _name(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _elements(element: Any) -> list[Any]:
    return [child for child in element if isinstance(child.tag, str)]


def _scalar(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _NUMBER.match(text.strip()):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in lowered else number
    return text


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``; ``Annotated[X, ...]`` -> ``X``."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else Any
    return tp


def _value(element: Any, tp: Any) -> Any:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    children = _elements(element)
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return _struct(children, tp)
    if origin in (list, tuple, set, frozenset):
        item = (typing.get_args(tp) or (Any,))[0]
        return [_value(child, item) for child in children]
    if origin is dict:
        value_type = typing.get_args(tp)[1] if len(typing.get_args(tp)) == 2 else Any
        return {_name(child): _value(child, value_type) for child in children}
    if tp is Any or tp is object:
        if children:
            names = [_name(child) for child in children]
            if len(set(names)) == 1 and len(names) > 1:
                return [_value(child, Any) for child in children]
            return {name: _value(child, Any) for name, child in zip(names, children, strict=True)}
        return _scalar(element.text or "")
    return element.text or ""


def _struct(children: list[Any], struct_type: type[msgspec.Struct]) -> dict[str, Any]:
    hints = typing.get_type_hints(struct_type, include_extras=True)
    fields = {f.encode_name.lower(): (f.encode_name, hints.get(f.name, Any))
              for f in msgspec.structs.fields(struct_type)}
    grouped: dict[str, list[Any]] = {}
    for child in children:
        grouped.setdefault(_name(child).lower(), []).append(child)
    out: dict[str, Any] = {}
    for key, elements in grouped.items():
        name, tp = fields.get(key, (_name(elements[0]), Any))
        field_type = _unwrap(tp)
        if typing.get_origin(field_type) in (list, tuple, set, frozenset):
            item = (typing.get_args(field_type) or (Any,))[0]
            out[name] = _list(elements, item)
        else:
            out[name] = _value(elements[-1], tp)
    return out


def _list(elements: list[Any], item: Any) -> list[Any]:
    """A list field: its element repeated, or one element wrapping the items."""
    if len(elements) == 1:
        inner = _elements(elements[0])
        item_is_struct = isinstance(_unwrap(item), type) and issubclass(_unwrap(item), msgspec.Struct)
        wrapped = inner and (not item_is_struct or all(_elements(child) for child in inner))
        if wrapped:
            return [_value(child, item) for child in inner]
    return [_value(element, item) for element in elements]
