"""Remotes (list, add, remove) and push/pull, to repositories on local paths inside the file roots.

A remote's URL must be a git repository inside the configured file roots, resolved like every request path
(:class:`~engineering_api.lib.paths.PathPolicy`): network URLs (``https://``, ``ssh://``, ``git@host:``) are
refused, because the service would then need credentials for them and could be pointed at any host (SSRF). A CI
runner pushes further from such a repository with its own git and credentials.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol import pending
from engineering_api.domain.sourcecontrol.apply import require_clean
from engineering_api.domain.sourcecontrol.repo import head_commit, open_repo
from engineering_api.domain.sourcecontrol.schemas import RemoteInput, RemoteNameInput, VcsMessage, VcsRemoteInfo
from engineering_api.errors import codes
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.lib.paths import PathNotFoundError, PathRejectedError

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("add", "list_remotes", "pull", "push", "remove", "remove_preview")

_NETWORK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://|^[^/\\]+@[^/\\]+:")


def _check_name(name: str) -> str:
    if "/" in name or name.startswith("-") or not pygit2.reference_is_valid_name(f"refs/remotes/{name}/x"):
        raise e.ValidationError(f"'{name}' is not a valid remote name.", code=codes.INVALID_REMOTE_NAME)
    return name


def _local_path(ctx: OperationContext, url: str) -> Path:
    """The remote's folder, confined to the file roots and holding a git repository.

    Raises:
        ValidationError: a network URL (``REMOTE_NOT_LOCAL``), a path outside the roots (``PATH_REJECTED``) or a
            folder that is not a git repository (``REMOTE_NOT_A_REPOSITORY``).
        NotFoundError: nothing at the path (``FILE_NOT_FOUND``).
    """
    if _NETWORK.match(url) or url.startswith("file:"):
        raise e.ValidationError(
            f"'{url}' is not a local path: remotes must be git repositories inside the server's file roots.",
            code=codes.REMOTE_NOT_LOCAL,
        )
    try:
        folder = ctx.paths.resolve(url, must_exist=True)
    except PathNotFoundError as exc:
        raise e.NotFoundError(str(exc), code=codes.FILE_NOT_FOUND, details={"field": "url"}) from None
    except PathRejectedError as exc:
        raise e.ValidationError(str(exc), code=codes.PATH_REJECTED,
                                details={"field": "url", "reason": exc.reason}) from None
    try:
        pygit2.Repository(str(folder))
    except pygit2.GitError:
        raise e.ValidationError(f"'{url}' is not a git repository (create one with 'git init --bare').",
                                code=codes.REMOTE_NOT_A_REPOSITORY) from None
    return folder


def _remote(ctx: OperationContext, repo: pygit2.Repository, name: str | None) -> tuple[pygit2.Remote, Path]:
    name = _check_name(name or "origin")
    remote = next((r for r in repo.remotes if r.name == name), None)
    if remote is None:
        raise e.NotFoundError(f"The remote '{name}' was not found.", code=codes.REMOTE_NOT_FOUND)
    return remote, _local_path(ctx, remote.url or "")  # re-checked: the roots may have changed since it was added


def _display(ctx: OperationContext, url: str) -> str:
    try:
        return ctx.paths.relative(Path(url))
    except PathRejectedError:
        return "(outside the file roots)"


def list_remotes(ctx: OperationContext, _: None) -> list[VcsRemoteInfo]:
    """The remotes, with URLs relative to their file root.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``).
    """
    repo = open_repo(ctx)
    return [VcsRemoteInfo(name=r.name or "", url=_display(ctx, r.url or "")) for r in repo.remotes]


def add(ctx: OperationContext, data: RemoteInput) -> VcsRemoteInfo:
    """Add a remote: a git repository (bare, typically) inside the file roots.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet.
        ValidationError: a bad name, a network URL, a path outside the roots or not a repository.
        NotFoundError: nothing at the path.
        AlreadyExistsError: a remote of that name exists (``REMOTE_EXISTS``).
    """
    name = _check_name(data.name)
    repo = open_repo(ctx)
    folder = _local_path(ctx, data.url)
    if any(r.name == name for r in repo.remotes):
        raise e.AlreadyExistsError(f"The remote '{name}' already exists.", code=codes.REMOTE_EXISTS)
    repo.remotes.create(name, str(folder))
    return VcsRemoteInfo(name=name, url=_display(ctx, str(folder)))


def _removable(ctx: OperationContext, name: str) -> pygit2.Repository:
    repo = open_repo(ctx)
    if not any(r.name == _check_name(name) for r in repo.remotes):
        raise e.NotFoundError(f"The remote '{name}' was not found.", code=codes.REMOTE_NOT_FOUND)
    return repo


def remove(ctx: OperationContext, data: RemoteNameInput) -> VcsRemoteInfo:
    """Remove a remote and its remote-tracking branches (the repository it points at is untouched).

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet.
        NotFoundError: no such remote (``REMOTE_NOT_FOUND``).
    """
    name = data.remote_name or "origin"
    repo = _removable(ctx, name)
    url = next(r.url or "" for r in repo.remotes if r.name == name)
    repo.remotes.delete(name)
    return VcsRemoteInfo(name=name, url=_display(ctx, url))


def remove_preview(ctx: OperationContext, data: RemoteNameInput) -> Preview:
    """Which remote the call would remove; fails like it."""
    name = data.remote_name or "origin"
    _removable(ctx, name)
    return plan(f"Would remove the remote '{name}' and its remote-tracking branches.",
                [PlannedChange(action="delete", kind="remote", name=name)])


def push(ctx: OperationContext, data: RemoteNameInput) -> VcsMessage:
    """Push the current branch to the same branch of a remote (``origin`` by default); fast-forward only.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository or no commit yet (``NO_COMMITS``); the remote has commits this branch lacks
            (``PUSH_REJECTED``: pull first).
        NotFoundError: no such remote.
        ValidationError: the remote's path is no longer acceptable.
    """
    repo = open_repo(ctx)
    head = head_commit(repo)
    if head is None:
        raise e.ConflictError("Nothing to push: the repository has no commit yet.", code=codes.NO_COMMITS)
    remote, folder = _remote(ctx, repo, data.remote_name)
    branch = repo.head.shorthand
    target = pygit2.Repository(str(folder))
    theirs = target.references.get(f"refs/heads/{branch}")
    # Fast-forward only: their tip must be ours or an ancestor of ours (a tip we never fetched is neither).
    if theirs is not None and theirs.target != head.id and (
            theirs.target not in repo or not repo.descendant_of(head.id, theirs.target)):
        raise e.ConflictError(
            f"The remote '{remote.name}' has commits on '{branch}' that this repository lacks; pull first.",
            code=codes.PUSH_REJECTED,
        )
    try:
        remote.push([f"refs/heads/{branch}:refs/heads/{branch}"])
    except pygit2.GitError as exc:
        raise e.ConflictError(f"The push to '{remote.name}' was refused: {exc}", code=codes.PUSH_REJECTED) from None
    repo.references.create(f"refs/remotes/{remote.name}/{branch}", head.id, force=True)
    return VcsMessage(message=f"Pushed '{branch}' ({str(head.id)[:7]}) to '{remote.name}'.",
                      details={"branch": branch, "sha": str(head.id), "remote": remote.name})


def pull(ctx: OperationContext, data: RemoteNameInput) -> VcsMessage:
    """Fetch a remote and fast-forward the current branch to it, bringing the objects into the open project.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet; uncommitted changes (``UNCOMMITTED_CHANGES``); the branches diverged
            (``PULL_NEEDS_MERGE``: merge ``<remote>/<branch>``).
        NotFoundError: no such remote, or it lacks the branch (``BRANCH_NOT_FOUND``).
        NotSupportedError: the remote's tree holds files outside the layout (``FILES_OUTSIDE_LAYOUT``).
    """
    repo = open_repo(ctx)
    remote, _ = _remote(ctx, repo, data.remote_name)
    branch = repo.head.shorthand if not repo.head_is_unborn else "main"
    remote.fetch()
    tracking = repo.references.get(f"refs/remotes/{remote.name}/{branch}")
    if tracking is None:
        raise e.NotFoundError(f"The remote '{remote.name}' has no branch '{branch}'.", code=codes.BRANCH_NOT_FOUND)
    theirs = repo[tracking.target].peel(pygit2.Commit)
    head = head_commit(repo)
    if head is not None and (head.id == theirs.id or repo.descendant_of(head.id, theirs.id)):
        return VcsMessage(message=f"Already up to date with '{remote.name}/{branch}'.",
                          details={"branch": branch, "sha": str(head.id), "remote": remote.name})
    if head is not None and not repo.descendant_of(theirs.id, head.id):
        raise e.ConflictError(
            f"'{branch}' and '{remote.name}/{branch}' have diverged; merge '{remote.name}/{branch}' "
            "(POST /api/source-control/merge).", code=codes.PULL_NEEDS_MERGE,
        )
    current = require_clean(ctx, repo)
    # the branch moves once the project is saved with the pulled objects; a death in between is settled by the
    # next call (pending.settle), so the project and HEAD are both old or both new
    changes, _ = pending.bring_in(ctx, repo, current, theirs.tree, pending.move(branch, theirs))
    return VcsMessage(
        message=f"Pulled '{remote.name}/{branch}' ({str(theirs.id)[:7]}); {len(changes)} object(s) brought into the "
                "project.",
        details={"branch": branch, "sha": str(theirs.id), "remote": remote.name,
                 "changes": [c.file_path for c in changes]},
    )
