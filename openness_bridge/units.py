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
:func:`plc_tree` puts the units' trees into a tree of the PLC's own (the type and tag-table trees) the
same way: a folder ``Software units`` holding a folder per unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.backend.models import FOLDER_NODE, SOFTWARE_UNIT_NODE, SOFTWARE_UNITS_NODE
from engineering_api.errors import codes
from engineering_api.rules.program_objects import block_not_found
from openness_bridge import groups
from openness_bridge.errors import kind_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from openness_bridge.session import BridgeSession

__all__ = (
    "UNITS_FOLDER", "ProgramRoot", "SoftwareObject", "create_user_group", "creation_root", "ensure_user_group",
    "find_block", "find_block_or_type", "find_in_groups", "find_software_object", "group_at",
    "plc_tree", "program_roots", "require_user_group", "software_blocks", "software_external_sources",
    "software_objects", "software_tag_tables", "software_types", "unit_folder", "user_group_paths",
)

UNITS_FOLDER = "Software units"
"""The project tree's folder of a PLC's units: a unit block's folder starts with it and the unit's name."""


class _TreeNode(Protocol):
    """A node of the type or tag-table tree: what :func:`plc_tree` appends the units' node to."""

    children: list[Any]


_Tree = TypeVar("_Tree", bound=_TreeNode)


@dataclass(frozen=True)
class ProgramRoot:
    """A system group (``BlockGroup``, ``TypeGroup``...) of a PLC's software (``unit`` None) or of one of its units."""

    unit: str | None
    group: Any

    def folder(self, path: str) -> str:
        """``path`` below :attr:`group` as the project tree (and :func:`software_objects`) spells it."""
        return path if self.unit is None else unit_folder(self.unit, path)

    def name_of(self, obj: Any, *, namespaced: bool = True) -> str:
        """``obj``'s name as listed: its ``Name`` in the PLC's own tree; in a unit's, ``Namespace.Name`` when
        ``namespaced`` (objects that carry no namespace, such as tag tables, are not asked)."""
        return _qualified_name(obj) if self.unit is not None and namespaced else str(obj.Name)

    def names_below(self, group: Any, composition: str, *, namespaced: bool = True) -> list[str]:
        """The names, as listed (:meth:`name_of`), of every object of ``composition`` in ``group`` (one of this
        root's user groups) and its subgroups: what deleting that group deletes."""
        return [self.name_of(obj, namespaced=namespaced) for _, obj in groups.walk_objects(group, composition)]


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
    yield from _unit_roots(session, software, system_group) or ()


def _unit_roots(session: BridgeSession, software: Any, system_group: str) -> list[ProgramRoot] | None:
    """Each unit's and safety unit's ``system_group``, in TIA's order; None on a CPU without units."""
    provider = _unit_provider(session, software)
    if provider is None:
        return None
    unit_group, roots = provider.UnitGroup, []
    # SafetyUnits: V21's catalogue lists it, the V17 stubs do not (guarded)
    for units in (unit_group.Units, getattr(unit_group, "SafetyUnits", None)):
        for unit in units if units is not None else ():
            group = getattr(unit, system_group, None)
            if group is not None:
                roots.append(ProgramRoot(str(unit.Name), group))
    return roots


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
            yield SoftwareObject(root.folder(folder), obj, root.name_of(obj, namespaced=namespaced), root.unit)


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


def _lookup_names(root: ProgramRoot, name: str, *, namespaced: bool = True) -> tuple[str, ...]:
    """What ``Find`` is asked in ``root`` for the object listed as ``name``: ``name`` itself; in a unit, when
    ``namespaced``, also each ``Name`` that a namespace before it would qualify as ``name`` (``a.b.c``: ``b.c`` in
    namespace ``a``, ``c`` in ``a.b``), since a namespace may hold dots and whether a unit's ``Find`` takes the plain
    or the qualified name is not documented. Blank names are not asked."""
    parts = name.split(".") if root.unit is not None and namespaced else [name]
    return tuple(dict.fromkeys(rest for i in range(len(parts)) if (rest := ".".join(parts[i:])).strip()))


def find_in_groups(session: BridgeSession, software: Any, system_group: str, composition: str, name: str, *,
                   namespaced: bool = True) -> SoftwareObject | None:
    """The object :func:`software_objects` lists as ``name``, looked up with ``Find`` in each group (one level deep)
    rather than by reading every object; the name of what ``Find`` returns is checked (exact case, ``Namespace.Name``
    in a unit when ``namespaced``). Roots and groups are asked in the listing's order, so the object found is the one
    the listing names first. None when ``Find`` finds it nowhere."""
    for root in program_roots(session, software, system_group):
        lookup = _lookup_names(root, name, namespaced=namespaced)
        for folder, obj in groups.find_objects(root.group, composition, lookup):
            if root.name_of(obj, namespaced=namespaced) == name:
                return SoftwareObject(root.folder(folder), obj, name, root.unit)
    return None


