"""Openness diagnostics: the types of the loaded ``Siemens.Engineering`` assemblies and the services a device offers
(port area).

Both adapters answer from a :class:`TypeIndex`, the same records in the same shape: the Openness bridge reflects
the loaded assemblies, the fake reads the snapshot shipped in ``fakes/data/openness_snapshot.json`` (generated from
the bridge's stand-in by ``python -m openness_bridge.snapshot``). The queries over an index (namespaces, filter,
search, enum values, providers, online/download categories) are the concrete methods below, so both adapters
answer them by the same rules (:mod:`engineering_api.backend.areas.reflection_index`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from engineering_api.backend.areas import reflection_index as rules
from engineering_api.backend.areas.reflection_types import (
    DeviceServices, EnumValue, EnumValues, MemberInfo, NamespaceInfo, NamespaceReport, OnlineDownloadTypes,
    ProviderList, ServiceAvailability, TypeCategory, TypeDetails, TypeIndex, TypeList, TypeSearchResult, TypeSummary,
)

__all__ = (
    "DeviceServices", "ReflectionPort", "EnumValue", "EnumValues", "MemberInfo", "NamespaceInfo", "NamespaceReport",
    "OnlineDownloadTypes", "ProviderList", "ServiceAvailability", "TypeCategory", "TypeDetails", "TypeIndex",
    "TypeList", "TypeSearchResult", "TypeSummary",
)


class ReflectionPort(ABC):
    """Openness reflection: the types of the loaded assemblies and the services of a device's PLC and CPU.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised. The type queries need
    no portal and no project (the assemblies are loaded with the adapter).
    """

    @abstractmethod
    def openness_type_index(self) -> TypeIndex:
        """The exported types of the loaded ``Siemens.Engineering`` assemblies (built once, then kept)."""

    def openness_namespaces(self) -> NamespaceReport:
        """Every namespace with its type counts."""
        return rules.namespaces(self.openness_type_index())

    def openness_types(self, filter: str) -> TypeList:  # the reference's query name
        """Types whose full name contains ``filter``.

        Raises:
            ValidationError: ``INVALID_FILTER``: the filter is empty, blank or longer than 200 characters.
        """
        return rules.filter_types(self.openness_type_index(), filter)

    def openness_type_search(self, name: str) -> TypeSearchResult:
        """The types named exactly ``name`` (short or full name), with members and values.

        Raises:
            ValidationError: ``INVALID_TYPE_NAME``: empty, blank or longer than 200 characters.
            NotFoundError: ``TYPE_NOT_FOUND``: no type has that name (details suggest close names).
        """
        return rules.search(self.openness_type_index(), name)

    def openness_enum_values(self, type_name: str) -> EnumValues:
        """The values of one enum, named by its short or full name.

        Raises:
            ValidationError: ``INVALID_TYPE_NAME``; ``NOT_AN_ENUM``: the type is not an enum;
                ``AMBIGUOUS_TYPE``: several enums have that short name (details list their full names).
            NotFoundError: ``TYPE_NOT_FOUND``.
        """
        return rules.enum_values(self.openness_type_index(), type_name)

    def openness_providers(self) -> ProviderList:
        """Every type implementing ``IEngineeringService``."""
        return rules.providers(self.openness_type_index())

    def openness_online_download_types(self) -> OnlineDownloadTypes:
        """The online, connection, download and download-configuration types."""
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
