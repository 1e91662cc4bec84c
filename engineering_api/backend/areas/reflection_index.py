"""The queries over a :class:`~engineering_api.backend.areas.reflection.TypeIndex` that both adapters answer by:
namespace counts, the type filter, exact search, enum values, providers and the online/download categories.

Kept here (not in an adapter) so the fake's snapshot and the bridge's live reflection give the same answer for the
same assemblies; the contract suite checks that.
"""

from __future__ import annotations

import difflib
from collections import Counter
from typing import TYPE_CHECKING

from engineering_api.backend.areas.reflection_types import (
    EnumValues, NamespaceInfo, NamespaceReport, OnlineDownloadTypes, ProviderList, TypeCategory, TypeList,
    TypeSearchResult,
)
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from engineering_api.backend.areas.reflection_types import TypeDetails, TypeIndex

__all__ = (
    "MAX_QUERY", "MAX_TYPES", "ONLINE_DOWNLOAD", "SERVICE_INTERFACE", "enum_values", "filter_types", "namespaces",
    "providers", "search", "online_download_types",
)

SERVICE_INTERFACE = "Siemens.Engineering.IEngineeringService"
MAX_QUERY = 200
"""Longest filter or type name accepted: no Openness type name comes near it."""
MAX_TYPES = 500
"""Most types one filter answer lists (``count`` still says how many matched)."""

ONLINE_DOWNLOAD: tuple[tuple[str, str, str], ...] = (
    ("online", "Siemens.Engineering.Online", "Going online and offline: OnlineProvider and its state."),
    ("connection", "Siemens.Engineering.Connection",
     "The connection configuration both providers share: modes, PC interfaces, target interfaces."),
    ("download", "Siemens.Engineering.Download", "DownloadProvider, its options and results."),
    ("downloadConfigurations", "Siemens.Engineering.Download.Configurations",
     "The configurations a download delegate is asked to settle (stop modules, start modules, ...)."),
)
"""The categories of ``online-download-types``: (category, namespace, what it holds)."""


def _checked(value: str, what: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"The {what} is empty; give part of an Openness type name, e.g. 'Provider'.", code=code)
    if len(text) > MAX_QUERY:
        raise ValidationError(f"The {what} has {len(text)} characters; at most {MAX_QUERY} are accepted.", code=code,
                              details={"length": len(text), "maxLength": MAX_QUERY})
    return text


def namespaces(index: TypeIndex) -> NamespaceReport:
    """Every namespace with its type counts, by name."""
    kinds: dict[str, Counter[str]] = {}
    for t in index.types:
        kinds.setdefault(t.namespace, Counter())[t.kind] += 1
    infos = [NamespaceInfo(name=name, type_count=sum(c.values()), class_count=c["class"],
                           interface_count=c["interface"], enum_count=c["enum"]) for name, c in sorted(kinds.items())]
    return NamespaceReport(source=index.source, assemblies=list(index.assemblies), type_count=len(index.types),
                           namespace_count=len(infos), namespaces=infos)


def filter_types(index: TypeIndex, text: str) -> TypeList:
    """Types whose full name contains ``text`` (case-insensitive), by full name.

    Raises:
        ValidationError: ``INVALID_FILTER``.
    """
    needle = _checked(text, "filter", codes.INVALID_FILTER).lower()
    found = [t for t in index.types if needle in t.full_name.lower()]
    return TypeList(filter=text.strip(), count=len(found),
                    truncated=len(found) > MAX_TYPES, types=[t.summary() for t in found[:MAX_TYPES]])


def _named(index: TypeIndex, name: str) -> list[TypeDetails]:
    wanted = name.lower()
    return [t for t in index.types if wanted in (t.full_name.lower(), t.name.lower())]


def _not_found(index: TypeIndex, name: str) -> NotFoundError:
    names = {t.name.lower(): t.name for t in index.types}
    close = difflib.get_close_matches(name.lower().rsplit(".", 1)[-1], list(names), n=5, cutoff=0.6)
    suggestions = [names[c] for c in close]
    hint = f" Close names: {', '.join(suggestions)}." if suggestions else ""
    return NotFoundError(f"No Openness type is named '{name}' in the loaded assemblies.{hint}",
                         code=codes.TYPE_NOT_FOUND, details={"name": name, "suggestions": suggestions})


def search(index: TypeIndex, name: str) -> TypeSearchResult:
    """The types whose short or full name is ``name`` (case-insensitive), with their details.

    Raises:
        ValidationError: ``INVALID_TYPE_NAME``.
        NotFoundError: ``TYPE_NOT_FOUND``.
    """
    text = _checked(name, "type name", codes.INVALID_TYPE_NAME)
    found = _named(index, text)
    if not found:
        raise _not_found(index, text)
    return TypeSearchResult(name=text, count=len(found), matches=[index.detailed(t) for t in found])


def enum_values(index: TypeIndex, type_name: str) -> EnumValues:
    """The values of the enum named ``type_name``.

    Raises:
        ValidationError: ``INVALID_TYPE_NAME``, ``NOT_AN_ENUM``, ``AMBIGUOUS_TYPE``.
        NotFoundError: ``TYPE_NOT_FOUND``.
    """
    text = _checked(type_name, "type name", codes.INVALID_TYPE_NAME)
    found = _named(index, text)
    if not found:
        raise _not_found(index, text)
    enums = [t for t in found if t.kind == "enum"]
    if not enums:
        kinds = ", ".join(f"{t.full_name} ({t.kind})" for t in found)
        raise ValidationError(f"'{text}' is not an enum: {kinds}.", code=codes.NOT_AN_ENUM,
                              details={"types": [t.full_name for t in found]})
    if len(enums) > 1:
        raise ValidationError(f"Several enums are named '{text}'; name one by its full name.",
                              code=codes.AMBIGUOUS_TYPE,
                              details={"types": [t.full_name for t in enums]})
    enum = enums[0]
    return EnumValues(name=enum.name, full_name=enum.full_name, is_flags=enum.is_flags, values=list(enum.enum_values))


def providers(index: TypeIndex) -> ProviderList:
    """The service types, by full name."""
    found = [t.summary() for t in index.services()]
    return ProviderList(service_interface=SERVICE_INTERFACE, count=len(found), providers=found)


def online_download_types(index: TypeIndex) -> OnlineDownloadTypes:
    """The types of the online and download namespaces, by category (each namespace on its own, not its children)."""
    categories = [
        TypeCategory(category=category, namespace=namespace, description=description,
                     types=[t.summary() for t in index.types if t.namespace == namespace])
        for category, namespace, description in ONLINE_DOWNLOAD
    ]
    return OnlineDownloadTypes(type_count=sum(len(c.types) for c in categories), categories=categories)
