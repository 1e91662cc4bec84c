"""The in-process TIA model's objects: a project, its devices, modules, interfaces and subnets.

Plain dataclasses, mutated only on the TIA worker thread. They serialise to the project folder
(:mod:`fakes.project_files`) and to AutomationML (:mod:`fakes.aml`).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.lib.schema import utc_now
from fakes.program import PlcSoftware, deepcopy_fields

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("Device", "Interface", "Module", "Project", "SavedFile", "Subnet")


@dataclass(kw_only=True)
class SavedFile:
    """What TIA keeps about a file it saves, a project's or a global library's: who wrote it, its comment, when it
    was created and when it was last saved."""

    author: str = ""
    comment: str = ""
    created_at: str = ""
    saved_at: str | None = None

    @contextmanager
    def saving(self) -> Iterator[None]:
        """Stamp the save time for the write in the block; a write that fails keeps the last save time, as TIA does
        (the file on disk is still the one saved then)."""
        previous, self.saved_at = self.saved_at, utc_now()
        try:
            yield
        except BaseException:
            self.saved_at = previous
            raise


@dataclass
class Interface:
    """A PROFINET/Ethernet interface of a device."""

    name: str
    """As TIA names it, e.g. ``PROFINET interface_1``."""
    type: str = "PROFINET"
    ports: int = 1
    ip_address: str | None = None
    subnet_mask: str | None = None
    router_address: str | None = None
    subnet: str | None = None
    """Name of the subnet the interface is connected to, if any."""
    profinet_name: str | None = None
    """PROFINET device name (``plc_1``); derived from the device name when unset."""

    __deepcopy__ = deepcopy_fields  # every field is an immutable value: shared

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "type": self.type, "ports": self.ports, "ipAddress": self.ip_address,
            "subnetMask": self.subnet_mask, "routerAddress": self.router_address, "subnet": self.subnet,
            "profinetName": self.profinet_name,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Interface:
        return cls(
            name=raw["name"], type=raw.get("type", "PROFINET"), ports=int(raw.get("ports", 1)),
            ip_address=raw.get("ipAddress"), subnet_mask=raw.get("subnetMask"),
            router_address=raw.get("routerAddress"), subnet=raw.get("subnet"), profinet_name=raw.get("profinetName"),
        )


@dataclass
class Module:
    """A module plugged into a slot of a device's rack."""

    name: str
    order_number: str
    firmware: str
    slot: int
    category: str = ""

    __deepcopy__ = deepcopy_fields  # every field is an immutable value: shared

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "orderNumber": self.order_number, "firmware": self.firmware, "slot": self.slot,
            "category": self.category,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Module:
        return cls(
            name=raw["name"], order_number=raw["orderNumber"], firmware=raw["firmware"], slot=int(raw["slot"]),
            category=raw.get("category", ""),
        )


@dataclass
class Device:
    """A station: a PLC, HMI panel or distributed IO head, with its modules and interfaces."""

    name: str
    order_number: str
    firmware: str
    family: str
    category: str
    device_kind: str
    """``plc``, ``hmi`` or ``io-device``."""
    description: str = ""
    comment: str = ""
    interfaces: list[Interface] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    own_slot: int = 1
    """Slot the head module (CPU, IM, panel) occupies."""
    security: dict[str, Any] = field(default_factory=dict)
    """CPU protection as :mod:`fakes.security_ops` keeps it (salted hashes only); saved when not empty."""
    hmi: Any = field(default=None, compare=False, repr=False)
    """An HMI panel's software, None until used: a classic panel's screens, tag tables and connections
    (:class:`fakes.hmi.HmiTarget`) or a Unified panel's object model (``UnifiedHmi``, :mod:`fakes.hmi_unified_ops`)."""
    _software: PlcSoftware | None = field(default=None, compare=False, repr=False)

    __deepcopy__ = deepcopy_fields

    @property
    def software(self) -> PlcSoftware | None:
        """The PLC software of a PLC (created empty on first use), None for other devices."""
        if self.device_kind != "plc":
            return None
        if self._software is None:
            self._software = PlcSoftware()
        return self._software

    @property
    def type_identifier(self) -> str:
        """TIA's ``OrderNumber:<article>/<firmware>``."""
        return f"OrderNumber:{self.order_number}/{self.firmware}"

    def interface(self, name: str | None) -> Interface | None:
        """An interface by name (case-insensitive), or the first one when ``name`` is None."""
        if name is None:
            return self.interfaces[0] if self.interfaces else None
        return next((i for i in self.interfaces if i.name.lower() == name.lower()), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "orderNumber": self.order_number, "firmware": self.firmware, "family": self.family,
            "category": self.category, "deviceKind": self.device_kind, "description": self.description,
            "comment": self.comment, "ownSlot": self.own_slot,
            "interfaces": [i.to_dict() for i in self.interfaces],
            "modules": [m.to_dict() for m in sorted(self.modules, key=lambda m: m.slot)],
        } | ({"security": self.security} if self.security else {})

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Device:
        return cls(
            name=raw["name"], order_number=raw["orderNumber"], firmware=raw["firmware"], family=raw["family"],
            category=raw["category"], device_kind=raw["deviceKind"], description=raw.get("description", ""),
            comment=raw.get("comment", ""), own_slot=int(raw.get("ownSlot", 1)),
            interfaces=[Interface.from_dict(i) for i in raw.get("interfaces", [])],
            modules=[Module.from_dict(m) for m in raw.get("modules", [])], security=dict(raw.get("security") or {}),
        )


@dataclass
class Subnet:
    """An Industrial Ethernet / PROFINET subnet."""

    name: str
    type: str = "PROFINET"

    __deepcopy__ = deepcopy_fields  # every field is an immutable value: shared

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Subnet:
        return cls(name=raw["name"], type=raw.get("type", "PROFINET"))


@dataclass
class Project(SavedFile):
    """An open project; saved to ``folder/<name>.ap<NN>`` and friends."""

    name: str
    folder: Path
    version: str
    """TIA version, ``V19``."""
    simulation_support: bool = False
    devices: dict[str, Device] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    umac: dict[str, Any] = field(default_factory=dict)
    """Project users (:mod:`fakes.security_ops`, salted hashes only); saved when not empty."""
    library: Any = field(default=None, compare=False, repr=False)
    """The project library (:class:`fakes.library.Library`), None until used; saved under ``Library/``."""
    graphics: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Project graphics by name (:class:`fakes.hmi_graphics_ops.Graphic`); saved under ``Graphics/``."""
    dirty: bool = False

    __deepcopy__ = deepcopy_fields  # the transaction copy before each change

    @property
    def suffix(self) -> str:
        """``.ap19`` for V19."""
        return ".ap" + self.version.lstrip("Vv")

    @property
    def file(self) -> Path:
        """The project file."""
        return self.folder / f"{self.name}{self.suffix}"

    def device(self, name: str) -> Device | None:
        """A device by exact name (TIA names are case-sensitive but unique case-insensitively)."""
        return self.devices.get(name)
