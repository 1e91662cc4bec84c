"""Branches: list, create, delete, and checkout (which brings the branch's objects into the open project)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol import pending
from engineering_api.domain.sourcecontrol.apply import planned_changes, require_clean
from engineering_api.domain.sourcecontrol.export import HARDWARE
from engineering_api.domain.sourcecontrol.repo import head_commit, open_repo
from engineering_api.domain.sourcecontrol.schemas import BranchInput, VcsBranchInfo, VcsFileChange, VcsMessage
from engineering_api.errors import codes
from engineering_api.jobs.preview import PlannedChange, Preview, plan

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("check_branch_name", "checkout", "create", "delete", "delete_preview", "list_branches", "local_branch")


def check_branch_name(name: str) -> str:
    """A valid local branch name.

    Raises:
        ValidationError: git would refuse it as a branch name (``INVALID_BRANCH_NAME``).
    """
    if name.startswith("-") or not pygit2.reference_is_valid_name(f"refs/heads/{name}") or name == "HEAD":
        raise e.ValidationError(f"'{name}' is not a valid branch name.", code=codes.INVALID_BRANCH_NAME)
    return name


def local_branch(repo: pygit2.Repository, name: str) -> pygit2.Branch:
    """A local branch.

    Raises:
        NotFoundError: no such branch (``BRANCH_NOT_FOUND``).
    """
    branch = repo.branches.local.get(check_branch_name(name))
    if branch is None:
        raise e.NotFoundError(f"The branch '{name}' was not found.", code=codes.BRANCH_NOT_FOUND)
    return branch


def list_branches(ctx: OperationContext, _: None) -> list[VcsBranchInfo]:
    """Local branches, then remote-tracking ones (none before the first commit).

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``).
    """
    repo = open_repo(ctx)
    current = None if repo.head_is_unborn else repo.head.shorthand
    result = []
    for remote in (False, True):
        names = repo.branches.remote if remote else repo.branches.local
        for name in sorted(names):
            branch = names[name]
            if remote and name.endswith("/HEAD"):
                continue
            target = branch.peel(pygit2.Commit)
            result.append(VcsBranchInfo(
                name=name, is_current_branch=not remote and name == current, is_remote=remote,
                last_commit_sha=str(target.id), last_commit_message=target.message.strip(),
            ))
    return result


def create(ctx: OperationContext, data: BranchInput) -> VcsBranchInfo:
    """A new branch at HEAD; the current branch stays.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet, no commit yet (``NO_COMMITS``).
        ValidationError: not a valid branch name (``INVALID_BRANCH_NAME``).
        AlreadyExistsError: the branch exists (``BRANCH_EXISTS``).
    """
    name = check_branch_name(data.branch_name)
    repo = open_repo(ctx)
    head = head_commit(repo)
    if head is None:
        raise e.ConflictError("The repository has no commit yet; commit before branching.", code=codes.NO_COMMITS)
    if name in repo.branches.local:
        raise e.AlreadyExistsError(f"The branch '{name}' already exists.", code=codes.BRANCH_EXISTS)
    repo.branches.local.create(name, head)
    return VcsBranchInfo(name=name, is_current_branch=False, is_remote=False, last_commit_sha=str(head.id),
                         last_commit_message=head.message.strip())


def _deletable(ctx: OperationContext, data: BranchInput) -> tuple[pygit2.Repository, pygit2.Branch]:
    # A '/' arrives as itself from feature%2Fmotor (kept in its segment by lib/encoded_paths.py), or as a backslash
    # (git names never hold one), sent so like UDT folders: feature%5Cmotor.
    data.branch_name = data.branch_name.replace("\\", "/")
    repo = open_repo(ctx)
    branch = local_branch(repo, data.branch_name)
    if branch.is_head():
        raise e.ConflictError(f"'{data.branch_name}' is the current branch; check out another one first.",
                              code=codes.BRANCH_IS_CURRENT)
    return repo, branch


def delete(ctx: OperationContext, data: BranchInput) -> VcsBranchInfo:
    """Delete a local branch that is not the current one (its commits stay reachable from others or by sha).

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet; the branch is the current one (``BRANCH_IS_CURRENT``).
        NotFoundError: no such branch (``BRANCH_NOT_FOUND``).
        ValidationError: not a valid branch name.
    """
    _, branch = _deletable(ctx, data)
    target = branch.peel(pygit2.Commit)
    info = VcsBranchInfo(name=data.branch_name, is_current_branch=False, is_remote=False,
                         last_commit_sha=str(target.id), last_commit_message=target.message.strip())
    branch.delete()
    return info


def delete_preview(ctx: OperationContext, data: BranchInput) -> Preview:
    """Which branch the delete would remove; fails like the delete."""
    _, branch = _deletable(ctx, data)
    sha = str(branch.peel(pygit2.Commit).id)[:7]
    return plan(f"Would delete the branch '{data.branch_name}' (at {sha}).",
                [PlannedChange(action="delete", kind="branch", name=data.branch_name, detail=f"at {sha}")])


def _checkout_plan(
    ctx: OperationContext, data: BranchInput,
) -> tuple[pygit2.Repository, pygit2.Branch, pygit2.Tree, pygit2.Commit, list[VcsFileChange]]:
    repo = open_repo(ctx)
    branch = local_branch(repo, data.branch_name)
    current = require_clean(ctx, repo)
    target = branch.peel(pygit2.Commit)
    return repo, branch, current, target, planned_changes(repo, current, target.tree)


def checkout(ctx: OperationContext, data: BranchInput) -> VcsMessage:
    """Switch to a branch and bring its stations and program objects into the open project (all or nothing).

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet; uncommitted changes (``UNCOMMITTED_CHANGES``); an import conflict.
        NotFoundError: no such branch.
        NotSupportedError: the branch holds files outside the layout (``FILES_OUTSIDE_LAYOUT``).
        ValidationError: an object of the branch cannot be imported.
    """
    repo, branch, current, target, _ = _checkout_plan(ctx, data)
    changes, _ = pending.bring_in(ctx, repo, current, target.tree, pending.switch(data.branch_name, target))
    return VcsMessage(
        message=f"Switched to branch '{data.branch_name}'; {len(changes)} object(s) brought into the project.",
        details={"branch": data.branch_name, "sha": str(target.id), "changes": [c.file_path for c in changes]},
    )


def checkout_preview(ctx: OperationContext, data: BranchInput) -> Preview:
    """What a checkout would replace, add or delete in the open project; fails like the checkout."""
    _, _, _, target, changes = _checkout_plan(ctx, data)
    action = {"Added": "create", "Modified": "replace", "Removed": "delete"}
    rebuilt = [c.device_name for c in changes if c.domain == HARDWARE and c.status == "Modified"]
    warnings = [f"The station '{name}' is deleted and re-created from the branch's AutomationML, with every program "
                "object of the branch (TIA's hardware import only creates devices)." for name in rebuilt]
    return plan(
        f"Would switch to '{data.branch_name}' ({str(target.id)[:7]}) and change {len(changes)} object(s).",
        [PlannedChange(action=action.get(c.status, "replace"), kind="device" if c.domain == HARDWARE else "object",
                       name=c.item_name, device=c.device_name, detail=c.file_path) for c in changes],
        warnings,
    )