def find_software_object(session: BridgeSession, software: Any, system_group: str, composition: str, name: str, *,
                         namespaced: bool = True) -> SoftwareObject | None:
    """The object :func:`software_objects` (same arguments) lists first as ``name`` (exact case), or None: ``Find``
    in each group of the PLC's tree and each unit's, as :func:`find_block`, so the cost grows with the groups, not the
    objects; only where ``Find`` finds nothing is every object read (in case TIA's ``Find`` missed a name the listing
    has; a miss is answered with an error, which may cost more)."""
    found = find_in_groups(session, software, system_group, composition, name, namespaced=namespaced)
    if found is not None:
        return found
    listed = software_objects(session, software, system_group, composition, namespaced=namespaced)
    return next((obj for obj in listed if obj.name == name), None)


def find_block(session: BridgeSession, software: Any, name: str) -> SoftwareObject:
    """The block named ``name`` (as :func:`software_blocks` names it) in the PLC or one of its units: ``Find`` in each
    group, so the cost grows with the groups, not the blocks; where ``Find`` finds nothing, the blocks are read one by
    one (for the error's suggestions, and in case TIA's ``Find`` missed a name the listing has).

    Raises:
        NotFoundError: ``BLOCK_NOT_FOUND``; when ``name`` is the plain name of unit blocks in namespaces, the error
            suggests their qualified names (the fake's rule:
            :func:`~engineering_api.rules.program_objects.block_not_found`).
    """
    found = find_in_groups(session, software, "BlockGroup", "Blocks", name)
    if found is not None:
        return found
    known = []
    for listed in software_blocks(session, software):
        if listed.name == name:
            return listed
        known.append(listed.name)
    raise block_not_found(name, known)


def find_block_or_type(session: BridgeSession, software: Any, name: str) -> Any | None:
    """The ``PlcBlock`` named ``name`` (:func:`software_blocks`), else the ``PlcType`` (:func:`software_types`),
    else None: ``Find`` in each group as :func:`find_block`, blocks before types (a name is one object's in a PLC,
    block or type), then, on a miss (which callers answer with an error), every block and type read one by one."""
    for system_group, composition in (("BlockGroup", "Blocks"), ("TypeGroup", "Types")):
        found = find_in_groups(session, software, system_group, composition, name)
        if found is not None:
            return found.obj
    for listed in chain(software_blocks(session, software), software_types(session, software)):
        if listed.name == name:
            return listed.obj
    return None


def creation_root(session: BridgeSession, software: Any, system_group: str, folder: str) -> tuple[ProgramRoot, str]:
    """Where an object or user group is created for a ``folder`` as :func:`software_objects` spells it: (the root,
    the path below it). ``Software units/<unit>/<rest>`` is that unit's ``system_group`` and ``<rest>``; any other
    folder, and every folder on a CPU without units (the fake's reading too: it has no units), is the PLC's own
    ``system_group`` and ``folder`` as given. The path below is left to the caller's folder rules
    (:func:`groups.create_group`, :func:`~engineering_api.rules.folders.target_folder`).

    ``Software units`` and the unit's name match whatever their case: TIA keeps group names unique
    case-insensitively, so ``software units/u1`` could only ever be a look-alike of the unit's folder.

    Raises:
        ValidationError: ``FOLDER_NOT_FOUND`` when the folder is ``Software units`` or names no unit of the CPU (a
            unit is not made through Openness's user groups; the port cannot create one); ``details.units`` lists
            the units there are.
    """
    parts = groups.normalise(folder).split("/")
    own = ProgramRoot(None, getattr(software, system_group))
    if parts[0].casefold() != UNITS_FOLDER.casefold():
        return own, folder
    roots = _unit_roots(session, software, system_group)
    if roots is None:
        return own, folder
    wanted = parts[1] if len(parts) > 1 else ""
    found = next((r for r in roots if r.unit == wanted), None) or next(
        (r for r in roots if wanted and str(r.unit).casefold() == wanted.casefold()), None)
    if found is None:
        names = [str(r.unit) for r in roots]
        listed = ", ".join(f"'{n}'" for n in names) or "none"
        raise ValidationError(
            f"The folder '{folder}' names no software unit of this PLC (its units: {listed}). A unit's objects go "
            f"into '{UNITS_FOLDER}/<unit>/...' of an existing unit; units are not created here.",
            code=codes.FOLDER_NOT_FOUND, details={"folder": folder, "units": names},
        )
    return found, "/".join(parts[2:])


