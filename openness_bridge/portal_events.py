"""TIA Portal's own events on a ``TiaPortal`` connection: what the bridge answers and what it records.

The real ``TiaPortal`` (``Siemens.Engineering.dll`` V15.1-V19 metadata, ``openness_bridge/reference``) has the
events ``Confirmation`` (``ConfirmationEventArgs``: ``Caption``, ``Text``, ``DetailText``, ``Icon``, the offered
``Choices`` as a ``ConfirmationChoices`` mask, settable ``Result`` (a ``ConfirmationResult``) and ``IsHandled``),
``Notification`` (``NotificationEventArgs``: ``Caption``, ``Text``, ``DetailText``, ``Icon``, settable
``IsHandled``), ``Disposed`` (``EventHandler``) and, from V17, ``Authentication`` (``AuthenticationEventArgs``:
settable ``AuthenticationTypeProvider`` ``Credentials``/``DesktopSso``/``Anonymous``/``Interactive`` and
``UmacCredentials``). Which questions a headless portal asks, and what it does with one nobody answers, no public
source shows; so the bridge answers by a fixed policy and records every event:

* **Confirmation**: the safe choice, i.e. the first the dialog offers of ``Cancel``, ``No``, ``NoToAll``, ``Abort``
  (nothing is changed on a guess); a dialog that offers none of them but ``Ok`` is an acknowledgement and gets
  ``Ok``; any other is left unanswered (``IsHandled`` stays false). A call that fails after a confirmation names it,
  and the answer, in its error (``details.dialogs``).
* **Notification**: handled (``IsHandled``) and logged; a failing call names it too.
* **Disposed**: TIA ended the connection (the portal was closed): the session forgets it, and the next call answers
  503 ``PORTAL_SESSION_ENDED`` naming the next step (launch or attach a portal).
* **Authentication**: during an open or retrieve with credentials (the request's or the server's stored ones),
  ``AuthenticationTypeProvider.Credentials`` and the user in ``UmacCredentials`` (the password only through
  ``SetPassword``, never logged or recorded); without credentials it is left as TIA sent it, and the open fails with
  403 ``PROJECT_CREDENTIALS_REQUIRED`` (:mod:`openness_bridge.project_opening`).

Every event is logged (with the request that was running) and the last :data:`KEPT` are listed by
``GET /api/instance/diagnostics`` (``dialogs``).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.backend.errors import EngineeringError, PortalUnavailableError
from engineering_api.errors import codes
from openness_bridge.api_reference import has_member

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("DECLINING", "KEPT", "CredentialsAnswer", "Dialog", "PortalEvents", "safe_choice")

logger = logging.getLogger(__name__)

KEPT = 50
"""How many recorded dialogs the diagnostics list."""
DECLINING = ("Cancel", "No", "NoToAll", "Abort")
"""The answers that change nothing, in the order the policy prefers them."""
_CHOICE_FLAGS = {"Ok": 1, "Yes": 2, "YesToAll": 4, "Abort": 8, "Retry": 16, "Ignore": 32, "No": 64, "NoToAll": 128,
                 "Cancel": 256}
"""``ConfirmationChoices`` as the real API numbers its flags, in its order."""


class CredentialsAnswer(Protocol):
    """The credentials of the open or retrieve now running (:class:`openness_bridge.project_opening.UmacAnswer`)."""

    def fill(self, umac: Any) -> str | None:
        """Fill in a ``UmacCredentials``; the user answered with, or None."""


@dataclass(frozen=True, slots=True)
class Dialog:
    """One event TIA raised: its kind, texts, what was offered and how the bridge answered."""

    sequence: int
    kind: str
    caption: str = ""
    text: str = ""
    detail_text: str = ""
    choices: tuple[str, ...] = ()
    answer: str = ""
    operation: str = ""

    def wire(self) -> dict[str, Any]:
        shown = {"kind": self.kind, "caption": self.caption, "text": self.text, "detailText": self.detail_text,
                 "choices": list(self.choices), "answer": self.answer, "operation": self.operation}
        return {k: v for k, v in shown.items() if v not in ("", [])}


def safe_choice(offered: tuple[str, ...]) -> str | None:
    """The policy's answer among ``offered`` choice names: decline if possible, acknowledge an ``Ok``-only dialog."""
    for name in DECLINING:
        if name in offered:
            return name
    return "Ok" if "Ok" in offered else None


