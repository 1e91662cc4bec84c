"""The bridge's PLC data types and their folders (``PlcSoftware.TypeGroup``, and each software unit's for the UDTs,
their users, their folders and the type tree's ``Software units`` folder: :mod:`openness_bridge.units`).

UDTs are found by walking ``PlcTypeGroup.Types``/``Groups``; members and users come from exported SimaticML
(:mod:`openness_bridge.types_index`), what each object's export says of its uses kept across requests while its
``InterfaceModifiedDate`` stays (:class:`~openness_bridge.types_index.AnalysisCache`; the rest of the bridge reads
the portal's state anew on every request); consistency is ``PlcType.IsConsistent``/``PlcBlock.IsConsistent`` as TIA
reports it, read on every request. Import/update go through ``PlcTypeComposition.Import`` (``ImportOptions.Override``
to replace), delete through ``PlcType.Delete()``, folders through ``PlcTypeUserGroupComposition.Create``/
``PlcTypeUserGroup.Delete()``. TIA deletes a UDT that is still used (its users turn inconsistent); refusing that
unless ``force`` is this service's rule, checked here before ``Delete``. Every change runs through the session's
``change``.

``OpennessBackend.types``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.types import (
    TypeDeleteResult,
    TypeDetails,
    TypeInfo,
    TypesPort,
    TypeTreeNode,
    TypeUpdateResult,
    TypeUser,
)
from engineering_api.backend.models import FOLDER_NODE
from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules.type_graph import refuse_recursion
from openness_bridge.api_reference import require_member
from openness_bridge.errors import kind_of
from openness_bridge.plc_software import block_kind
from openness_bridge.types_index import AnalysisCache, Entry, ExportReader, TypeIndex, members_of, read_udt
from openness_bridge.units import (
    ProgramRoot, create_user_group, ensure_user_group, find_in_groups, find_software_object, group_at, plc_tree,
    program_roots, require_user_group, software_blocks, software_types,
)

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeTypes",)


class BridgeTypes(TypesPort):
    """PLC data types (UDTs) of a PLC over Openness.

    Args:
        session: the Openness session: calls on its thread, changes in a transaction, scratch export and import.
    """

    def __init__(self, session: BridgeSession) -> None:
        self._session = session
        self._cache = AnalysisCache()
        """The analyses of the open project's exports, for this session (one per backend)."""
        self._dated: dict[str, bool] = {}
        """Per class (``PlcType``, ``PlcBlock``): whether this TIA version's ``InterfaceModifiedDate`` can be read."""

    # ----- reading ------------------------------------------------------------------------------
    def _exported(self, obj: Any) -> bytes | None:
        """The object's SimaticML, or None where TIA refuses the export (an inconsistent block)."""
        try:
            return self._session.export_bytes(obj)
        except Exception as exc:
            if kind_of(exc) == "EngineeringTargetInvocationException":
                return None
            raise

    def _interface_date(self, obj: Any, kind: str) -> int | None:
        """``obj.InterfaceModifiedDate`` (``PlcType``'s, or ``PlcBlock``'s for any other ``kind``) in .NET ticks, or
        None where this TIA version has no such member (the reference says so, or pythonnet finds none) or refuses
        it: then its analysis is not cached."""
        owner = "PlcType" if kind == "UDT" else "PlcBlock"
        if owner not in self._dated:
            try:
                require_member(self._session.version, owner, "InterfaceModifiedDate", "Caching an export")
                self._dated[owner] = True
            except NotSupportedError:
                self._dated[owner] = False
        if not self._dated[owner]:
            return None
        try:
            return int(obj.InterfaceModifiedDate.Ticks)
        except AttributeError:  # pythonnet: not on this version's object
            self._dated[owner] = False
            return None
        except Exception as exc:  # a .NET exception: only "not supported" means no date; the rest is the call's
            if kind_of(exc) != "EngineeringNotSupportedException":
                raise
            return None

    def _index(self, device: str, software: Any, *, blocks: bool = False) -> TypeIndex:
        """Every UDT of ``software`` (``device``'s; and every block when ``blocks``), each read (``Name``,
        ``IsConsistent``): for the calls that need them all (a UDT's users, the recursion check, a clash whatever the
        case, the listing). One UDT by name is :func:`~openness_bridge.units.find_software_object`'s. What an
        object's export says of its uses comes from the cache while its interface date stays (read on demand)."""
        self._cache.open(str(self._session.project().Path.FullName))  # another project: nothing of the last one
        reader = ExportReader(self._exported, self._interface_date, self._cache, device, self._session.version)
        index = TypeIndex(reader=reader)
        # the PLC's own, then its software units' (Namespace.Name inside a namespace: openness_bridge.units)
        for udt in software_types(self._session, software):
            index.types[udt.name] = Entry(udt.name, "UDT", udt.folder, udt.obj, bool(udt.obj.IsConsistent), reader)
        if blocks:
            self._add_blocks(index, software)
        return index

    def _add_blocks(self, index: TypeIndex, software: Any) -> None:
        """Every block of ``software`` into ``index`` (the users a UDT can have besides UDTs)."""
        for block in software_blocks(self._session, software):
            index.blocks[block.name] = Entry(block.name, block_kind(block.obj), block.folder, block.obj,
                                             bool(block.obj.IsConsistent), index.reader)

    @staticmethod
    def _udt(index: TypeIndex, name: str) -> Entry:
        entry = index.types.get(name)
        if entry is None:
            raise NotFoundError(f"The PLC data type '{name}' was not found.", code=codes.UDT_NOT_FOUND)
        return entry

    def _info(self, index: TypeIndex, entry: Entry) -> TypeInfo:
        analysis = entry.analysis
        count = analysis.member_count if analysis is not None else 0
        return TypeInfo(name=entry.name, folder=entry.folder, is_consistent=entry.consistent, member_count=count,
                        uses_types=list(index.uses(entry)), missing_types=index.missing(entry))

    def _details(self, index: TypeIndex, entry: Entry) -> TypeDetails:
        members, comment, title, count = members_of(entry.data) if entry.data is not None else ([], None, None, 0)
        return TypeDetails(
            name=entry.name, folder=entry.folder, is_consistent=entry.consistent, member_count=count,
            uses_types=list(index.uses(entry)), missing_types=index.missing(entry), comment=comment, title=title,
            members=members, used_by=[index.user(u) for u in index.users(entry.name)],
        )

    def _software_for_types(self, device: str) -> Any:
        return self._session.plc_software(self._session.project(), device)

    def list_types(self, device: str) -> list[TypeInfo]:
        def run() -> list[TypeInfo]:
            index = self._index(device, self._software_for_types(device), blocks=True)
            return [self._info(index, entry) for entry in index.types.values()]

        return self._session.call("PlcTypeGroup.Types", run)

    def get_type(self, device: str, name: str) -> TypeDetails:
        def run() -> TypeDetails:
            # every UDT and block: the details list the UDT's users (each exported unless its analysis is cached)
            # and the types it names that are neither a UDT nor an FB of the PLC; members, comment and title from
            # the UDT's own export
            index = self._index(device, self._software_for_types(device), blocks=True)
            return self._details(index, self._udt(index, name))

        return self._session.call("PlcTypeComposition.Find", run)

    def export_type(self, device: str, name: str) -> bytes:
        def run() -> bytes:
            # One UDT: Find in each group (the PLC's and its units'), not a Name and IsConsistent read per UDT
            found = find_software_object(self._session, self._software_for_types(device), "TypeGroup", "Types", name)
            if found is None:
                raise NotFoundError(f"The PLC data type '{name}' was not found.", code=codes.UDT_NOT_FOUND)
            return self._session.export_bytes(found.obj)

        return self._session.call("PlcType.Export", run)

    def type_tree(self, device: str) -> TypeTreeNode:
        def folder(name: str, path: str, children: list[TypeTreeNode], kind: str = FOLDER_NODE) -> TypeTreeNode:
            return TypeTreeNode(name=name, path=path, is_folder=True, node_type=kind, children=children)

        def udt(root: ProgramRoot, path: str, obj: Any) -> TypeTreeNode:
            name = root.name_of(obj)  # as listed: Namespace.Name in a unit's namespace
            return TypeTreeNode(name=name, path=f"{path}/{name}".lstrip("/"), is_folder=False, node_type="UDT",
                                is_consistent=bool(obj.IsConsistent))

        def node(root: ProgramRoot, group: Any, name: str, below: str = "", kind: str = FOLDER_NODE) -> TypeTreeNode:
            """``group``, at ``below`` in ``root``, with the folder as listed (a unit's: ``Software units/...``)."""
            path = root.folder(below)
            children = [node(root, g, str(g.Name), f"{below}/{g.Name}".lstrip("/"))
                        for g in sorted(group.Groups, key=lambda g: str(g.Name))]
            return folder(name, path, children + [udt(root, path, t) for t in group.Types], kind)

        def run() -> TypeTreeNode:
            roots = list(program_roots(self._session, self._software_for_types(device), "TypeGroup"))
            return plc_tree(roots, "PLC data types", node, folder)

        return self._session.call("PlcTypeGroup.Groups", run)

    # ----- changing -----------------------------------------------------------------------------
    def _import_udt(self, group: Any, data: bytes, *, override: bool) -> None:
        """``group.Types.Import(file, ImportOptions.None|Override)`` from a temporary file."""
        self._session.import_bytes(group.Types, data, override=override)

    def _reread(self, device: str, name: str, *, blocks: bool = True) -> tuple[TypeIndex, Entry]:
        index = self._index(device, self._software_for_types(device), blocks=blocks)
        return index, self._udt(index, name)

    def import_type(self, device: str, data: bytes, *, folder: str, overwrite: bool, source: str) -> TypeDetails:
        def run() -> TypeDetails:
            software = self._software_for_types(device)
            obj = read_udt(data, version=self._session.version, folder=folder, source=source)
            # every UDT: a clash is any case of the name (TIA's names), and the recursion check follows what they use
            index = self._index(device, software)
            clash = next((e for n, e in index.types.items() if n.casefold() == obj.name.casefold()), None)
            if clash is not None and not overwrite:
                raise AlreadyExistsError(
                    f"The PLC data type '{obj.name}' already exists; import with overwrite to replace it.",
                    code=codes.OBJECT_EXISTS)
            refuse_recursion(obj.name, obj.uses_types, index.udt_uses)
            if folder.strip():  # a unit's folder as listed is in the unit
                target, group = ensure_user_group(self._session, software, "TypeGroup", folder)
            else:
                target = clash.folder if clash is not None else ""
                group = group_at(self._session, software, "TypeGroup", target)  # a unit's UDT stays in its unit
            if clash is not None and clash.folder != target:
                clash.proxy.Delete()  # moved to another folder: same transaction, so all or nothing
                clash = None
            self._import_udt(group, data, override=clash is not None)
            index, entry = self._reread(device, obj.name)
            return self._details(index, entry)

        return self._session.change("PlcTypeComposition.Import", run, invocation=ValidationError)

    def update_type(self, device: str, name: str, data: bytes) -> TypeUpdateResult:
        def run() -> TypeUpdateResult:
            software = self._software_for_types(device)
            # every UDT, for the recursion check (what the UDTs the document names use); the blocks only when the
            # interface changes (its users, found below)
            index = self._index(device, software)
            old = self._udt(index, name)
            obj = read_udt(data, version=self._session.version, folder=old.folder, source=name)
            if obj.name != name:
                raise ValidationError(
                    f"The document defines '{obj.name}', not '{name}'; a UDT keeps its name when updated "
                    "(rename it instead).", code=codes.NAME_MISMATCH)
            refuse_recursion(name, obj.uses_types, index.udt_uses)
            before = old.document
            changed = before is None or before.interface_hash != obj.interface_hash
            # Users are found before the change: afterwards TIA may refuse to export them (inconsistent).
            affected: list[str] = []
            if changed:
                self._add_blocks(index, software)
                affected = [u.name for u in index.users(name, transitive=True)]
            self._import_udt(group_at(self._session, software, "TypeGroup", old.folder), data, override=True)
            index, entry = self._reread(device, name)
            return TypeUpdateResult(
                udt=self._details(index, entry), interface_changed=changed,
                affected_users=[index.user(e) for n in affected
                                if (e := index.types.get(n) or index.blocks.get(n)) is not None],
            )

        return self._session.change("PlcTypeComposition.Import", run, invocation=ValidationError)

    def delete_type(self, device: str, name: str, *, force: bool) -> TypeDeleteResult:
        def run() -> TypeDeleteResult:
            index = self._index(device, self._software_for_types(device), blocks=True)  # all: its users refuse
            entry = self._udt(index, name)
            users = [u.name for u in index.users(name)]
            if users and not force:
                raise ConflictError(
                    f"The PLC data type '{name}' is used by {', '.join(users)}; delete those first or pass force=true.",
                    code=codes.TYPE_IN_USE, details={"usedBy": users})
            entry.proxy.Delete()
            return TypeDeleteResult(deleted=[name], orphaned_users=self._users_now(device, users))

        return self._session.change("PlcType.Delete", run)

    def _users_now(self, device: str, names: list[str]) -> list[TypeUser]:
        """The named users as TIA reports them after a change (consistency re-read): each looked up by name
        (:meth:`_found_user`), not an index of every UDT and block, which is made only when ``Find`` misses one (in
        case TIA's ``Find`` missed a name the listing has; a user gone is left out)."""
        software = self._software_for_types(device)
        found = [self._found_user(software, name) for name in names]
        if None not in found:
            return [user for user in found if user is not None]
        index = self._index(device, software, blocks=True)
        return [index.user(e) for n in names if (e := index.types.get(n) or index.blocks.get(n)) is not None]

    def _found_user(self, software: Any, name: str) -> TypeUser | None:
        """The UDT, else the block, named ``name`` as a user (kind, ``IsConsistent``), by ``Find`` in each group
        (:func:`~openness_bridge.units.find_in_groups`); None when ``Find`` finds it nowhere."""
        udt = find_in_groups(self._session, software, "TypeGroup", "Types", name)
        if udt is not None:
            return TypeUser(name=name, kind="UDT", is_consistent=bool(udt.obj.IsConsistent))
        block = find_in_groups(self._session, software, "BlockGroup", "Blocks", name)
        if block is None:
            return None
        return TypeUser(name=name, kind=block_kind(block.obj), is_consistent=bool(block.obj.IsConsistent))

    def add_type_folder(self, device: str, path: str) -> str:
        def run() -> str:
            return create_user_group(self._session, self._software_for_types(device), "TypeGroup", path)[0]

        return self._session.change("PlcTypeUserGroupComposition.Create", run, invocation=ValidationError)

    def delete_type_folder(self, device: str, path: str, *, force: bool) -> TypeDeleteResult:
        def run() -> TypeDeleteResult:
            software = self._software_for_types(device)
            folder, group, root = require_user_group(self._session, software, "TypeGroup", path)  # a unit's too
            inside = root.names_below(group, "Types")
            index = self._index(device, software, blocks=True)
            outside = sorted({u.name for n in inside for u in index.users(n) if u.name not in inside})
            if outside and not force:
                raise ConflictError(
                    f"UDTs in '{folder}' are used by {', '.join(outside)}; pass force=true to delete "
                    "them anyway.", code=codes.TYPE_IN_USE, details={"usedBy": outside})
            group.Delete()  # TIA deletes the group with its subgroups and UDTs
            return TypeDeleteResult(deleted=inside, orphaned_users=self._users_now(device, outside))

        return self._session.change("PlcTypeUserGroup.Delete", run)
