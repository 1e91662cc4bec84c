"""Simulation profiles and the instance-setting rules every adapter's PLCSIM Advanced shares.

Pure code (no PLCSIM, no fake runtime): the fake (:mod:`fakes.simulation_ops`, :mod:`fakes.runtime.manager`) and
the Openness bridge (:mod:`openness_bridge.simulation`) both keep profiles as JSON files in the service's state
directory, since PLCSIM Advanced has no profile files of its own, and validate modes, ranges and IP suites
alike, so both answer with the same error codes.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.areas.simulation_models import (
    OPERATING_MODES,
    SimIpSuite,
    SimProfile,
    SimProfileInstance,
)
from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    ValidationError,
)
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from engineering_api.backend.areas.simulation_models import SimInstanceInfo

__all__ = (
    "INTERFACES",
    "MAX_INSTANCES",
    "PROFILE_FOLDER",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "SimInstanceCalls",
    "apply_profile",
    "check_mode",
    "check_profile",
    "check_suites",
    "in_range",
    "profile_out",
    "profile_raw",
    "valid_ip",
)

MAX_INSTANCES = 16
"""PLCSIM Advanced registers at most 16 instances (``ERuntimeErrorCode.LimitReached`` beyond)."""
INTERFACES = ("IE1", "IE2", "IE3", "IE4")
"""PLCSIM Advanced's ``EPLCInterface`` names of a virtual CPU's Ethernet interfaces."""
PROFILE_FOLDER = "plcsim-profiles"
"""Sub-folder of the state directory that holds the profiles."""


@dataclass(frozen=True, slots=True)
class SimInstanceCalls:
    """The simulation area's instance calls an adapter's profiles area applies a profile through."""

    instances: Callable[[], list[SimInstanceInfo]]
    """``list_instances()``: the registered instances, to find an address in use and to report the new ones."""
    create: Callable[[str, str, str | None], SimInstanceInfo]
    """``create_instance(name, cpu_type, operating_mode)``."""
    set_network: Callable[[str, list[SimIpSuite]], object]
    """``set_instance_network(instance, suites)``."""
    delete: Callable[[str], object]
    """Unregisters an instance by name (undoing a partly applied profile)."""


_PROFILE_NAME = re.compile(r"^[\w\-. ]{1,64}$")
_IP = re.compile(r"^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$")


class ProfileError(Exception):
    """A refused profile request; ``code`` is ``invalid`` or ``not-found``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Profile:
    """A saved set of instances."""

    name: str
    description: str = ""
    instances: list[dict[str, Any]] = field(default_factory=list)
    """``{name, cpuType, ipAddress?, subnetMask?, defaultGateway?, operatingMode?}`` each."""


def valid_ip(text: str) -> bool:
    """Whether ``text`` is a dotted IPv4 address."""
    return bool(_IP.match(text or ""))


class ProfileStore:
    """Profiles as ``<folder>/<name>.json``; ``cpu_types`` are the CPU types a profile instance may name."""

    def __init__(self, folder: Path, cpu_types: Iterable[str]) -> None:
        self.folder = folder
        self.cpu_types = frozenset(cpu_types)

    def save(self, profile: Profile) -> Profile:
        if not _PROFILE_NAME.match(profile.name) or profile.name.startswith("."):
            raise ProfileError(f'"{profile.name}" is not a valid profile name.', "invalid")
        for item in profile.instances:
            if item.get("cpuType", "CPU1500_Unspecified") not in self.cpu_types or not item.get("name"):
                raise ProfileError(f"Profile instance {item!r} needs a name and a known cpuType.", "invalid")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{profile.name}.json"
        path.write_text(json.dumps(asdict(profile), indent=2) + "\n", encoding="utf-8")
        return profile

    def list(self) -> list[Profile]:
        if not self.folder.is_dir():
            return []
        return [self.get(p.stem) for p in sorted(self.folder.glob("*.json"))]

    def get(self, name: str) -> Profile:
        stem = name.removesuffix(".json")
        if not _PROFILE_NAME.match(stem):  # also keeps "../x" out of the folder
            raise ProfileError(f'The profile "{name}" does not exist.', "not-found")
        path = self.folder / f"{stem}.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProfileError(f'The profile "{name}" does not exist.', "not-found") from exc
        return Profile(raw.get("name", stem), raw.get("description", ""), list(raw.get("instances", [])))


# ----- rules shared by the adapters ---------------------------------------------------------------------
def check_mode(mode: str) -> str:
    """``mode`` when it is one of the port's operating modes (``SIM_INVALID_ARGUMENT`` otherwise)."""
    if mode not in OPERATING_MODES:
        raise ValidationError(f'Unknown operating mode "{mode}". Use one of: {", ".join(OPERATING_MODES)}.',
                              code=codes.SIM_INVALID_ARGUMENT)
    return mode


