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
from engineering_api.backend.areas.reflection import (
    DeviceServices,
    EnumValues,
    NamespaceReport,
    OnlineDownloadTypes,
    ProviderList,
    TypeList,
    TypeSearchResult,
)
from engineering_api.domain.common import NEEDS_PLC, DeviceRef
from engineering_api.jobs.operations import Operation, read
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


def _read(path: str, summary: str, handler: Any, input: Any, output: Any, description: str,
          errors: tuple[type[e.EngineeringError], ...] = (),
          example: dict[str, Any] | None = None) -> Operation[Any, Any]:
    """A read of the reflection at ``GET {BASE}/<path>``, named ``diagnostic.<first segment of path>``."""
    return read(f"diagnostic.{path.split('/', 1)[0]}", SECTION, summary, f"{BASE}/{path}", handler, input, output,
                errors=errors, description=description, example=example)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    _read("namespaces", "Get a summary of all Siemens Engineering namespaces and their type counts.",
          lambda ctx, _: ctx.backend.reflection.openness_namespaces(), None, NamespaceReport,
          "Every namespace of the loaded Siemens.Engineering* assemblies with its exported types "
          "(classes, interfaces, enums). source: reflection (the Openness bridge) or snapshot (the fake)."),
    _read("types", "Search for Openness types matching a filter string.",
          lambda ctx, d: ctx.backend.reflection.openness_types(d.filter), TypeFilter, TypeList,
          "Types whose full name contains filter (case-insensitive), at most 500 listed (count says how "
          "many matched). An empty, blank or over-long (200+) filter: 422 INVALID_FILTER.",
          errors=(e.ValidationError,), example={"filter": "Provider"}),
    _read("search", "Search for a specific type by name.",
          lambda ctx, d: ctx.backend.reflection.openness_type_search(d.name), TypeName, TypeSearchResult,
          "The types whose short or full name is name (case-insensitive), with base type, interfaces, "
          "members (C# signatures) and enum values. None: 404 TYPE_NOT_FOUND with close names.",
          errors=(e.NotFoundError, e.ValidationError), example={"name": "OnlineProvider"}),
    _read("enum-values/{typeName}", "Get all values of a specific Openness enum type.",
          lambda ctx, d: ctx.backend.reflection.openness_enum_values(d.type_name), EnumRef, EnumValues,
          "typeName is the short (OnlineState) or full name. Unknown: 404 TYPE_NOT_FOUND; not an enum: "
          "422 NOT_AN_ENUM; a short name of several enums: 422 AMBIGUOUS_TYPE.",
          errors=(e.NotFoundError, e.ValidationError)),
    _read("providers", "List all available Openness provider interfaces.",
          lambda ctx, _: ctx.backend.reflection.openness_providers(), None, ProviderList,
          "Every type implementing IEngineeringService: what GetService<T>() can be asked for."),
    _read("online-download-types", "Get categorized online and download types supported by TIA Portal.",
          lambda ctx, _: ctx.backend.reflection.openness_online_download_types(), None, OnlineDownloadTypes,
          "The types of Siemens.Engineering.Online, .Connection, .Download and .Download.Configurations."),
    _read("plc-services/{deviceName}", "Get PLC software services available for a device.",
          lambda ctx, d: ctx.backend.reflection.plc_services(d.device_name), DeviceRef, DeviceServices,
          "For every service type, whether GetService<T>() returns it on the device's PlcSoftware. "
          "Unknown device: 404 DEVICE_NOT_FOUND; not a PLC: 422 NOT_A_PLC.", errors=NEEDS_PLC),
    _read("cpu-services/{deviceName}", "Get CPU services available for a device.",
          lambda ctx, d: ctx.backend.reflection.cpu_services(d.device_name), DeviceRef, DeviceServices,
          "For every service type, whether GetService<T>() returns it on the device item holding the PLC "
          "software (OnlineProvider, DownloadProvider, SoftwareContainer, ...). Unknown device: 404 "
          "DEVICE_NOT_FOUND; not a PLC: 422 NOT_A_PLC.", errors=NEEDS_PLC),
)
