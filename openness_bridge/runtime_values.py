"""The bridge's runtime-values port methods over PLCSIM Advanced's API
(:mod:`engineering_api.backend.areas.runtime_values`).

Reads and writes go through the same ``IInstance.Read``/``Write`` calls as the bridge's batch tag methods
(:mod:`openness_bridge.sim_tags`); their timestamp is the instance's ``SystemTime`` (PLCSIM Advanced's
virtual clock of the CPU, which only moves with its cycles in the stepped modes), the scan time a runtime client
expects. PLCSIM Advanced's API is local and not subject to the CPU's access level (see
:mod:`openness_bridge.security`), so there is no access check to make here.

Released tags come from two places, because PLCSIM Advanced's tag list (``STagInfo``: name, type, address) does not
carry the HMI access flags: the leaves from PLCSIM (``IInstance.TagInfos``), the flags from the project the program
was downloaded from (``IInstance.ControllerName`` names its PLC; ``PlcTagTable.Export`` and ``PlcBlock.Export`` of
its tag tables and DBs), put together by :mod:`engineering_api.rules.released_tags`, the rule the fake applies.

What PLCSIM Advanced's API does not give at all: sampling at the end of its cycles, and Program_Alarm events (a
client reads those from the CPU over OPC UA Alarms & Conditions). Those methods raise ``NO_PLCSIM_EQUIVALENT``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NoReturn

from engineering_api.backend.areas.runtime_values import RuntimeValuesPort, SimScanRead, SimScanValue, scan_timestamp
from engineering_api.backend.errors import (
    ConflictError, NoProjectOpenError, NotFoundError, NotSupportedError, ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules.released_tags import quoted_name, released_tags
from openness_bridge.sim_tags import tag_list

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.runtime_values import SimMonitoredItem, SimReleasedTag, SimRuntimeEvents
    from engineering_api.backend.areas.simulation_models import SimTagResult, SimTagWrite
    from openness_bridge.plcsim import PlcsimApi
    from openness_bridge.session import BridgeSession
    from openness_bridge.simulation_base import PlcsimAccess
    from openness_bridge.simulation_support import InstanceRecord

__all__ = ("BridgeRuntimeValues",)

_IN_RUN = ("Run", "Freeze")
"""PLCSIM's states of a CPU in RUN (Freeze: RUN with the cycle held between steps, SingleStep)."""
_DOTNET_EPOCH_TICKS = 621_355_968_000_000_000
"""``DateTime(1970, 1, 1).Ticks``: .NET counts 100 ns ticks from 0001-01-01."""


def _no_equivalent(what: str) -> NoReturn:
    raise NotSupportedError(
        f"PLCSIM Advanced's API has no equivalent: {what}. The runtime API serves this from the fake backend's "
        "simulated CPUs; against a real CPU use an OPC UA source.", code=codes.NO_PLCSIM_EQUIVALENT)


