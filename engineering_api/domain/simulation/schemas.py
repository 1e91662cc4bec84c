"""Inputs of the PLCSim Simulation operations (camelCase on the wire; PascalCase accepted)."""

from __future__ import annotations

from typing import Any, Literal

from engineering_api.backend.areas.simulation_models import (
    OperatingModeName,
    SimIpSuite,
    SimProfileInstance,
    SimTagWrite,
)
from engineering_api.lib.bounds import Count, TcpPort
from engineering_api.lib.schema import CamelStruct

__all__ = (
    "STOP_CONFIRM_RULE", "BatchReadInput", "BatchWriteInput", "ConnectInput", "CreateInstanceInput",
    "DiagnosticsInput", "InstanceConfigInput",
    "InstanceRef", "InstanceStopInput", "LegacyImportInput", "NetworkInput", "PortInput", "ProfileInput", "ProfileRef",
    "RuntimeConfigInput", "StepInput", "StopConfirmInput", "TagListInput", "TagRef", "TagTarget", "TagWriteInput",
)

NetworkModeName = Literal["Softbus", "TCPIPSingleAdapter", "TCPIPMultipleAdapter"]


class InstanceRef(CamelStruct):
    """A virtual PLC by name."""

    name: str
    """Name of the PLCSIM instance (virtual PLC)."""


STOP_CONFIRM_RULE = (
    'A CPU in RUN is only taken out of RUN with {"confirm": true}; without it the answer is 409 STOP_NOT_CONFIRMED '
    "and nothing changes, the same rule as POST /api/devices/{deviceName}/cpu/actions/stop. In STOP or powered off, "
    "confirm is not needed."
)
"""The route description every action that can stop a CPU in RUN carries."""


class StopConfirmInput(CamelStruct):
    """``confirm`` must be true when the action would stop a CPU in RUN (as ``/cpu/actions/stop``)."""

    confirm: bool = False


class InstanceStopInput(InstanceRef, kw_only=True):
    """A virtual PLC by name; ``confirm`` must be true when the action would stop its CPU in RUN."""

    confirm: bool = False


class CreateInstanceInput(CamelStruct):
    """A new virtual PLC: a unique name and a PLCSIM Advanced ``ECPUType`` (``CPU1516``, ...)."""

    name: str
    """Name of the new virtual PLC, unique among the instances."""
    cpu_type: str = "CPU1500_Unspecified"
    """PLCSIM Advanced CPU type (ECPUType), e.g. CPU1516; default CPU1500_Unspecified."""
    operating_mode: OperatingModeName | None = None


class RuntimeConfigInput(CamelStruct):
    """Runtime manager settings to change; omitted fields keep their value."""

    network_mode: NetworkModeName | None = None
    port: TcpPort | None = None
    """Remote port of the runtime manager (1024 to 65535) to open; unchanged when omitted."""


class PortInput(CamelStruct):
    """The runtime manager's remote port (1024..65535), or null to close it."""

    port: TcpPort | None
    """Remote port of the runtime manager (1024 to 65535) to open; null closes it."""


class InstanceConfigInput(InstanceRef):
    """Instance settings to change; omitted fields keep their value. ``cpuType`` is read-only."""

    operating_mode: OperatingModeName | None = None
    cycle_time_ms: float | None = None
    """Virtual time each cycle takes, in milliseconds (0.1 to 10000); unchanged when omitted."""
    min_cycle_time_ms: float | None = None
    """Real time to wait at least between two cycles when running freely, in milliseconds (1 to 1000); unchanged when
    omitted."""
    scale_factor: float | None = None
    """Speed of virtual time against real time (PLCSIM Advanced's ScaleFactor, 0.01 to 100; 2 runs twice as fast);
    unchanged when omitted."""
    cpu_type: str | None = None
    """Read-only: only the instance's own CPU type is accepted (create a new instance for another)."""


class NetworkInput(InstanceRef):
    """The instance's IP suites (``ipSuites``), or one suite for ``IE1`` as flat fields."""

    ip_suites: list[SimIpSuite] | None = None
    """Every IP suite of the instance, one per interface; instead of the flat fields for IE1."""
    ip_address: str | None = None
    subnet_mask: str = "255.255.255.0"
    default_gateway: str = "0.0.0.0"
    """IPv4 address of the default gateway (default 0.0.0.0: none)."""
    interface: str = "IE1"
    """The interface the flat fields set, IE1 to IE4 (default IE1)."""


class StepInput(InstanceRef):
    """Either ``cycles`` (1..1,000,000) or ``milliseconds`` of virtual time."""

    cycles: int | None = None
    """Run this many cycles (1 to 1,000,000); send this or milliseconds."""
    milliseconds: float | None = None
    """Advance virtual time by this many milliseconds, in cycles of the cycle time (the last one shorter); send
    this or cycles."""


class DiagnosticsInput(InstanceRef):
    """A virtual PLC and how many entries of its diagnostic buffer (newest first)."""

    limit: Count | None = None


class ConnectInput(CamelStruct):
    """The instance to connect to (``instanceName``; ``name`` is accepted too)."""

    instance_name: str | None = None
    name: str | None = None
    """Same as instanceName (T-IA Connect clients send name)."""


class TagTarget(CamelStruct):
    """The instance to act on; the connected one when omitted."""

    instance_name: str | None = None


class TagListInput(CamelStruct):
    """A case-insensitive substring or ``*``/``?`` pattern, and optionally an instance."""

    filter: str | None = None
    """Only tags whose name contains this (case-insensitive) or matches this * / ? pattern; every tag when omitted."""
    instance_name: str | None = None


class TagRef(CamelStruct):
    """A tag (``Start``, ``"Motor_DB".Speed``, ``%IW2``; URL-encoded in the path)."""

    tag_name: str
    instance_name: str | None = None


class TagWriteInput(CamelStruct):
    """The value to write: JSON bool, number or string (``T#2s`` for TIME, or milliseconds)."""

    tag_name: str
    value: Any
    instance_name: str | None = None
    password: str | None = None
    """For a protected CPU: a password granting full access, or HMI access with ``asHmi`` (never stored)."""
    as_hmi: bool = False
    """Write as an HMI does (allowed at the HMI access level)."""


class BatchReadInput(CamelStruct):
    """Tags to read, at most 1000."""

    tag_names: list[str]
    """Names of the tags to read, at most 1000 (Start, "Motor_DB".Speed, %IW2)."""
    instance_name: str | None = None
    password: str | None = None
    """For a CPU protected with "no access": a password granting HMI access or more (never stored)."""


class BatchWriteInput(CamelStruct):
    """Tags to write in order (``{name, value}`` each), at most 1000."""

    tags: list[SimTagWrite]
    """The tags to write, in order, each with name and value; at most 1000."""
    instance_name: str | None = None
    password: str | None = None
    """As for a single write (one password for the whole batch)."""
    as_hmi: bool = False
    """Write as an HMI does (allowed at the HMI access level)."""


class ProfileInput(CamelStruct):
    """A named set of instance definitions to save."""

    name: str
    """Name of the profile (its file is name.json)."""
    instances: list[SimProfileInstance]
    """The instances the profile creates when loaded."""
    description: str = ""
    overwrite: bool = False


class ProfileRef(CamelStruct):
    """A profile by name (``Line1`` or ``Line1.json``)."""

    file_name: str
    """The profile, by name (Line1) or file name (Line1.json)."""


class LegacyImportInput(CamelStruct):
    """A legacy S7-PLCSIM project file."""

    file_path: str | None = None
