"""The simulation-tags area of the fake: the tag list of a simulated instance, its reads and writes.

Tag routes refuse a stale tag list (after a download) with ``NotUpToDate`` until it is refreshed, as PLCSIM's
``UpdateTagList`` demands; a download through this service refreshes the connected instance itself
(:meth:`fakes.simulation_ops.FakeSimulation.refresh_after_download`).
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.simulation import SimTagsPort
from engineering_api.backend.areas.simulation_models import (SimTagError, SimTagInfo, SimTagList, SimTagResult,
                                                             SimTagValue, SimTagWrite)
from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from fakes.runtime.cpu import SimulatedCpu, TagError
from fakes.runtime_errors import message_of
from fakes.security_ops import check_cpu_access
from fakes.simulation_ops import cpu_of, sim_errors

if TYPE_CHECKING:
    from collections.abc import Callable

    from fakes.runtime.cpu import TagReading
    from fakes.runtime.manager import SimulationRuntime

__all__ = ("BATCH_LIMIT", "FakeSimTags")

BATCH_LIMIT = 1000
"""Items one batch read or write may hold."""


def _sim_cpu(plcsim: SimulationRuntime, instance: str | None) -> SimulatedCpu:
    """The named instance, or the connected one for ``None`` (raises runtime errors: wrap in sim_errors)."""
    return plcsim.connected_cpu() if instance is None else plcsim.get(instance)


def _value(tag: TagReading) -> SimTagValue:
    return SimTagValue(name=tag.name, value=tag.value, data_type=tag.data_type, quality=tag.quality,
                       timestamp=tag.timestamp)


def _check_fresh(cpu: SimulatedCpu) -> None:
    if cpu.tags_stale:
        raise TagError("NotUpToDate", f'The tag list of "{cpu.name}" is out of date after a download. Refresh it '
                                      "(POST /api/simulation/tags/refresh) or connect again.")


class FakeSimTags(SimTagsPort):
    """The simulation-tags area of the fake, over the machine's in-process runtime.

    Args:
        plcsim: the machine's PLCSIM Advanced (:class:`fakes.runtime.manager.SimulationRuntime`), shared with the
            simulation area (its connected instance).
    """

    def __init__(self, plcsim: SimulationRuntime) -> None:
        self._plcsim = plcsim

    def list_tags(self, filter: str | None = None, instance: str | None = None) -> SimTagList:
        with sim_errors():
            cpu = _sim_cpu(self._plcsim, instance)
            _check_fresh(cpu)
            infos = cpu.image.tag_list()
        if filter:
            pattern = filter.lower() if any(c in filter for c in "*?[") else f"*{filter.lower()}*"
            infos = [i for i in infos if fnmatch.fnmatchcase(i.name.lower(), pattern)]
        tags = [SimTagInfo(name=i.name, data_type=i.data_type, address=i.address) for i in infos]
        return SimTagList(instance=cpu.name, count=len(tags), tags=tags)

    def refresh_tags(self, instance: str | None = None) -> SimTagList:
        cpu = cpu_of(self._plcsim, instance)
        cpu.tags_stale = False
        return self.list_tags(instance=cpu.name)

    def read_tag(self, name: str, instance: str | None = None) -> SimTagValue:
        with sim_errors():
            cpu = _sim_cpu(self._plcsim, instance)
            check_cpu_access(cpu, None, "read")
            _check_fresh(cpu)
            return _value(cpu.read(name))

    def write_tag(
        self, name: str, value: Any, instance: str | None = None, *, password: str | None = None, as_hmi: bool = False,
    ) -> SimTagValue:
        with sim_errors():
            cpu = _sim_cpu(self._plcsim, instance)
            check_cpu_access(cpu, password, "hmi-write" if as_hmi else "write")
            _check_fresh(cpu)
            return _value(cpu.write(name, value))

    def _batch(self, instance: str | None, items: list[Any], one: Callable[[SimulatedCpu, Any], TagReading],
               name_of: Callable[[Any], str]) -> list[SimTagResult]:
        if not items or len(items) > BATCH_LIMIT:
            raise ValidationError(f"A batch holds 1..{BATCH_LIMIT} tags (got {len(items)}).", code=codes.SIM_BATCH_SIZE)
        cpu = cpu_of(self._plcsim, instance)
        results = []
        with cpu.lock:  # one batch sees one cycle's values: a free-running CPU does not cycle in between
            for item in items:
                try:
                    _check_fresh(cpu)
                    tag = one(cpu, item)
                except TagError as exc:
                    results.append(SimTagResult(name=name_of(item), value=None, data_type=None, quality="Bad",
                                                timestamp=utc_now(), error=SimTagError(code=exc.code,
                                                                                       message=message_of(exc))))
                    continue
                results.append(SimTagResult(name=tag.name, value=tag.value, data_type=tag.data_type,
                                            quality=tag.quality, timestamp=tag.timestamp))
        return results

    def batch_read(
        self, names: list[str], instance: str | None = None, *, password: str | None = None,
    ) -> list[SimTagResult]:
        if names:  # an empty batch needs no access check: _batch refuses it
            check_cpu_access(cpu_of(self._plcsim, instance), password, "read")
        return self._batch(instance, names, lambda cpu, name: cpu.read(name), str)

    def batch_write(
        self, items: list[SimTagWrite], instance: str | None = None, *, password: str | None = None,
        as_hmi: bool = False,
    ) -> list[SimTagResult]:
        if items:  # an empty batch needs no access check: _batch refuses it
            check_cpu_access(cpu_of(self._plcsim, instance), password, "hmi-write" if as_hmi else "write")
        return self._batch(instance, items, lambda cpu, item: cpu.write(item.name, item.value), lambda i: i.name)
