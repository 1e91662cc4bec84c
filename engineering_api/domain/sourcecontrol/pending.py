"""A pull that is cut short leaves the project and HEAD in step, both old or both new.

A pull brings the remote's objects into the project and saves it, then moves the branch: two writes to two stores
(the project file, the repository), and a process killed between them would reopen the project holding the pulled
objects with HEAD at the old commit, so the user would commit the remote's changes as their own. Before the first
write the pull records its target in the repository (:func:`begin`); after the last it drops the record
(:func:`done`). A record found by the next source-control call of a later process (:func:`settle`, run by
``open_repo``) means the pull was cut short: if the saved project is the target's tree the branch is moved there,
else the project is still the old one and HEAD stays; either way the record goes.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2

from engineering_api.domain.sourcecontrol.basics import changes_between, current_tree
from engineering_api.domain.sourcecontrol.repo import head_commit, on_open, sync_worktree, tree_at

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("begin", "done", "move_branch", "settle")

logger = logging.getLogger(__name__)
_RECORD = "engineering-api-pending-pull.json"
"""The record's file in the repository's git directory (git ignores files it does not know there)."""


def _record(repo: pygit2.Repository) -> Path:
    return Path(repo.path) / _RECORD


def begin(repo: pygit2.Repository, branch: str, target: pygit2.Oid) -> None:
    """Record, durably, that the project is about to be brought to ``target`` and ``branch`` moved there."""
    path = _record(repo)
    handle, temp = tempfile.mkstemp(prefix=".pending-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"branch": branch, "target": str(target)}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def done(repo: pygit2.Repository) -> None:
    """The project and HEAD are in step again: drop the record."""
    _record(repo).unlink(missing_ok=True)


def move_branch(repo: pygit2.Repository, branch: str, target: pygit2.Oid) -> None:
    """Point ``branch`` (and an unborn HEAD) at ``target`` and check it out."""
    repo.references.create(f"refs/heads/{branch}", target, force=True)
    if repo.head_is_unborn:
        repo.set_head(f"refs/heads/{branch}")
    sync_worktree(repo)


def settle(ctx: OperationContext, repo: pygit2.Repository) -> None:
    """Finish or drop a pull a dead process left recorded (see the module's description)."""
    path = _record(repo)
    if not path.exists():
        return
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        branch, target = str(record["branch"]), repo[str(record["target"])].peel(pygit2.Commit)
    except (OSError, ValueError, KeyError, TypeError, pygit2.GitError):
        logger.warning("an unreadable record of a pull cut short was dropped: %s", path)
        done(repo)
        return
    head = head_commit(repo)
    if head is None or head.id != target.id:
        project = tree_at(repo, current_tree(ctx, repo))
        if not changes_between(repo, project, target.tree):
            move_branch(repo, branch, target.id)
            logger.warning("a pull cut short after the project was saved was finished: '%s' moved to %s", branch,
                           str(target.id)[:7])
    done(repo)


on_open(settle)