class BridgeRuntimeValues(RuntimeValuesPort):
    """The runtime-values area of the bridge, over PLCSIM Advanced's API.

    Args:
        plcsim: PLCSIM Advanced over the backend's session, which the simulation area shares (its connected
            instance): PLCSIM calls with their errors translated, instances and their records.
        session: the Openness session, to read the released-tag flags from the open project.
        batch_read: the simulation-tags area's ``batch_read(names, instance)``.
        batch_write: the simulation-tags area's ``batch_write(items, instance)``.
        data_documents: the SimaticML of a PLC's tag tables and data blocks (``PlcTagTable.Export``,
            ``PlcBlock.Export``), by device name; runs inside an Openness call.
    """

    def __init__(
        self, plcsim: PlcsimAccess, session: BridgeSession, *,
        batch_read: Callable[[list[str], str | None], list[SimTagResult]],
        batch_write: Callable[[list[SimTagWrite], str | None], list[SimTagResult]],
        data_documents: Callable[[str], list[bytes]],
    ) -> None:
        self._plcsim = plcsim
        self._session = session
        self._batch_read = batch_read
        self._batch_write = batch_write
        self._data_documents = data_documents

    def _sim_clock(self, instance: str) -> tuple[str, str]:
        """(operating state, scan time) of a powered-on instance."""

        def run(api: PlcsimApi) -> tuple[str, str]:
            inst = self._plcsim.target(api, instance)
            state = str(inst.OperatingState)
            if state == "Off":
                raise ConflictError(f'The instance "{inst.Name}" is powered off. Power it on first.',
                                    code=codes.INSTANCE_OFF)
            ticks = int(inst.SystemTime.Ticks)
            return "Run" if state in _IN_RUN else state, scan_timestamp((ticks - _DOTNET_EPOCH_TICKS) * 100)

        return self._plcsim.call("IInstance.SystemTime", run)

    def _sim_scan(self, instance: str, read: Callable[[], list[SimTagResult]]) -> SimScanRead:
        state, stamp = self._sim_clock(instance)
        results = read()
        quality: Literal["Good", "Uncertain"] = "Good" if state == "Run" else "Uncertain"
        values = [SimScanValue(name=r.name, value=r.value, data_type=r.data_type,
                               quality="Bad" if r.error is not None else quality, timestamp=stamp, error=r.error)
                  for r in results]
        return SimScanRead(instance=instance, operating_state=state, scan_time=stamp, values=values)

    def _sim_program_leaves(self, instance: str) -> tuple[str | None, list[tuple[str, str]], InstanceRecord | None]:
        """(the PLC whose program the instance holds, or None before any download; its leaves as PLCSIM lists them;
        the bridge's record of the instance).

        The tag list is read again when PLCSIM says it is out of date (a download since): a runtime client sees the
        program the CPU holds now, not the one of the last refresh."""

        def run(api: PlcsimApi) -> tuple[str | None, list[tuple[str, str]], InstanceRecord | None]:
            inst = self._plcsim.target(api, instance)
            device = str(inst.ControllerName or "") or None
            if device is None:
                return None, [], None
            record = self._plcsim.record(inst)
            if not record.tags_loaded or not self._plcsim.tags_fresh(api, inst):
                self._plcsim.load_tags(inst)
            listed = tag_list(inst, None)
            # named as TIA and the fake name them ("Data".count), which the bridge's reads accept as well
            return device, [(quoted_name(tag.name), tag.data_type) for tag in listed.tags], record

        return self._plcsim.call("IInstance.TagInfos", run)

    def released_tags(self, instance: str) -> list[SimReleasedTag]:
        """The leaves of the program in PLCSIM (named as TIA names them: ``"Data".count``, ``"Start"``), released by
        the flags of that PLC in the open project.

        The flags are the project's, not the CPU's: PLCSIM Advanced's tag list has none, and Openness reads no
        flags from a CPU. They are read at the first call after a download (PLCSIM's tag list loaded again: a new
        program), exporting the PLC's tag tables and DBs (an inconsistent DB is compiled first, as
        ``export_program_object`` does), and kept until the next download, as the CPU keeps its program: edits in
        the project since then count from the next download on. A DB or PLC tag the CPU holds and the project no
        longer has is left out (its flags cannot be read).

        Raises:
            NotFoundError, ConflictError: the instance's own errors first (unknown, powered off).
            NoProjectOpenError: no project is open to read the flags from.
            ConflictError: ``PROGRAM_NOT_IN_PROJECT``, the open project has no PLC of the name PLCSIM gives.
        """
        self._sim_clock(instance)  # the instance's own errors first (unknown, powered off)
        device, leaves, record = self._sim_program_leaves(instance)
        if device is None or record is None:  # nothing downloaded: no PLC tag or DB member, as the fake answers
            return []
        # Kept per download: the CPU's program (so its released tags) changes only with one, and exporting the PLC's
        # DBs and tag tables on every runtime read (the monitor reads once a second) would keep TIA busy.
        key = (device, record.tag_list_loads)
        if record.released is not None and record.released[0] == key:
            return list(record.released[1])
        try:
            documents = self._session.call("PlcBlock.Export", lambda: self._data_documents(device))
        except NoProjectOpenError:
            raise NoProjectOpenError(f'The program in "{instance}" releases tags by flags the project of "{device}" '
                                     "holds, and no project is open. Open it first.") from None
        except (NotFoundError, ValidationError) as exc:
            if exc.code not in (codes.DEVICE_NOT_FOUND, codes.NOT_A_PLC):
                raise
            raise ConflictError(f'The program in "{instance}" was downloaded from "{device}", which is no PLC of the '
                                "open project; the released tags are read from that PLC's flags in its project. "
                                "Open the project it was downloaded from.", code=codes.PROGRAM_NOT_IN_PROJECT) from None
        released = released_tags(leaves, documents, undeclared_released=False)
        record.released = (key, released)
        return list(released)

    def clock(self, instance: str) -> str:
        return self._sim_clock(instance)[1]

    def hmi_read(self, names: list[str], instance: str) -> SimScanRead:
        return self._sim_scan(instance, lambda: self._batch_read(names, instance))

    def hmi_write(self, items: list[SimTagWrite], instance: str) -> SimScanRead:
        return self._sim_scan(instance, lambda: self._batch_write(items, instance))

    def set_monitored_items(self, instance: str, items: list[SimMonitoredItem]) -> None:
        self._plcsim.call("IInstance", lambda api: self._plcsim.target(api, instance))
        _no_equivalent("the bridge does not sample values at the end of PLCSIM's cycles")

    def drain_events(self, instance: str) -> SimRuntimeEvents:
        self._plcsim.call("IInstance", lambda api: self._plcsim.target(api, instance))
        _no_equivalent("Program_Alarm events are not reported through PLCSIM Advanced's API")
