"""diff: the text patch, the changed files and the per-object semantic diff between two commits."""

from __future__ import annotations

import threading
from collections import OrderedDict
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
from engineering_api.errors import codes
from engineering_api.rules.object_changes import DocumentDigest, compare_digests, document_digest

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("diff", "digests", "forget_diffs", "object_diffs")

_MAX_PATCH = 5 * 1024 * 1024
"""A larger patch is cut (the files and objects stay complete)."""


class _Digests:
    """Each document's :class:`~engineering_api.rules.object_changes.DocumentDigest` by its blob's id (the hash of
    its content), for the :data:`KEPT` last used: a diff reads and parses only the versions no diff before it read.

    The console's diff of a commit changing eight big LAD blocks of a real project parsed sixteen documents per
    request, 3 s each time (issue 93); a digest is a few kilobytes, the parsed document megabytes."""

    KEPT = 2048

    def __init__(self) -> None:
        self._kept: OrderedDict[bytes, DocumentDigest | None] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, repo: pygit2.Repository, oid: pygit2.Oid) -> DocumentDigest | None:
        key = oid.raw
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        digest = document_digest(blob_data(repo, oid))
        with self._lock:
            self._kept[key] = digest
            while len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
        return digest

    def cache_clear(self) -> None:
        """Forget every digest: a benchmark's cold run, a test's count."""
        with self._lock:
            self._kept.clear()


digests = _Digests()


def object_diffs(repo: pygit2.Repository, patch: pygit2.Diff) -> list[ObjectDiff]:
    """The semantic diff of each changed object file of ``patch`` (other files are skipped)."""
    result = []
    for delta in patch.deltas:
        status = STATUS.get(delta.status_char(), "Modified")
        path = delta.old_file.path if status == "Removed" else delta.new_file.path
        old, new = delta.old_file.id, delta.new_file.id
        try:
            result.append(object_diff(path, status, lambda: compare_digests(digests(repo, old), digests(repo, new))))
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
                                    code=codes.INVALID_REVISION, details={"field": "from"})
        head = head_commit(repo)
        old_tree, new_tree = tree_of(repo, head), tree_at(repo, current_tree(ctx, repo))
        from_sha, to_sha = (str(head.id) if head else ""), WORKING
    else:
        old, new = resolve_commit(repo, data.from_), resolve_commit(repo, data.to or "HEAD")
        old_tree, new_tree, from_sha, to_sha = old.tree, new.tree, str(old.id), str(new.id)
    text, files, objects = _tree_diffs(repo, old_tree, new_tree)
    return VcsDiffResult(from_sha=from_sha, to_sha=to_sha, patch=text, files=files, objects=objects)


_TreeDiff = tuple[str, list[VcsDiffFile], list[ObjectDiff]]
_TREE_DIFFS: OrderedDict[tuple[bytes, bytes], _TreeDiff] = OrderedDict()
_TREE_DIFFS_KEPT = 4
"""The last few diffs by the ids of their two trees (hashes of their whole content): asked again (the console's diff
page, REST's, the next poll), a diff of the same trees is the same answer."""
_TREE_DIFFS_LOCK = threading.Lock()


def forget_diffs() -> None:
    """Forget the kept diffs and document digests: a benchmark's or a test's diff never computed before."""
    digests.cache_clear()
    with _TREE_DIFFS_LOCK:
        _TREE_DIFFS.clear()


def _tree_diffs(repo: pygit2.Repository, old: pygit2.Tree, new: pygit2.Tree) -> _TreeDiff:
    """The patch, files and objects from ``old`` to ``new``, kept by their ids."""
    key = (old.id.raw, new.id.raw)
    with _TREE_DIFFS_LOCK:
        if key in _TREE_DIFFS:
            _TREE_DIFFS.move_to_end(key)
            return _TREE_DIFFS[key]
    # No rename detection: a block deleted and another added are two objects, even when their XML is alike.
    patch = tree_diff(old, new)
    files, texts = [], []
    for item in patch:
        if item is None:  # libgit2 gives no patch for an unchanged file; a tree diff lists none
            continue
        delta = item.delta
        status = STATUS.get(delta.status_char(), "Modified")
        _, added, deleted = item.line_stats
        files.append(VcsDiffFile(path=delta.old_file.path if status == "Removed" else delta.new_file.path,
                                 status=status, lines_added=added, lines_deleted=deleted))
        texts.append(item.text or "")  # the whole patch's text is its files' (patch.patch diffs every file again)
    text = "".join(texts)
    if len(text) > _MAX_PATCH:
        text = text[:_MAX_PATCH] + "\n... (patch cut at 5 MiB; see files and objects)\n"
    found = (text, files, object_diffs(repo, patch))
    with _TREE_DIFFS_LOCK:
        _TREE_DIFFS[key] = found
        while len(_TREE_DIFFS) > _TREE_DIFFS_KEPT:
            _TREE_DIFFS.popitem(last=False)
    return found
