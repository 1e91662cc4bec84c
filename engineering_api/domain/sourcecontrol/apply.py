"""Bringing a tree of the repository into the open project: checkout, pull, merge and restore.

Objects the target lacks are deleted first (OBs and DBs before the FBs/FCs they use, tag tables, then PLC data
types), so a renumbered block does not collide with one that goes. Then the objects that differ are imported in
one ``import_program_documents(..., overwrite=True)`` call per PLC, in dependency order (PLC data types, then
FBs/FCs, then DBs and OBs): TIA's import is all or nothing.

Stations follow their AutomationML file: a station the target lacks is deleted (with its program), a new one is
created from the target's file, and one whose hardware differs is deleted and re-created from it. TIA's hardware
import only creates devices (Openness ``ImportCaxData`` has no update), and deleting a device drops its program,
so a re-created station gets every program object of the target, not only the changed ones.

Everything the apply will read is checked before anything changes: each file it imports is a regular file of the
target (not a symbolic link or a submodule) and a SimaticML document that the one check does not refuse
(:func:`~engineering_api.domain.import_findings.refuse`: the findings at their lines), so what a target's content
can make fail fails before the project is touched. When a later step fails anyway, what had changed is put back
from the export taken before: stations created are deleted, stations deleted are re-created from the project's own
AML with their whole program, and program objects are re-imported (a compensating import), so the project ends as it
was. When putting it back fails too, the client gets ``ROLLBACK_FAILED`` naming what was not restored, and the
project is marked as needing a reopen (:mod:`engineering_api.domain.needs_reopen`); it is never only a line in a log.
"""

from __future__ import annotations

import logging
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from engineering_api.domain import needs_reopen
from engineering_api.domain.import_findings import checked, refuse
from engineering_api.domain.sourcecontrol.basics import changes_between, current_tree, scratch_dir, tree_of
from engineering_api.domain.sourcecontrol.export import BLOCKS, HARDWARE, TAGS, TYPES, parse_path
from engineering_api.domain.sourcecontrol.repo import blob_data, head_commit, tree_at
from engineering_api.domain.sourcecontrol.schemas import VcsFileChange
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Callable

    from simatic_xml.diagnostics import Diagnostic
    from engineering_api.jobs.operations import OperationContext

    Found = dict[str, list[Diagnostic]]
    """The one check's errors of each document, by its path in the tree."""

__all__ = ("apply_tree", "import_station", "planned_changes", "require_clean")

logger = logging.getLogger(__name__)

_DELETE_ORDER = {BLOCKS: 0, TAGS: 1, TYPES: 2}
_REGULAR_FILES = frozenset({pygit2.GIT_FILEMODE_BLOB, pygit2.GIT_FILEMODE_BLOB_EXECUTABLE})


def require_clean(ctx: OperationContext, repo: pygit2.Repository) -> pygit2.Tree:
    """The open project's export, refused when it differs from HEAD.

    Raises:
        ConflictError: the project has changes not committed (``UNCOMMITTED_CHANGES``); it needs a reopen after a
            failed rollback (``PROJECT_NEEDS_REOPEN``).
    """
    needs_reopen.refuse_if_marked(ctx, "bring a tree of the repository into the project")
    tree = tree_at(repo, current_tree(ctx, repo))
    changes = changes_between(repo, tree_of(repo, head_commit(repo)), tree)
    if changes:
        raise e.ConflictError(
            f"The open project has {len(changes)} change(s) not committed; commit them first.",
            code=codes.UNCOMMITTED_CHANGES, details={"changes": [c.file_path for c in changes[:50]]},
        )
    return tree


def planned_changes(repo: pygit2.Repository, current: pygit2.Tree, target: pygit2.Tree) -> list[VcsFileChange]:
    """What bringing ``target`` into a project exported as ``current`` would change.

    Raises:
        NotSupportedError: the target holds files outside the layout (``FILES_OUTSIDE_LAYOUT``).
    """
    changes = changes_between(repo, current, target)
    outside = [c.file_path for c in changes if not c.domain]
    if outside:
        raise e.NotSupportedError(
            f"The target holds files that are not objects of the layout: {', '.join(outside[:5])}. Only stations and "
            "program objects are brought into the project; nothing was changed.",
            code=codes.FILES_OUTSIDE_LAYOUT, details={"files": outside},
        )
    irregular = [c.file_path for c in changes if c.file_path in target
                 and target[c.file_path].filemode not in _REGULAR_FILES]
    if irregular:
        raise e.ValidationError(
            f"The target holds entries that are not regular files (a symbolic link or a submodule): "
            f"{', '.join(irregular[:5])}. They are never brought into the project; nothing was changed.",
            code=codes.NOT_A_REGULAR_FILE, details={"files": irregular},
        )
    return changes


