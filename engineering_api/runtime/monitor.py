"""The runtime's pump: what the CPU queued (monitored items' samples, Program_Alarm events) goes to the alarms,
the history and the subscriptions, in scan-time order.

The monitored items are the union of the tag alarms' tags (on change), the logged tags (cyclic or with their
deadband) and the subscriptions' tags (on change); they are set on every PLCSim instance whenever they change or
the instance is new, and every instance is drained, but only the served CPU's samples and alarms count (the one
the tag routes read). Engineering routes do not pump: an instance created after the last pump is sampled from the
next one (the background thread's, within a second, or the next runtime request's). When the tag source is the
real PLCs' connections, the pump polls them instead (:mod:`engineering_api.runtime.polling`); so it does for a
PLCSIM instance whose adapter samples nothing (the Openness bridge: PLCSIM Advanced's API has no monitored items),
its values stamped with PLCSIM's clock at the read, and without Program_Alarm events.
:meth:`RuntimeMonitor.pump` drains the CPU: every alarm, history and subscription request pumps first, so a test
that steps virtual time and then asks sees every cycle; a background thread pumps once a second for CPUs that run
freely while nobody asks (started by the first pump, or at the app's start when alarms or logging are configured:
:func:`start_runtime_monitor`).
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.areas.runtime_values import SimAlarmEvent, SimMonitoredItem, SimSample
from engineering_api.backend.errors import EngineeringError, NotSupportedError
from engineering_api.runtime.polling import ConnectionPoller
from engineering_api.runtime.simulated import canonical_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.runtime_values import SimRuntimeEvents
    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.runtime.alarms import AlarmService
    from engineering_api.runtime.tag_logging import TagLoggingService
    from engineering_api.runtime.simulated import SimulatedSource
    from engineering_api.runtime.sources import TagSource
    from engineering_api.runtime.subscriptions import SubscriptionHub

__all__ = ("PUMP_SECONDS", "RuntimeMonitor")

PUMP_SECONDS = 1.0
"""How often the background thread drains the CPU (wall-clock)."""


class RuntimeMonitor:
    """Sets the CPU's monitored items and hands what it queued to alarms, history and subscriptions."""

    def __init__(self, backend: EngineeringBackend, source: SimulatedSource, alarms: AlarmService,
                 history: TagLoggingService, hub: SubscriptionHub,
                 polled: Callable[[], TagSource | None] = lambda: None) -> None:
        self._backend = backend
        self._source = source
        self._polled = polled
        """The real PLCs' source when the admin chose connections (then they are polled instead), else None."""
        self._poller = ConnectionPoller(alarms, history, hub)
        self.alarms = alarms
        self.history = history
        self.hub = hub
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._installed: dict[str, bytes] = {}
        """The items last set on each instance (``name#id`` -> their JSON)."""
        self._thread: threading.Thread | None = None
        self.pumped_at: float | None = None
        """When the last pump ended without an error (monotonic): the metrics' pump lag."""

    def items(self) -> list[SimMonitoredItem]:
        items = [SimMonitoredItem(item_id=f"a:{name}", name=tag) for name, tag in self.alarms.watched_tags()]
        for s in self.history.settings():
            cyclic = s.mode == "cyclic"
            items.append(SimMonitoredItem(item_id=f"h:{s.tag}", name=s.tag, sampling_ms=s.period_ms if cyclic else 0.0,
                                          deadband=None if cyclic else s.deadband))
        return items + self.hub.items()

    def pump(self) -> None:
        """Install the monitored items on every instance (so a CPU that is powered on or becomes the served one
        later is sampled from its first cycle), drain them all, and dispatch what the served CPU queued. Never
        raises for a runtime that is not running (there is nothing to dispatch then)."""
        self._pump()
        self.pumped_at = time.monotonic()

    def _pump(self) -> None:
        self.start()
        with self._lock:
            polled = self._polled()
            if polled is not None:
                self._poll(polled, self.items())
                return
            try:
                instances = self._backend.simulation.list_instances()
            except EngineeringError:
                return
            try:
                served: str | None = self._source.instance()
            except EngineeringError:
                served = None
            items = self.items()
            encoded = msgspec.json.encode(items)
            events = None
            unsampled = False
            for info in instances:
                key = f"{info.name}#{info.id}"  # an instance deleted and created again has new (empty) items
                try:
                    if self._installed.get(key) != encoded:
                        self._backend.runtime_values.set_monitored_items(info.name, items)
                        self._installed[key] = encoded
                    # the others' queues must not grow
                    drained = self._backend.runtime_values.drain_events(info.name)
                except NotSupportedError:
                    unsampled = unsampled or info.name == served
                    continue
                except EngineeringError:
                    continue
                if info.name == served:
                    events = drained
            if unsampled:
                # PLCSIM Advanced samples nothing for us (the Openness bridge): read the items between its cycles,
                # as for a real PLC; the source answers only released tags.
                self._poll(self._source, items)
                return
            if events is not None and served is not None:
                try:  # only released tags reach runtime users, whatever an admin asked to log or watch
                    released = {canonical_name(t.name) for t in self._backend.runtime_values.released_tags(served)}
                except EngineeringError:
                    released = set()
                self._dispatch(events, released)

    def _poll(self, source: TagSource, items: list[SimMonitoredItem]) -> None:
        try:
            self._poller.poll(source, items)
        except EngineeringError:
            pass  # nothing answers (no connection, the runtime stopped): nothing to dispatch this pump

    def _dispatch(self, events: SimRuntimeEvents, released: set[str]) -> None:
        """Samples of released tags and alarm events in scan-time order (an alarm after the samples of its
        cycle)."""
        logged: list[tuple[str, str, object]] = []  # one write to the history store per pump
        timeline: list[tuple[str, int, SimSample | SimAlarmEvent]] = [(s.timestamp, 0, s) for s in events.samples]
        timeline += [(e.timestamp, 1, e) for e in events.alarm_events]
        for _stamp, _kind, event in sorted(timeline, key=lambda x: (x[0], x[1])):
            if isinstance(event, SimAlarmEvent):
                self.alarms.on_program_alarm(event.source, event.state == "incoming", event.timestamp,
                                             event.associated_values)
                continue
            item_id, name, value, stamp = event.item_id, event.name, event.value, event.timestamp
            if canonical_name(name) not in released:
                continue
            source, _, rest = item_id.partition(":")
            if source == "a":
                self.alarms.on_tag_value(rest, value, stamp)
            elif source == "h":
                logged.append((rest, stamp, value))
            elif source == "s":
                self.hub.on_sample(item_id, name, value, stamp)
        self.history.log(logged)

    def changed(self) -> None:
        """Definitions, logging settings or subscriptions changed: install the new items now (so the next cycles
        are sampled), not at the next pump."""
        self.pump()

    @property
    def running(self) -> bool:
        """Whether the background thread pumps."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Pump once a second in the background from now on (nothing to do when it does)."""
        if self._thread is not None or self._stop.is_set():
            return
        self._thread = threading.Thread(target=_pump_forever, args=(weakref.ref(self), self._stop),
                                        name="runtime-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the background thread (the app is shutting down)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=PUMP_SECONDS * 2)


def _pump_forever(ref: weakref.ref[RuntimeMonitor], stop: threading.Event) -> None:
    while not stop.wait(PUMP_SECONDS):
        monitor = ref()
        if monitor is None:
            return
        try:
            monitor.pump()
        except Exception:  # the app is closing (its database is gone): stop quietly
            return
        del monitor
