"""The table of push transports: every target URL scheme a push may name, and the transport that serves it.

Saving a definition (:func:`transport_for` checks its target) and delivering a period (the outbox's attempt) both
read this table, and nothing else decides by scheme. A new transport is one module and one entry here
(``docs/add-a-push-transport.md``).
"""

from __future__ import annotations

import urllib.parse
from types import MappingProxyType
from typing import TYPE_CHECKING

from engineering_api.runtime.outbound.endpoints import check_url
from engineering_api.runtime.pushes.mqtt import Mqtt
from engineering_api.runtime.pushes.webhook import Webhook

if TYPE_CHECKING:
    from collections.abc import Mapping

    from engineering_api.runtime.pushes.definitions import PushTarget
    from engineering_api.runtime.pushes.transport import PushTransport

__all__ = ("TRANSPORTS", "check_target", "transport_for")

TRANSPORTS: Mapping[str, PushTransport] = MappingProxyType({
    scheme: transport for transport in (Webhook(), Mqtt()) for scheme in transport.schemes
})
"""Scheme (lower case) -> the transport serving it."""


def transport_for(url: str) -> PushTransport:
    """The transport for a target URL that :func:`check_target` has accepted.

    Raises:
        KeyError: a scheme no transport serves (a URL that was not checked).
    """
    return TRANSPORTS[urllib.parse.urlsplit(url).scheme.lower()]


def check_target(target: PushTarget) -> None:
    """A target URL of a scheme in :data:`TRANSPORTS`, and what its transport requires of the rest.

    Raises:
        ValidationError: ``PUSH_TARGET_INVALID``.
    """
    check_url(target.url, tuple(TRANSPORTS))
    transport_for(target.url).check(target)
