"""init, status, commit, log, file content and config: the repository of the open project and its history."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain import needs_reopen
from engineering_api.domain.sourcecontrol.export import export_object, export_project, parse_path
from engineering_api.domain.sourcecontrol.repo import (
    DEFAULT_BRANCH, author, build_tree, head_commit, open_repo, repo_dir, resolve_commit, signature, sync_worktree,
    tree_at, tree_diff,
)
from engineering_api.domain.sourcecontrol.schemas import (
    CommitInput, CommitResult, ConfigInput, FileContent, FileContentInput, LogInput, VcsFileChange, VcsInitResult,
    VcsLogEntry,
    VcsSettings, VcsStatus,
)
from engineering_api.errors import codes

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = (
    "STATUS", "changes_between", "commit", "config", "set_config", "current_tree", "file_content", "init", "iso_time",
    "log",
    "status",
    "tree_of",
)

logger = logging.getLogger(__name__)

STATUS = {"A": "Added", "M": "Modified", "D": "Removed", "R": "Renamed", "T": "Modified", "C": "Added"}
_MAX_CONTENT = 20 * 1024 * 1024
WORKING = "WORKING"
"""The revision T-IA Connect's client sends for the open project's current export."""


def iso_time(seconds: int, offset_minutes: int = 0) -> str:
    """A commit time as UTC ISO 8601 with ``Z``."""
    del offset_minutes  # commit_time is already UTC seconds; the offset only says where the author was
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def scratch_dir(ctx: OperationContext) -> Path:
    """A private folder for the port's file exports."""
    folder = Path(ctx.settings.data_dir) / "source-control" / ".scratch"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def current_tree(ctx: OperationContext, repo: pygit2.Repository) -> pygit2.Oid:
    """The open project exported as a tree object of ``repo``."""
    return build_tree(repo, export_project(ctx, scratch_dir(ctx)))


def tree_of(repo: pygit2.Repository, commit: pygit2.Commit | None) -> pygit2.Tree:
    """A commit's tree, or the empty tree for no commit."""
    if commit is None:
        return tree_at(repo, repo.TreeBuilder().write())
    return commit.tree


def change_of(path: str, status: str) -> VcsFileChange:
    """A changed file with the object it stands for."""
    try:
        ref = parse_path(path)
        return VcsFileChange(file_path=path, status=status, domain=ref.domain, device_name=ref.device,
                             item_name=ref.name)
    except e.ValidationError:
        return VcsFileChange(file_path=path, status=status, domain="", device_name="", item_name=path)


def changes_between(repo: pygit2.Repository, old: pygit2.Tree, new: pygit2.Tree) -> list[VcsFileChange]:
    """The files that differ from ``old`` to ``new``."""
    # A path whose kind changes (a file becomes a symbolic link) is one change, not a removal and an addition.
    diff = tree_diff(old, new, flags=pygit2.enums.DiffOption.INCLUDE_TYPECHANGE)
    result = []
    for delta in diff.deltas:
        status = STATUS.get(delta.status_char(), "Modified")
        path = delta.old_file.path if status == "Removed" else delta.new_file.path
        result.append(change_of(path, status))
    return result


def init(ctx: OperationContext, _: None) -> VcsInitResult:
    """Create the open project's repository (an empty one on ``main``); an existing one is kept.

    Raises:
        NoProjectOpenError: no project is open.
    """
    folder = repo_dir(ctx)
    relative = folder.relative_to(ctx.settings.data_dir).as_posix()
    existing = open_repo(ctx, required=False)
    if existing is not None:
        branch = existing.head.shorthand if not existing.head_is_unborn else DEFAULT_BRANCH
        return VcsInitResult(created=False, branch=branch, path=relative)
    folder.mkdir(parents=True, exist_ok=True)
    pygit2.init_repository(str(folder), initial_head=DEFAULT_BRANCH)
    return VcsInitResult(created=True, branch=DEFAULT_BRANCH, path=relative)


def status(ctx: OperationContext, _: None) -> VcsStatus:
    """The open project against HEAD (exports the project; writes nothing but loose objects).

    Raises:
        NoProjectOpenError: no project is open.
    """
    repo = open_repo(ctx, required=False)
    if repo is None:
        return VcsStatus(is_initialized=False)
    head = head_commit(repo)
    changes = changes_between(repo, tree_of(repo, head), tree_at(repo, current_tree(ctx, repo)))
    return VcsStatus(
        is_initialized=True, changed_files_count=len(changes), changes=changes,
        branch=None if repo.head_is_unborn else repo.head.shorthand,
        last_commit_sha=str(head.id) if head else None,
        last_commit_message=head.message.strip() if head else None,
        last_commit_date=iso_time(head.commit_time) if head else None,
    )