def _offered(choices: Any) -> tuple[str, ...]:
    """The names set in a ``ConfirmationChoices`` mask (its numbers are the real API's flags)."""
    mask = int(choices)
    return tuple(name for name, flag in _CHOICE_FLAGS.items() if mask & flag)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class _Subscription:
    portal: Any
    pid: int
    handlers: list[tuple[str, Any]] = field(default_factory=list)


class PortalEvents:
    """Subscribes to the events of each ``TiaPortal`` the session uses, answers them and records them.

    Args:
        engineering: the loaded ``Siemens.Engineering`` namespace (its ``ConfirmationResult`` and
            ``AuthenticationTypeProvider`` enums).
        version: the TIA version of the loaded API (``Authentication`` exists from V17).
    """

    def __init__(self, engineering: Any, version: str) -> None:
        self._engineering = engineering
        self._version = version
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._kept: deque[Dialog] = deque(maxlen=KEPT)
        self._subscriptions: list[_Subscription] = []
        self._ended: set[int] = set()
        self._umac: CredentialsAnswer | None = None
        self.operation = ""
        """The Openness call running now (set by the session), named in each record."""

    # ----- subscriptions -------------------------------------------------------------------------
    def watch(self, portal: Any, pid: int) -> None:
        """Subscribe to ``portal``'s events (once per connection object)."""
        if any(s.portal is portal for s in self._subscriptions):
            return
        subscription = _Subscription(portal, pid)
        answers: list[tuple[str, Callable[[Any, Any], None]]] = [
            ("Confirmation", self._on_confirmation), ("Notification", self._on_notification),
            ("Disposed", lambda _sender, _e: self._on_disposed(pid))]
        if has_member(self._version, "TiaPortal", "Authentication"):
            answers.append(("Authentication", self._on_authentication))
        handlers = [(name, self._while_watched(subscription, answer)) for name, answer in answers]
        for name, handler in handlers:
            event = getattr(portal, name)
            event += handler
            setattr(portal, name, event)  # pythonnet: ``portal.Event += h`` is get, add, set
            subscription.handlers.append((name, handler))
        self._subscriptions.append(subscription)
        with self._lock:
            self._ended.discard(pid)

    def _while_watched(
        self, subscription: _Subscription, answer: Callable[[Any, Any], None],
    ) -> Callable[[Any, Any], None]:
        """``answer``, ignoring what a connection the session abandoned still raises (:meth:`abandon`)."""

        def handler(sender: Any, e: Any) -> None:
            if any(s is subscription for s in self._subscriptions):
                answer(sender, e)

        return handler

    def abandon(self) -> None:
        """Forget every subscription without touching its connection (proxies of an abandoned worker thread are
        not called); what those connections still raise is ignored."""
        self._subscriptions = []

    def release(self, portal: Any) -> None:
        """Unsubscribe from ``portal`` (before the session disposes it itself, which raises ``Disposed``)."""
        for subscription in [s for s in self._subscriptions if s.portal is portal]:
            for name, handler in subscription.handlers:
                event = getattr(portal, name)
                event -= handler
                setattr(portal, name, event)
            self._subscriptions.remove(subscription)

    def ended(self, pid: int | None) -> bool:
        """Whether TIA raised ``Disposed`` on the connection to ``pid`` (and forget the connection's subscription)."""
        with self._lock:
            if pid is None or pid not in self._ended:
                return False
            self._ended.discard(pid)
        self._subscriptions = [s for s in self._subscriptions if s.pid != pid]
        return True

    def session_ended(self, pid: int) -> PortalUnavailableError:
        return PortalUnavailableError(
            f"TIA Portal (pid {pid}) ended this Openness session (TiaPortal.Disposed: the portal was closed). Changes "
            "since the project's last save may be lost. Launch a portal (POST /api/instance/actions/launch) or "
            "attach to a running one (POST /api/instance/actions/attach), then open the project again.",
            code=codes.PORTAL_SESSION_ENDED, details={"pid": pid},
        )

    # ----- what a call saw -----------------------------------------------------------------------
    def mark(self) -> int:
        """The sequence number before a call: :meth:`since` gives what was raised after it."""
        with self._lock:
            return self._kept[-1].sequence if self._kept else 0

    def since(self, mark: int) -> list[Dialog]:
        with self._lock:
            return [d for d in self._kept if d.sequence > mark]

    def recent(self) -> list[dict[str, Any]]:
        """The last recorded dialogs, oldest first, as the wire shows them."""
        with self._lock:
            return [d.wire() for d in self._kept]

    def annotate(self, error: EngineeringError, mark: int) -> EngineeringError:
        """``error`` naming the confirmations and notifications raised since ``mark``, with the answers given."""
        seen = [d for d in self.since(mark) if d.kind in ("confirmation", "notification")]
        if not seen:
            return error
        error.details = {**error.details, "dialogs": [d.wire() for d in seen]}
        asked = [d for d in seen if d.kind == "confirmation"]
        if asked:
            told = "; ".join(f"'{d.caption}: {d.text}' answered {d.answer or 'nothing'}" for d in asked)
            error.message = (f"{error.message} TIA Portal asked {told} (this service declines what it cannot judge; "
                             "run the step in TIA Portal's user interface to answer otherwise).")
        return error

    def authenticating(self, answer: CredentialsAnswer | None) -> None:
        """The credentials answer of the open or retrieve now running (None when it ends)."""
        self._umac = answer

    # ----- handlers (on whatever thread TIA raises them) -----------------------------------------
    def _record(self, kind: str, **facts: Any) -> Dialog:
        with self._lock:
            dialog = Dialog(sequence=next(self._numbers), kind=kind, operation=self.operation, **facts)
            self._kept.append(dialog)
        return dialog

    def _on_confirmation(self, _sender: Any, e: Any) -> None:
        try:
            offered = _offered(e.Choices)
            answer = safe_choice(offered)
            if answer is not None:
                e.Result = getattr(self._engineering.ConfirmationResult, answer)
                e.IsHandled = True
            dialog = self._record("confirmation", caption=_text(e.Caption), text=_text(e.Text),
                                  detail_text=_text(e.DetailText), choices=offered, answer=answer or "")
            logger.info("TIA Portal asked %r (%r, choices %s) during %s: answered %s", dialog.caption, dialog.text,
                        ",".join(offered), dialog.operation or "-", answer or "nothing (no safe choice offered)")
        except Exception:  # a Python error must not cross into TIA's call
            logger.exception("answering a TIA Portal confirmation failed")

    def _on_notification(self, _sender: Any, e: Any) -> None:
        try:
            e.IsHandled = True
            dialog = self._record("notification", caption=_text(e.Caption), text=_text(e.Text),
                                  detail_text=_text(e.DetailText), answer=_text(e.Icon))
            logger.info("TIA Portal notification during %s: %r %r (%s)", dialog.operation or "-", dialog.caption,
                        dialog.text, dialog.answer)
        except Exception:
            logger.exception("recording a TIA Portal notification failed")

    def _on_disposed(self, pid: int) -> None:
        with self._lock:
            self._ended.add(pid)
        self._record("disposed", text=f"pid {pid}")
        logger.warning("TIA Portal (pid %s) ended the Openness connection (TiaPortal.Disposed)", pid)

    def _on_authentication(self, _sender: Any, e: Any) -> None:
        try:
            answer = self._umac
            credentials = None if answer is None else answer.fill(e.UmacCredentials)
            if credentials is not None:
                e.AuthenticationTypeProvider = self._engineering.AuthenticationTypeProvider.Credentials
            self._record("authentication", answer="Credentials" if credentials is not None else "",
                         text=f"user {credentials}" if credentials is not None else "no credentials")
            logger.info("TIA Portal asked for UMAC authentication during %s: %s", self.operation or "-",
                        f"answered with the user {credentials!r}" if credentials is not None else "no credentials")
        except Exception:
            logger.exception("answering TIA Portal's authentication failed")
