"""What the assistant may be pointed at and sent: provider URLs and API keys, checked before they are stored or used,
and provider error text with every form of the key taken out.

A base URL may name a workstation on the LAN (Ollama on 192.168.x.y) but never a link-local or cloud-metadata
address: the server would otherwise fetch instance credentials for whoever can set the URL. A key must be visible
ASCII: anything else (a line break pasted with it, a non-ASCII character) cannot go into an HTTP header, and the
HTTP library would echo it in its error.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from urllib.parse import urlsplit

from engineering_api.backend.errors import ValidationError

__all__ = ("check_api_key", "check_base_url", "metadata_address", "redact_key", "resolves_to_metadata")

_METADATA_ADDRESSES = frozenset({
    ipaddress.ip_address("fd00:ec2::254"),  # AWS's IPv6 instance metadata (the IPv4 one is link-local)
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud's instance metadata
})
_METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.azure.internal", "instance-data",
                             "instance-data.ec2.internal"})
_KEY_CHARACTERS = frozenset(chr(c) for c in range(0x21, 0x7F))


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, in any form the resolver accepts (``2852039166``, ``0xa9.254.1``)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def metadata_address(url: str) -> str | None:
    """Why ``url`` must not be called (a link-local or cloud-metadata host), or None."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in _METADATA_NAMES:
        return f"{host} is a cloud instance-metadata service"
    address = _address(host)
    kind = _kind(address) if address is not None else None
    return f"{address} is {kind}" if kind else None


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What a refused address is, or None for one the assistant may call."""
    if address in _METADATA_ADDRESSES:
        return "a cloud instance-metadata address"
    if address.is_link_local:
        return "a link-local address (169.254.0.0/16, fe80::/10), where cloud metadata services answer"
    return None


async def resolves_to_metadata(url: str) -> str | None:
    """Why ``url``'s host name must not be called because of what it resolves to now (a name for 169.254.169.254),
    or None; a name that does not resolve is left to the call, which then fails as unreachable."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if not host or _address(host) is not None:
        return None  # a literal address is judged by metadata_address
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return None
    for *_, sockaddr in found:
        address = _address(str(sockaddr[0]).split("%", 1)[0])
        kind = _kind(address) if address is not None else None
        if kind:
            return f"{host} resolves to {address}, {kind}"
    return None


def check_base_url(url: str | None) -> None:
    """Raises:
    ValidationError: ``BASE_URL_REFUSED`` (422, naming ``baseUrl``) for a link-local or cloud-metadata host.
    """
    why = metadata_address(url) if url else None
    if why is not None:
        raise ValidationError(
            f"baseUrl is refused: {why}. Private LAN addresses (a workstation running Ollama) are fine.",
            code="BASE_URL_REFUSED", details={"field": "baseUrl"},
        )


def check_api_key(key: str | None) -> None:
    """Raises:
    ValidationError: ``API_KEY_INVALID`` (422, naming ``apiKey``) for a key with anything but visible ASCII; the
        key itself is never repeated.
    """
    if key and not set(key) <= _KEY_CHARACTERS:
        raise ValidationError(
            "apiKey may hold only visible ASCII characters: no spaces, line breaks or other control characters, "
            "and no non-ASCII letters (was a line break copied with it?)",
            code="API_KEY_INVALID", details={"field": "apiKey"},
        )


def redact_key(text: str, key: str | None) -> str:
    """``text`` with the key taken out in every form an error may show it: as it is, trimmed, and escaped the way
    Python's ``repr``, JSON and byte strings write it."""
    if not key:
        return text
    forms = {key, key.strip(), repr(key)[1:-1], json.dumps(key)[1:-1], key.encode("unicode_escape").decode(),
             repr(key.encode("utf-8", "backslashreplace"))[2:-1]}
    for form in sorted(filter(None, forms), key=len, reverse=True):
        text = text.replace(form, "***")
    return text
