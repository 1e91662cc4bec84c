"""The records of Openness diagnostics (port area :mod:`engineering_api.backend.areas.reflection`): the types of the
loaded ``Siemens.Engineering`` assemblies, the queries' answers and the :class:`TypeIndex` both adapters build.

They sit below the port and below :mod:`engineering_api.backend.areas.reflection_index` (the queries over an
index), so the port can call those queries without either module importing the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import msgspec

from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "DeviceServices",
    "EnumValue",
    "EnumValues",
    "MemberInfo",
    "NamespaceInfo",
    "NamespaceReport",
    "OnlineDownloadTypes",
    "ProviderList",
    "ServiceAvailability",
    "TypeCategory",
    "TypeDetails",
    "TypeIndex",
    "TypeList",
    "TypeSearchResult",
    "TypeSummary",
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

    # The OpenAPI component's name: backend.areas.types.TypeDetails (a PLC data type) is another schema, and two
    # components of one title make client generators drop both (openapi-python-client).
    __schema_name__: ClassVar[str] = "OpennessTypeDetails"

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
