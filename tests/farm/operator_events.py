"""The events an operator of the farm sees."""

from __future__ import annotations

import threading
import time
from typing import Any

from engineering_api.farm.celery_app import FarmConfig, celery_app
from tools.bounds import HANG_GUARD_S

__all__ = ("CeleryEvents",)


class CeleryEvents:
    """Celery's event receiver on the farm's broker, in a thread (what ``celery events`` and Flower run)."""

    def __init__(self, url: str) -> None:
        self.app = celery_app(FarmConfig(url))
        self.seen: list[dict[str, Any]] = []
        self._receiver: Any = None
        self._thread = threading.Thread(target=self._listen, name="celery-events", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        with self.app.connection_for_read() as connection:
            self._receiver = self.app.events.Receiver(connection, handlers={"*": self.seen.append})
            self._receiver.capture(limit=None, timeout=None, wakeup=False)

    def listening(self) -> None:
        """Wait until an agent's answer to a heartbeat request arrives: from then on no event is missed."""
        deadline = time.monotonic() + HANG_GUARD_S
        while not any(e["type"] == "worker-heartbeat" for e in self.seen):
            assert time.monotonic() < deadline, "no worker event: the agent sends none (task events off?)"
            self.app.control.broadcast("heartbeat")
            time.sleep(0.5)

    def of_task(self, task_id: str) -> list[str]:
        return [e["type"] for e in self.seen if e.get("uuid") == task_id]

    def stop(self) -> None:
        if self._receiver is not None:
            self._receiver.should_stop = True
        self._thread.join(HANG_GUARD_S)