def _program_paths(tree: pygit2.Tree, folder: str) -> list[str]:
    """Every program object file of one device folder of ``tree`` (its AML left out)."""
    if folder not in tree:
        return []
    found: list[str] = []

    def walk(node: pygit2.Tree, prefix: str) -> None:
        for entry in node:
            path = f"{prefix}/{entry.name}"
            if isinstance(entry, pygit2.Tree):
                walk(entry, path)
            elif parse_path(path).domain != HARDWARE:
                found.append(path)

    top = tree[folder]
    if isinstance(top, pygit2.Tree):
        walk(top, folder)
    return found


def import_station(ctx: OperationContext, aml: bytes) -> None:
    """Create the station an AutomationML document describes (through a private scratch file)."""
    with tempfile.TemporaryDirectory(dir=scratch_dir(ctx)) as tmp:
        source = Path(tmp) / "station.aml"
        source.write_bytes(aml)
        ctx.backend.devices.import_hardware(source)


def _rebuild(ctx: OperationContext, repo: pygit2.Repository, tree: pygit2.Tree, aml_path: str,
             found: Found | None = None) -> None:
    """Create a station from ``tree``'s AML and import its whole program from ``tree`` (``found``: the check's
    errors of its files, when judged already)."""
    import_station(ctx, blob_data(repo, tree[aml_path].id))
    device = parse_path(aml_path).device
    _import(ctx, device, _documents(repo, tree, _program_paths(tree, aml_path.split("/", 1)[0])), found)


def _documents(repo: pygit2.Repository, tree: pygit2.Tree, paths: list[str]) -> list[tuple[str, bytes, str]]:
    return [(path, blob_data(repo, tree[path].id), parse_path(path).folder) for path in paths]


def _import(ctx: OperationContext, device: str, documents: list[tuple[str, bytes, str]],
            found: Found | None = None) -> None:
    """Through the one check (:func:`~engineering_api.domain.import_findings.import_checked`); ``found``: its
    errors of these files by path, when :func:`_check_documents` judged them (not checked twice)."""
    from engineering_api.domain.blockgen import import_documents

    if documents:
        import_documents(ctx, device, documents, overwrite=True, found=found)


def _delete(ctx: OperationContext, path: str) -> None:
    ref = parse_path(path)
    if ref.domain == TYPES:
        ctx.backend.types.delete_type(ref.device, ref.name, force=True)
    elif ref.domain == TAGS:
        ctx.backend.tags.delete_tag_table(ref.device, ref.name)
    else:
        ctx.backend.blocks.delete_block(ref.device, ref.name)


def _delete_rank(repo: pygit2.Repository, current: pygit2.Tree, path: str) -> tuple[int, int]:
    """Blocks before tag tables before PLC data types; among blocks, OBs and DBs before the FBs/FCs they call."""
    ref = parse_path(path)
    head = blob_data(repo, current[path].id)[:400] if path in current else b""
    return _DELETE_ORDER.get(ref.domain, 0), 1 if b"SW.Blocks.FB" in head or b"SW.Blocks.FC" in head else 0


@dataclass
class _Applied:
    """What an apply has done so far, for the undo."""

    program_done: list[str] = field(default_factory=list)
    """Devices whose program import ran."""
    program_deleted: list[str] = field(default_factory=list)
    stations_dropped: list[str] = field(default_factory=list)
    """AML paths (of ``current``) of stations deleted."""
    stations_created: list[str] = field(default_factory=list)
    """Device names created from the target."""