def in_range(name: str, value: float | None, low: float, high: float) -> None:
    """Refuse ``value`` (when given) outside ``low..high`` with ``SIM_INVALID_ARGUMENT``."""
    if value is not None and not low <= value <= high:
        raise ValidationError(f"{name} must be in {low:g}..{high:g} (got {value:g}).", code=codes.SIM_INVALID_ARGUMENT)


def check_suites(suites: list[SimIpSuite]) -> None:
    """Known interfaces, each once, valid addresses, no address twice in the request."""
    for suite in suites:
        if suite.interface not in INTERFACES:
            raise ValidationError(f'Unknown interface "{suite.interface}"; a virtual CPU has {", ".join(INTERFACES)}.',
                                  code=codes.SIM_INVALID_ARGUMENT)
        for value in (suite.ip_address, suite.subnet_mask, suite.default_gateway):
            if not valid_ip(value):
                raise ValidationError(f'"{value}" is not an IPv4 address.', code=codes.SIM_INVALID_ARGUMENT)
    if len({s.interface for s in suites}) != len(suites):
        raise ValidationError("Each interface may be given once.", code=codes.SIM_INVALID_ARGUMENT)
    if len({s.ip_address for s in suites}) != len(suites):
        raise ConflictError("Two interfaces cannot have the same IP address.", code=codes.SIM_IP_IN_USE)


def check_profile(name: str, instances: list[SimProfileInstance], existing: Iterable[str], overwrite: bool) -> None:
    """The port's checks of a profile before it is saved (``existing``: names of the saved profiles)."""
    if len(instances) > MAX_INSTANCES:
        raise ValidationError(f"A profile holds at most {MAX_INSTANCES} instances.", code=codes.SIM_INVALID_ARGUMENT)
    if len({i.name.lower() for i in instances}) != len(instances):
        raise ValidationError("Instance names in a profile must be unique.", code=codes.SIM_INVALID_ARGUMENT)
    addresses = [i.ip_address for i in instances if i.ip_address]
    if len(set(addresses)) != len(addresses):
        raise ValidationError("Two instances of the profile have the same IP address.", code=codes.SIM_INVALID_ARGUMENT)
    for item in instances:
        check_mode(item.operating_mode)
        for value in (item.ip_address, item.subnet_mask, item.default_gateway):
            if value is not None and not valid_ip(value):
                raise ValidationError(f'"{value}" is not an IPv4 address.', code=codes.SIM_INVALID_ARGUMENT)
    if not overwrite and any(p.lower() == name.lower() for p in existing):
        raise AlreadyExistsError(f'The profile "{name}" exists; send overwrite=true to replace it.',
                                 code=codes.SIM_PROFILE_EXISTS)


def profile_raw(instances: list[SimProfileInstance]) -> list[dict[str, Any]]:
    """Profile instances as stored (camelCase, unset fields left out)."""
    return [{k: v for k, v in msgspec.to_builtins(i).items() if v is not None} for i in instances]


def profile_out(profile: Profile) -> SimProfile:
    """The port's view of a stored profile (``SIM_PROFILE_INVALID`` when a file was damaged by hand)."""
    try:
        instances = [msgspec.convert(item, SimProfileInstance) for item in profile.instances]
    except msgspec.ValidationError as exc:
        raise ValidationError(f'The profile "{profile.name}" is damaged ({exc}); save it again.',
                              code=codes.SIM_PROFILE_INVALID) from None
    return SimProfile(name=profile.name, file_name=f"{profile.name}.json", description=profile.description,
                      instances=instances)


def apply_profile(profile: SimProfile, *, owner_of: Callable[[str], str | None],
                  create: Callable[[SimProfileInstance], object],
                  set_network: Callable[[str, list[SimIpSuite]], object],
                  delete: Callable[[str], object]) -> list[str]:
    """Create ``profile``'s instances with their addresses, all or none; returns the created names, in order.

    ``owner_of(ip)`` names the instance that uses an address already (``SIM_IP_IN_USE`` before anything is made);
    ``create``, ``set_network`` and ``delete`` are the adapter's own instance calls.
    """
    for item in profile.instances:
        owner = owner_of(item.ip_address) if item.ip_address else None
        if owner is not None:
            raise ConflictError(f'The IP address {item.ip_address} of "{item.name}" is used by instance "{owner}".',
                                code=codes.SIM_IP_IN_USE)
    created: list[str] = []
    try:
        for item in profile.instances:
            create(item)
            created.append(item.name)
            if item.ip_address:
                set_network(item.name, [SimIpSuite(ip_address=item.ip_address,
                                                   subnet_mask=item.subnet_mask or "255.255.255.0",
                                                   default_gateway=item.default_gateway or "0.0.0.0")])
    except BaseException:
        for name in created:  # all or nothing: a half-applied profile would block applying it again
            delete(name)
        raise
    return created
