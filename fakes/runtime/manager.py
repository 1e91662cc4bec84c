"""The PLCSIM Advanced runtime manager of the fake: virtual PLC instances, the remote port, profiles.

Like PLCSIM Advanced it registers at most 16 instances, names are unique (case-insensitive), and an
instance is unregistered only when powered off. One instance at a time is *connected*: the tag
routes read and write that one. Profiles are saved instance sets (JSON files in the state
directory) that re-create instances in one call.
"""

from __future__ import annotations

import re
import threading
import time
from typing import TYPE_CHECKING, Generic

from engineering_api.rules.simulation_profiles import (MAX_INSTANCES, PROFILE_FOLDER, Profile, ProfileError,
                                                       ProfileStore, valid_ip)

from .cpu import RUNNER_STOP_GRACE, ImageT, IpSuite, OperatingState, SimulatedCpu

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ("CPU_TYPES", "MAX_INSTANCES", "Profile", "SimulationError", "SimulationRuntime", "valid_ip")

API_VERSION = "6.0"
CPU_TYPES = (
    "CPU1500_Unspecified", "CPU1511", "CPU1513", "CPU1515", "CPU1516", "CPU1517", "CPU1518", "CPU1511C", "CPU1512C",
    "CPU1511F", "CPU1513F", "CPU1515F", "CPU1516F", "CPU1517F", "CPU1518F", "CPU1511T", "CPU1515T", "CPU1516T",
    "CPU1517T", "CPU1517TF", "CPU1518MFP", "ET200SP_Unspecified", "CPU1510SP", "CPU1512SP", "CPU1510SPF",
    "CPU1512SPF",
)
"""``ECPUType`` names of PLCSIM Advanced V6 (the S7-1500 and ET 200SP CPUs it simulates)."""
# Profiles (and valid_ip) live in engineering_api.rules.simulation_profiles, shared with the Openness bridge.


