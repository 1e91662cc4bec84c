"""Software units: every block, PLC data type, tag table and external source group of a PLC's software, the PLC's
own and each unit's, in one place.

On an S7-1500 with software units, a unit's blocks are not below ``PlcSoftware.BlockGroup``:
``PlcSoftware.GetService<PlcUnitProvider>().UnitGroup.Units`` (and ``.SafetyUnits``, the fail-safe unit) each hold
their own ``BlockGroup``, ``TypeGroup``, ``TagTableGroup`` and ``ExternalSourceGroup`` (15.1-V17 generator stubs
``Siemens/Engineering/SW/Units``; V21's catalogue adds ``PlcUnitSystemGroup.SafetyUnits``). The provider is null
where the CPU has no units (S7-1200).

A unit's block or PLC data type is named as TIA names it: its ``Name``, qualified as ``Namespace.Name`` when its
``Namespace`` attribute is not empty (``GetAttribute("Namespace")``; a version without the attribute refuses it with
``EngineeringNotSupportedException``, and the plain name stands). That is the fake's convention for the same
document (:attr:`simatic_xml.sw_base.SwObject.qualified_name`). Its folder is the path TIA's project tree shows:
``Software units/<unit>`` and the user groups below the unit's "Program blocks" (or "PLC data types").
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

from engineering_api.rules.program_objects import block_not_found
from openness_bridge import groups
from openness_bridge.errors import kind_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from openness_bridge.session import BridgeSession

__all__ = ("UNITS_FOLDER", "ProgramRoot", "SoftwareObject", "find_block", "find_block_or_type", "group_at",
           "program_roots", "software_blocks", "software_external_sources", "software_objects", "software_tag_tables",
           "software_types", "unit_folder")

UNITS_FOLDER = "Software units"
"""The project tree's folder of a PLC's units: a unit block's folder starts with it and the unit's name."""


@dataclass(frozen=True)
class ProgramRoot:
    """A system group (``BlockGroup``, ``TypeGroup``...) of a PLC's software (``unit`` None) or of one of its units."""

    unit: str | None
    group: Any


@dataclass(frozen=True)
class SoftwareObject:
    """A block or PLC data type anywhere in a PLC's software: its folder as the project tree shows it, the
    ``PlcBlock``/``PlcType``, its name as TIA names it (``Namespace.Name`` inside a namespace) and, for a unit's
    object, the unit."""

    folder: str
    obj: Any
    name: str
    unit: str | None = None


def _unit_provider(session: BridgeSession, software: Any) -> Any | None:
    """``PlcSoftware.GetService<PlcUnitProvider>()``: None on a CPU without units (and an API without the type)."""
    try:
        provider_type = session.namespace("Siemens.Engineering.SW.Units").PlcUnitProvider
    except (ImportError, AttributeError):
        return None
    return session.service(software, provider_type)


def program_roots(session: BridgeSession, software: Any, system_group: str) -> Iterator[ProgramRoot]:
    """The PLC's own ``system_group`` (``"BlockGroup"``, ``"TypeGroup"``), then each unit's and safety unit's, in
    TIA's order; a unit without such a group is left out."""
    yield ProgramRoot(None, getattr(software, system_group))
    provider = _unit_provider(session, software)
    if provider is None:
        return
    unit_group = provider.UnitGroup
    # SafetyUnits: V21's catalogue lists it, the V17 stubs do not (guarded)
    for units in (unit_group.Units, getattr(unit_group, "SafetyUnits", None)):
        for unit in units if units is not None else ():
            group = getattr(unit, system_group, None)
            if group is not None:
                yield ProgramRoot(str(unit.Name), group)


def _qualified_name(obj: Any) -> str:
    """``Namespace.Name`` of a unit's block or PLC data type, or its ``Name`` outside a namespace or where the
    version has no ``Namespace`` attribute."""
    name = str(obj.Name)
    try:
        namespace = str(obj.GetAttribute("Namespace") or "")
    except Exception as exc:  # a .NET exception: only "no such attribute" means no namespace
        if kind_of(exc) != "EngineeringNotSupportedException":
            raise
        return name
    return f"{namespace}.{name}" if namespace else name


def unit_folder(unit: str, folder: str) -> str:
    """A unit's user-group path as the project tree shows it: ``Software units/<unit>[/<folder>]``."""
    return "/".join(p for p in (UNITS_FOLDER, unit, folder) if p)


