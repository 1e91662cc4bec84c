"""``X-Forwarded-Proto`` and ``X-Forwarded-For`` from the reverse proxies an operator names (``trustedProxies``),
and from nobody else.

Behind a proxy that terminates TLS, the service sees plain HTTP from the proxy's address; without this, the console's
session cookie is never ``Secure``. A request whose peer address is one of the configured proxies (an address or a
CIDR network) and whose ``X-Forwarded-Proto`` says ``https`` is treated as https (``scope["scheme"]``): its cookie is
``Secure`` and every URL built from it says https. From any other address the header is ignored, so a client cannot
claim https for itself. When proxies append to the header (``http, https``), the last value is the nearest proxy's.

The client's address (:func:`client_address`, what ``/metrics`` access, the wrong-key budget and the audit go by)
is the peer's, unless the peer is a trusted proxy: then ``X-Forwarded-For`` (or RFC 7239's ``Forwarded``, its
``for=`` parameters) is read from its end (each proxy appends the address it was connected from), skipping trusted
proxies, and the first address that is not one is the client. An entry is an address in one of the forms proxies
write: ``192.0.2.1``, ``192.0.2.1:4711`` (Azure Application Gateway appends the port), ``2001:db8::1``,
``[2001:db8::1]`` or ``[2001:db8::1]:4711``. An entry in no such form (RFC 7239's ``unknown`` or an obfuscated
``_hidden`` included), or two headers that name different clients, make the client :data:`UNKNOWN_CLIENT`: never
the proxy's own address (which would admit every remote client wherever loopback is trusted), never what a client
wrote into the header itself.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import Scope

__all__ = ("UNKNOWN_CLIENT", "apply_forwarded_proto", "client_address", "hop_address", "proxy_networks")

_HEADER = b"x-forwarded-proto"
_FOR_HEADER = b"x-forwarded-for"
_FORWARDED = b"forwarded"
UNKNOWN_CLIENT = "unknown"
"""The client behind a trusted proxy whose forwarded address cannot be read (RFC 7239, 6.2: the ``unknown``
identifier): no address list admits it, and all such clients share one budget of failed authentications."""
_PORT = re.compile(r"[0-9]{1,5}|_[A-Za-z0-9._-]+")
"""A port after an address: digits, or RFC 7239's obfuscated port (``_abc``)."""
_FOR_PARAMETER = re.compile(r'(?:^|;)\s*for\s*=\s*("[^"]*"|[^;,\s]*)', re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def proxy_networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The networks of ``trustedProxies`` entries (an address is a network of one; ``Settings`` checked them)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted)


def _trusted(client: str, trusted: tuple[str, ...]) -> bool:
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    return any(address in network for network in proxy_networks(trusted))


def apply_forwarded_proto(scope: Scope, trusted: tuple[str, ...]) -> None:
    """Set ``scope["scheme"]`` to ``https`` when a trusted proxy forwarded an https request."""
    if not trusted:
        return
    peer = scope.get("client")
    if not peer or not _trusted(peer[0], trusted):
        return
    for name, value in scope["headers"]:
        if name.lower() == _HEADER:
            if value.decode("latin-1").rsplit(",", 1)[-1].strip().lower() == "https":
                scope["scheme"] = "https"
            return


def hop_address(entry: str) -> str | None:
    """The IP address of one forwarded hop (``ip``, ``ip:port``, ``[v6]``, ``[v6]:port``, quoted as RFC 7239
    quotes it or not), written as :mod:`ipaddress` writes it; None when it is no address."""
    hop = entry.strip()
    if len(hop) >= 2 and hop[0] == hop[-1] == '"':
        hop = hop[1:-1]
    if hop.startswith("["):
        host, bracket, rest = hop[1:].partition("]")
        if not bracket or (rest and not (rest[0] == ":" and _PORT.fullmatch(rest[1:]))):
            return None
        return _address(host, 6)
    if hop.count(":") == 1:  # IPv4 with a port (an IPv6 address has two colons or more)
        host, _, port = hop.partition(":")
        return _address(host, 4) if _PORT.fullmatch(port) else None
    return _address(hop, None)


def _address(text: str, version: int | None) -> str | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return str(address) if version is None or address.version == version else None


def _header(scope: Scope, header: bytes) -> str | None:
    values = [value for name, value in scope["headers"] if name.lower() == header]
    return b",".join(values).decode("latin-1") if values else None


def _forwarded_hops(value: str) -> list[str | None]:
    """RFC 7239 ``Forwarded``: each element's ``for=`` address, None for one without a readable address."""
    hops: list[str | None] = []
    for element in value.split(","):
        if not element.strip():
            continue
        found = _FOR_PARAMETER.search(element)
        hops.append(hop_address(found.group(1)) if found else None)
    return hops


def _client_of(hops: list[str | None], peer: str, trusted: tuple[str, ...]) -> str:
    """The nearest untrusted hop, read from the end; :data:`UNKNOWN_CLIENT` at a hop that is no address."""
    address = peer
    for hop in reversed(hops):
        if hop is None:
            return UNKNOWN_CLIENT
        address = hop
        if not _trusted(hop, trusted):
            return hop
    return address


def client_address(scope: Scope, trusted: tuple[str, ...]) -> str | None:
    """The client's address: the peer's, or behind trusted proxies the nearest untrusted forwarded address, or
    :data:`UNKNOWN_CLIENT` (see the module's description); None when the server knows no peer (a Unix socket)."""
    peer = scope.get("client")
    if not peer:
        return None
    address = str(peer[0])
    if not trusted or not _trusted(address, trusted):
        return address
    clients = set()
    x_forwarded = _header(scope, _FOR_HEADER)
    if x_forwarded is not None:
        clients.add(_client_of([hop_address(entry) for entry in x_forwarded.split(",") if entry.strip()], address,
                               trusted))
    forwarded = _header(scope, _FORWARDED)
    if forwarded is not None:
        clients.add(_client_of(_forwarded_hops(forwarded), address, trusted))
    if not clients:
        return address  # the proxy's own request (its health check)
    # a proxy writes one of the two; a second one naming someone else was written by the client
    return clients.pop() if len(clients) == 1 else UNKNOWN_CLIENT
