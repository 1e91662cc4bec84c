"""Simulation profiles on the bridge, and the legacy-project import it cannot do.

PLCSIM Advanced has no profile files: the bridge keeps them as JSON under its state directory, with the
fake's store and rules (:mod:`engineering_api.rules.simulation_profiles`), and applies one by registering its
instances through PLCSIM (all or none).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from engineering_api.backend.areas.simulation import SimProfilesPort
from engineering_api.backend.errors import (
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules.simulation_profiles import (
    PROFILE_FOLDER,
    Profile,
    ProfileError,
    ProfileStore,
    SimInstanceCalls,
    apply_profile,
    check_profile,
    profile_out,
    profile_raw,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.simulation_models import (
        SimInstanceInfo,
        SimProfile,
        SimProfileInstance,
    )
    from openness_bridge.plcsim import PlcsimApi
    from openness_bridge.simulation_base import PlcsimAccess

__all__ = ("BridgeSimProfiles",)

T = TypeVar("T")


class BridgeSimProfiles(SimProfilesPort):
    """The simulation-profiles area of the bridge (and ``import_legacy``); the profiles are the bridge's own
    files, applied through the simulation area.

    Args:
        plcsim: PLCSIM Advanced as the backend's simulation areas share it.
        state_dir: where profiles are kept (the system temp folder when None): PLCSIM Advanced has no profile files.
        calls: the simulation area's instance calls a profile is applied through.
    """

    def __init__(self, plcsim: PlcsimAccess, *, state_dir: Path | None, calls: SimInstanceCalls) -> None:
        self._plcsim = plcsim
        self._state_dir = state_dir
        self._calls = calls

    def _sim_profiles(self, api: PlcsimApi) -> ProfileStore:
        root = self._state_dir or Path(tempfile.gettempdir()) / "engineering-api-bridge-state"
        return ProfileStore(root / PROFILE_FOLDER, api.enum_names("ECPUType"))

    def _sim_profile_call(self, fn: Callable[[], T]) -> T:
        """``fn()`` with the store's refusals as the port's errors."""
        try:
            return fn()
        except ProfileError as exc:
            if exc.code == "not-found":
                raise NotFoundError(exc.message, code=codes.SIM_PROFILE_NOT_FOUND) from None
            raise ValidationError(exc.message, code=codes.SIM_INVALID_ARGUMENT) from None

    def list_profiles(self) -> list[SimProfile]:
        store = self._sim_profiles(self._plcsim.require_api())
        return [profile_out(p) for p in self._sim_profile_call(store.list)]

    def save_profile(
        self, name: str, *, description: str, instances: list[SimProfileInstance], overwrite: bool = False,
    ) -> SimProfile:
        store = self._sim_profiles(self._plcsim.require_api())
        existing = [p.name for p in self._sim_profile_call(store.list)]
        check_profile(name, instances, existing, overwrite)
        saved = self._sim_profile_call(lambda: store.save(Profile(name, description, profile_raw(instances))))
        return profile_out(saved)

    def get_profile(self, file_name: str) -> SimProfile:
        store = self._sim_profiles(self._plcsim.require_api())
        return profile_out(self._sim_profile_call(lambda: store.get(file_name)))

    def apply_profile(self, file_name: str) -> list[SimInstanceInfo]:
        profile = self.get_profile(file_name)
        owners = {ip: info.name for info in self._calls.instances() for ip in info.ip_addresses}
        created = apply_profile(
            profile, owner_of=owners.get,
            create=lambda item: self._calls.create(item.name, item.cpu_type, item.operating_mode),
            set_network=self._calls.set_network, delete=self._calls.delete)
        wanted = {n.lower() for n in created}
        return [i for i in self._calls.instances() if i.name.lower() in wanted]

    def import_legacy(self, source: Path | None) -> SimInstanceInfo:
        raise NotSupportedError(
            "Legacy S7-PLCSIM projects (.plc, S7-300/400) cannot be imported: PLCSIM Advanced simulates only "
            "S7-1500 and ET 200SP CPUs and its API (SimulationRuntimeManager, IInstance) has no call that reads a "
            "legacy PLCSIM project; it only restores its own archives (IInstance.RetrieveStorage). Create an "
            "instance (or apply a profile) and download the program from the TIA project instead.",
            code=codes.SIM_LEGACY_NOT_SUPPORTED)