def software_objects(session: BridgeSession, software: Any, system_group: str, composition: str, *,
                     namespaced: bool = True) -> Iterator[SoftwareObject]:
    """Every object of ``composition`` (``"Blocks"``, ``"Types"``, ``"TagTables"``) below the PLC's ``system_group``
    tree, then each unit's (``Find`` is one level deep, so every tree is walked). A unit's object is named
    ``Namespace.Name`` when ``namespaced`` (objects that carry no namespace, such as tag tables, are not asked)."""
    for root in program_roots(session, software, system_group):
        for folder, obj in groups.walk_objects(root.group, composition):
            if root.unit is None:
                yield SoftwareObject(folder, obj, str(obj.Name))
            else:
                name = _qualified_name(obj) if namespaced else str(obj.Name)
                yield SoftwareObject(unit_folder(root.unit, folder), obj, name, root.unit)


def software_blocks(session: BridgeSession, software: Any) -> Iterator[SoftwareObject]:
    """Every block of ``software``: the PLC's "Program blocks" tree, then each unit's."""
    return software_objects(session, software, "BlockGroup", "Blocks")


def software_types(session: BridgeSession, software: Any) -> Iterator[SoftwareObject]:
    """Every PLC data type of ``software``: the PLC's "PLC data types" tree, then each unit's."""
    return software_objects(session, software, "TypeGroup", "Types")


def software_tag_tables(session: BridgeSession, software: Any) -> Iterator[SoftwareObject]:
    """Every tag table of ``software``: the PLC's "PLC tags" tree, then each unit's (``PlcUnit.TagTableGroup``: 15.1-V17
    stubs; siemens/tia-portal-ai-extensions@34e8e03 ``skills/sw-units/SKILL.md``, whose PLC-wide tag table search
    walks the root's and every unit's). A table is named by its ``Name``: a unit's tag table carries no namespace (a
    TIA V18 export: ``<Name>Default tag table_2</Name>`` only, ChrisSiem/TestChris@a826097 ``PLC_1/Software
    units/Perceuse/PLC tags/Default tag table_2.xml``), and TIA numbers each unit's default table apart from the
    PLC's ``Default tag table``, so table names are unique per PLC."""
    return software_objects(session, software, "TagTableGroup", "TagTables", namespaced=False)


def software_external_sources(session: BridgeSession, software: Any) -> Iterator[SoftwareObject]:
    """Every external source of ``software``: the PLC's "External source files" tree, then each unit's
    (``PlcUnit.ExternalSourceGroup``: 15.1-V17 stubs; siemens/tia-portal-ai-extensions@34e8e03
    ``skills/sw-units/SKILL.md``: a unit's sources are apart from ``PlcSoftware.ExternalSourceGroup``). A source is
    named by its ``Name`` (a file name; no namespace)."""
    return software_objects(session, software, "ExternalSourceGroup", "ExternalSources", namespaced=False)


def find_block(session: BridgeSession, software: Any, name: str) -> SoftwareObject:
    """The block named ``name`` (as :func:`software_blocks` names it) in the PLC or one of its units.

    Raises:
        NotFoundError: ``BLOCK_NOT_FOUND``; when ``name`` is the plain name of unit blocks in namespaces, the error
            suggests their qualified names (the fake's rule:
            :func:`~engineering_api.rules.program_objects.block_not_found`).
    """
    known = []
    for found in software_blocks(session, software):
        if found.name == name:
            return found
        known.append(found.name)
    raise block_not_found(name, known)


def find_block_or_type(session: BridgeSession, software: Any, name: str) -> Any | None:
    """The ``PlcBlock`` named ``name`` (:func:`software_blocks`), else the ``PlcType`` (:func:`software_types`),
    else None."""
    for found in chain(software_blocks(session, software), software_types(session, software)):
        if found.name == name:
            return found.obj
    return None


def group_at(session: BridgeSession, software: Any, system_group: str, folder: str) -> Any | None:
    """The user group at ``folder`` as :func:`software_objects` spells it: ``Software units/<unit>/...`` below that
    unit's ``system_group`` when the unit exists, else below the PLC's own; None when there is no such group."""
    parts = groups.normalise(folder).split("/")
    if len(parts) >= 2 and parts[0] == UNITS_FOLDER:
        for root in program_roots(session, software, system_group):
            if root.unit == parts[1]:
                return groups.find_group(root.group, "/".join(parts[2:]))
    return groups.find_group(getattr(software, system_group), folder)
