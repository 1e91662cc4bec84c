"""Diagnostics operations: Openness reflection, the types of the loaded ``Siemens.Engineering`` assemblies and the
services a device's PLC software and CPU offer.

The Openness bridge answers from the loaded assemblies by .NET reflection; the fake from the snapshot of the
bridge's stand-in it ships (``fakes/data/openness_snapshot.json``; ``source`` in the namespace report says which).
The type routes need no portal and no project; the two device routes need the open project and a PLC (422
``NOT_A_PLC`` for an HMI panel or IO head). All are reads for the viewer role.
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.diagnostics import (
    DeviceServices,
    EnumValues,
    NamespaceReport,
    OnlineDownloadTypes,
    ProviderList,
    TypeList,
    TypeSearchResult,
)
from engineering_api.domain.common import NEEDS_PLC, DeviceRef
from engineering_api.jobs.operations import Operation, RouteSpec
from engineering_api.lib.schema import CamelStruct

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Diagnostics"
BASE = "/api/diagnostic"


class TypeFilter(CamelStruct):
    """``filter``: part of a type's full name (case-insensitive), 1 to 200 characters."""

    filter: str = ""
    """Part of a type's full name to look for (case-insensitive), 1 to 200 characters."""


class TypeName(CamelStruct):
    """``name``: a type's short or full name (case-insensitive)."""

    name: str = ""
    """A type's short or full name, e.g. OnlineProvider (case-insensitive)."""


class EnumRef(CamelStruct):
    """An enum by its short or full name."""

    type_name: str


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="diagnostic.namespaces", summary="Get a summary of all Siemens Engineering namespaces and their type counts.",
        section=SECTION, handler=lambda ctx, _: ctx.backend.reflection.openness_namespaces(), input=None, output=NamespaceReport,
        route=RouteSpec("GET", f"{BASE}/namespaces"), mutating=False,
        description="Every namespace of the loaded Siemens.Engineering* assemblies with its exported types "
                    "(classes, interfaces, enums). source: reflection (the Openness bridge) or snapshot (the fake).",
    ),
    Operation(
        name="diagnostic.types", summary="Search for Openness types matching a filter string.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.reflection.openness_types(d.filter), input=TypeFilter, output=TypeList,
        route=RouteSpec("GET", f"{BASE}/types"), mutating=False, errors=(e.ValidationError,),
        example={"filter": "Provider"},
        description="Types whose full name contains filter (case-insensitive), at most 500 listed (count says how "
                    "many matched). An empty, blank or over-long (200+) filter: 422 INVALID_FILTER.",
    ),
    Operation(
        name="diagnostic.search", summary="Search for a specific type by name.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.reflection.openness_type_search(d.name), input=TypeName, output=TypeSearchResult,
        route=RouteSpec("GET", f"{BASE}/search"), mutating=False, errors=(e.NotFoundError, e.ValidationError),
        example={"name": "OnlineProvider"},
        description="The types whose short or full name is name (case-insensitive), with base type, interfaces, "
                    "members (C# signatures) and enum values. None: 404 TYPE_NOT_FOUND with close names.",
    ),
    Operation(
        name="diagnostic.enum-values", summary="Get all values of a specific Openness enum type.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.reflection.openness_enum_values(d.type_name), input=EnumRef, output=EnumValues,
        route=RouteSpec("GET", f"{BASE}/enum-values/{{typeName}}"), mutating=False,
        errors=(e.NotFoundError, e.ValidationError),
        description="typeName is the short (OnlineState) or full name. Unknown: 404 TYPE_NOT_FOUND; not an enum: "
                    "422 NOT_AN_ENUM; a short name of several enums: 422 AMBIGUOUS_TYPE.",
    ),
    Operation(
        name="diagnostic.providers", summary="List all available Openness provider interfaces.", section=SECTION,
        handler=lambda ctx, _: ctx.backend.reflection.openness_providers(), input=None, output=ProviderList,
        route=RouteSpec("GET", f"{BASE}/providers"), mutating=False,
        description="Every type implementing IEngineeringService: what GetService<T>() can be asked for.",
    ),
    Operation(
        name="diagnostic.online-download-types", summary="Get categorized online and download types supported by TIA Portal.",
        section=SECTION, handler=lambda ctx, _: ctx.backend.reflection.openness_online_download_types(), input=None,
        output=OnlineDownloadTypes, route=RouteSpec("GET", f"{BASE}/online-download-types"), mutating=False,
        description="The types of Siemens.Engineering.Online, .Connection, .Download and .Download.Configurations.",
    ),
    Operation(
        name="diagnostic.plc-services", summary="Get PLC software services available for a device.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.reflection.plc_services(d.device_name), input=DeviceRef, output=DeviceServices,
        route=RouteSpec("GET", f"{BASE}/plc-services/{{deviceName}}"), mutating=False, errors=NEEDS_PLC,
        description="For every service type, whether GetService<T>() returns it on the device's PlcSoftware. "
                    "Unknown device: 404 DEVICE_NOT_FOUND; not a PLC: 422 NOT_A_PLC.",
    ),
    Operation(
        name="diagnostic.cpu-services", summary="Get CPU services available for a device.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.reflection.cpu_services(d.device_name), input=DeviceRef, output=DeviceServices,
        route=RouteSpec("GET", f"{BASE}/cpu-services/{{deviceName}}"), mutating=False, errors=NEEDS_PLC,
        description="For every service type, whether GetService<T>() returns it on the device item holding the PLC "
                    "software (OnlineProvider, DownloadProvider, SoftwareContainer, ...). Unknown device: 404 "
                    "DEVICE_NOT_FOUND; not a PLC: 422 NOT_A_PLC.",
    ),
)
