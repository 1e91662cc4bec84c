"""Codes of the hardware configuration: devices, their interfaces and networks, the catalog.

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("ARTICLE_NOT_FOUND", "DEVICE_EXISTS", "EMPTY_QUERY", "IMAGE_NOT_FOUND", "INTERFACE_NOT_FOUND",
           "INVALID_AML", "INVALID_IP_ADDRESS", "INVALID_ROUTER_ADDRESS", "INVALID_SUBNET_MASK",
           "NOT_AN_ETHERNET_INTERFACE", "NOT_A_DEVICE", "NOT_COMPILABLE", "NO_INTERFACE", "UNKNOWN_FIRMWARE")

ARTICLE_NOT_FOUND: Final = declare('ARTICLE_NOT_FOUND', 404, 'Article not found',
    "The article number '…' is not in the hardware catalog of TIA Portal.")
DEVICE_EXISTS: Final = declare('DEVICE_EXISTS', 409, 'Device exists',
    "The station '…' exists; a station is restored only when it is missing (delete it first).")
EMPTY_QUERY: Final = declare('EMPTY_QUERY', 422, 'Empty query', 'The search query must not be empty.')
IMAGE_NOT_FOUND: Final = declare('IMAGE_NOT_FOUND', 404, 'Image not found', "No image is available for '…'.")
INTERFACE_NOT_FOUND: Final = declare('INTERFACE_NOT_FOUND', 404, 'Interface not found',
    "The device '…' has no interface '…' (it has: …).")
INVALID_AML: Final = declare('INVALID_AML', 422, 'Invalid AML',
    'The AutomationML document cannot be imported; the message names the device and the reason.')
INVALID_IP_ADDRESS: Final = declare('INVALID_IP_ADDRESS', 422, 'Invalid IP address',
    'The IP address … is the network or broadcast address of ….')
INVALID_ROUTER_ADDRESS: Final = declare('INVALID_ROUTER_ADDRESS', 422, 'Invalid router address',
    'The router address … must be another address in ….')
INVALID_SUBNET_MASK: Final = declare('INVALID_SUBNET_MASK', 422, 'Invalid subnet mask',
    "'…' is not a valid subnet mask (it must be contiguous, like 255.255.255.0).")
NOT_AN_ETHERNET_INTERFACE: Final = declare('NOT_AN_ETHERNET_INTERFACE', 422, 'Not an Ethernet interface',
    "'…' of '…' is a … interface; only PROFINET/Ethernet interfaces have an IP address.")
NOT_A_DEVICE: Final = declare('NOT_A_DEVICE', 422, 'Not a device',
    '… (…) is a module; plug it into a device instead of adding it as one.')
NOT_COMPILABLE: Final = declare('NOT_COMPILABLE', 422, 'Not compilable',
    "No device item of '…' offers a hardware compile.")
NO_INTERFACE: Final = declare('NO_INTERFACE', 422, 'No interface',
    "The device '…' has no PROFINET/Ethernet interface to give an IP address.")
UNKNOWN_FIRMWARE: Final = declare('UNKNOWN_FIRMWARE', 422, 'Unknown firmware',
    '… has no firmware … in the hardware catalog (known: …).')
