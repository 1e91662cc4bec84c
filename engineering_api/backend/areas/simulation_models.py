"""What the simulation port returns: PLCSIM Advanced's runtime manager, instances and tag values.

Names follow PLCSIM Advanced's API (``OperatingState``, ``OperatingMode``, ``CPUType``, ``IPSuite4``)
in camelCase; T-IA Connect clients PascalCase the first letter of every key and read the same fields.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "NETWORK_MODES",
    "OPERATING_MODES",
    "TAG_ERROR_CODES",
    "OperatingModeName",
    "SimConnection",
    "SimDiagnosticEntry",
    "SimDiagnostics",
    "SimInstanceConfig",
    "SimInstanceInfo",
    "SimInstanceState",
    "SimIpSuite",
    "SimNetworkConfig",
    "SimProfile",
    "SimProfileInstance",
    "SimRuntimeConfig",
    "SimRuntimeStatus",
    "SimScanTime",
    "SimSessionState",
    "SimStatus",
    "SimStepResult",
    "SimTagError",
    "SimTagInfo",
    "SimTagList",
    "SimTagResult",
    "SimTagValue",
    "SimTagWrite",
)

OperatingModeName = Literal["Default", "SingleStep", "TimespanSynchronized"]
OPERATING_MODES: tuple[str, ...] = ("Default", "SingleStep", "TimespanSynchronized")
NETWORK_MODES: tuple[str, ...] = ("Softbus", "TCPIPSingleAdapter", "TCPIPMultipleAdapter")
"""PLCSIM Advanced's ``ENetworkMode`` values (Softbus: local only; TCP/IP over one or several adapters)."""
TAG_ERROR_CODES: tuple[str, ...] = ("DoesNotExist", "TypeMismatch", "NotUpToDate", "InstanceNotRunning", "NotSupported")
"""PLCSIM Advanced's per-tag ``ERuntimeErrorCode`` names, as batch items report them."""


class SimRuntimeStatus(CamelStruct):
    """The PLCSIM Advanced runtime manager."""

    running: bool
    api_version: str
    api_available: bool
    """Whether programs can run (the simulated PLC engine is present)."""
    port: int | None
    network_mode: str
    instance_count: int
    max_instances: int
    engine: str


class SimRuntimeConfig(CamelStruct):
    """Runtime manager settings; ``maxInstances`` and ``apiVersion`` are read-only."""

    network_mode: str
    port: int | None
    max_instances: int
    api_version: str
    network_modes: list[str]


class SimIpSuite(CamelStruct):
    """An IPv4 suite of one interface of a virtual CPU (``IE1`` .. ``IE4``)."""

    ip_address: str
    subnet_mask: str = "255.255.255.0"
    default_gateway: str = "0.0.0.0"
    """IPv4 address of the default gateway (default 0.0.0.0: none)."""
    interface: str = "IE1"
    """The interface, IE1 to IE4 (default IE1)."""


class SimInstanceInfo(CamelStruct):
    """A registered virtual PLC."""

    name: str
    id: int
    cpu_type: str
    operating_state: str
    operating_mode: str
    communication_interface: str
    ip_addresses: list[str]
    connected: bool
    device: str | None = None
    """The TIA device whose program was downloaded last."""


class SimScanTime(CamelStruct):
    """Real execution time of the cycles run so far (microseconds, this host)."""

    cycles: int
    last_us: float
    min_us: float
    max_us: float
    average_us: float


class SimDiagnosticEntry(CamelStruct):
    """One entry of the diagnostic buffer; a STOP after a programming error names block, network and line."""

    sequence: int
    timestamp: str
    virtual_time_ms: float
    event: str
    message: str
    block: str | None = None
    network: int | None = None
    line: int | None = None


