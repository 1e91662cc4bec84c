"""Source control: the open project as an ordinary git repository (T-IA Connect's ``/api/source-control/*``).

The git library is pygit2 (libgit2, bundled in its wheel): it merges trees with conflicts per path, diffs with
patches and line counts, and pushes and fetches over local paths, without a git binary. What is versioned and
where the repository lives: :mod:`.export` and :mod:`.repo`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol.schemas import (
    BranchInput, ExportPreview, RemoteInput, RemoteNameInput, RestoreInput, RestoreResult, VcsBranchInfo, VcsMessage,
    VcsRemoteInfo,
    CommitInput, CommitResult, ConfigInput, DiffInput, FileContent, FileContentInput, LogInput, VcsDiffResult,
    VcsInitResult, VcsLogEntry, VcsSettings,
    VcsStatus,
)
from engineering_api.jobs.operations import Operation, RouteSpec, read

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Source Control"
BASE = "/api/source-control"
_PROJECT = (e.NoProjectOpenError, e.PortalUnavailableError)
_REPO = (*_PROJECT, e.ConflictError)
_APPLY = (*_REPO, e.NotFoundError, e.ValidationError, e.NotSupportedError)


class _Outcome(Protocol):
    message: str


def _message(result: _Outcome) -> str:
    """The outcome sentence of a merge, push, pull or checkout."""
    return result.message


def _later(module: str, name: str) -> Callable[..., Any]:
    """``name`` of this package's ``module``, imported at its first call. The modules that do the git work import
    pygit2 (31 modules, ~35 ms of CPU with theirs), which a server that never calls source control does not need
    to start: it loads with the first source-control call instead."""
    function: Callable[..., Any] | None = None

    def call(*args: Any, **kwargs: Any) -> Any:
        nonlocal function
        if function is None:
            function = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        return function(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="vcs.init", summary="Create the open project's git repository (kept when it exists).", section=SECTION,
        handler=_later("basics", "init"), input=None, output=VcsInitResult, route=RouteSpec("POST", f"{BASE}/init"),
        errors=_PROJECT,
        description="The repository is <data-dir>/source-control/<Project>-<hash>/, a non-bare git repository on "
                    "branch main; nothing is committed until POST /api/source-control/commit.",
    ),
    read("vcs.status", SECTION, "Compare the open project with the last commit (which objects changed).",
         f"{BASE}/status", _later("basics", "status"), None, VcsStatus, errors=_PROJECT,
         description="Exports the project as the commit would; isInitialized is false while the project has no "
                     "repository."),
    Operation(
        name="vcs.commit", summary="Export the open project and commit it on the current branch.", section=SECTION,
        handler=_later("basics", "commit"), input=CommitInput, output=CommitResult,
        route=RouteSpec("POST", f"{BASE}/commit-sync"), async_route=RouteSpec("POST", f"{BASE}/commit"),
        long_running=True, errors=(*_REPO, e.ValidationError), example={"message": "Motor FB: add speed limit"},
        description="One file per object (SimaticML, AML for hardware), deterministic: an unchanged project "
                    "exports byte-identical files. 409 NOTHING_TO_COMMIT when the project matches HEAD.",
    ),
    read("vcs.log", SECTION, "The current branch's commits, newest first.", f"{BASE}/log",
         _later("basics", "log"), LogInput, list[VcsLogEntry], errors=(*_REPO, e.ValidationError)),
    read("vcs.file_content", SECTION, "A file of the repository at a commit.", f"{BASE}/file-content",
         _later("basics", "file_content"), FileContentInput, FileContent,
         errors=(*_REPO, e.ValidationError, e.NotFoundError),
         description="commitSha is a revision, or WORKING for the object as the open project exports it now (the "
                     "right side of T-IA Connect's diff view)."),
    read("vcs.diff", SECTION, "Compare two commits: text patch, changed files and what changed per object.",
         f"{BASE}/diff", _later("diffs", "diff"), DiffInput, VcsDiffResult,
         errors=(*_REPO, e.ValidationError, e.NotFoundError),
         description="from and to are revisions (sha, branch, HEAD, HEAD~1; to defaults to HEAD); with neither, HEAD "
                     "against the open project as a commit would record it now (toSha WORKING: the pending "
                     "changes, a whole-project export like status). objects[] is the "
                     "semantic diff per block, type, tag table or station: interface members added, removed or "
                     "changed, networks whose code changed, and commentsOnly when only comments or titles differ."),
    read("vcs.config", SECTION, "Whether the open project has a repository, and who commits.", f"{BASE}/config",
         _later("basics", "config"), None, VcsSettings, errors=(e.PortalUnavailableError,)),
    Operation(
        name="vcs.config.update", summary="Set the commit author of the open project's repository.", section=SECTION,
        handler=_later("basics", "set_config"), input=ConfigInput, output=VcsSettings,
        route=RouteSpec("PUT", f"{BASE}/config"),
        errors=(*_REPO, e.ValidationError), example={"authorName": "Jane Doe", "authorEmail": "jane@example.com"},
        description="Written to the repository's own .git/config (user.name, user.email); the service's global git "
                    "configuration is never read.",
    ),
    read("vcs.branches.list", SECTION, "Local and remote-tracking branches.", f"{BASE}/branches",
         _later("branches", "list_branches"), None, list[VcsBranchInfo], errors=_REPO),
    Operation(
        name="vcs.branches.create", summary="Create a branch at HEAD (the current branch stays).", section=SECTION,
        handler=_later("branches", "create"), input=BranchInput, output=VcsBranchInfo,
        route=RouteSpec("POST", f"{BASE}/branches"),
        errors=(*_REPO, e.ValidationError, e.AlreadyExistsError), example={"branchName": "feature/motor"},
    ),
    Operation(
        name="vcs.branches.delete", summary="Delete a local branch that is not the current one.", section=SECTION,
        handler=_later("branches", "delete"), input=BranchInput, output=VcsBranchInfo,
        route=RouteSpec("DELETE", f"{BASE}/branches/{{branchName}}"),
        errors=(*_REPO, e.NotFoundError, e.ValidationError),
        destructive=True, preview=_later("branches", "delete_preview"),
        description="A name with '/' is sent percent-encoded in one segment (feature%2Fmotor, as T-IA Connect's "
                    "client sends it) or with backslashes (feature%5Cmotor).",
    ),
    Operation(
        name="vcs.branches.checkout",
        summary="Switch to a branch and bring its stations and program objects into the open project (all or nothing).",
        section=SECTION, handler=_later("branches", "checkout"), input=BranchInput, output=VcsMessage,
        route=RouteSpec("POST", f"{BASE}/branches/checkout"), errors=_APPLY, destructive=True,
        preview=_later("branches", "checkout_preview"), message=_message,
        description="Refused with 409 UNCOMMITTED_CHANGES while the project differs from HEAD. Stations follow the "
                    "branch's AutomationML (a missing one is created, one the branch lacks deleted, one whose hardware "
                    "differs re-created with its whole program); changed objects are imported in dependency order in "
                    "one call per PLC; objects the branch lacks are deleted; a failure puts back what changed.",
    ),
    Operation(
        name="vcs.merge", summary="Merge a branch into the current one, object by object, and into the project.",
        section=SECTION, handler=_later("merge", "merge"), input=BranchInput, output=VcsMessage,
        route=RouteSpec("POST", f"{BASE}/merge"), errors=_APPLY, message=_message,
        example={"branchName": "feature/motor"},
        description="An object changed on both sides is a conflict: 409 MERGE_CONFLICT with details.conflicts "
                    "[{filePath, deviceName, domain, itemName, ours, theirs}], and nothing changes. A clean merge is "
                    "imported all or nothing and committed with both parents (or fast-forwarded).",
    ),
    read("vcs.remotes.list", SECTION, "The remotes (local repositories inside the file roots).", f"{BASE}/remotes",
         _later("remotes", "list_remotes"), None, list[VcsRemoteInfo], errors=_REPO),
    Operation(
        name="vcs.remotes.add", summary="Add a remote: a git repository inside the file roots.", section=SECTION,
        handler=_later("remotes", "add"), input=RemoteInput, output=VcsRemoteInfo,
        route=RouteSpec("POST", f"{BASE}/remotes"),
        errors=(*_REPO, e.ValidationError, e.NotFoundError, e.AlreadyExistsError),
        example={"name": "origin", "url": "repos/line1.git"},
        description="Network URLs are refused (REMOTE_NOT_LOCAL): the service holds no git credentials and must not "
                    "be pointed at other hosts; a CI runner pushes further from the local repository.",
    ),
    Operation(
        name="vcs.remotes.remove", summary="Remove a remote (the repository it points at is untouched).",
        section=SECTION, handler=_later("remotes", "remove"), input=RemoteNameInput, output=VcsRemoteInfo,
        route=RouteSpec("DELETE", f"{BASE}/remotes/{{remoteName}}"),
        errors=(*_REPO, e.NotFoundError, e.ValidationError),
        destructive=True, preview=_later("remotes", "remove_preview"),
    ),
    Operation(
        name="vcs.push", summary="Push the current branch to a remote (origin by default), fast-forward only.",
        section=SECTION, handler=_later("remotes", "push"), input=RemoteNameInput, output=VcsMessage,
        route=RouteSpec("POST", f"{BASE}/push"), errors=(*_REPO, e.NotFoundError, e.ValidationError), message=_message,
    ),
    Operation(
        name="vcs.pull",
        summary="Fetch a remote and fast-forward the current branch, bringing its objects into the project.",
        section=SECTION, handler=_later("remotes", "pull"), input=RemoteNameInput, output=VcsMessage,
        route=RouteSpec("POST", f"{BASE}/pull"), errors=_APPLY, message=_message,
        description="Diverged branches answer 409 PULL_NEEDS_MERGE: merge <remote>/<branch> with POST merge.",
    ),
    Operation(
        name="vcs.export_preview", summary="What a commit would record now: changed files and objects.",
        section=SECTION, handler=_later("restore", "export_preview"), input=None, output=ExportPreview,
        route=RouteSpec("POST", f"{BASE}/export-preview-sync"), async_route=RouteSpec("POST", f"{BASE}/export-preview"),
        long_running=True, mutating=False, errors=_REPO,
    ),
    Operation(
        name="vcs.restore", summary="Bring one object (or a missing station) from a commit back into the project.",
        section=SECTION, handler=_later("restore", "restore"), input=RestoreInput, output=RestoreResult,
        route=RouteSpec("POST", f"{BASE}/restore-sync"), async_route=RouteSpec("POST", f"{BASE}/restore"),
        long_running=True, errors=(*_APPLY, e.AlreadyExistsError), destructive=True,
        preview=_later("restore", "restore_preview"),
        example={"commitSha": "HEAD~1", "filePath": "PLC_1/Program blocks/FB_Motor.xml"},
        description="One all-or-nothing import that replaces the object; deviceName imports it into another PLC.",
    ),
)
