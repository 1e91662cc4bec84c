"""``X-Forwarded-Proto`` and ``X-Forwarded-For`` from the reverse proxies an operator names (``trustedProxies``),
and from nobody else.

Behind a proxy that terminates TLS, the service sees plain HTTP from the proxy's address; without this, the console's
session cookie is never ``Secure``. A request whose peer address is one of the configured proxies (an address or a
CIDR network) and whose ``X-Forwarded-Proto`` says ``https`` is treated as https (``scope["scheme"]``): its cookie is
``Secure`` and every URL built from it says https. From any other address the header is ignored, so a client cannot
claim https for itself. When proxies append to the header (``http, https``), the last value is the nearest proxy's.

The client's address (:func:`client_address`, what ``/metrics`` access and the access log go by) is the peer's,
unless the peer is a trusted proxy: then ``X-Forwarded-For`` is read from its end (each proxy appends the address
it was connected from), skipping trusted proxies, and the first address that is not one is the client. An entry
that is no IP address stops the walk at the last trusted hop: what a client wrote into the header itself is never
taken as its address.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import Scope

__all__ = ("apply_forwarded_proto", "client_address", "proxy_networks")

_HEADER = b"x-forwarded-proto"
_FOR_HEADER = b"x-forwarded-for"


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


def client_address(scope: Scope, trusted: tuple[str, ...]) -> str | None:
    """The client's address: the peer's, or behind trusted proxies the nearest untrusted ``X-Forwarded-For``
    entry (see the module's description); None when the server knows no peer (a Unix socket)."""
    peer = scope.get("client")
    if not peer:
        return None
    address = str(peer[0])
    if not trusted or not _trusted(address, trusted):
        return address
    forwarded = b",".join(value for name, value in scope["headers"] if name.lower() == _FOR_HEADER)
    for entry in reversed(forwarded.decode("latin-1").split(",")):
        hop = entry.strip()
        if not hop:
            continue
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # not an address: the last trusted hop is all that is known
        address = hop
        if not _trusted(hop, trusted):
            return hop
    return address
