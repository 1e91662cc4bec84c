"""PLCSIM Advanced: the runtime manager, virtual PLC instances, operating states, tags (port area).

An adapter drives one machine's PLCSIM Advanced (the fake: :mod:`fakes.runtime`, in-process). At most 16
instances are registered; one of them is *connected*, and the tag methods act on that one unless an
instance is named. Methods that take ``instance: str | None`` use the connected instance for ``None``.

Error codes shared by most methods (the fake's translation of PLCSIM's runtime error codes):
``SIM_INSTANCE_NOT_FOUND`` (404), ``SIM_NOT_CONNECTED`` (409, no instance named and none connected),
``INSTANCE_OFF`` (409, power it on first), ``SIM_ENGINE_UNAVAILABLE`` (501, the simulated PLC engine is
missing from this build). Return types live in :mod:`.simulation_models`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from engineering_api.backend.areas.simulation_snapshots import SimSnapshotInfo, SimSnapshotRestored
    from engineering_api.backend.areas.simulation_models import (
        SimConnection, SimDiagnostics, SimInstanceConfig, SimInstanceInfo, SimInstanceState, SimIpSuite,
        SimNetworkConfig, SimProfile, SimProfileInstance, SimRuntimeConfig, SimRuntimeStatus, SimSessionState,
        SimStatus, SimStepResult, SimTagList, SimTagResult, SimTagValue, SimTagWrite,
    )

__all__ = ("SimProfilesPort", "SimSnapshotsPort", "SimTagsPort", "SimulationPort")


class SimulationPort(ABC):
    """The runtime manager, instances, their operating states, stepping, diagnostics and the session (tags and
    profiles are the areas :class:`SimTagsPort` and :class:`SimProfilesPort`). Every method runs on the TIA worker
    thread; docstrings name the domain errors raised."""

    # ----- runtime manager ----------------------------------------------------------------------
    @abstractmethod
    def runtime_status(self) -> SimRuntimeStatus:
        """Whether the runtime manager runs, its API version, port and instance count. Never raises."""

    @abstractmethod
    def start_runtime(self) -> SimRuntimeStatus:
        """Start the runtime manager (nothing to do when it runs)."""

    @abstractmethod
    def runtime_config(self) -> SimRuntimeConfig:
        """Network mode and remote port of the runtime manager."""

    @abstractmethod
    def update_runtime_config(self, *, network_mode: str | None, port: int | None) -> SimRuntimeConfig:
        """Change the network mode and/or open the remote port (``None`` keeps a value).

        Raises:
            ValidationError: unknown network mode, or a port outside 1024..65535 (``SIM_INVALID_ARGUMENT``).
            ConflictError: the network mode changes while an instance is powered on (``SIM_INSTANCES_RUNNING``).
            NotSupportedError: the network mode cannot change on this backend (``NO_OPENNESS_EQUIVALENT``; PLCSIM
                Advanced's API has no runtime-wide network mode).
        """

    @abstractmethod
    def set_port(self, port: int | None) -> SimRuntimeConfig:
        """Open the runtime manager's remote port (``None`` closes it).

        Raises:
            ValidationError: a port outside 1024..65535 (``SIM_INVALID_ARGUMENT``).
        """

    @abstractmethod
    def status(self) -> SimStatus:
        """Runtime manager, registered instances and the connected one. Never raises."""

    # ----- instances ----------------------------------------------------------------------------
    @abstractmethod
    def list_instances(self) -> list[SimInstanceInfo]:
        """Registered instances, in creation order."""

    @abstractmethod
    def create_instance(
        self, name: str, cpu_type: str = "CPU1500_Unspecified", operating_mode: str | None = None,
    ) -> SimInstanceInfo:
        """Register a new instance (powered off, nothing downloaded).

        Raises:
            ValidationError: a bad name, CPU type or operating mode (``SIM_INVALID_ARGUMENT``).
            AlreadyExistsError: the name is taken, case-insensitively (``SIM_INSTANCE_EXISTS``).
            ConflictError: 16 instances are registered (``SIM_INSTANCE_LIMIT``); the runtime manager is not
                running (``SIM_RUNTIME_STOPPED``).
            NotSupportedError: the simulated PLC engine is missing (``SIM_ENGINE_UNAVAILABLE``).
        """

    @abstractmethod
    def delete_instance(self, instance: str) -> SimInstanceInfo:
        """Unregister a powered-off instance; returns it as it was.

        Raises:
            NotFoundError: no such instance.
            ConflictError: the instance is not powered off (``SIM_INSTANCE_NOT_OFF``).
        """

    @abstractmethod
    def power_on(self, instance: str) -> SimInstanceState:
        """Power on: the CPU boots into STOP with start values (retentive data kept). Idempotent.

        Raises:
            NotFoundError: no such instance.
        """

    @abstractmethod
    def power_off(self, instance: str, *, confirm: bool = False) -> SimInstanceState:
        """Power off: non-retentive data is lost. Idempotent. A CPU in RUN is only powered off with ``confirm``.

        Raises:
            NotFoundError: no such instance.
            ConflictError: in RUN without ``confirm`` (``STOP_NOT_CONFIRMED``, as ``stop_cpu``).
        """

    @abstractmethod
    def run(self, instance: str | None) -> SimInstanceState:
        """STOP to RUN: startup OBs run, then cycles (free-running in Default mode). Idempotent in RUN.

        Raises:
            NotFoundError: no such instance.
            ConflictError: powered off (``INSTANCE_OFF``); a programming error in a startup OB stopped the
                CPU (``CPU_STOPPED_BY_ERROR``, details name block, network and line).
        """

    @abstractmethod
    def stop(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState:
        """RUN to STOP, only with ``confirm`` (as ``stop_cpu``). Idempotent in STOP.

        Raises:
            NotFoundError: no such instance.
            ConflictError: powered off (``INSTANCE_OFF``); in RUN without ``confirm`` (``STOP_NOT_CONFIRMED``).
        """

    @abstractmethod
    def memory_reset(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState:
        """MRES: STOP, every value back to its start value, retentive data cleared; the program stays.

        A CPU in RUN is only reset with ``confirm`` (the reset stops it).

        Raises:
            NotFoundError: no such instance.
            ConflictError: powered off (``INSTANCE_OFF``); in RUN without ``confirm`` (``STOP_NOT_CONFIRMED``).
        """

    @abstractmethod
    def clear_forces(self, instance: str | None) -> list[str]:
        """Remove every force the instance's CPU holds (a memory reset keeps them, as on an S7-1500); returns the
        operands no longer forced. A PLC unit test starts from a clean state with it.

        Raises:
            NotFoundError: no such instance.
            ConflictError: powered off (``INSTANCE_OFF``).
            NotSupportedError: the adapter cannot see or remove forces (``NO_OPENNESS_EQUIVALENT``).
        """

    @abstractmethod
    def instance_state(self, instance: str | None) -> SimInstanceState:
        """Operating state, mode, virtual time, scan-time statistics, last programming error.

        Raises:
            NotFoundError: no such instance.
        """

    @abstractmethod
    def instance_config(self, instance: str) -> SimInstanceConfig:
        """Operating mode, cycle time, scale factor and CPU type of an instance.

        Raises:
            NotFoundError: no such instance.
        """

    @abstractmethod
    def update_instance_config(
        self, instance: str, *, operating_mode: str | None = None, cycle_time_ms: float | None = None,
        min_cycle_time_ms: float | None = None, scale_factor: float | None = None, cpu_type: str | None = None,
    ) -> SimInstanceConfig:
        """Change settings (``None`` keeps a value). Switching to Default lets a running CPU run freely.

        Raises:
            NotFoundError: no such instance.
            ValidationError: unknown operating mode, a value out of range, or a different ``cpu_type``
                (read-only, ``SIM_CPU_TYPE_READ_ONLY``).
        """

    @abstractmethod
    def instance_network(self, instance: str) -> SimNetworkConfig:
        """IP suites of an instance.

        Raises:
            NotFoundError: no such instance.
        """

    @abstractmethod
    def set_instance_network(self, instance: str, suites: list[SimIpSuite]) -> SimNetworkConfig:
        """Replace the IP suites (an empty list goes back to Softbus).

        Raises:
            NotFoundError: no such instance.
            ValidationError: a malformed address or interface, or one interface twice (``SIM_INVALID_ARGUMENT``).
            ConflictError: an address is used by another instance or twice in the request (``SIM_IP_IN_USE``).
        """

    @abstractmethod
    def step(self, instance: str | None, cycles: int | None = None,
                 milliseconds: float | None = None) -> SimStepResult:
        """Advance virtual time by ``cycles`` cycles or ``milliseconds`` (exactly one of them).

        A programming error during the step stops the CPU: the result says so (``stopped``), it is not an error.

        Raises:
            NotFoundError: no such instance.
            ConflictError: not in RUN (``CPU_NOT_RUNNING``); operating mode Default (``SIM_FREE_RUNNING``);
                powered off (``INSTANCE_OFF``).
            ValidationError: neither or both given, or out of range (``SIM_BAD_STEP``).
        """

    @abstractmethod
    def diagnostics(self, instance: str, limit: int | None = None) -> SimDiagnostics:
        """The diagnostic buffer, newest first (at most ``limit`` entries).

        Raises:
            NotFoundError: no such instance.
        """

    # ----- connection and session ---------------------------------------------------------------
    @abstractmethod
    def connect(self, instance: str) -> SimConnection:
        """Make ``instance`` the one the tag methods act on; its tag list is refreshed.

        Raises:
            NotFoundError: no such instance.
        """

    @abstractmethod
    def disconnect(self) -> SimConnection:
        """Forget the connected instance (nothing to do when none is)."""

    @abstractmethod
    def start_session(self, instance: str) -> SimSessionState:
        """Connect to ``instance``, power it on when off, and set it to RUN.

        Raises:
            NotFoundError: no such instance.
            ConflictError: the CPU stopped on a programming error at startup (``CPU_STOPPED_BY_ERROR``).
        """

    @abstractmethod
    def stop_session(self, *, confirm: bool = False) -> SimSessionState:
        """Set the connected instance to STOP and disconnect (it stays powered on); a CPU in RUN needs ``confirm``.

        Raises:
            ConflictError: no instance is connected (``SIM_NOT_CONNECTED``); in RUN without ``confirm``
                (``STOP_NOT_CONFIRMED``).
        """

    @abstractmethod
    def session_state(self) -> SimSessionState:
        """The connected instance and whether it runs. Never raises."""



class SimTagsPort(ABC):
    """The tags of a simulation instance: its tag list, reads and writes (the connected instance for ``None``).
    Every method runs on the TIA worker thread; docstrings name the domain errors raised."""

    @abstractmethod
    def list_tags(self, filter: str | None = None, instance: str | None = None) -> SimTagList:
        """Leaves of the tag list; ``filter`` is a case-insensitive substring or a ``*``/``?`` pattern.

        Raises:
            NotFoundError: no such instance.
            ConflictError: no instance connected; the tag list is stale after a download
                (``SIM_TAG_LIST_NOT_UP_TO_DATE``: refresh it).
        """

    @abstractmethod
    def refresh_tags(self, instance: str | None = None) -> SimTagList:
        """Read the tag list again after a download (PLCSIM's ``UpdateTagList``).

        Raises:
            NotFoundError: no such instance.
            ConflictError: no instance connected.
        """

    @abstractmethod
    def read_tag(self, name: str, instance: str | None = None) -> SimTagValue:
        """Read one tag: a tag name, ``"DB".member[1]`` or an absolute address (``%IW2``).

        Raises:
            NotFoundError: no such instance, or no such tag (``SIM_TAG_NOT_FOUND``).
            ConflictError: no instance connected; tag list stale (``SIM_TAG_LIST_NOT_UP_TO_DATE``); powered off
                (``INSTANCE_OFF``).
            ValidationError: the value cannot be represented (``SIM_TAG_NOT_SUPPORTED``).
            PermissionDeniedError: ``CPU_ACCESS_DENIED``: the CPU is protected with "no access" (reads need HMI
                access; a password can be sent with :meth:`batch_read`).
        """

    @abstractmethod
    def write_tag(
        self, name: str, value: Any, instance: str | None = None, *, password: str | None = None, as_hmi: bool = False,
    ) -> SimTagValue:
        """Write one tag; returns the value as stored (wrapped or rounded to the tag's type).

        A protected CPU (:mod:`..areas.security`) takes the write only when its access level, or the level
        ``password`` grants, allows it: full access, or HMI access for a write ``as_hmi``.

        Raises:
            NotFoundError: no such instance, or no such tag (``SIM_TAG_NOT_FOUND``).
            ConflictError: as :meth:`read_tag`.
            ValidationError: the value does not fit the tag's type (``SIM_TAG_TYPE_MISMATCH``).
            PermissionDeniedError: ``CPU_ACCESS_DENIED`` (the CPU's protection refuses the write).
        """

    @abstractmethod
    def batch_read(
        self, names: list[str], instance: str | None = None, *, password: str | None = None,
    ) -> list[SimTagResult]:
        """Read several tags; one result per name, in order, each with its own error (never raised).

        Raises:
            PermissionDeniedError: ``CPU_ACCESS_DENIED`` (a CPU with "no access" and no password granting HMI access).
            NotFoundError: no such instance.
            ConflictError: no instance connected.
            ValidationError: no names, or more than the batch limit (``SIM_BATCH_SIZE``).
        """

    @abstractmethod
    def batch_write(
        self, items: list[SimTagWrite], instance: str | None = None, *, password: str | None = None,
        as_hmi: bool = False,
    ) -> list[SimTagResult]:
        """Write several tags in order; one result per item, each with its own error (never raised).

        Raises:
            PermissionDeniedError: ``CPU_ACCESS_DENIED``, as :meth:`write_tag`, before anything is written.
            NotFoundError: no such instance.
            ConflictError: no instance connected.
            ValidationError: no items, or more than the batch limit (``SIM_BATCH_SIZE``).
        """



class SimProfilesPort(ABC):
    """Saved sets of instance definitions (profiles) and the import of a legacy PLCSIM project. Every method runs on
    the TIA worker thread; docstrings name the domain errors raised."""

    @abstractmethod
    def list_profiles(self) -> list[SimProfile]:
        """Saved profiles, by name.

        Raises:
            ValidationError: a saved profile cannot be read (``SIM_PROFILE_INVALID``).
        """

    @abstractmethod
    def save_profile(
        self, name: str, *, description: str, instances: list[SimProfileInstance], overwrite: bool = False,
    ) -> SimProfile:
        """Save a set of instance definitions (nothing is created; see :meth:`apply_profile`).

        Raises:
            ValidationError: a bad profile name, CPU type, operating mode or address; duplicate or too many
                instances (``SIM_INVALID_ARGUMENT``).
            AlreadyExistsError: the profile exists and ``overwrite`` is false (``SIM_PROFILE_EXISTS``).
        """

    @abstractmethod
    def get_profile(self, file_name: str) -> SimProfile:
        """One profile by name (with or without ``.json``).

        Raises:
            NotFoundError: no such profile (``SIM_PROFILE_NOT_FOUND``).
            ValidationError: the saved profile cannot be read (``SIM_PROFILE_INVALID``).
        """

    @abstractmethod
    def apply_profile(self, file_name: str) -> list[SimInstanceInfo]:
        """Create the profile's instances, with their modes and addresses; all or none.

        Raises:
            NotFoundError: no such profile (``SIM_PROFILE_NOT_FOUND``).
            AlreadyExistsError: an instance of that name exists (``SIM_INSTANCE_EXISTS``).
            ConflictError: more than 16 instances would be registered (``SIM_INSTANCE_LIMIT``); an address is in
                use (``SIM_IP_IN_USE``).
        """

    @abstractmethod
    def import_legacy(self, source: Path | None) -> SimInstanceInfo:
        """Import a legacy S7-PLCSIM project as an instance.

        Raises:
            NotSupportedError: the backend cannot read legacy PLCSIM projects (``SIM_LEGACY_NOT_SUPPORTED``).
        """


class SimSnapshotsPort(ABC):
    """Snapshots of a simulation instance's CPU state. Every method runs on the TIA worker thread; docstrings name the
    domain errors raised. Every method may raise ``NotSupportedError`` (``NO_PLCSIM_EQUIVALENT``) on an adapter whose
    simulator cannot read or set a running CPU's whole state."""

    @abstractmethod
    def list_snapshots(self, instance: str) -> list[SimSnapshotInfo]:
        """The instance's snapshots, oldest first.

        Raises:
            NotFoundError: no such instance (``SIM_INSTANCE_NOT_FOUND``).
        """

    @abstractmethod
    def create_snapshot(self, instance: str, name: str) -> SimSnapshotInfo:
        """Take a snapshot of the instance's CPU (in RUN or STOP), between two cycles.

        Raises:
            NotFoundError: no such instance.
            ValidationError: a bad name (``SIM_SNAPSHOT_NAME_INVALID``).
            AlreadyExistsError: the instance has a snapshot of that name, case-insensitively (``SIM_SNAPSHOT_EXISTS``).
            ConflictError: powered off (``INSTANCE_OFF``); :data:`MAX_SNAPSHOTS` are kept (``SIM_SNAPSHOT_LIMIT``).
        """

    @abstractmethod
    def restore_snapshot(self, instance: str, name: str) -> SimSnapshotRestored:
        """Put the snapshot's state back on a CPU in STOP; the CPU ends in the snapshot's operating state (a snapshot
        taken in RUN resumes where it was, without a startup: the restored values are not initialised again).

        Raises:
            NotFoundError: no such instance, or no such snapshot (``SIM_SNAPSHOT_NOT_FOUND``).
            ConflictError: powered off (``INSTANCE_OFF``); in RUN (``SIM_SNAPSHOT_CPU_RUNNING``: stop it first);
                another program was downloaded since (``SIM_SNAPSHOT_PROGRAM_CHANGED``).
        """

    @abstractmethod
    def delete_snapshot(self, instance: str, name: str) -> SimSnapshotInfo:
        """Forget a snapshot; returns it as it was.

        Raises:
            NotFoundError: no such instance, or no such snapshot (``SIM_SNAPSHOT_NOT_FOUND``).
        """
