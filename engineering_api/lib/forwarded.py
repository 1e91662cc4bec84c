"""``X-Forwarded-Proto`` from the TLS-terminating reverse proxies an operator names (``trustedProxies``), and from
nobody else.

Behind a proxy that terminates TLS, the service sees plain HTTP from the proxy's address; without this, the console's
session cookie is never ``Secure``. A request whose peer address is one of the configured proxies (an address or a
CIDR network) and whose ``X-Forwarded-Proto`` says ``https`` is treated as https (``scope["scheme"]``): its cookie is
``Secure`` and every URL built from it says https. From any other address the header is ignored, so a client cannot
claim https for itself. When proxies append to the header (``http, https``), the last value is the nearest proxy's.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import Scope

__all__ = ("apply_forwarded_proto", "proxy_networks")

_HEADER = b"x-forwarded-proto"


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
