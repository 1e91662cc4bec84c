"""Celery's remote control (``celery inspect active``, ``ping``) answered while the agent runs a call.

Celery's worker answers remote control from its event loop, which the solo pool blocks for the whole call: a busy
agent answered ``ping`` and ``inspect active`` only once its call had ended, so an operator took a busy agent for a
dead one, and ``inspect active`` never showed what an agent runs. :class:`BusyControl` is a consumer of its own on
the worker's mailbox (kombu's pidbox: the fanout exchange ``celery.pidbox``, each node's queue
``<nodename>.celery.pidbox``, a reply published to the reply exchange with the request's ``ticket``), on a thread
with its own connection: while a call runs it answers ``ping`` and ``active`` with Celery's own handlers
(``celery.worker.control``), from the worker's own record of what it runs (``celery.worker.state.active_requests``).
The call stays on the main thread, as Openness wants.

One answer per request: both consumers receive every broadcast (a fanout), and a request's ``ticket`` is claimed
by whichever answers it first. Idle, this thread leaves the request to Celery's loop; busy, it claims it, and
Celery's loop, which reads it once the call has ended, finds it claimed and stays silent. Every other command
(``revoke``, ``stats``, ``shutdown``, …) is Celery's alone and is answered between calls, as before.
"""

from __future__ import annotations

import collections
import logging
import socket
import threading
from typing import Any

__all__ = ("ANSWERED_BUSY", "BusyControl")

logger = logging.getLogger(__name__)

ANSWERED_BUSY = frozenset({"ping", "active"})
"""The remote control commands answered while a call runs; the others wait for the worker's loop."""

_TICKETS_KEPT = 256
"""How many claimed tickets are remembered (a request is answered within the caller's timeout, a second or so)."""


def _copy(requests: Any) -> list[Any]:
    """A copy of the worker's set of active requests, which the worker's thread changes meanwhile."""
    for _ in range(10):
        try:
            return list(requests)
        except RuntimeError:  # changed size during iteration: the call started or ended just now
            continue
    return []


class BusyControl:
    """Answers ``ping`` and ``active`` for the worker ``nodename`` while it runs a call (see the module)."""

    def __init__(self, app: Any, nodename: str) -> None:
        self.app = app
        self.nodename = nodename
        self._claimed: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def busy() -> bool:
        from celery.worker import state

        return bool(state.active_requests)

    def claim(self, ticket: Any) -> bool:
        """True for the first to claim ``ticket`` (a request without one wants no reply: nobody needs to claim)."""
        if not isinstance(ticket, str):
            return True
        with self._lock:
            if ticket in self._claimed:
                return False
            self._claimed[ticket] = None
            while len(self._claimed) > _TICKETS_KEPT:
                self._claimed.popitem(last=False)
            return True

    def wrap_worker_node(self, node: Any) -> None:
        """Make the worker's own pidbox node leave a ``ping``/``active`` this thread already answered."""
        handle = node.handle_message

        def handle_message(body: Any, message: Any = None) -> Any:
            if isinstance(body, dict) and body.get("method") in ANSWERED_BUSY and not self.claim(body.get("ticket")):
                return None
            return handle(body, message)

        node.handle_message = handle_message

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name="farm-remote-control", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _node(self, channel: Any) -> Any:
        from celery.utils.collections import AttributeDict
        from celery.worker import control

        handlers = {name: control.Panel.data[name] for name in ANSWERED_BUSY}
        return self.app.control.mailbox.Node(self.nodename, handlers=handlers, channel=channel,
                                             state=AttributeDict(app=self.app, hostname=self.nodename, tset=_copy))

    def _serve(self) -> None:
        """Consume the mailbox until stopped; a lost connection (Redis away) is made again a second later."""
        while not self._stop.is_set():
            try:
                with self.app.connection_for_read() as connection:
                    node = self._node(connection.channel())
                    consumer = node.listen(callback=lambda body, message: self._on_message(node, body, message))
                    try:
                        while not self._stop.is_set():
                            try:
                                connection.drain_events(timeout=1.0)
                            except socket.timeout:
                                continue
                    finally:
                        try:
                            consumer.cancel()
                        except Exception:
                            logger.debug("could not cancel the remote control consumer", exc_info=True)
            except Exception:
                logger.debug("the remote control consumer lost its connection", exc_info=True)
                self._stop.wait(1.0)

    def _on_message(self, node: Any, body: Any, message: Any) -> None:
        if not isinstance(body, dict) or body.get("method") not in ANSWERED_BUSY or not body.get("reply_to"):
            return
        destination = body.get("destination")
        if destination and self.nodename not in destination:
            return
        if body.get("pattern") and not destination:  # a pattern's match is Celery's to judge, between calls
            return
        if not self.busy() or not self.claim(body.get("ticket")):
            return  # idle: the worker's loop answers
        try:
            node.dispatch(**body)
        except Exception:
            logger.debug("could not answer a remote control request", exc_info=True)
