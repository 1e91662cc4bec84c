"""merge: another branch into the current one, object by object, and into the open project.

The merge works per object file, as Copia and TIA's compare do: an object changed on one side only takes that
side; an object changed on both sides in different ways is a conflict, even when git could merge the XML lines,
because a line merge of two SimaticML edits can give a block neither side wrote. Conflicts are answered per object
(409 ``MERGE_CONFLICT``) and change nothing. A clean merge is brought into the open project all or nothing, then
committed with both parents (or the branch is fast-forwarded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol import pending
from engineering_api.domain.sourcecontrol.apply import require_clean
from engineering_api.domain.sourcecontrol.branches import check_branch_name
from engineering_api.domain.sourcecontrol.export import parse_path
from engineering_api.domain.sourcecontrol.repo import head_commit, open_repo, tree_at
from engineering_api.domain.sourcecontrol.schemas import BranchInput, VcsMessage
from engineering_api.errors import codes

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("merge",)


def _files(tree: pygit2.Tree | None) -> dict[str, pygit2.Oid]:
    if tree is None:
        return {}
    index = pygit2.Index()
    index.read_tree(tree)
    return {entry.path: entry.id for entry in index}


def _branch_commit(repo: pygit2.Repository, name: str) -> pygit2.Commit:
    """A local branch, or a remote-tracking one (``origin/main``)."""
    branch = repo.branches.local.get(check_branch_name(name)) or repo.branches.remote.get(name)
    if branch is None:
        raise e.NotFoundError(f"The branch '{name}' was not found.", code=codes.BRANCH_NOT_FOUND)
    return branch.peel(pygit2.Commit)


def _side(base: Any, mine: Any) -> str:
    return "deleted" if mine is None else "added" if base is None else "modified"


def _conflict(path: str, base: Any, ours: Any, theirs: Any) -> dict[str, Any]:
    try:
        ref = parse_path(path)
        where = {"deviceName": ref.device, "domain": ref.domain, "itemName": ref.name}
    except e.ValidationError:
        where = {"deviceName": "", "domain": "", "itemName": path}
    return {"filePath": path, **where, "ours": _side(base, ours), "theirs": _side(base, theirs)}


def merge(ctx: OperationContext, data: BranchInput) -> VcsMessage:
    """Merge ``branchName`` into the current branch and bring the result into the open project.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository or commit yet; uncommitted changes (``UNCOMMITTED_CHANGES``); objects changed
            on both sides (``MERGE_CONFLICT``, details.conflicts per object); nothing was changed.
        NotFoundError: no such branch (``BRANCH_NOT_FOUND``).
        NotSupportedError: the merged tree holds files outside the layout (``FILES_OUTSIDE_LAYOUT``).
        ValidationError: a bad branch name, or a merged object the import refuses.
    """
    repo = open_repo(ctx)
    head = head_commit(repo)
    if head is None:
        raise e.ConflictError("The repository has no commit yet.", code=codes.NO_COMMITS)
    other = _branch_commit(repo, data.branch_name)
    branch = repo.head.shorthand
    if other.id == head.id or repo.descendant_of(head.id, other.id):
        return VcsMessage(message=f"Already up to date with '{data.branch_name}'.", details={"sha": str(head.id)})
    current = require_clean(ctx, repo)
    if repo.descendant_of(other.id, head.id):
        changes, _ = pending.bring_in(ctx, repo, current, other.tree, pending.move(branch, other))
        return VcsMessage(
            message=f"Fast-forwarded '{branch}' to '{data.branch_name}' ({str(other.id)[:7]}); "
                    f"{len(changes)} object(s) brought into the project.",
            details={"sha": str(other.id), "fastForward": True, "changes": [c.file_path for c in changes]},
        )
    base_id = repo.merge_base(head.id, other.id)
    base, ours, theirs = _files(repo[base_id].tree if base_id else None), _files(head.tree), _files(other.tree)
    merged: dict[str, pygit2.Oid] = {}
    conflicts = []
    for path in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(path), ours.get(path), theirs.get(path)
        if o == t or t == b:
            chosen = o
        elif o == b:
            chosen = t
        else:
            conflicts.append(_conflict(path, b, o, t))
            continue
        if chosen is not None:
            merged[path] = chosen
    if conflicts:
        names = ", ".join(f"{c['deviceName']}/{c['itemName']}" for c in conflicts[:5])
        raise e.ConflictError(
            f"Merging '{data.branch_name}' into '{branch}' conflicts in {len(conflicts)} object(s): {names}. "
            "Nothing was changed.", code=codes.MERGE_CONFLICT, details={"conflicts": conflicts},
        )
    index = pygit2.Index()
    for path, oid in merged.items():
        index.add(pygit2.IndexEntry(path, oid, pygit2.enums.FileMode.BLOB))
    tree = tree_at(repo, index.write_tree(repo))
    changes, made = pending.bring_in(ctx, repo, current, tree, pending.commit(
        branch, tree, [head.id, other.id], f"Merge branch '{data.branch_name}' into {branch}\n"))
    return VcsMessage(
        message=f"Merged '{data.branch_name}' into '{branch}' ({str(made)[:7]}); {len(changes)} object(s) brought "
                "into the project.",
        details={"sha": str(made), "fastForward": False, "changes": [c.file_path for c in changes]},
    )
