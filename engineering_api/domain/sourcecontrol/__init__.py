"""Source control: the open project as an ordinary git repository (T-IA Connect's ``/api/source-control/*``).

The git library is pygit2 (libgit2, bundled in its wheel): it merges trees with conflicts per path, diffs with
patches and line counts, and pushes and fetches over local paths, without a git binary. What is versioned and
where the repository lives: :mod:`.export` and :mod:`.repo`.
"""

from __future__ import annotations

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol import basics
from engineering_api.domain.sourcecontrol.schemas import (
    CommitInput, CommitResult, FileContent, FileContentInput, LogInput, VcsInitResult, VcsLogEntry, VcsSettings,
    VcsStatus,
)
from engineering_api.jobs.operations import Operation, RouteSpec

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Source Control"
BASE = "/api/source-control"
_PROJECT = (e.NoProjectOpenError, e.PortalUnavailableError)
_REPO = (*_PROJECT, e.ConflictError)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="vcs.init", summary="Create the open project's git repository (kept when it exists).", section=SECTION,
        handler=basics.init, input=None, output=VcsInitResult, route=RouteSpec("POST", f"{BASE}/init"),
        errors=_PROJECT,
        description="The repository is <data-dir>/source-control/<Project>-<hash>/, a non-bare git repository on "
                    "branch main; nothing is committed until POST /api/source-control/commit.",
    ),
    Operation(
        name="vcs.status", summary="Compare the open project with the last commit (which objects changed).",
        section=SECTION, handler=basics.status, input=None, output=VcsStatus, route=RouteSpec("GET", f"{BASE}/status"),
        mutating=False, errors=_PROJECT,
        description="Exports the project as the commit would; isInitialized is false while the project has no "
                    "repository.",
    ),
    Operation(
        name="vcs.commit", summary="Export the open project and commit it on the current branch.", section=SECTION,
        handler=basics.commit, input=CommitInput, output=CommitResult,
        route=RouteSpec("POST", f"{BASE}/commit-sync"), async_route=RouteSpec("POST", f"{BASE}/commit"),
        long_running=True, errors=(*_REPO, e.ValidationError), example={"message": "Motor FB: add speed limit"},
        description="One file per object (SimaticML, AML for hardware), deterministic: an unchanged project "
                    "exports byte-identical files. 409 NOTHING_TO_COMMIT when the project matches HEAD.",
    ),
    Operation(
        name="vcs.log", summary="The current branch's commits, newest first.", section=SECTION, handler=basics.log,
        input=LogInput, output=list[VcsLogEntry], route=RouteSpec("GET", f"{BASE}/log"), mutating=False,
        errors=(*_REPO, e.ValidationError),
    ),
    Operation(
        name="vcs.file_content", summary="A file of the repository at a commit.", section=SECTION,
        handler=basics.file_content, input=FileContentInput, output=FileContent,
        route=RouteSpec("GET", f"{BASE}/file-content"), mutating=False,
        errors=(*_REPO, e.ValidationError, e.NotFoundError),
    ),
    Operation(
        name="vcs.config", summary="Whether the open project has a repository, and who commits.", section=SECTION,
        handler=basics.config, input=None, output=VcsSettings, route=RouteSpec("GET", f"{BASE}/config"),
        mutating=False, errors=(e.PortalUnavailableError,),
    ),
)
