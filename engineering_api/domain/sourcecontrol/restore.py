"""export-preview (what a commit would record) and restore (one object from a commit back into the project)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygit2

from engineering_api.backend import errors as e
from engineering_api.domain.sourcecontrol.apply import import_station
from engineering_api.domain.sourcecontrol.basics import changes_between, check_repo_path, current_tree, tree_of
from engineering_api.domain.sourcecontrol.diffs import object_diffs
from engineering_api.domain.sourcecontrol.export import HARDWARE, FileRef, parse_path
from engineering_api.domain.sourcecontrol.repo import head_commit, open_repo, resolve_commit, tree_at, tree_diff
from engineering_api.domain.sourcecontrol.schemas import ExportPreview, RestoreInput, RestoreResult
from engineering_api.errors import codes
from engineering_api.jobs.preview import PlannedChange, Preview, plan

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("export_preview", "restore", "restore_preview")


def export_preview(ctx: OperationContext, _: None) -> ExportPreview:
    """Export the open project and compare it with HEAD, without committing.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet (``VCS_NOT_INITIALIZED``).
    """
    repo = open_repo(ctx)
    ctx.progress(5, "exporting the project")
    head = head_commit(repo)
    old, new = tree_of(repo, head), tree_at(repo, current_tree(ctx, repo))
    changes = changes_between(repo, old, new)
    return ExportPreview(base_sha=str(head.id) if head else None, changed_files_count=len(changes), changes=changes,
                         objects=object_diffs(repo, tree_diff(old, new)))


def _located(ctx: OperationContext, data: RestoreInput) -> tuple[pygit2.Commit, FileRef, bytes, str, bool]:
    path = check_repo_path(data.file_path)
    ref = parse_path(path)
    repo = open_repo(ctx)
    found = resolve_commit(repo, data.commit_sha)
    entry = found.tree[path] if path in found.tree else None
    if entry is None or not isinstance(entry, pygit2.Blob):
        raise e.NotFoundError(f"'{path}' does not exist in commit {str(found.id)[:7]}.", code=codes.FILE_NOT_FOUND)
    if entry.filemode not in (pygit2.GIT_FILEMODE_BLOB, pygit2.GIT_FILEMODE_BLOB_EXECUTABLE):
        raise e.ValidationError(f"'{path}' is a symbolic link in commit {str(found.id)[:7]}, not an object file; "
                                "nothing was changed.", code=codes.NOT_A_REGULAR_FILE, details={"files": [path]})
    device = data.device_name or ref.device
    names = {d.name for d in ctx.backend.devices.list_devices()}
    if ref.domain == HARDWARE:
        if data.device_name and data.device_name != ref.device:
            raise e.ValidationError("A station is restored under its own name; leave deviceName out.",
                                    code=codes.INVALID_DEVICE)
        if device in names:
            raise e.ConflictError(
                f"The station '{device}' exists; a station is restored only when it is missing (delete it first).",
                code=codes.DEVICE_EXISTS,
            )
        return found, ref, entry.data, device, False
    if device not in names:
        raise e.NotFoundError(f"The device '{device}' was not found.", code=codes.DEVICE_NOT_FOUND)
    exists = any(o.name == ref.name for o in ctx.backend.program.list_program_objects(device))
    return found, ref, entry.data, device, exists


def restore(ctx: OperationContext, data: RestoreInput) -> RestoreResult:
    """Import one object file of a commit into the open project (replacing the object); all or nothing.

    Raises:
        NoProjectOpenError: no project is open.
        ConflictError: no repository yet; the station exists (``DEVICE_EXISTS``); the import clashes (a block
            number in use).
        NotFoundError: no such commit, file or device.
        ValidationError: a path outside the layout, or content the import refuses.
    """
    from engineering_api.domain.blockgen import import_documents

    found, ref, content, device, exists = _located(ctx, data)
    if ref.domain == HARDWARE:
        import_station(ctx, content)
    else:
        import_documents(ctx, device, [(ref.path, content, ref.folder)], overwrite=True)
    return RestoreResult(commit_sha=str(found.id), file_path=ref.path, device_name=device, domain=ref.domain,
                         item_name=ref.name, action="replaced" if exists else "created")


def restore_preview(ctx: OperationContext, data: RestoreInput) -> Preview:
    """Which object the restore would replace or create; fails like the restore."""
    found, ref, _, device, exists = _located(ctx, data)
    action = "replace" if exists else "create"
    return plan(
        f"Would {action} '{ref.name}' in '{device}' from commit {str(found.id)[:7]}.",
        [PlannedChange(action=action, kind="device" if ref.domain == HARDWARE else "object", name=ref.name,
                       device=device, detail=ref.path)],
    )
