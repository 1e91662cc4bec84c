"""What a push transport is: the schemes it serves, its checks of a target, and one delivery attempt.

A transport (a webhook over HTTP(S), an MQTT broker...) is one module with one subclass of :class:`PushTransport`,
registered in :data:`engineering_api.runtime.pushes.transports.TRANSPORTS`; saving a definition and delivering a
period both look the target's URL scheme up there. The outbox keeps the queue, the retries and the record; a
transport only checks targets and tries once (``docs/add-a-push-transport.md``).
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from engineering_api.runtime.pushes.definitions import PushTarget, StoredPush

__all__ = ("Attempt", "PushTransport", "idempotency_key")


def idempotency_key(push_id: str, period_end_ms: int) -> str:
    """The same for every attempt and re-send of one push's period: what a receiver books a period once by (an HTTP
    header, or ``${idempotencyKey}`` in a payload where the transport has no headers)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"engineering-api:push:{push_id}:{period_end_ms}"))


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery attempt's outcome, as the outbox records and audits it."""

    delivered: bool
    retry: bool
    """Not delivered, and another attempt may pass (no answer, a busy or failing receiver)."""
    error: str | None
    """Why not delivered (redacted by the outbox before it is kept); None when delivered."""
    audit_method: str
    """The audit record's method: the HTTP method sent, or the transport's verb (``PUBLISH``)."""
    audit_status: int
    """The audit record's status: the receiver's status code, else 200 delivered or 502 not."""
    response_code: int | None = None
    """The receiver's HTTP status, kept on the delivery; None where the transport has none."""
    wait_seconds: int = 0
    """How long the receiver asked to be left alone (HTTP ``Retry-After``); the backoff is used when longer."""


class PushTransport(ABC):
    """One way to deliver a push's payload; one instance per transport, kept in the table of transports."""

    name: ClassVar[str]
    """The transport's name in ``docs/runtime-api.md``'s table of transports (``webhook``, ``mqtt``)."""
    schemes: ClassVar[tuple[str, ...]]
    """The target URL schemes it serves, lower case."""

    @abstractmethod
    def check(self, target: PushTarget) -> None:
        """Refuse a target this transport cannot deliver to (its URL's scheme is one of :attr:`schemes`).

        Raises:
            ValidationError: ``PUSH_TARGET_INVALID``, naming what to change.
        """

    @abstractmethod
    def deliver(self, push: StoredPush, payload: str, period_end_ms: int) -> Attempt:
        """Try once to deliver ``payload`` (the rendered period ending at ``period_end_ms``) to the push's target,
        within its ``timeoutSeconds``. Never raises for the receiver's failures: they are the attempt's outcome."""
