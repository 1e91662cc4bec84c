"""Alarms, history and subscriptions over real PLC connections: the monitored items polled at every pump.

A simulated CPU queues its monitored items' samples at scan time (:mod:`engineering_api.runtime.monitor`); a real
PLC reached through an OPC UA or S7 connection has no such queue here, so when the admin switched the tag source
to ``connections`` the monitor reads every monitored tag in one bulk read per pump (once a second in the
background, and before every alarm, history and subscription request) and applies the same rules: a tag alarm
sees every value; a cyclic logging setting logs when its period has passed since the tag's last logged value (so
periods under a second log once a pump); an on-change setting logs a move beyond its deadband
(:func:`~engineering_api.rules.monitoring.value_changed`); a subscription gets changes. Values carry the
connection's timestamps (OPC UA's source timestamp, or the time of an S7 read). A tag the connections do not map,
or whose read failed, gives nothing this pump, as an unreleased tag gives nothing on a simulated CPU.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from engineering_api.rules.monitoring import value_changed

if TYPE_CHECKING:
    from engineering_api.backend.areas.runtime_values import SimMonitoredItem
    from engineering_api.runtime.alarms import AlarmService
    from engineering_api.runtime.tag_logging import TagLoggingService
    from engineering_api.runtime.sources import TagSource
    from engineering_api.runtime.subscriptions import SubscriptionHub

__all__ = ("ConnectionPoller",)

_SLACK_S = 0.05
"""A pump that comes a little early still logs a cyclic value whose period is (almost) over."""


class ConnectionPoller:
    """Reads the monitored items from the connections and hands the values to alarms, history and subscriptions."""

    def __init__(self, alarms: AlarmService, history: TagLoggingService, hub: SubscriptionHub) -> None:
        self.alarms = alarms
        self.history = history
        self.hub = hub
        self._logged_at: dict[str, float] = {}
        """Monotonic time of each cyclic tag's last logged value."""
        self._last: dict[str, Any] = {}
        """Each on-change logged tag's last logged value."""

    def poll(self, source: TagSource, items: list[SimMonitoredItem]) -> None:
        """One bulk read of every item's tag, dispatched by the item's kind (``a:``, ``h:``, ``s:``)."""
        if not items:
            return
        names = list(dict.fromkeys(item.name for item in items))
        readings = {r.name.lower(): r for r in source.read(names) if r.error is None}
        now = time.monotonic()
        logged: list[tuple[str, str, object]] = []
        for item in items:
            reading = readings.get(item.name.lower())
            if reading is None:
                continue
            kind, _, rest = item.item_id.partition(":")
            value, stamp = reading.value, reading.timestamp
            if kind == "a":
                self.alarms.on_tag_value(rest, value, stamp)
            elif kind == "s":
                self.hub.on_sample(item.item_id, item.name, value, stamp)
            elif kind == "h" and self._due(rest, item, value, now):
                logged.append((rest, stamp, value))
        self.history.log(logged)

    def _due(self, tag: str, item: SimMonitoredItem, value: Any, now: float) -> bool:
        if item.deadband is None:  # cyclic
            if now - self._logged_at.get(tag, float("-inf")) < item.sampling_ms / 1000 - _SLACK_S:
                return False
            self._logged_at[tag] = now
            return True
        if tag in self._last and not value_changed(self._last[tag], value, item.deadband):
            return False
        self._last[tag] = value
        return True
