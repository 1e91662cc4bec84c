"""Which hosts the server may be told to call: one rule for every URL an admin sets (the assistant's base URL, a
pull's source).

Never a link-local address (169.254.0.0/16, fe80::/10: where cloud metadata services answer) or a cloud
instance-metadata address or name (``fd00:ec2::254``, ``metadata.google.internal``): the server would otherwise
fetch instance credentials for whoever can set the URL. Loopback (127.0.0.0/8, ``::1``, ``localhost``) is refused
too where the caller says so (a pull: an admin could read the server's own unauthenticated neighbours); the
assistant keeps it (Ollama on 127.0.0.1). A host an operator names in ``allowed`` (addresses, networks such as
``127.0.0.0/8``, or host names) is accepted all the same: the tests' and a lab's ERP on loopback.

A host name is judged by its literal form when it is set, and by what it resolves to when it is called
(:func:`resolves_to_refused`, :func:`resolves_to_refused_now`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ("refused_target", "resolves_to_refused", "resolves_to_refused_now")

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_METADATA_ADDRESSES = frozenset({
    ipaddress.ip_address("fd00:ec2::254"),  # AWS's IPv6 instance metadata (the IPv4 one is link-local)
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud's instance metadata
})
_METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.azure.internal", "instance-data",
                             "instance-data.ec2.internal"})
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def _address(host: str) -> _Address | None:
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


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def _allowed(host: str, address: _Address | None, allowed: Iterable[str]) -> bool:
    for entry in allowed:
        if entry.lower() == host:
            return True
        try:
            if address is not None and address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:  # a host name, compared above
            continue
    return False


def _kind(address: _Address, loopback: bool) -> str | None:
    """What a refused address is, or None for one that may be called."""
    if address in _METADATA_ADDRESSES:
        return "a cloud instance-metadata address"
    if address.is_link_local:
        return "a link-local address (169.254.0.0/16, fe80::/10), where cloud metadata services answer"
    if loopback and address.is_loopback:
        return "a loopback address (this machine)"
    return None


def refused_target(url: str, *, loopback: bool = False, allowed: Iterable[str] = ()) -> str | None:
    """Why ``url``'s host must not be called as it is written (``loopback``: loopback is refused too), or None."""
    host = _host(url)
    address = _address(host)
    if _allowed(host, address, allowed):
        return None
    if host in _METADATA_NAMES:
        return f"{host} is a cloud instance-metadata service"
    if loopback and host in _LOOPBACK_NAMES:
        return f"{host} is a loopback address (this machine)"
    kind = _kind(address, loopback) if address is not None else None
    return f"{address} is {kind}" if kind else None


_AddressInfo: TypeAlias = tuple[object, object, object, object, tuple[object, ...]]
"""One entry of ``getaddrinfo``: family, type, protocol, canonical name, and the socket address, whose first item is
the host (an IPv6 one may end in ``%`` and its scope)."""


def _resolved(host: str, found: Iterable[_AddressInfo], loopback: bool, allowed: Iterable[str]) -> str | None:
    entries = tuple(allowed)
    for *_, sockaddr in found:
        address = _address(str(sockaddr[0]).split("%", 1)[0])
        kind = _kind(address, loopback) if address is not None else None
        if kind and not _allowed(host, address, entries):
            return f"{host} resolves to {address}, {kind}"
    return None


async def resolves_to_refused(url: str, *, loopback: bool = False, allowed: Iterable[str] = ()) -> str | None:
    """Why ``url``'s host name must not be called because of what it resolves to now (a name for 169.254.169.254),
    or None; a name that does not resolve is left to the call, which then fails as unreachable."""
    host = _host(url)
    if not host or _address(host) is not None:
        return None  # a literal address is judged by refused_target
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return None
    return _resolved(host, found, loopback, allowed)


def resolves_to_refused_now(url: str, *, loopback: bool = False, allowed: Iterable[str] = ()) -> str | None:
    """:func:`resolves_to_refused` for a caller on a thread (a pull's run)."""
    host = _host(url)
    if not host or _address(host) is not None:
        return None
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return None
    return _resolved(host, found, loopback, allowed)