def apply_tree(ctx: OperationContext, repo: pygit2.Repository, current: pygit2.Tree, target: pygit2.Tree
               ) -> list[VcsFileChange]:
    """Make the open project's stations and program objects match ``target``, and save the project; all or nothing.
    Returns what changed.

    Raises:
        NotSupportedError: files outside the layout (``FILES_OUTSIDE_LAYOUT``); nothing was changed.
        ValidationError, ConflictError, AlreadyExistsError: the import refused a document; nothing was changed.
    """
    changes = planned_changes(repo, current, target)
    stations = {c.device_name: c for c in changes if c.domain == HARDWARE}
    dropped = [c for c in stations.values() if c.status in ("Removed", "Modified")]
    created = [c for c in stations.values() if c.status in ("Added", "Modified")]
    gone = {c.device_name for c in dropped}
    writes: dict[str, list[str]] = defaultdict(list)
    deletes: list[str] = []
    for change in changes:
        if change.domain == HARDWARE or change.device_name in gone:
            continue  # a station's program comes and goes with it
        if change.status == "Removed":
            deletes.append(change.file_path)
        elif change.device_name not in stations:
            writes[change.device_name].append(change.file_path)
    found = _check_documents(repo, target, [*(p for paths in writes.values() for p in paths),
                                            *(p for c in created
                                              for p in _program_paths(target, c.file_path.split("/")[0]))])
    applied = _Applied()
    try:
        # Deletes first: a block the target renumbers may take the number of one the target lacks.
        for path in sorted(deletes, key=lambda p: _delete_rank(repo, current, p)):
            _delete(ctx, path)
            applied.program_deleted.append(path)
        for change in dropped:
            ctx.backend.devices.delete_device(change.device_name)
            applied.stations_dropped.append(change.file_path)
        for change in created:
            ctx.check_canceled()
            _rebuild(ctx, repo, target, change.file_path, found)  # recorded first: a half-made station goes too
            applied.stations_created.append(change.device_name)
        for device, paths in writes.items():
            ctx.check_canceled()
            applied.program_done.append(device)
            _import(ctx, device, _documents(repo, target, paths), found)
    except e.EngineeringError as failure:
        _compensate(ctx, repo, current, writes, applied, created, failure)
        raise
    if changes:
        # Saved before the caller moves HEAD: a crash after the answer must not reopen the project at its last save
        # while HEAD says the target is in it (status would list the target's objects as changes, and the next
        # commit would revert them). A crash before this save leaves HEAD where the project is.
        ctx.progress(95, "saving the project")
        ctx.backend.save_project()
    return changes


def _check_documents(repo: pygit2.Repository, target: pygit2.Tree, paths: list[str]) -> Found:
    """The one check's errors of each file to import, by path; refused by them before any change, as the import
    would refuse them after the deletes (then undone), so a target TIA's import refuses changes nothing.

    Raises:
        ValidationError: as :func:`~engineering_api.domain.import_findings.refuse` of one document (its findings at
            their lines in ``details.files``); ``INVALID_SIMATICML``: a file that is no SimaticML document at all
            (the check passes over it with a warning).
    """
    from engineering_api.domain.blockgen import document_object

    documents = [ProgramDocument(source=path, data=blob_data(repo, target[path].id)) for path in paths]
    found = checked(documents)
    for document in documents:
        refuse([document], found)  # one by one: the answer names the file as its own import would
        document_object(document.source, document.data)
    return found


def _compensate(ctx: OperationContext, repo: pygit2.Repository, current: pygit2.Tree,
                writes: dict[str, list[str]], applied: _Applied, created: list[VcsFileChange],
                failure: e.EngineeringError) -> None:
    """Put back what a failed apply changed: stations created deleted, stations dropped re-created with their
    program, program objects added deleted and old versions re-imported.

    Every step is tried; when any of them fails, the project is marked as needing a reopen.

    Raises:
        ConflictError: ``ROLLBACK_FAILED``: something could not be put back (the first failure is in its details).
    """
    failed: list[str] = []

    def undo(what: str, step: Callable[[], object]) -> None:
        try:
            step()
        except e.EngineeringError as exc:
            logger.warning("could not %s while undoing a source-control apply: %s", what, exc.message)
            failed.append(f"{what}: {exc.message}")

    # undo runs each step at once, so the steps read the loop's current values.
    made = {c.device_name for c in created}
    for device in made:  # the one being created when the failure came may exist half-made
        if any(d.name == device for d in ctx.backend.devices.list_devices()):
            undo(f"remove the station {device}", lambda: ctx.backend.devices.delete_device(device))
    for aml_path in applied.stations_dropped:
        undo(f"re-create the station of {aml_path}", lambda: _rebuild(ctx, repo, current, aml_path))
    restore: dict[str, dict[str, None]] = defaultdict(dict)  # ordered and each path once
    for device in applied.program_done:
        for path in writes[device]:
            if path in current:
                restore[device][path] = None
            else:
                undo(f"remove {path}", lambda: _delete(ctx, path))
    for path in applied.program_deleted:
        restore[parse_path(path).device][path] = None
    for device, paths in restore.items():
        undo(f"re-import {len(paths)} object(s) into {device}",
             lambda: _import(ctx, device, _documents(repo, current, list(paths))))
    if not failed:
        return
    cause = {"code": failure.code, "message": failure.message}
    reason = f"a source-control change failed ({failure.message}) and could not be undone."
    needs_reopen.mark(ctx, reason, {"cause": cause, "notRestored": failed})
    raise e.ConflictError(
        f"The change failed ({failure.code}: {failure.message}), and putting the project back failed too: "
        f"{'; '.join(failed)}. The project is marked as needing a reopen: close it without saving and open it "
        "again; saving it is refused until then.",
        code=codes.ROLLBACK_FAILED, details={"cause": cause, "notRestored": failed, "needsReopen": True},
    ) from failure
