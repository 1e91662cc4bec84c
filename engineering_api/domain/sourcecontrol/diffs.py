"""diff: the text patch, the changed files and the per-object semantic diff between two commits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol.basics import STATUS, WORKING, current_tree, tree_of
from engineering_api.domain.sourcecontrol.repo import (
    blob_data,
    head_commit,
    open_repo,
    resolve_commit,
    tree_at,
    tree_diff,
)
from engineering_api.domain.sourcecontrol.schemas import DiffInput, ObjectDiff, VcsDiffFile, VcsDiffResult
from engineering_api.domain.sourcecontrol.semantic import object_diff

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("diff", "object_diffs")

_MAX_PATCH = 5 * 1024 * 1024
"""A larger patch is cut (the files and objects stay complete)."""


def _blob(repo: pygit2.Repository, oid: pygit2.Oid) -> bytes | None:
    return None if oid.raw == b"\x00" * 20 else blob_data(repo, oid)


def object_diffs(repo: pygit2.Repository, patch: pygit2.Diff) -> list[ObjectDiff]:
    """The semantic diff of each changed object file of ``patch`` (other files are skipped)."""
    result = []
    for delta in patch.deltas:
        status = STATUS.get(delta.status_char(), "Modified")
        path = delta.old_file.path if status == "Removed" else delta.new_file.path
        try:
            result.append(object_diff(path, status, _blob(repo, delta.old_file.id), _blob(repo, delta.new_file.id)))
        except e.ValidationError:
            continue  # not an object file of the layout
    return result


def diff(ctx: OperationContext, data: DiffInput) -> VcsDiffResult:
    """``from`` → ``to`` (default HEAD): the unified patch, each file with its line counts, each object's changes.
    Without ``from``: HEAD → the open project as a commit would record it now (``toSha`` WORKING), the "diff of
    pending changes" T-IA Connect's language-model tool asks for with no parameters.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``).
        ValidationError: a malformed revision (``INVALID_REVISION``); ``to`` without ``from`` (``INVALID_REVISION``).
        NotFoundError: no such commit (``COMMIT_NOT_FOUND``; ``HEAD~1`` of the first commit too).
    """
    repo = open_repo(ctx)
    if data.from_ is None:
        if data.to is not None:
            raise e.ValidationError("to needs from: give both revisions, or neither for the pending changes.",
                                    code="INVALID_REVISION", details={"field": "from"})
        head = head_commit(repo)
        old_tree, new_tree = tree_of(repo, head), tree_at(repo, current_tree(ctx, repo))
        from_sha, to_sha = (str(head.id) if head else ""), WORKING
    else:
        old, new = resolve_commit(repo, data.from_), resolve_commit(repo, data.to or "HEAD")
        old_tree, new_tree, from_sha, to_sha = old.tree, new.tree, str(old.id), str(new.id)
    # No rename detection: a block deleted and another added are two objects, even when their XML is alike.
    patch = tree_diff(old_tree, new_tree)
    files = []
    for item in patch:
        if item is None:  # libgit2 gives no patch for an unchanged file; a tree diff lists none
            continue
        delta = item.delta
        status = STATUS.get(delta.status_char(), "Modified")
        _, added, deleted = item.line_stats
        files.append(VcsDiffFile(path=delta.old_file.path if status == "Removed" else delta.new_file.path,
                                 status=status, lines_added=added, lines_deleted=deleted))
    text = patch.patch or ""
    if len(text) > _MAX_PATCH:
        text = text[:_MAX_PATCH] + "\n... (patch cut at 5 MiB; see files and objects)\n"
    return VcsDiffResult(from_sha=from_sha, to_sha=to_sha, patch=text, files=files,
                         objects=object_diffs(repo, patch))
