"""Openness diagnostics: the types of the loaded ``Siemens.Engineering`` assemblies and the services a device offers
(port area).

Both adapters answer from a :class:`TypeIndex`, the same records in the same shape: the Openness bridge reflects
the loaded assemblies, the fake reads the snapshot shipped in ``fakes/data/openness_snapshot.json`` (generated from
the bridge's stand-in by ``python -m openness_bridge.snapshot``). The queries over an index (namespaces, filter,
search, enum values, providers, online/download categories) are the concrete methods below, so both adapters
answer them by the same rules (:mod:`engineering_api.backend.areas.diagnostics_index`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import msgspec

from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "DeviceServices", "DiagnosticsPort", "EnumValue", "EnumValues", "MemberInfo", "NamespaceInfo", "NamespaceReport",
    "OnlineDownloadTypes", "ProviderList", "ServiceAvailability", "TypeCategory", "TypeDetails", "TypeIndex",
    "TypeList", "TypeSearchResult", "TypeSummary",
)


class MemberInfo(CamelStruct, kw_only=True):
    """A public member declared by an Openness type, as C# would show its signature."""

    kind: str
    """``property``, ``method`` or ``event``."""
    name: str
    signature: str
    """E.g. ``DeviceItemComposition DeviceItems { get; }`` or ``Device Find(String name)``."""


class EnumValue(CamelStruct, kw_only=True):
    """One named value of an enum."""

    name: str
    value: int


class TypeSummary(CamelStruct, kw_only=True):
    """An exported Openness type."""

    name: str
    full_name: str
    namespace: str
    kind: str
    """``class``, ``interface``, ``enum``, ``struct`` or ``delegate``."""
    is_service: bool = False
    """Implements ``IEngineeringService``: a ``GetService<T>()`` target."""
    used_by_bridge: bool = False
    """Named in the Openness bridge's member table (``openness_bridge/README.md``): the bridge calls it."""


class TypeDetails(TypeSummary, kw_only=True):
    """An Openness type with its base, interfaces, members and (for an enum) values."""

    base_type: str | None = None
    interfaces: list[str] = []
    is_abstract: bool = False
    is_flags: bool = False
    enum_values: list[EnumValue] = []
    members: list[MemberInfo] = []

    def summary(self) -> TypeSummary:
        """The type without its details."""
        return TypeSummary(name=self.name, full_name=self.full_name, namespace=self.namespace, kind=self.kind,
                           is_service=self.is_service, used_by_bridge=self.used_by_bridge)


class NamespaceInfo(CamelStruct, kw_only=True):
    """A namespace of the loaded assemblies with how many exported types it holds."""

    name: str
    type_count: int
    class_count: int
    interface_count: int
    enum_count: int


class NamespaceReport(CamelStruct, kw_only=True):
    """Every ``Siemens.Engineering`` namespace of the loaded assemblies, by name."""

    source: str
    """``reflection`` (the bridge, over the loaded assemblies) or ``snapshot`` (the fake's shipped snapshot)."""
    assemblies: list[str]
    type_count: int
    namespace_count: int
    namespaces: list[NamespaceInfo]


class TypeList(CamelStruct, kw_only=True):
    """Types whose full name contains the filter (case-insensitive), by full name."""

    filter: str
    count: int
    """How many types matched (``types`` holds at most the first 500)."""
    truncated: bool
    types: list[TypeSummary]


class TypeSearchResult(CamelStruct, kw_only=True):
    """The types with exactly this name (short or full, case-insensitive), with their details."""

    name: str
    count: int
    matches: list[TypeDetails]


class EnumValues(CamelStruct, kw_only=True):
    """The values of one Openness enum, in declaration order."""

    name: str
    full_name: str
    is_flags: bool
    values: list[EnumValue]


class ProviderList(CamelStruct, kw_only=True):
    """Types implementing ``IEngineeringService``: what ``GetService<T>()`` can be asked for."""

    service_interface: str
    count: int
    providers: list[TypeSummary]


class TypeCategory(CamelStruct, kw_only=True):
    """One namespace of the online and download API with its types."""

    category: str
    namespace: str
    description: str
    types: list[TypeSummary]


class OnlineDownloadTypes(CamelStruct, kw_only=True):
    """The online, connection and download types of the loaded assemblies, by category."""

    type_count: int
    categories: list[TypeCategory]


class ServiceAvailability(CamelStruct, kw_only=True):
    """One service type and whether ``GetService<T>()`` returned an object for it."""

    name: str
    full_name: str
    available: bool


class DeviceServices(CamelStruct, kw_only=True):
    """What ``GetService<T>()`` returns on one object of a device, for every service type."""

    device_name: str
    target: str
    """``PlcSoftware`` or ``DeviceItem``."""
    target_name: str
    """The object asked: the PLC software's name or the CPU item's name."""
    available: list[str]
    """Full names of the services returned, by name."""
    services: list[ServiceAvailability]