class SimulationError(Exception):
    """A refused runtime-manager request; ``code``: ``not-found``, ``exists``, ``limit``, ``invalid``, ``busy``,
    ``runtime-stopped``, ``not-connected``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class SimulationRuntime(Generic[ImageT]):
    """All instances of one machine's PLCSIM Advanced (one per fake backend).

    Args:
        state_dir: where profiles are kept.
        empty_image: a factory for the program image of a CPU with nothing downloaded (its type is the type of
            image the instances run: :class:`~fakes.runtime.image.ProgramImage` in the fake backend).
    """

    def __init__(self, state_dir: Path, empty_image: Callable[[], ImageT]) -> None:
        self.state_dir = state_dir
        self._empty_image = empty_image
        self.running = True
        self.port: int | None = None
        self.network_mode = "Softbus"
        self.instances: dict[str, SimulatedCpu[ImageT]] = {}
        self.connected: str | None = None
        self._next_id = 1
        self._lock = threading.Lock()

    # ----- runtime manager ----------------------------------------------------------------------
    def require_running(self) -> None:
        if not self.running:
            raise SimulationError("The PLCSIM Advanced runtime manager is not running. Start it first "
                                  "(POST /api/simulation/runtime/start).", "runtime-stopped")

    def start(self) -> None:
        self.running = True

    def set_port(self, port: int | None) -> None:
        if port is not None and not 1024 <= port <= 65535:
            raise SimulationError("The runtime manager port must be in 1024..65535 (or null to close it).", "invalid")
        self.port = port

    # ----- instances ----------------------------------------------------------------------------
    def create(self, name: str, cpu_type: str = "CPU1500_Unspecified") -> SimulatedCpu[ImageT]:
        self.require_running()
        if not name or len(name) > 64 or not re.match(r"^[\w\-. ]+$", name):
            raise SimulationError(f'"{name}" is not a valid instance name (letters, digits, - _ . and spaces, '
                                  "at most 64).", "invalid")
        if cpu_type not in CPU_TYPES:
            raise SimulationError(f'Unknown CPU type "{cpu_type}". Known: {", ".join(CPU_TYPES)}.', "invalid")
        with self._lock:
            if self.find(name) is not None:
                raise SimulationError(f'An instance named "{name}" already exists.', "exists")
            if len(self.instances) >= MAX_INSTANCES:
                raise SimulationError(f"PLCSIM Advanced runs at most {MAX_INSTANCES} instances.", "limit")
            cpu = SimulatedCpu(name, instance_id=self._next_id, cpu_type=cpu_type, empty_image=self._empty_image())
            self._next_id += 1
            self.instances[name] = cpu
            return cpu

    def find(self, name: str) -> SimulatedCpu[ImageT] | None:
        key = name.lower()
        return next((c for n, c in self.instances.items() if n.lower() == key), None)

    def get(self, name: str) -> SimulatedCpu[ImageT]:
        cpu = self.find(name)
        if cpu is None:
            raise SimulationError(f'The simulation instance "{name}" does not exist.', "not-found")
        return cpu

    def delete(self, name: str) -> None:
        cpu = self.get(name)
        if cpu.state != OperatingState.OFF:
            raise SimulationError(f'The instance "{cpu.name}" is {cpu.state}; power it off before deleting it.', "busy")
        with self._lock:
            cpu.shutdown()
            del self.instances[cpu.name]
            if self.connected == cpu.name:
                self.connected = None

    def set_network(self, name: str, suites: list[IpSuite]) -> SimulatedCpu[ImageT]:
        cpu = self.get(name)
        for suite in suites:
            for value in (suite.ip_address, suite.subnet_mask, suite.default_gateway):
                if not valid_ip(value):
                    raise SimulationError(f'"{value}" is not an IPv4 address.', "invalid")
            other = self.by_ip(suite.ip_address)
            if other is not None and other is not cpu:
                raise SimulationError(f'The IP address {suite.ip_address} is already used by instance '
                                      f'"{other.name}".', "exists")
        cpu.ip_suites = suites
        cpu.communication_interface = "TCPIP" if suites else "Softbus"
        return cpu

    def by_ip(self, ip: str) -> SimulatedCpu[ImageT] | None:
        return next((c for c in self.instances.values() if any(s.ip_address == ip for s in c.ip_suites)), None)

    # ----- connection ---------------------------------------------------------------------------
    def connect(self, name: str) -> SimulatedCpu[ImageT]:
        cpu = self.get(name)
        self.connected = cpu.name
        cpu.tags_stale = False
        return cpu

    def disconnect(self) -> None:
        self.connected = None

    def connected_cpu(self) -> SimulatedCpu[ImageT]:
        if self.connected is None or self.connected not in self.instances:
            raise SimulationError("No simulation instance is connected (POST /api/simulation/connect).",
                                  "not-connected")
        return self.instances[self.connected]

    # ----- profiles -----------------------------------------------------------------------------
    def _store(self) -> ProfileStore:
        return ProfileStore(self.state_dir / PROFILE_FOLDER, CPU_TYPES)

    def save_profile(self, profile: Profile) -> Profile:
        try:
            return self._store().save(profile)
        except ProfileError as exc:
            raise SimulationError(exc.message, exc.code) from None

    def profiles(self) -> list[Profile]:
        try:
            return self._store().list()
        except ProfileError as exc:
            raise SimulationError(exc.message, exc.code) from None

    def profile(self, name: str) -> Profile:
        try:
            return self._store().get(name)
        except ProfileError as exc:
            raise SimulationError(exc.message, exc.code) from None

    def shutdown(self) -> None:
        """Stop every free-running instance's thread (server shutdown), all within one grace period."""
        cpus = list(self.instances.values())
        for cpu in cpus:
            cpu.halt()
        deadline = time.monotonic() + RUNNER_STOP_GRACE
        for cpu in cpus:
            cpu.shutdown(deadline)
