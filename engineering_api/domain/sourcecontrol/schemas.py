"""Wire shapes of the source-control routes, as T-IA Connect's client reads them (``src/api/types.ts``)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from engineering_api.backend.models import ObjectChangeDetail
from engineering_api.lib.schema import CamelStruct

__all__ = (
    "BranchInput", "CommitInput", "ConfigInput", "CommitResult", "DiffInput", "ExportPreview", "FileContent",
    "FileContentInput", "LogInput",
    "ObjectDiff", "RemoteInput", "RemoteNameInput", "RestoreInput", "RestoreResult", "VcsBranchInfo", "VcsDiffFile",
    "VcsDiffResult", "VcsFileChange", "VcsInitResult", "VcsLogEntry", "VcsMessage", "VcsRemoteInfo", "VcsSettings",
    "VcsStatus",
)

Message = Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]
Revision = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
RepoPath = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
RefName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class VcsFileChange(CamelStruct):
    """A file that differs between the open project and HEAD."""

    file_path: str
    status: str
    """``Added``, ``Modified`` or ``Removed``."""
    domain: str
    """``Program blocks``, ``PLC data types``, ``PLC tags`` or ``Hardware``."""
    device_name: str
    item_name: str


class VcsStatus(CamelStruct):
    """The repository's state against the open project."""

    is_initialized: bool
    changed_files_count: int = 0
    changes: list[VcsFileChange] = []
    branch: str | None = None
    last_commit_sha: str | None = None
    last_commit_message: str | None = None
    last_commit_date: str | None = None


class VcsInitResult(CamelStruct):
    """The repository made (or found) for the open project."""

    created: bool
    branch: str
    path: str
    """The repository folder, relative to the data directory."""


class CommitInput(CamelStruct):
    """The commit message."""

    message: Message
    """The commit message (1 to 10,000 characters)."""


class CommitResult(CamelStruct):
    """The commit made: the open project's export as it is now."""

    sha: str
    short_sha: str
    message: str
    branch: str
    files_changed: int
    changes: list[VcsFileChange] = []


class LogInput(CamelStruct):
    """How many commits, newest first."""

    count: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 50
    """How many commits to list, newest first (1 to 1000, default 50)."""


class VcsLogEntry(CamelStruct):
    """A commit of the current branch."""

    sha: str
    short_sha: str
    message: str
    author: str
    timestamp: str
    files_changed: int


class FileContentInput(CamelStruct):
    """A file of the repository at a commit."""

    commit_sha: Revision
    """The commit: a sha, branch name, HEAD or HEAD~1; WORKING reads the open project's current export."""
    file_path: RepoPath


class FileContent(CamelStruct):
    """The file's text."""

    commit_sha: str
    file_path: str
    content: str
    size: int


class VcsSettings(CamelStruct):
    """Source control of the open project: whether it has a repository, and who commits."""

    enabled: bool
    author_name: str
    author_email: str
    default_branch: str = "main"


class ConfigInput(CamelStruct):
    """The commit author of the open project's repository (each field optional)."""

    author_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^<>\x00-\x1f]+$")] | None = None
    """Name of the commit author; unchanged when omitted."""
    author_email: Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^\s<>@]+@[^\s<>@]+$")] | None = None
    """E-mail address of the commit author; unchanged when omitted."""


class DiffInput(CamelStruct):
    """Two revisions (``to`` defaults to HEAD); neither: HEAD against the open project (the pending changes)."""

    from_: Revision | None = msgspec.field(name="from", default=None)
    """The older revision (a sha, branch name, HEAD~1...); without from and to, HEAD against the open project."""
    to: Revision | None = None
    """The newer revision (default HEAD)."""


class VcsDiffFile(CamelStruct):
    """A changed file with its line counts."""

    path: str
    status: str
    lines_added: int
    lines_deleted: int


class ObjectDiff(ObjectChangeDetail):
    """What changed in one object (a block, type, tag table or station), as an engineer reads it."""

    path: str
    device_name: str
    domain: str
    item_name: str
    status: str
    """``Added``, ``Modified`` or ``Removed``."""
    comments_only: bool = False


class VcsDiffResult(CamelStruct):
    """The text patch, the changed files and the per-object semantic diff."""

    from_sha: str
    to_sha: str
    patch: str
    files: list[VcsDiffFile]
    objects: list[ObjectDiff] = []


class BranchInput(CamelStruct):
    """A branch by name."""

    branch_name: RefName


class VcsBranchInfo(CamelStruct):
    """A local or remote-tracking branch."""

    name: str
    is_current_branch: bool
    is_remote: bool
    last_commit_sha: str
    last_commit_message: str


class RemoteInput(CamelStruct):
    """A remote: a name and a bare repository inside the file roots."""

    name: RefName
    """Name of the remote, e.g. origin."""
    url: RepoPath
    """Path of a bare git repository, under one of the service's roots."""


class RemoteNameInput(CamelStruct):
    """A remote by name (``origin`` when omitted)."""

    remote_name: RefName | None = None
    """Name of the remote (default origin)."""


class VcsRemoteInfo(CamelStruct):
    """A remote; ``url`` relative to its file root."""

    name: str
    url: str


class VcsMessage(CamelStruct):
    """What a merge, push or pull did."""

    message: str
    details: dict[str, Any] = {}


class RestoreInput(CamelStruct):
    """One object file at a commit, to bring back into the open project."""

    commit_sha: Revision
    """The commit to restore the file from: a sha, branch name, HEAD or HEAD~1."""
    file_path: RepoPath
    device_name: RefName | None = None


class ExportPreview(CamelStruct):
    """What committing now would record: the changed files and, per object, what changed."""

    base_sha: str | None
    changed_files_count: int
    changes: list[VcsFileChange]
    objects: list[ObjectDiff]


class RestoreResult(CamelStruct):
    """The object brought back."""

    commit_sha: str
    file_path: str
    device_name: str
    domain: str
    item_name: str
    action: str
    """``replaced`` (it existed) or ``created``."""
