"""Bringing a tree of the repository into the open project: checkout, pull, merge and restore.

Objects the target lacks are deleted first (OBs and DBs before the FBs/FCs they use, tag tables, then PLC data
types), so a renumbered block does not collide with one that goes. Then the objects that differ are imported in
one ``import_program_documents(..., overwrite=True)`` call per PLC, in dependency order (PLC data types, then
FBs/FCs, then DBs and OBs): TIA's import is all or nothing. When a step fails, what had changed is put back from
the export taken before (a compensating import), so the project ends as it was. Stations (AML) are not re-imported over existing ones: a target whose hardware differs is refused before
anything changes (``HARDWARE_DIFFERS``), because deleting and re-creating a station would drop its program.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol.basics import changes_between, current_tree, tree_of
from engineering_api.domain.sourcecontrol.export import BLOCKS, HARDWARE, TAGS, TYPES, parse_path
from engineering_api.domain.sourcecontrol.repo import head_commit
from engineering_api.domain.sourcecontrol.schemas import VcsFileChange

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("apply_tree", "planned_changes", "require_clean")

logger = logging.getLogger(__name__)

_DELETE_ORDER = {BLOCKS: 0, TAGS: 1, TYPES: 2}


def require_clean(ctx: OperationContext, repo: pygit2.Repository) -> pygit2.Tree:
    """The open project's export, refused when it differs from HEAD.

    Raises:
        ConflictError: the project has changes not committed (``UNCOMMITTED_CHANGES``).
    """
    tree = repo[current_tree(ctx, repo)]
    changes = changes_between(repo, tree_of(repo, head_commit(repo)), tree)
    if changes:
        raise e.ConflictError(
            f"The open project has {len(changes)} change(s) not committed; commit them first.",
            code="UNCOMMITTED_CHANGES", details={"changes": [c.file_path for c in changes[:50]]},
        )
    return tree


def planned_changes(repo: pygit2.Repository, current: pygit2.Tree, target: pygit2.Tree) -> list[VcsFileChange]:
    """What bringing ``target`` into a project exported as ``current`` would change.

    Raises:
        NotSupportedError: a station's hardware differs (``HARDWARE_DIFFERS``).
    """
    changes = changes_between(repo, current, target)
    hardware = [c.file_path for c in changes if c.domain == HARDWARE or not c.domain]
    if hardware:
        raise e.NotSupportedError(
            "The target's hardware (or a file outside the layout) differs from the open project's: "
            f"{', '.join(hardware[:5])}. Only program objects are brought into the project; nothing was changed.",
            code="HARDWARE_DIFFERS", details={"files": hardware},
        )
    return changes


def _documents(repo: pygit2.Repository, tree: pygit2.Tree, paths: list[str]) -> list[tuple[str, bytes, str]]:
    return [(path, repo[tree[path].id].data, parse_path(path).folder) for path in paths]


def _import(ctx: OperationContext, device: str, documents: list[tuple[str, bytes, str]]) -> None:
    from engineering_api.domain.blockgen import import_documents

    if documents:
        import_documents(ctx, device, documents, overwrite=True)


def _delete(ctx: OperationContext, path: str) -> None:
    ref = parse_path(path)
    if ref.domain == TYPES:
        ctx.backend.delete_type(ref.device, ref.name, force=True)
    elif ref.domain == TAGS:
        ctx.backend.delete_tag_table(ref.device, ref.name)
    else:
        ctx.backend.delete_block(ref.device, ref.name)


def _delete_rank(repo: pygit2.Repository, current: pygit2.Tree, path: str) -> tuple[int, int]:
    """Blocks before tag tables before PLC data types; among blocks, OBs and DBs before the FBs/FCs they call."""
    ref = parse_path(path)
    head = repo[current[path].id].data[:400] if path in current else b""
    return _DELETE_ORDER.get(ref.domain, 0), 1 if b"SW.Blocks.FB" in head or b"SW.Blocks.FC" in head else 0


def apply_tree(ctx: OperationContext, repo: pygit2.Repository, current: pygit2.Tree, target: pygit2.Tree
               ) -> list[VcsFileChange]:
    """Make the open project's program objects match ``target``; all or nothing. Returns what changed.

    Raises:
        NotSupportedError: the hardware differs (``HARDWARE_DIFFERS``); nothing was changed.
        ValidationError, ConflictError: the import refused a document; nothing was changed.
    """
    changes = planned_changes(repo, current, target)
    writes: dict[str, list[str]] = defaultdict(list)
    deletes: list[str] = []
    for change in changes:
        if change.status == "Removed":
            deletes.append(change.file_path)
        else:
            writes[change.device_name].append(change.file_path)
    done: list[str] = []
    deleted: list[str] = []
    try:
        # Deletes first: a block the target renumbers may take the number of one the target lacks.
        for path in sorted(deletes, key=lambda p: _delete_rank(repo, current, p)):
            _delete(ctx, path)
            deleted.append(path)
        for device, paths in writes.items():
            ctx.check_canceled()
            _import(ctx, device, _documents(repo, target, paths))
            done.append(device)
    except e.EngineeringError:
        _compensate(ctx, repo, current, writes, done, deleted)
        raise
    return changes


def _compensate(ctx: OperationContext, repo: pygit2.Repository, current: pygit2.Tree,
                writes: dict[str, list[str]], done: list[str], deleted: list[str]) -> None:
    """Put back what a failed apply changed: objects added deleted, old versions and deleted objects re-imported.

    Best effort after a failure the caller reports: each step's own error is logged, not raised over the first.
    """
    restore: dict[str, list[str]] = defaultdict(list)
    for device in done:
        for path in writes[device]:
            if path in current:
                restore[device].append(path)
            else:
                try:
                    _delete(ctx, path)
                except e.EngineeringError:
                    logger.warning("could not remove %s while undoing a source-control apply", path, exc_info=True)
    for path in deleted:
        restore[parse_path(path).device].append(path)
    for device, paths in restore.items():
        try:
            _import(ctx, device, _documents(repo, current, paths))
        except e.EngineeringError:
            logger.warning("could not re-import %d object(s) into %s while undoing a source-control apply",
                           len(paths), device, exc_info=True)
