"""The agent's worker heartbeat in Celery's event protocol, sent from the farm's heartbeat thread.

Celery's monitors (Flower, ``celery events``, ``celery.events.state.State``) hold a worker online while its
``worker-heartbeat`` events arrive: alive until the last one plus twice its ``freq``
(``celery.events.state.heartbeat_expires``, ``HEARTBEAT_EXPIRE_WINDOW`` 200 %), offline at once on
``worker-offline``. Celery's own heart (``celery.worker.heartbeat.Heart``) beats from the worker's event loop,
which the solo pool blocks while a call runs: a TIA call of ten minutes would show a busy agent offline. So the
agents run ``--without-heartbeat`` and the farm's heartbeat thread, which beats during calls and stops when the
process is paused or cut off, sends these events with ``freq`` half the agent's lease: Celery's monitors and the
farm then call the same agent gone after the same lease (``tests/farm/test_farm_unscheduled.py``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

__all__ = ("CeleryHeart",)

logger = logging.getLogger(__name__)


class CeleryHeart:
    """``worker-online``, ``worker-heartbeat`` every ``lease / 2`` seconds, ``worker-offline`` at a clean stop,
    as the worker named ``nodename`` (the agent's Celery worker ``-n``)."""

    def __init__(self, app: Any, nodename: str, lease_seconds: float) -> None:
        self.app = app
        self.nodename = nodename
        self.freq = lease_seconds / 2
        self._dispatcher: Any = None
        self._sent_at: float | None = None
        """``time.monotonic()`` of the last event sent (None: ``worker-online`` is due)."""

    def due(self) -> bool:
        return self._sent_at is None or time.monotonic() - self._sent_at >= self.freq

    def beat(self, active: int, processed: int) -> None:
        """Send ``worker-online`` (the first time, and after a failed send) or ``worker-heartbeat`` when due. Best
        effort: an event that cannot be sent (Redis away) is not a reason to stop the farm's heartbeat."""
        if not self.due():
            return
        kind = "worker-online" if self._sent_at is None else "worker-heartbeat"
        try:
            self._send(kind, active=active, processed=processed)
            self._sent_at = time.monotonic()
        except Exception:
            logger.debug("could not send the worker's %s event", kind, exc_info=True)
            self._close()
            self._sent_at = None

    def stop(self) -> None:
        """``worker-offline``: Celery's monitors drop the agent at once, as the farm does its withdrawn record."""
        try:
            self._send("worker-offline", active=0, processed=0)
        except Exception:
            logger.debug("could not send the worker's offline event", exc_info=True)
        self._close()

    def _send(self, kind: str, **fields: Any) -> None:
        from celery.utils.sysinfo import load_average
        from celery.worker.state import SOFTWARE_INFO

        if self._dispatcher is None:
            self._dispatcher = self.app.events.Dispatcher(self.app.connection_for_write(), hostname=self.nodename,
                                                          enabled=True)
        self._dispatcher.send(kind, freq=self.freq, loadavg=load_average(), retry=False, **SOFTWARE_INFO, **fields)

    def _close(self) -> None:
        if self._dispatcher is not None:
            dispatcher, self._dispatcher = self._dispatcher, None
            try:
                dispatcher.close()
                dispatcher.connection.release()
            except Exception:
                logger.debug("could not close the event connection", exc_info=True)
