"""Tool profiles: which tools a session lists.

Assistants cap the tools a server may offer (VS Code and OpenAI models at 128, Cursor at about 40) and pay for
every listed schema in their context. A session therefore lists the **core** profile unless it asks for more:
the tools of a controls engineer's day (project, devices, blocks, SCL import and generation, compile, export,
tags, PLC simulation and tests) plus ``find_tools`` and ``call_tool``, which reach every other tool. ``all``
lists every tool; ``?categories=`` lists the tools of the named categories.
"""

from __future__ import annotations

from collections.abc import Iterable

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

__all__ = ("ALL", "CORE", "CORE_TOOLS", "PROFILES", "in_profile", "select")

CORE = "core"
ALL = "all"
PROFILES = (CORE, ALL)

CORE_TOOLS: tuple[str, ...] = (
    # project
    "projects_list", "projects_overview", "projects_create", "projects_open", "projects_save", "projects_close",
    # devices
    "devices_list", "devices_add", "catalog_search",
    # blocks
    "blocks_list", "blocks_source", "blocks_content", "blocks_delete", "blocks_rename", "blocks_cross-references",
    # SCL import and generation
    "external-sources_import-and-generate", "external-sources_list", "blockgeneration_generate-and-import",
    "blockgeneration_templates",
    # compile and its diagnostics
    "devices_compile-software", "blocks_compile", "devices_compile-hardware",
    # export (SCL source; find_tools reaches the SimaticML and table exports)
    "blocks_export-source",
    # tags and types
    "tag-tables_list", "tags_list-all", "tags_create", "udts_list",
    # PLC: simulate, download, run and test
    "simulation_start", "simulation_state", "simulation_tags_read", "simulation_tags_write", "devices_download",
    "testharness_tests_list", "testharness_tests_create", "testharness_run",
)
"""The core profile's operations (``find_tools`` and ``call_tool`` come on top): at most 38, so that a client
capped at 40 tools takes the profile whole, and small enough that their listing stays under 40 KB.
``testharness_run`` with ``testName: "*"`` and ``deviceName`` runs a device's tests."""


_CORE = frozenset(CORE_TOOLS)


def in_profile(name: str, profile: str) -> bool:
    """Whether a (non-meta) tool belongs to the profile."""
    return profile == ALL or name in _CORE


def select(tools: str | None, categories: str | None, known: Iterable[str]) -> tuple[str, list[str] | None]:
    """The profile and categories a query asks for (``?tools=core|all``, ``?categories=a,b``); named categories
    replace the profile.

    Raises:
        ValidationError: an unknown profile or category (the message names the valid ones).
    """
    profile = (tools or CORE).strip().lower()
    if profile not in PROFILES:
        raise ValidationError(f"unknown tool profile {tools!r}; use one of: {', '.join(PROFILES)}",
                              code=codes.VALIDATION_FAILED, details={"valid": list(PROFILES)})
    named = [part.strip().lower() for part in (categories or "").split(",") if part.strip()]
    if not named:  # the usual case, on every session-less request
        return profile, None
    valid = sorted(set(known))
    unknown = [name for name in named if name not in valid]
    if unknown:
        raise ValidationError(f"unknown tool categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
                              f"valid categories: {', '.join(valid)}", code=codes.VALIDATION_FAILED,
                              details={"unknown": unknown, "valid": valid})
    return profile, named
