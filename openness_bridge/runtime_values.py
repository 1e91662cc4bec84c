"""The bridge's runtime-values port methods over PLCSIM Advanced's API (:mod:`engineering_api.backend.areas.runtime_values`).

Reads and writes go through the same ``IInstance.Read``/``Write`` calls as the bridge's batch tag methods
(:mod:`openness_bridge.simulation_tags`); their timestamp is the instance's ``SystemTime`` (PLCSIM Advanced's
virtual clock of the CPU, which only moves with its cycles in the stepped modes), the scan time a runtime client
expects. PLCSIM Advanced's API is local and not subject to the CPU's access level (see
:mod:`openness_bridge.security`), so there is no access check to make here.

What PLCSIM Advanced's API does not give: the downloaded program's HMI access flags (its ``STagInfo`` has name,
type and address only), and Program_Alarm events (a client reads those from the CPU over OPC UA Alarms &
Conditions). Those methods raise ``NO_PLCSIM_EQUIVALENT``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from engineering_api.backend.areas.runtime_values import SimScanRead, SimScanValue, scan_timestamp
from engineering_api.backend.errors import ConflictError, NotSupportedError
from openness_bridge.simulation_base import SimulationBase

if TYPE_CHECKING:
    from engineering_api.backend.areas.runtime_values import (
        SimMonitoredItem,
        SimReleasedTag,
        SimRuntimeEvents,
    )
    from engineering_api.backend.areas.simulation_models import SimTagResult, SimTagWrite
    from openness_bridge.plcsim import PlcsimApi

__all__ = ("RuntimeValueOperations",)

_IN_RUN = ("Run", "Freeze")
"""PLCSIM's states of a CPU in RUN (Freeze: RUN with the cycle held between steps, SingleStep)."""
_DOTNET_EPOCH_TICKS = 621_355_968_000_000_000
"""``DateTime(1970, 1, 1).Ticks``: .NET counts 100 ns ticks from 0001-01-01."""


def _no_equivalent(what: str) -> NoReturn:
    raise NotSupportedError(
        f"PLCSIM Advanced's API has no equivalent: {what}. The runtime API serves this from the fake backend's "
        "simulated CPUs; against a real CPU use an OPC UA source.", code="NO_PLCSIM_EQUIVALENT")


class RuntimeValueOperations(SimulationBase):
    """The ``RuntimeValuesPort`` methods of the bridge; mixed into :class:`openness_bridge.backend.OpennessBackend`."""

    def _sim_clock(self, instance: str) -> tuple[str, str]:
        """(operating state, scan time) of a powered-on instance."""

        def run(api: PlcsimApi) -> tuple[str, str]:
            inst = self._sim_target(api, instance)
            state = str(inst.OperatingState)
            if state == "Off":
                raise ConflictError(f'The instance "{inst.Name}" is powered off. Power it on first.',
                                    code="INSTANCE_OFF")
            ticks = int(inst.SystemTime.Ticks)
            return "Run" if state in _IN_RUN else state, scan_timestamp((ticks - _DOTNET_EPOCH_TICKS) * 100)

        return self._plcsim("IInstance.SystemTime", run)

    def _sim_scan(self, instance: str, read: Any) -> SimScanRead:
        state, stamp = self._sim_clock(instance)
        results: list[SimTagResult] = read()
        quality = "Good" if state == "Run" else "Uncertain"
        values = [SimScanValue(name=r.name, value=r.value, data_type=r.data_type,
                               quality="Bad" if r.error is not None else quality, timestamp=stamp, error=r.error)
                  for r in results]
        return SimScanRead(instance=instance, operating_state=state, scan_time=stamp, values=values)

    def sim_released_tags(self, instance: str) -> list[SimReleasedTag]:
        self._sim_clock(instance)  # the instance's own errors first (unknown, powered off)
        _no_equivalent("the tag list (STagInfo) does not say which tags are accessible from HMI/OPC UA/Web API")

    def sim_hmi_read(self, names: list[str], instance: str) -> SimScanRead:
        return self._sim_scan(instance, lambda: self.sim_batch_read(names, instance))  # type: ignore[attr-defined]

    def sim_hmi_write(self, items: list[SimTagWrite], instance: str) -> SimScanRead:
        return self._sim_scan(instance, lambda: self.sim_batch_write(items, instance))  # type: ignore[attr-defined]

    def sim_set_monitored_items(self, instance: str, items: list[SimMonitoredItem]) -> None:
        self._plcsim("IInstance", lambda api: self._sim_target(api, instance))
        _no_equivalent("the bridge does not sample values at the end of PLCSIM's cycles")

    def sim_drain_events(self, instance: str) -> SimRuntimeEvents:
        self._plcsim("IInstance", lambda api: self._sim_target(api, instance))
        _no_equivalent("Program_Alarm events are not reported through PLCSIM Advanced's API")
