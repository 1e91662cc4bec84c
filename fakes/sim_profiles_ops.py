"""The simulation-profiles area of the fake: saved sets of instance definitions, applied through the simulation
area, and the legacy PLCSIM import the simulated runtime cannot do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.simulation import SimProfilesPort
from engineering_api.backend.errors import NotFoundError, NotSupportedError
from engineering_api.errors import codes
from engineering_api.rules.simulation_profiles import (SimInstanceCalls, apply_profile, check_profile, profile_out,
                                                       profile_raw)
from fakes.runtime.manager import Profile
from fakes.simulation_ops import sim_errors

if TYPE_CHECKING:
    from pathlib import Path

    from engineering_api.backend.areas.simulation_models import (SimInstanceInfo, SimProfile, SimProfileInstance)
    from fakes.runtime.manager import SimulationRuntime

__all__ = ("FakeSimProfiles",)


class FakeSimProfiles(SimProfilesPort):
    """The simulation-profiles area of the fake.

    Args:
        plcsim: the machine's PLCSIM Advanced (:class:`fakes.runtime.manager.SimulationRuntime`), which keeps the
            profiles and its instances.
        calls: the simulation area's instance calls a profile is applied through.
    """

    def __init__(self, plcsim: SimulationRuntime, *, calls: SimInstanceCalls) -> None:
        self._plcsim = plcsim
        self._calls = calls

    def list_profiles(self) -> list[SimProfile]:
        return [profile_out(p) for p in self._plcsim.profiles()]

    def save_profile(
        self, name: str, *, description: str, instances: list[SimProfileInstance], overwrite: bool = False,
    ) -> SimProfile:
        check_profile(name, instances, [p.name for p in self._plcsim.profiles()], overwrite)
        raw = profile_raw(instances)
        with sim_errors():
            saved = self._plcsim.save_profile(Profile(name, description, raw))
        return profile_out(saved)

    def get_profile(self, file_name: str) -> SimProfile:
        with sim_errors(not_found=(NotFoundError, codes.SIM_PROFILE_NOT_FOUND)):
            return profile_out(self._plcsim.profile(file_name))

    def apply_profile(self, file_name: str) -> list[SimInstanceInfo]:
        profile = self.get_profile(file_name)
        created = apply_profile(
            profile, owner_of=lambda ip: getattr(self._plcsim.by_ip(ip), "name", None),
            create=lambda item: self._calls.create(item.name, item.cpu_type, item.operating_mode),
            set_network=self._calls.set_network, delete=self._calls.delete)
        by_name = {i.name.lower(): i for i in self._calls.instances()}
        return [by_name[name.lower()] for name in created]

    def import_legacy(self, source: Path | None) -> SimInstanceInfo:
        raise NotSupportedError(
            "Legacy S7-PLCSIM projects (.plc) are a Windows binary format that the simulated runtime cannot read. "
            "Create an instance (POST /api/simulation/instances/create or a profile) and download the program from "
            "the TIA project instead.", code=codes.SIM_LEGACY_NOT_SUPPORTED)
