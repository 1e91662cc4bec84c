"""TIA Portal's naming rules and IPv4 checks, as the fake enforces them and the bridge checks them before TIA.

Project names become folder and file names, so they follow Windows file-name rules (TIA refuses
``\\ / : * ? " < > |``); device names follow the same character rules in TIA's hardware editor.
"""

from __future__ import annotations

import ipaddress
import re

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

__all__ = ("check_block_name", "check_device_name", "check_ipv4", "check_project_name", "profinet_name")

_FORBIDDEN = set('\\/:*?"<>|')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
MAX_NAME = 128


def _check_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"The {kind} name must not be empty.", code=codes.INVALID_NAME)
    if name != name.strip():
        raise ValidationError(f"The {kind} name '{name}' must not begin or end with a space.", code=codes.INVALID_NAME)
    if len(name) > MAX_NAME:
        raise ValidationError(f"The {kind} name is longer than {MAX_NAME} characters.", code=codes.INVALID_NAME)
    bad = sorted({c for c in name if c in _FORBIDDEN or ord(c) < 32})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ValidationError(
            f"The {kind} name '{name}' contains characters that are not permitted: {shown}.", code=codes.INVALID_NAME,
            details={"forbidden": bad},
        )
    if name.endswith("."):
        raise ValidationError(f"The {kind} name '{name}' must not end with a period.", code=codes.INVALID_NAME)
    if name.split(".")[0].upper() in _RESERVED:
        raise ValidationError(f"'{name}' is a reserved name on Windows and cannot be used.", code=codes.INVALID_NAME)
    return name


def check_project_name(name: str, version: str | None = None) -> str:
    """Return ``name`` when TIA would accept it as a project name (and, given ``version`` such as ``V19``, the
    project file ``name.apNN`` fits the file system's 255 bytes).

    Raises:
        ValidationError: it would not.
    """
    _check_name("project", name)
    if version is not None:
        file_name = f"{name}.ap{version[1:]}"
        if len(file_name.encode("utf-8")) > 255:
            raise ValidationError(
                f"The project file name '{file_name}' is too long for the file system (255 bytes in UTF-8).",
                code=codes.INVALID_NAME,
            )
    return name


def check_device_name(name: str) -> str:
    """Return ``name`` when TIA would accept it as a device name.

    Raises:
        ValidationError: it would not.
    """
    return _check_name("device", name)


def check_block_name(name: str, field: str) -> str:
    """Return ``name`` when TIA would accept it as a block name (the generator's rules).

    Raises:
        ValidationError: it would not (``INVALID_NAME``, ``details.field`` = ``field``).
    """
    from simatic_xml.generate import SpecError
    from simatic_xml.generate.names import check_block_name as check_spec_name

    try:
        check_spec_name(name, field)
    except SpecError as exc:
        raise ValidationError(str(exc), code=codes.INVALID_NAME, details={"field": field}) from None
    return name


def profinet_name(device_name: str) -> str:
    """The PROFINET device name TIA derives: lower case, DNS-compatible labels (IEC 61158-6-10)."""
    label = re.sub(r"[^a-z0-9.-]+", "-", device_name.lower()).strip("-.") or "device"
    return re.sub(r"-{2,}", "-", label)[:240]


def check_ipv4(ip_address: str, subnet_mask: str, router: str | None = None) -> ipaddress.IPv4Interface:
    """Validate an interface address as TIA's inspector does.

    Raises:
        ValidationError: malformed address or mask, a non-contiguous mask, or an address that is the
            network or broadcast address, loopback, multicast or unspecified.
    """
    try:
        address = ipaddress.IPv4Address(ip_address)
    except (ipaddress.AddressValueError, ValueError):
        raise ValidationError(f"'{ip_address}' is not a valid IPv4 address.", code=codes.INVALID_IP_ADDRESS) from None
    try:
        network = ipaddress.IPv4Network(f"0.0.0.0/{subnet_mask}")
    except (ipaddress.NetmaskValueError, ValueError):
        raise ValidationError(
            f"'{subnet_mask}' is not a valid subnet mask (it must be contiguous, like 255.255.255.0).",
            code=codes.INVALID_SUBNET_MASK,
        ) from None
    if network.prefixlen == 0 or network.prefixlen > 30:
        raise ValidationError(f"The subnet mask '{subnet_mask}' is not permitted.", code=codes.INVALID_SUBNET_MASK)
    interface = ipaddress.IPv4Interface(f"{address}/{network.prefixlen}")
    if address.is_loopback or address.is_multicast or address.is_unspecified or address.is_reserved:
        raise ValidationError(f"The IP address {address} cannot be assigned to a device.",
                              code=codes.INVALID_IP_ADDRESS)
    if address in (interface.network.network_address, interface.network.broadcast_address):
        raise ValidationError(
            f"The IP address {address} is the network or broadcast address of {interface.network}.",
            code=codes.INVALID_IP_ADDRESS,
        )
    if router:
        try:
            gateway = ipaddress.IPv4Address(router)
        except (ipaddress.AddressValueError, ValueError):
            raise ValidationError(f"'{router}' is not a valid router address.",
                                  code=codes.INVALID_ROUTER_ADDRESS) from None
        if gateway not in interface.network or gateway == address:
            raise ValidationError(
                f"The router address {gateway} must be another address in {interface.network}.",
                code=codes.INVALID_ROUTER_ADDRESS,
            )
    return interface
