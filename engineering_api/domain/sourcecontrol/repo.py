"""Where the open project's repository lives and the pygit2 helpers the operations share.

The repository of a project is ``<data-dir>/source-control/<ProjectName>-<hash of its path>/``: an ordinary,
non-bare git repository whose work tree holds the exported files (see :mod:`.export`). It lives in the data
directory, not in the project folder, because that folder belongs to TIA (a real ``.apNN`` folder is not ours to
add to, and archives would carry the repository), and because the data directory is private: request paths never
point into it (:class:`~engineering_api.lib.paths.PathPolicy`), so a client reaches the repository only through
these routes, and through remotes it adds inside the file roots. Each project path gets its own repository.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar, overload

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol.locks import recover_stale_locks
from engineering_api.errors import codes
from engineering_api.lib.paths import safe_file_stem

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.jobs.operations import OperationContext

__all__ = (
    "DEFAULT_BRANCH", "author", "blob_data", "build_tree", "head_commit", "on_open", "open_repo", "repo_dir",
    "resolve_commit",
    "sync_worktree", "tree_at", "tree_diff",
)

DEFAULT_BRANCH = "main"
_Kept = TypeVar("_Kept")
_DEFAULT_NAME, _DEFAULT_EMAIL = "engineering-api", "engineering-api@localhost"


def project_path(ctx: OperationContext) -> tuple[str, str]:
    """The open project's name and path.

    Raises:
        NoProjectOpenError: no project is open.
    """
    projects = ctx.backend.open_projects()
    if not projects:
        raise e.NoProjectOpenError("No project is open in the attached TIA Portal.")
    return projects[0].name, projects[0].path


def repo_dir(ctx: OperationContext) -> Path:
    """The open project's repository folder (it may not exist yet).

    Raises:
        NoProjectOpenError: no project is open.
    """
    name, path = project_path(ctx)
    digest = hashlib.sha256(path.encode("utf-8")).hexdigest()[:10]
    return Path(ctx.settings.data_dir) / "source-control" / f"{safe_file_stem(name)}-{digest}"


_ON_OPEN: list[Callable[[OperationContext, pygit2.Repository], None]] = []
"""What :func:`open_repo` runs on every repository it opens (a registry at the bottom: the modules that settle
what a dead process left register here, see :mod:`.pending`)."""


def on_open(settle: Callable[[OperationContext, pygit2.Repository], None]) -> None:
    """Run ``settle`` on every repository :func:`open_repo` opens, before the caller uses it."""
    _ON_OPEN.append(settle)


@overload
def open_repo(ctx: OperationContext, *, required: Literal[True] = ...) -> pygit2.Repository: ...
@overload
def open_repo(ctx: OperationContext, *, required: bool) -> pygit2.Repository | None: ...
def open_repo(ctx: OperationContext, *, required: bool = True) -> pygit2.Repository | None:
    """The open project's repository; None when it has none and ``required`` is false.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: the project has no repository yet (``VCS_NOT_INITIALIZED``) and ``required`` is set; another
            live process is writing it (``REPOSITORY_LOCKED``, see :mod:`.locks`).
    """
    folder = repo_dir(ctx)
    if (folder / ".git").is_dir():
        recover_stale_locks(folder / ".git")  # a kill -9 mid-write must not block every later call
        repo = pygit2.Repository(str(folder))
        for settle in _ON_OPEN:
            settle(ctx, repo)
        return repo
    if required:
        raise e.ConflictError(
            "Source control is not initialized for the open project; call POST /api/source-control/init first.",
            code=codes.VCS_NOT_INITIALIZED,
        )
    return None


def author(repo: pygit2.Repository | None) -> tuple[str, str]:
    """The commit author (``user.name``/``user.email`` of the repository's own config, or the service's).

    Only ``.git/config`` is read: the service account's global git config is not the project's."""
    if repo is None:
        return _DEFAULT_NAME, _DEFAULT_EMAIL
    config = pygit2.Config(str(Path(repo.path) / "config"))
    return _setting(config, "user.name", _DEFAULT_NAME), _setting(config, "user.email", _DEFAULT_EMAIL)


def _setting(config: pygit2.Config, key: str, default: str) -> str:
    value = config[key] if key in config else None
    return value if value is not None else default


def signature(repo: pygit2.Repository) -> pygit2.Signature:
    """The author and committer of a commit made now."""
    name, email = author(repo)
    return pygit2.Signature(name, email)


def head_commit(repo: pygit2.Repository) -> pygit2.Commit | None:
    """The commit HEAD points at; None in a repository without commits."""
    if repo.head_is_unborn:
        return None
    return repo.head.peel(pygit2.Commit)


def resolve_commit(repo: pygit2.Repository, spec: str) -> pygit2.Commit:
    """A commit from a revision (``HEAD``, a sha, ``main``, ``abc123~1``).

    Raises:
        ValidationError: the revision is empty or malformed (``INVALID_REVISION``).
        NotFoundError: no such commit (``COMMIT_NOT_FOUND``).
    """
    spec = (spec or "").strip()
    if not spec or len(spec) > 200 or spec.startswith("-") or any(ord(c) < 32 for c in spec) or ":" in spec:
        raise e.ValidationError(f"'{spec}' is not a revision (a commit sha, branch name, HEAD or HEAD~1).",
                                code=codes.INVALID_REVISION)
    try:
        return repo.revparse_single(spec).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        raise e.NotFoundError(f"The revision '{spec}' was not found.", code=codes.COMMIT_NOT_FOUND) from None


def tree_at(repo: pygit2.Repository, oid: pygit2.Oid) -> pygit2.Tree:
    """The tree object ``oid`` (an id this service took from a tree or wrote as one)."""
    return repo[oid].peel(pygit2.Tree)


def blob_data(repo: pygit2.Repository, oid: pygit2.Oid) -> bytes:
    """The content of the blob ``oid``."""
    return repo[oid].read_raw()


def tree_diff(old: pygit2.Tree, new: pygit2.Tree, *,
              flags: pygit2.enums.DiffOption = pygit2.enums.DiffOption.NORMAL) -> pygit2.Diff:
    """The diff from ``old`` to ``new``, as ``Repository.diff`` gives it for two trees (three lines of context, no
    interhunk lines)."""
    return old.diff_to_tree(new, flags=flags, context_lines=3, interhunk_lines=0)


_BLOB_IDS: dict[str, dict[int, tuple[bytes, pygit2.Oid]]] = {}
"""Per repository (its path), the blob ids of the files of the last tree built, by the identity of their content
(kept with it, so the identity stays that content's): an export gives a stored object's unchanged bytes as the same
object each time, so its id is not hashed again. A plant's status hashed every file of its program."""
_HEAD_BLOBS: dict[str, tuple[pygit2.Oid, frozenset[pygit2.Oid]]] = {}
"""Per repository (its path), the blob ids HEAD's tree holds, with that tree's id: a blob HEAD reaches cannot be
pruned, so it needs no lookup in the object database."""
_BLOB_ID_REPOSITORIES = 4
"""Repositories whose ids are kept (each holds its program's bytes alive until its next tree)."""

# libgit2 looks up every entry of every tree it writes in the object database ("strict object creation"): for
# the trees this module writes that is the check build_tree has made already (or the blob was written by it), and
# a merge's trees are made of the entries of stored trees. At a plant's 10,000 files the lookups were ~85% of
# writing a tree, twice per commit round (status, commit).
pygit2.settings.enable_strict_object_creation(False)


def build_tree(repo: pygit2.Repository, files: dict[str, bytes]) -> pygit2.Oid:
    """Write ``files`` as a tree object; returns its id.

    A blob the repository holds already is not written again: its id is the content's hash (known from the last
    tree where its content is the same object), and asking the object database whether it has it costs a lookup,
    where writing it (libgit2 hashes, then freshens the stored copy) cost ~0.3 ms a file, for every file of a
    plant's program at every status and commit. The lookup is made for every blob HEAD's tree does not hold: a
    blob of a tree that was never committed may have been pruned since."""
    index = pygit2.Index()
    odb = repo.odb
    known = _BLOB_IDS.get(repo.path, {})
    committed = _head_blobs(repo)
    ids: dict[int, tuple[bytes, pygit2.Oid]] = {}
    for path in sorted(files):
        data = files[path]
        seen = known.get(id(data))
        oid = seen[1] if seen is not None and seen[0] is data else pygit2.hash(data)
        if oid not in committed and not odb.exists(oid):
            oid = repo.create_blob(data)
        ids[id(data)] = (data, oid)
        index.add(pygit2.IndexEntry(path, oid, pygit2.enums.FileMode.BLOB))
    _remember(_BLOB_IDS, repo.path, ids)
    return index.write_tree(repo)


def _head_blobs(repo: pygit2.Repository) -> frozenset[pygit2.Oid]:
    """The ids of the blobs HEAD's tree holds (walked once per HEAD tree: ~1 ms a thousand files)."""
    commit = head_commit(repo)
    if commit is None:
        return frozenset()
    kept = _HEAD_BLOBS.get(repo.path)
    if kept is not None and kept[0] == commit.tree_id:
        return kept[1]
    blobs: set[pygit2.Oid] = set()
    trees = [commit.tree]
    while trees:
        for entry in trees.pop():
            if entry.type == pygit2.enums.ObjectType.TREE:
                trees.append(repo[entry.id].peel(pygit2.Tree))
            else:
                blobs.add(entry.id)
    held = frozenset(blobs)
    _remember(_HEAD_BLOBS, repo.path, (commit.tree_id, held))
    return held


def _remember(cache: dict[str, _Kept], repository: str, value: _Kept) -> None:
    """Keep ``value`` for ``repository``, the newest last: beyond :data:`_BLOB_ID_REPOSITORIES` the oldest goes."""
    cache.pop(repository, None)
    cache[repository] = value
    while len(cache) > _BLOB_ID_REPOSITORIES:
        del cache[next(iter(cache))]


def sync_worktree(repo: pygit2.Repository) -> None:
    """Make the index and work tree match HEAD, so ``git status`` in the repository is clean."""
    commit = head_commit(repo)
    if commit is None:
        return
    repo.index.read_tree(commit.tree)
    repo.index.write()
    repo.checkout_tree(
        commit.tree, strategy=pygit2.enums.CheckoutStrategy.FORCE | pygit2.enums.CheckoutStrategy.REMOVE_UNTRACKED)