class SimInstanceState(CamelStruct):
    """Operating state, virtual time and scan-time statistics of a virtual PLC."""

    name: str
    operating_state: str
    operating_mode: str
    virtual_time_ms: float
    cycle_time_ms: float
    scan_time: SimScanTime
    tags_up_to_date: bool
    connected: bool
    device: str | None = None
    forces: dict[str, Any] = msgspec.field(default_factory=dict)
    last_error: SimDiagnosticEntry | None = None
    """The last programming error that stopped the CPU, if any."""


class SimInstanceConfig(CamelStruct):
    """Settings of a virtual PLC; ``cpuType`` is fixed when the instance is created."""

    name: str
    cpu_type: str
    operating_mode: str
    cycle_time_ms: float
    """Virtual duration of one cycle when time is stepped (SingleStep, TimespanSynchronized)."""
    min_cycle_time_ms: float
    """Real minimum cycle time of a free-running (Default mode) instance."""
    scale_factor: float
    communication_interface: str


class SimNetworkConfig(CamelStruct):
    """IP suites of a virtual PLC (``Softbus`` when it has none)."""

    name: str
    communication_interface: str
    ip_suites: list[SimIpSuite]


class SimStatus(CamelStruct):
    """Overall simulation status, as T-IA Connect's ``GET /api/simulation/status``."""

    runtime_manager_running: bool
    api_version: str
    api_available: bool
    registered_instances: list[SimInstanceInfo]
    connected_instance: str | None


class SimConnection(CamelStruct):
    """The instance the tag routes act on."""

    connected: bool
    connected_instance: str | None
    operating_state: str | None = None
    tags_up_to_date: bool | None = None


class SimSessionState(CamelStruct):
    """The simulation session: the connected instance and whether it runs."""

    connected: bool
    connected_instance: str | None
    running: bool
    operating_state: str | None = None
    operating_mode: str | None = None
    virtual_time_ms: float | None = None
    device: str | None = None


class SimStepResult(CamelStruct):
    """What a step did: cycles run (fewer when the CPU stopped on an error), the new virtual time."""

    instance: str
    cycles: int
    virtual_time_ms: float
    operating_state: str
    stopped: bool
    """True when the CPU went to STOP during the step (see the diagnostics)."""


class SimDiagnostics(CamelStruct):
    """The diagnostic buffer of a virtual PLC, newest first."""

    instance: str
    operating_state: str
    entries: list[SimDiagnosticEntry]


class SimTagInfo(CamelStruct):
    """A leaf of the tag list (structs and arrays expanded, as PLCSIM's ``UpdateTagList``)."""

    name: str
    data_type: str
    address: str | None = None


class SimTagList(CamelStruct):
    """The tag list of an instance."""

    instance: str
    count: int
    tags: list[SimTagInfo]


class SimTagValue(CamelStruct):
    """A tag value read from or written to a virtual PLC."""

    name: str
    value: Any
    data_type: str
    quality: str
    timestamp: str


class SimTagError(CamelStruct):
    """Why one item of a batch failed; ``code`` is one of :data:`TAG_ERROR_CODES`."""

    code: str
    message: str


class SimTagResult(CamelStruct):
    """One item of a batch, in request order."""

    name: str
    value: Any
    data_type: str | None
    quality: str
    timestamp: str
    error: SimTagError | None = None


class SimTagWrite(CamelStruct):
    """One item of a batch write."""

    name: str
    """Name of the tag (Start, "Motor_DB".Speed, %QW0)."""
    value: Any


class SimProfileInstance(CamelStruct):
    """An instance a profile creates."""

    name: str
    """Name of the virtual PLC to create."""
    cpu_type: str = "CPU1500_Unspecified"
    """PLCSIM Advanced CPU type (ECPUType), e.g. CPU1516; default CPU1500_Unspecified."""
    operating_mode: OperatingModeName = "Default"
    ip_address: str | None = None
    subnet_mask: str | None = None
    default_gateway: str | None = None
    """IPv4 address of the default gateway; 0.0.0.0 (none) when omitted."""


class SimProfile(CamelStruct):
    """A saved set of instances (a JSON file in the server's state directory)."""

    name: str
    file_name: str
    description: str
    instances: list[SimProfileInstance]
