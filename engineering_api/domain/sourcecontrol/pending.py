"""A pull, merge or checkout that is cut short leaves the project and HEAD in step, both old or both new.

Each brings a tree into the project and saves it, then moves HEAD (the branch to the pulled commit, a merge commit
on the branch, or HEAD to another branch): two writes to two stores (the project file, the repository), and a
process killed between them would reopen the project holding the new objects with HEAD at the old commit, so the
user would commit the remote's or the other branch's changes as their own. :func:`bring_in` records what HEAD is to
become before the first write and drops the record after the last. A record found by the next source-control call
of a later process (:func:`settle`, run by ``open_repo``) means the process died in between: if the saved project
is the recorded tree, HEAD is moved as recorded; else the project is still the old one and HEAD stays; either way
the record goes.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol.apply import apply_tree
from engineering_api.domain.sourcecontrol.basics import changes_between, current_tree
from engineering_api.domain.sourcecontrol.repo import on_open, signature, sync_worktree, tree_at
from engineering_api.lib.durable_files import replaced_durably

if TYPE_CHECKING:
    from engineering_api.domain.sourcecontrol.schemas import VcsFileChange
    from engineering_api.jobs.operations import OperationContext

__all__ = ("RECORD", "bring_in", "commit", "move", "settle", "switch")

logger = logging.getLogger(__name__)
RECORD = "engineering-api-pending-head.json"
"""The record's file in the repository's git directory (git ignores files it does not know there)."""


def _record(repo: pygit2.Repository) -> Path:
    return Path(repo.path) / RECORD


def _begin(repo: pygit2.Repository, intent: dict[str, Any]) -> None:
    """Record, durably, what HEAD becomes once the project holds the intent's tree."""
    with replaced_durably(_record(repo), prefix=".pending-") as out:
        out.write(json.dumps(intent).encode("utf-8"))


def _done(repo: pygit2.Repository) -> None:
    """The project and HEAD are in step again: drop the record."""
    _record(repo).unlink(missing_ok=True)


def move(branch: str, target: pygit2.Commit) -> dict[str, Any]:
    """The intent of a pull or a fast-forward: ``branch`` moves to ``target``."""
    return {"kind": "move", "branch": branch, "target": str(target.id), "tree": str(target.tree.id)}


def switch(branch: str, target: pygit2.Commit) -> dict[str, Any]:
    """The intent of a checkout: HEAD becomes ``branch`` (at ``target``)."""
    return {"kind": "switch", "branch": branch, "target": str(target.id), "tree": str(target.tree.id)}


def commit(branch: str, tree: pygit2.Tree, parents: list[pygit2.Oid], message: str) -> dict[str, Any]:
    """The intent of a merge: a commit of ``tree`` with ``parents`` on ``branch`` (whose tip is the first)."""
    return {"kind": "commit", "branch": branch, "tree": str(tree.id), "parents": [str(p) for p in parents],
            "message": message}


def _carry_out(repo: pygit2.Repository, intent: dict[str, Any]) -> pygit2.Oid | None:
    """Make HEAD what ``intent`` says, unless it is already; the commit HEAD is at then (None: unchanged)."""
    ref = f"refs/heads/{intent['branch']}"
    tip = repo.references.get(ref)
    if intent["kind"] == "commit":
        if tip is None or str(tip.target) != intent["parents"][0]:
            return None  # committed already (or the branch moved on)
        sig = signature(repo)
        made = repo.create_commit(ref, sig, sig, intent["message"], pygit2.Oid(hex=intent["tree"]),
                                  [pygit2.Oid(hex=p) for p in intent["parents"]])
    else:
        made = pygit2.Oid(hex=intent["target"])
        if intent["kind"] == "move":
            repo.references.create(ref, made, force=True)
    if repo.head_is_unborn or repo.head.name != ref:
        repo.set_head(ref)
    sync_worktree(repo)
    return made


def bring_in(ctx: OperationContext, repo: pygit2.Repository, current: pygit2.Tree, target: pygit2.Tree,
             intent: dict[str, Any]) -> tuple[list[VcsFileChange], pygit2.Oid | None]:
    """``apply_tree`` of ``target``, then HEAD moved as ``intent`` says, with the intent on record in between;
    the changes brought in and the commit HEAD is at.

    Raises:
        what apply_tree raises; the project is then as it was and the record dropped.
    """
    _begin(repo, intent)
    try:
        changes = apply_tree(ctx, repo, current, target)
    except e.EngineeringError:  # refused and compensated: the project is as it was
        _done(repo)
        raise
    made = _carry_out(repo, intent)
    _done(repo)
    return changes, made


def settle(ctx: OperationContext, repo: pygit2.Repository) -> None:
    """Finish or drop what a dead process left recorded (see the module's description)."""
    path = _record(repo)
    if not path.exists():
        return
    try:
        intent = json.loads(path.read_text(encoding="utf-8"))
        tree = tree_at(repo, pygit2.Oid(hex=str(intent["tree"])))
        # a commit is made of stored objects only: libgit2 no longer checks (repo.py turns strict creation off)
        if any(pygit2.Oid(hex=str(parent)) not in repo for parent in intent.get("parents", ())):
            raise KeyError("a parent of the recorded commit is gone")
    except (OSError, ValueError, KeyError, TypeError, pygit2.GitError):
        logger.warning("an unreadable record of a source-control change cut short was dropped: %s", path)
        _done(repo)
        return
    project = tree_at(repo, current_tree(ctx, repo))
    if not changes_between(repo, project, tree):
        made = _carry_out(repo, intent)
        if made is not None:
            logger.warning("a %s cut short after the project was saved was finished: '%s' is at %s", intent["kind"],
                           intent["branch"], str(made)[:7])
    _done(repo)


on_open(settle)