class TypeIndex:
    """The exported ``Siemens.Engineering*`` types an adapter answers from, by full name.

    Args:
        types: every exported type with its details.
        assemblies: names of the assemblies reflected (shown in the namespace report).
        source: ``reflection`` or ``snapshot``.
        members: reads a type's members by full name, when ``types`` come without them.
    """

    def __init__(
        self, types: list[TypeDetails], assemblies: list[str], source: str,
        members: Callable[[str], list[MemberInfo]] | None = None,
    ) -> None:
        self.types = sorted(types, key=lambda t: t.full_name)
        self.assemblies = assemblies
        self.source = source
        self.by_full_name = {t.full_name: t for t in self.types}
        self._members = members
        self._detailed: dict[str, TypeDetails] = {}

    def detailed(self, record: TypeDetails) -> TypeDetails:
        """``record`` with its members: read when first asked where the index was built without them (the bridge
        reflects members lazily, since a real TIA's assemblies hold thousands of types)."""
        if self._members is None:
            return record
        found = self._detailed.get(record.full_name)
        if found is None:
            found = msgspec.structs.replace(record, members=self._members(record.full_name))
            self._detailed[record.full_name] = found
        return found

    def services(self) -> list[TypeDetails]:
        """The service types (``GetService`` targets), by full name."""
        return [t for t in self.types if t.is_service]


class DiagnosticsPort(ABC):
    """Openness reflection: the types of the loaded assemblies and the services of a device's PLC and CPU.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised. The type queries need
    no portal and no project (the assemblies are loaded with the adapter).
    """

    @abstractmethod
    def openness_type_index(self) -> TypeIndex:
        """The exported types of the loaded ``Siemens.Engineering`` assemblies (built once, then kept)."""

    def openness_namespaces(self) -> NamespaceReport:
        """Every namespace with its type counts."""
        from engineering_api.backend.areas import diagnostics_index as rules  # it builds this module's structs

        return rules.namespaces(self.openness_type_index())

    def openness_types(self, filter: str) -> TypeList:  # noqa: A002 - the reference's query name
        """Types whose full name contains ``filter``.

        Raises:
            ValidationError: ``INVALID_FILTER``: the filter is empty, blank or longer than 200 characters.
        """
        from engineering_api.backend.areas import diagnostics_index as rules  # it builds this module's structs

        return rules.filter_types(self.openness_type_index(), filter)

    def openness_type_search(self, name: str) -> TypeSearchResult:
        """The types named exactly ``name`` (short or full name), with members and values.

        Raises:
            ValidationError: ``INVALID_TYPE_NAME``: empty, blank or longer than 200 characters.
            NotFoundError: ``TYPE_NOT_FOUND``: no type has that name (details suggest close names).
        """
        from engineering_api.backend.areas import diagnostics_index as rules  # it builds this module's structs

        return rules.search(self.openness_type_index(), name)

    def openness_enum_values(self, type_name: str) -> EnumValues:
        """The values of one enum, named by its short or full name.

        Raises:
            ValidationError: ``INVALID_TYPE_NAME``; ``NOT_AN_ENUM``: the type is not an enum;
                ``AMBIGUOUS_TYPE``: several enums have that short name (details list their full names).
            NotFoundError: ``TYPE_NOT_FOUND``.
        """
        from engineering_api.backend.areas import diagnostics_index as rules  # it builds this module's structs

        return rules.enum_values(self.openness_type_index(), type_name)

    def openness_providers(self) -> ProviderList:
        """Every type implementing ``IEngineeringService``."""
        from engineering_api.backend.areas import diagnostics_index as rules  # it builds this module's structs

        return rules.providers(self.openness_type_index())

    def openness_online_download_types(self) -> OnlineDownloadTypes:
        """The online, connection, download and download-configuration types."""
        from engineering_api.backend.areas import diagnostics_index as rules  # it builds this module's structs

        return rules.online_download_types(self.openness_type_index())

    @abstractmethod
    def plc_services(self, device: str) -> DeviceServices:
        """Which service types ``GetService<T>()`` returns on the device's ``PlcSoftware``.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC``: the device has no PLC software.
            NoProjectOpenError: no project is open.
            PortalUnavailableError: no portal is attached.
        """

    @abstractmethod
    def cpu_services(self, device: str) -> DeviceServices:
        """Which service types ``GetService<T>()`` returns on the device's CPU item (the item holding the PLC
        software, which also offers the online and download providers).

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC``: no device item holds PLC software.
            NoProjectOpenError: no project is open.
            PortalUnavailableError: no portal is attached.
        """
