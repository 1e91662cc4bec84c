"""XML bodies for the runtime API: ``Accept: application/xml`` (Ignition WebDev's habit) turns a JSON answer of
``/api/runtime`` into the same data as XML, errors included.

An ASGI middleware, so every answer is covered whoever made it: a route's envelope, an exception handler's RFC 9457
body, the guard's 401/403/429 refusals. Only JSON answers are converted (an SSE stream passes untouched). The
mapping is mechanical: an object's keys become child elements in order, a list's items ``<item>`` elements,
``null`` an empty element with ``nil="true"``, booleans ``true``/``false``; a key that is not an XML name becomes
``<entry key="...">``. Success envelopes have the root ``<response>``; errors are ``application/problem+xml`` with
the root ``<problem xmlns="urn:ietf:rfc:7807">`` (RFC 9457, Appendix B). Requests stay JSON.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.enums import ScopeType
from lxml import etree

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ("RUNTIME_PREFIX", "XmlResponseMiddleware", "prefers_xml", "to_xml")

RUNTIME_PREFIX = "/api/runtime"
PROBLEM_NS = "urn:ietf:rfc:7807"
_XML_TYPES = ("application/xml", "text/xml")
_JSON_TYPES = (b"application/json", b"application/problem+json")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def prefers_xml(accept: str | None) -> bool:
    """Whether an Accept header ranks XML above JSON (JSON wins ties and ``*/*``)."""
    if not accept:
        return False
    best_xml = best_json = 0.0
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if media in _XML_TYPES or media == "application/problem+xml":
            best_xml = max(best_xml, quality)
        elif media in ("application/json", "application/problem+json", "application/*", "*/*"):
            best_json = max(best_json, quality)
    return best_xml > best_json


def to_xml(payload: Any, *, problem: bool) -> bytes:
    """A decoded JSON document as XML (see the module docstring)."""
    root = etree.Element(f"{{{PROBLEM_NS}}}problem", nsmap={None: PROBLEM_NS}) if problem \
        else etree.Element("response")
    _fill(root, payload, PROBLEM_NS if problem else None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _child(parent: Any, key: str, ns: str | None) -> Any:
    if _NAME.match(key) and not key.lower().startswith("xml"):
        return etree.SubElement(parent, f"{{{ns}}}{key}" if ns else key)
    element = etree.SubElement(parent, f"{{{ns}}}entry" if ns else "entry")
    element.set("key", _clean(key))
    return element


def _fill(element: Any, value: Any, ns: str | None) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(_child(element, str(key), ns), item, ns)
    elif isinstance(value, list):
        for item in value:
            _fill(etree.SubElement(element, f"{{{ns}}}item" if ns else "item"), item, ns)
    elif value is None:
        element.set("nil", "true")
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _clean(str(value))


def _clean(text: str) -> str:
    # XML 1.0 cannot carry most control characters; a PLC string may hold them (Char '\x00').
    return "".join(c if c in "\t\n\r" or ord(c) >= 0x20 else f"\\x{ord(c):02x}" for c in text)


class XmlResponseMiddleware:
    """Converts JSON answers of ``/api/runtime`` to XML for clients that ask for it (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not scope["path"].startswith(RUNTIME_PREFIX):
            await self.app(scope, receive, send)
            return
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept"), None)
        if not prefers_xml(accept):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers") or ()).get(b"content-type", b"").split(b";")[0].strip()
                if content_type not in _JSON_TYPES:
                    start["passthrough"] = True
                    await send(message)
                    return
                start.update(message)
                start["problem"] = content_type == b"application/problem+json"
                return
            if start.get("passthrough") or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._answer(send, start, b"".join(chunks))

        await self.app(scope, receive, buffered)

    @staticmethod
    async def _answer(send: Send, start: dict[str, Any], body: bytes) -> None:
        problem = bool(start.get("problem"))
        try:
            payload = msgspec.json.decode(body) if body else None
        except msgspec.DecodeError:
            payload = None
        xml = to_xml(payload, problem=problem)
        kind = b"application/problem+xml" if problem else b"application/xml"
        headers = [(k, v) for k, v in start.get("headers") or () if k not in (b"content-type", b"content-length")]
        headers += [(b"content-type", kind + b"; charset=utf-8"), (b"content-length", str(len(xml)).encode()),
                    (b"vary", b"Accept")]
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": xml, "more_body": False})
