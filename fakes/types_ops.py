"""The fake backend's PLC data types area (``FakeBackend.types``).

Consistency rule (what ``isConsistent`` means here, for UDTs and blocks alike):

* an object using a type that does not exist is inconsistent (``PlcSoftware.missing_types``);
* an object with ``compiled_against`` (the interface digests it was last built against) is inconsistent
  when a type it uses now has another ``interface_hash``;
* an object using a type that is itself inconsistent is inconsistent (TIA propagates through nesting);
* an object never compiled (``compiled_against`` None) counts as built against the current definitions.
  So that a UDT change is still seen by such users, :meth:`FakeTypes.update_type` (and an import that
  replaces a UDT) records for each direct user that was never compiled the digests it was built against
  (every definition before the change). A successful compile (``fakes.compile_ops``) rewrites
  ``compiled_against`` with the current digests and so makes the user consistent again; this matches the
  compiler's rule (``compiled_against`` equal to the current digests of the object and what it uses);
* an object whose last compile failed (``needs_compile``, also set on blocks generated from a source that refers
  to user objects that do not exist) is inconsistent until a compile of it succeeds, and so is every object that
  calls it (``calls``, recorded by each compile; transitively), as TIA marks a block and its callers
  (STEP 7 help, "Compiling blocks": a block with compile errors stays inconsistent and cannot be loaded);
  an object calling a block that was deleted or renamed since its compile is inconsistent too;
* an object compiled against a block whose interface changed since (``compiled_against``) is inconsistent.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from engineering_api.backend.areas.types import (TypeDeleteResult, TypeDetails, TypeInfo, TypesPort, TypeTreeNode,
                                                 TypeUpdateResult, TypeUser)
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError, ValidationError
from engineering_api.backend.models import ProgramObjectInfo
from engineering_api.errors import codes
from engineering_api.rules.folders import target_folder
from engineering_api.rules import type_graph
from engineering_api.rules.program_objects import multilingual_text, read_object, type_member
from simatic_xml import parse_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

    from fakes.program import PlcSoftware, ProgramObject
    from fakes.session import FakeSession

__all__ = ("FakeTypes", "GuardedWrite", "describe", "is_consistent", "type_users")

T = TypeVar("T")


class GuardedWrite(Protocol):
    """``guard(device, call)``: runs ``call`` (a change of ``device``'s program) as the library's guarded write, one
    transaction refused and undone when it changed an instance of a released library type
    (ConflictError ``INSTANCE_WRITE_PROTECTED``); returns what ``call`` returned."""

    def __call__(self, device: str, call: Callable[[], T]) -> T: ...


def _provider(software: PlcSoftware, name: str) -> ProgramObject | None:
    if name in software.types:
        return software.types[name]
    block = software.blocks.get(name)
    return block if block is not None and block.kind == "FB" else None


def _callee(software: PlcSoftware, name: str) -> ProgramObject | None:
    return software.blocks.get(name) or software.types.get(name)


def is_consistent(software: PlcSoftware, obj: ProgramObject, _seen: frozenset[str] = frozenset(), *,
                  memo: dict[str, bool] | None = None) -> bool:
    """The consistency rule of this module's docstring. ``memo`` (an empty dict shared by the calls of one
    listing) keeps the verdicts of objects already judged, so a listing judges each object once."""
    if memo is None:
        memo = {}
    for name in _seen:
        memo.setdefault(name, True)
    return _consistent(software, obj, memo)


def describe(obj: ProgramObject, software: PlcSoftware, memo: dict[str, bool] | None = None) -> ProgramObjectInfo:
    """The port's view of an object, its consistency judged by :func:`is_consistent` (``memo``: one dict shared
    by the objects of one listing)."""
    missing = software.missing_types(obj)
    return ProgramObjectInfo(
        name=obj.name, kind=obj.kind, number=obj.number, language=obj.language, folder=obj.folder,
        instance_of=obj.instance_of, consistent=not missing and is_consistent(software, obj, memo=memo),
        missing_types=missing,
    )


def _consistent(software: PlcSoftware, obj: ProgramObject, memo: dict[str, bool]) -> bool:
    """``memo``: verdicts so far, an object being judged counts as consistent (recursion); one pass per object."""
    known = memo.get(obj.name)
    if known is not None:
        return known
    memo[obj.name] = True
    verdict = _judge(software, obj, memo)
    memo[obj.name] = verdict
    return verdict


def _judge(software: PlcSoftware, obj: ProgramObject, memo: dict[str, bool]) -> bool:
    if obj.needs_compile or software.missing_types(obj):
        return False
    recorded = obj.compiled_against
    for name in obj.calls:
        callee = _callee(software, name)
        if callee is obj:
            continue
        if callee is None:
            return False  # deleted or renamed since the compile: the call no longer resolves
        if recorded is not None and name in recorded and recorded[name] != callee.interface_hash:
            return False
        if callee.kind != "UDT" and not _consistent(software, callee, memo):
            return False
    for used in obj.uses_types:
        provider = _provider(software, used)
        if provider is None:
            return False
        if recorded is not None and used in recorded and recorded[used] != provider.interface_hash:
            return False
        if provider.kind == "UDT" and not _consistent(software, provider, memo):
            return False
    return True


def type_users(software: PlcSoftware, name: str, *, transitive: bool = False) -> list[ProgramObject]:
    """Blocks and UDTs whose interface refers to ``"name"`` (and, transitively, their users)."""
    return type_graph.type_users(name, [*software.types.values(), *software.blocks.values()],
                                 lambda obj: obj.uses_types, transitive=transitive)


def _ensure_folder(software: PlcSoftware, folder: str) -> str:
    normalised = target_folder(folder, field="folderPath")
    if normalised and normalised not in software.folders.setdefault("types", set()):
        software.add_folder("types", normalised)
    return normalised


class FakeTypes(TypesPort):
    """PLC data types (UDTs) of the fake's PLC software.

    Args:
        session: the open project, read or changed in transactions.
        guard: runs an import or update of a UDT as the library's guarded write (a released library type's
            instances are write-protected, and a UDT change can reach into them).
    """

    def __init__(self, session: FakeSession, guard: GuardedWrite) -> None:
        self._session = session
        self._guard = guard

    # ----- reading -----------------------------------------------------------------------------
    def _udt(self, software: PlcSoftware, name: str) -> ProgramObject:
        obj = software.types.get(name)
        if obj is None:
            raise NotFoundError(f"The PLC data type '{name}' was not found.", code=codes.UDT_NOT_FOUND)
        return obj

    def _type_info(self, software: PlcSoftware, obj: ProgramObject) -> TypeInfo:
        doc = parse_bytes(obj.xml)
        interface = getattr(doc.object, "interface", None)
        count = sum(len(s.members) for s in interface.sections.sections) if interface else 0
        return TypeInfo(
            name=obj.name, folder=obj.folder, is_consistent=is_consistent(software, obj), member_count=count,
            uses_types=list(obj.uses_types), missing_types=software.missing_types(obj),
        )

    def _details(self, software: PlcSoftware, obj: ProgramObject) -> TypeDetails:
        doc = parse_bytes(obj.xml)
        interface = getattr(doc.object, "interface", None)
        members = [type_member(m) for s in interface.sections.sections for m in s.members] if interface else []
        users = [
            TypeUser(name=u.name, kind=u.kind, is_consistent=is_consistent(software, u))
            for u in type_users(software, obj.name)
        ]
        return TypeDetails(
            name=obj.name, folder=obj.folder, is_consistent=is_consistent(software, obj), member_count=len(members),
            uses_types=list(obj.uses_types), missing_types=software.missing_types(obj),
            comment=multilingual_text(getattr(doc.object, "comment", None)),
            title=multilingual_text(getattr(doc.object, "title", None)), members=members, used_by=users,
        )

    def list_types(self, device: str) -> list[TypeInfo]:
        _, software = self._session.software(self._session.project(), device)
        return [self._type_info(software, obj) for obj in software.types.values()]

    def type_tree(self, device: str) -> TypeTreeNode:
        _, software = self._session.software(self._session.project(), device)
        root = TypeTreeNode(name="PLC data types", path="", is_folder=True, node_type="Folder", children=[])
        nodes = {"": root}
        for path in sorted(software.folders.get("types",
                                                set()) | {o.folder for o in software.types.values() if o.folder}):
            parts = path.split("/")
            for i in range(1, len(parts) + 1):
                sub = "/".join(parts[:i])
                if sub not in nodes:
                    node = TypeTreeNode(name=parts[i - 1], path=sub, is_folder=True, node_type="Folder", children=[])
                    nodes["/".join(parts[: i - 1])].children.append(node)
                    nodes[sub] = node
        for obj in software.types.values():
            nodes[obj.folder].children.append(
                TypeTreeNode(name=obj.name, path=f"{obj.folder}/{obj.name}".lstrip("/"), is_folder=False,
                             node_type="UDT", is_consistent=is_consistent(software, obj))
            )
        return root

    def get_type(self, device: str, name: str) -> TypeDetails:
        _, software = self._session.software(self._session.project(), device)
        return self._details(software, self._udt(software, name))

    def export_type(self, device: str, name: str) -> bytes:
        _, software = self._session.software(self._session.project(), device)
        return self._udt(software, name).xml

    # ----- changing ----------------------------------------------------------------------------
    def _read_udt(self, project_version: str, data: bytes, folder: str, source: str) -> ProgramObject:
        obj = read_object(data, project_version=project_version, folder=folder, source=source)
        if obj.kind != "UDT":
            raise ValidationError(f"{source} holds a {obj.kind}, not a PLC data type.", code=codes.NOT_A_UDT)
        return obj

    @staticmethod
    def _refuse_recursion(software: PlcSoftware, obj: ProgramObject) -> None:
        def udt_uses(name: str) -> tuple[str, ...] | None:  # whatever the case, as the chain compares names
            udt = software.types.get(software.types.spelled(name) or name)
            return udt.uses_types if udt is not None else None

        type_graph.refuse_recursion(obj.name, obj.uses_types, udt_uses)

    def import_type(self, device: str, data: bytes, *, folder: str, overwrite: bool, source: str) -> TypeDetails:
        return self._guard(device, lambda: self._import_type(device, data, folder=folder, overwrite=overwrite,
                                                             source=source))

    def _import_type(self, device: str, data: bytes, *, folder: str, overwrite: bool, source: str) -> TypeDetails:
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            folder = _ensure_folder(software, folder)
            obj = self._read_udt(project.version, data, folder, source)
            clash = software.types.spelled(obj.name)
            if clash is not None and not overwrite:
                raise AlreadyExistsError(
                    f"The PLC data type '{obj.name}' already exists; import with overwrite to replace it.",
                    code=codes.OBJECT_EXISTS,
                )
            self._refuse_recursion(software, obj)
            old = software.types.get(clash) if clash is not None else None
            if old is not None:
                self._stamp_users(software, old)
                if not folder:
                    obj = replace(obj, folder=old.folder)
            software.add(obj, overwrite=True)
            return self._details(software, obj)

    def _stamp_users(self, software: PlcSoftware, udt: ProgramObject) -> None:
        # Users never compiled were built against the current definitions: record them before they change.
        # Every definition as it is now (a superset of what a user depends on), so that the compiler's "what
        # changed since the last compile" names exactly the changed UDT; stamping a user changes no hash.
        current = {o.name: o.interface_hash for o in [*software.types.values(), *software.blocks.values()]}
        for user in type_users(software, udt.name):
            if user.compiled_against is None:
                # a new object in the user's place: stored objects are values, shared with the transaction's
                # copy of the program (PlcSoftware.__deepcopy__)
                software.table(user.category)[user.name] = replace(user, compiled_against=dict(current))

    def update_type(self, device: str, name: str, data: bytes) -> TypeUpdateResult:
        return self._guard(device, lambda: self._update_type(device, name, data))

    def _update_type(self, device: str, name: str, data: bytes) -> TypeUpdateResult:
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            old = self._udt(software, name)
            obj = self._read_udt(project.version, data, old.folder, name)
            if obj.name != name:
                raise ValidationError(
                    f"The document defines '{obj.name}', not '{name}'; a UDT keeps its name when updated "
                    "(rename it instead).", code=codes.NAME_MISMATCH,
                )
            self._refuse_recursion(software, obj)
            changed = obj.interface_hash != old.interface_hash
            if changed:
                self._stamp_users(software, old)
            software.add(obj, overwrite=True)
            affected = [
                TypeUser(name=u.name, kind=u.kind, is_consistent=is_consistent(software, u))
                for u in type_users(software, name, transitive=True)
            ] if changed else []
            return TypeUpdateResult(udt=self._details(software, obj), affected_users=affected,
                                    interface_changed=changed)

    def delete_type(self, device: str, name: str, *, force: bool) -> TypeDeleteResult:
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            self._udt(software, name)
            users = type_users(software, name)
            if users and not force:
                raise ConflictError(
                    f"The PLC data type '{name}' is used by {', '.join(u.name for u in users)}; delete those first "
                    "or pass force=true.",
                    code=codes.TYPE_IN_USE, details={"usedBy": [u.name for u in users]},
                )
            software.remove("types", name)
            return TypeDeleteResult(
                deleted=[name],
                orphaned_users=[TypeUser(name=u.name, kind=u.kind, is_consistent=False) for u in users],
            )

    def add_type_folder(self, device: str, path: str) -> str:
        return self._session.add_folder(device, "types", path)

    def delete_type_folder(self, device: str, path: str, *, force: bool) -> TypeDeleteResult:
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            normalised = path.replace("\\", "/").strip("/")
            if normalised not in software.folders.get("types", set()):
                raise NotFoundError(f"The folder '{path}' was not found.", code=codes.FOLDER_NOT_FOUND)
            inside = {
                n for n, o in software.types.items()
                if o.folder == normalised or o.folder.startswith(normalised + "/")
            }
            outside_users: dict[str, ProgramObject] = {}
            for name in inside:
                for user in type_users(software, name):
                    if user.name not in inside:
                        outside_users[user.name] = user
            if outside_users and not force:
                raise ConflictError(
                    f"UDTs in '{normalised}' are used by {', '.join(sorted(outside_users))}; pass force=true to "
                    "delete them anyway.",
                    code=codes.TYPE_IN_USE, details={"usedBy": sorted(outside_users)},
                )
            gone = software.remove_folder("types", normalised)
            return TypeDeleteResult(
                deleted=gone,
                orphaned_users=[TypeUser(name=u.name, kind=u.kind, is_consistent=False)
                                for u in outside_users.values()],
            )