def create_user_group(session: BridgeSession, software: Any, system_group: str, path: str, *,
                      exist_ok: bool = False) -> tuple[str, Any]:
    """:func:`groups.create_group` for a folder as listed: below the unit's ``system_group`` for
    ``Software units/<unit>/...`` (:func:`creation_root`), else below the PLC's own. Returns (the folder as
    listed, the group); the unit's own folder (``Software units/<unit>``) exists already.

    Raises:
        ValidationError: ``FOLDER_NOT_FOUND`` (no such unit), ``INVALID_FOLDER`` (a malformed path below it).
        AlreadyExistsError: ``FOLDER_EXISTS`` when nothing was missing and ``exist_ok`` is false.
    """
    root, below = creation_root(session, software, system_group, path)
    if root.unit is not None and not below:
        if not exist_ok:
            raise AlreadyExistsError(f"The folder '{root.folder('')}' already exists.", code=codes.FOLDER_EXISTS)
        return root.folder(""), root.group
    normalised, group = groups.create_group(root.group, below, exist_ok=exist_ok)
    return root.folder(normalised), group


def ensure_user_group(session: BridgeSession, software: Any, system_group: str, path: str) -> tuple[str, Any]:
    """:func:`groups.ensure_group` for a folder as listed (:func:`create_user_group`): the PLC's own
    ``system_group`` for a blank ``path``."""
    if not path.strip():
        return "", getattr(software, system_group)
    return create_user_group(session, software, system_group, path, exist_ok=True)


def _found_root(session: BridgeSession, software: Any, system_group: str, folder: str) -> tuple[ProgramRoot, str]:
    """:func:`creation_root` for a folder that exists: a unit's when the unit exists, else the PLC's own (where an
    older bridge made look-alike groups ``Software units/...``, which can so be found and deleted)."""
    try:
        return creation_root(session, software, system_group, folder)
    except ValidationError:
        return ProgramRoot(None, getattr(software, system_group)), folder


def group_at(session: BridgeSession, software: Any, system_group: str, folder: str) -> Any | None:
    """The user group at ``folder`` as :func:`software_objects` spells it: ``Software units/<unit>/...`` below that
    unit's ``system_group`` when the unit exists, else below the PLC's own; None when there is no such group."""
    root, path = _found_root(session, software, system_group, folder)
    return groups.find_group(root.group, path)


def require_user_group(session: BridgeSession, software: Any, system_group: str,
                       path: str) -> tuple[str, Any, ProgramRoot]:
    """:func:`groups.require_group` for a folder as listed (:func:`group_at`): (the folder as listed, the user
    group, the root it is in). A system group is no folder, a unit's neither.

    Raises:
        NotFoundError: ``FOLDER_NOT_FOUND``.
    """
    root, below = _found_root(session, software, system_group, path)
    normalised = groups.normalise(below)
    group = groups.find_group(root.group, below) if normalised else None
    if group is None:
        raise NotFoundError(f"The folder '{path}' was not found.", code=codes.FOLDER_NOT_FOUND)
    return root.folder(normalised), group, root


def user_group_paths(session: BridgeSession, software: Any, system_group: str) -> list[str]:
    """Every user-group path below the PLC's own ``system_group``, then each unit's as listed
    (``Software units/<unit>/...``), parents before children."""
    return [root.folder(path) for root in program_roots(session, software, system_group)
            for path in groups.group_paths(root.group)]


def plc_tree(roots: Sequence[ProgramRoot], top: str, node: Callable[[ProgramRoot, Any, str, str, str], _Tree],
             folder: Callable[[str, str, list[_Tree], str], _Tree]) -> _Tree:
    """A tree of the project tree's kind (``type_tree``, ``tag_table_tree``) over ``roots`` (:func:`program_roots`):
    the PLC's own system group as the top (named ``top``), whose children end, on a CPU with software units, with a
    node ``Software units`` (:data:`~engineering_api.backend.models.SOFTWARE_UNITS_NODE`) holding a node per unit
    (``SOFTWARE_UNIT_NODE``, named by the unit, at :meth:`ProgramRoot.folder` of ``""``, so that every path below it
    is the folder :func:`software_objects` lists). ``node(root, group, name, below, kind)`` makes a group's node
    with what it holds, ``folder(name, path, children, kind)`` a node of its own."""
    own, *units = roots
    tree = node(own, own.group, top, "", FOLDER_NODE)
    if units:
        unit_nodes = [node(unit, unit.group, str(unit.unit), "", SOFTWARE_UNIT_NODE) for unit in units]
        tree.children.append(folder(UNITS_FOLDER, UNITS_FOLDER, unit_nodes, SOFTWARE_UNITS_NODE))
    return tree