def commit(ctx: OperationContext, data: CommitInput) -> CommitResult:
    """Export the open project and commit it on the current branch.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``); nothing changed since HEAD (``NOTHING_TO_COMMIT``).
        ValidationError: the message is blank (``INVALID_MESSAGE``).
    """
    message = data.message.strip()
    if not message:
        raise e.ValidationError("The commit message is empty.", code=codes.INVALID_MESSAGE)
    repo = open_repo(ctx)
    needs_reopen.refuse_if_marked(ctx, "commit the project")  # it would record a state nobody made
    ctx.progress(5, "exporting the project")
    tree = current_tree(ctx, repo)
    ctx.check_canceled()
    head = head_commit(repo)
    changes = changes_between(repo, tree_of(repo, head), tree_at(repo, tree))
    if not changes:
        raise e.ConflictError("Nothing to commit: the open project matches the last commit.",
                              code=codes.NOTHING_TO_COMMIT)
    ctx.progress(80, "committing")
    sig = signature(repo)
    oid = repo.create_commit("HEAD", sig, sig, message + "\n", tree, [head.id] if head else [])
    try:
        sync_worktree(repo)
    except pygit2.GitError as exc:  # the commit is recorded: the index and work tree follow at the next call
        logger.warning("commit %s is recorded, but the repository's work tree could not follow yet: %s", oid, exc)
    return CommitResult(
        sha=str(oid), short_sha=str(oid)[:7], message=message, branch=repo.head.shorthand,
        files_changed=len(changes), changes=changes,
    )


def log(ctx: OperationContext, data: LogInput) -> list[VcsLogEntry]:
    """The current branch's commits, newest first (empty before the first commit).

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``).
    """
    repo = open_repo(ctx)
    head = head_commit(repo)
    if head is None:
        return []
    entries: list[VcsLogEntry] = []
    for item in repo.walk(head.id, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.TIME):
        if len(entries) >= data.count:
            break
        parent = tree_of(repo, item.parents[0] if item.parents else None)
        entries.append(VcsLogEntry(
            sha=str(item.id), short_sha=str(item.id)[:7], message=item.message.strip(), author=item.author.name,
            timestamp=iso_time(item.commit_time), files_changed=tree_diff(parent, item.tree).stats.files_changed,
        ))
    return entries


def check_repo_path(path: str) -> str:
    """A repository-relative file path, ``/``-separated.

    Raises:
        ValidationError: absolute, with ``..``, ``.git`` or control characters (``INVALID_VCS_PATH``).
    """
    text = path.replace("\\", "/").strip()
    parts = text.split("/")
    if (text.startswith("/") or any(p in ("", ".", "..") for p in parts) or parts[0].lower() == ".git"
            or any(ord(c) < 32 for c in text)):
        raise e.ValidationError(f"'{path}' is not a file path inside the repository.", code=codes.INVALID_VCS_PATH)
    return text


def file_content(ctx: OperationContext, data: FileContentInput) -> FileContent:
    """A file's text at a commit, or (``commitSha=WORKING``) as the open project exports it now.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``).
        ValidationError: a malformed path or revision.
        NotFoundError: no such commit (``COMMIT_NOT_FOUND``) or no such file in it (``FILE_NOT_FOUND``).
    """
    path = check_repo_path(data.file_path)
    repo = open_repo(ctx)
    if data.commit_sha.strip().upper() == WORKING:
        return _working_content(ctx, path)
    found = resolve_commit(repo, data.commit_sha)
    try:
        blob = found.tree[path]
    except KeyError:
        blob = None
    if blob is None or not isinstance(blob, pygit2.Blob):
        raise e.NotFoundError(f"'{path}' does not exist in commit {str(found.id)[:7]}.", code=codes.FILE_NOT_FOUND)
    if blob.size > _MAX_CONTENT:
        raise e.ValidationError(f"'{path}' is larger than {_MAX_CONTENT} bytes.", code=codes.FILE_TOO_LARGE)
    return FileContent(commit_sha=str(found.id), file_path=path, content=blob.data.decode("utf-8-sig", "replace"),
                       size=blob.size)


def _working_content(ctx: OperationContext, path: str) -> FileContent:
    """The file as the open project exports it now (T-IA Connect's client diffs ``HEAD`` against ``WORKING``)."""
    data = export_object(ctx, parse_path(path), scratch_dir(ctx))
    if data is None:
        raise e.NotFoundError(f"The open project has no object for '{path}'.", code=codes.FILE_NOT_FOUND)
    return FileContent(commit_sha=WORKING, file_path=path, content=data.decode("utf-8-sig", "replace"), size=len(data))


def config(ctx: OperationContext, _: None) -> VcsSettings:
    """Whether the open project has a repository, and the commit author (no project open: not enabled)."""
    try:
        repo = open_repo(ctx, required=False)
    except e.NoProjectOpenError:
        repo = None
    name, email = author(repo)
    return VcsSettings(enabled=repo is not None, author_name=name, author_email=email, default_branch=DEFAULT_BRANCH)


def set_config(ctx: OperationContext, data: ConfigInput) -> VcsSettings:
    """Set who commits in the open project's repository (its own ``.git/config``: user.name, user.email).

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``).
    """
    repo = open_repo(ctx)
    local = pygit2.Config(str(Path(repo.path) / "config"))
    if data.author_name is not None:
        local["user.name"] = data.author_name.strip()
    if data.author_email is not None:
        local["user.email"] = data.author_email
    return config(ctx, None)
