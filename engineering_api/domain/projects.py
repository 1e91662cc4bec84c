"""Project Operations: create, open, save, close, archive, retrieve, history, overview."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from engineering_api.backend import errors as e
from engineering_api.backend.models import (
    ArchiveInfo,
    HistoryEntry,
    IndexResult,
    ProjectCredentials,
    ProjectInfo,
    ProjectInfrastructure,
    ProjectOverview,
)
from engineering_api.domain import needs_reopen
from engineering_api.domain.project_credentials import ProjectCredentialStore
from engineering_api.domain.project_files import FILES_OPERATION
from engineering_api.errors import codes
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import Role
from engineering_api.rules.project_texts import ProjectTexts

__all__ = ("OPERATIONS", "close_changes")

SECTION = "Project Operations"
PROJECT_FILES = tuple(f".ap{v}" for v in range(16, 22))
ARCHIVES = tuple(f".zap{v}" for v in range(16, 22))


class CreateProjectInput(ProjectTexts):
    """A new project ``directory/name/name.apNN``; ``directory`` defaults to the first file root."""

    name: str
    """Project name; the project is created as directory/name/name.apNN."""
    directory: str | None = None
    """Parent directory, under one of the service's file roots; the first root when omitted."""
    author: str = ""
    comment: str = ""


class OpenProjectInput(CamelStruct):
    """The project file to open, inside the file roots."""

    path: str
    upgrade: bool = False
    """Upgrade a project of an older TIA version to open it (cannot be undone; otherwise 409
    ``PROJECT_UPGRADE_REQUIRED``)."""
    credentials: ProjectCredentials | None = None
    """A UMAC user for a protected project; never stored or returned. Default: the server's stored ones."""


class ArchiveInput(CamelStruct):
    """Where to write the ``.zapNN`` archive, and what to do with unsaved changes (by default: refuse, 409)."""

    archive_path: str
    """The archive file (.zapNN) to write, under one of the service's export roots."""
    save_first: bool = False
    """Save the project (after the target was checked), then archive it."""
    allow_unsaved: bool = False
    """Archive the last saved state without the unsaved changes; the result's ``warnings`` says so."""


class RetrieveInput(CamelStruct):
    """The archive and the folder to restore it into."""

    archive_path: str
    """The project archive (.zapNN) to restore, under one of the service's import roots."""
    target_directory: str | None = None
    """Folder to restore the project into; the first file root when omitted."""
    upgrade: bool = False
    """Upgrade a project of an older TIA version (cannot be undone; otherwise 409 ``PROJECT_UPGRADE_REQUIRED``)."""
    credentials: ProjectCredentials | None = None
    """A UMAC user for a protected project; never stored or returned. Default: the server's stored ones."""


class StoredCredentialsView(CamelStruct):
    """The server's stored UMAC credentials as shown: the password only as ``passwordSet``."""

    user: str | None = None
    user_type: str | None = None
    password_set: bool = False


def _credentials(ctx: OperationContext, given: ProjectCredentials | None) -> ProjectCredentials | None:
    """The request's credentials, else the server's stored ones (``PUT /api/projects/credentials``)."""
    return given if given is not None else ProjectCredentialStore(ctx.settings.data_dir).load()


def _stored_view(ctx: OperationContext) -> StoredCredentialsView:
    stored = ProjectCredentialStore(ctx.settings.data_dir).load()
    if stored is None:
        return StoredCredentialsView()
    return StoredCredentialsView(user=stored.user, user_type=stored.user_type, password_set=True)


def _store_credentials(ctx: OperationContext, data: ProjectCredentials) -> StoredCredentialsView:
    ProjectCredentialStore(ctx.settings.data_dir).save(data)
    return _stored_view(ctx)


def _clear_credentials(ctx: OperationContext, _: None) -> StoredCredentialsView:
    ProjectCredentialStore(ctx.settings.data_dir).clear()
    return _stored_view(ctx)


class HistoryEntryInput(CamelStruct):
    """The history entry to forget."""

    path: str


class SimulationSupportInput(CamelStruct):
    """Whether PLCSIM may be used with this project."""

    enabled: bool = True
    """True allows PLCSIM with this project (the project's simulation support setting), false forbids it."""


def _create(ctx: OperationContext, data: CreateProjectInput) -> ProjectInfo:
    ctx.progress(10, "creating project")
    directory = Path(data.directory) if data.directory else ctx.paths.roots[0]
    created = ctx.backend.create_project(directory, data.name, author=data.author, comment=data.comment)
    needs_reopen.clear(ctx)  # a new project is open: a mark left from before a restart is not its own
    return created


def _retrieve(ctx: OperationContext, data: RetrieveInput) -> ProjectInfo:
    ctx.progress(10, "extracting archive")
    target = Path(data.target_directory) if data.target_directory else ctx.paths.roots[0]
    retrieved = ctx.backend.retrieve_project(Path(data.archive_path), target, upgrade=data.upgrade,
                                             credentials=_credentials(ctx, data.credentials))
    needs_reopen.clear(ctx)
    return retrieved


def _archive(ctx: OperationContext, data: ArchiveInput) -> ArchiveInfo:
    if data.save_first and data.allow_unsaved:
        raise e.ValidationError(
            "saveFirst and allowUnsaved contradict each other: send one of them (or neither, to be told about unsaved "
            "changes with 409 UNSAVED_CHANGES).",
            code=codes.CONFLICTING_OPTIONS,
        )
    if data.save_first:
        needs_reopen.refuse_if_marked(ctx, "save the project before archiving it")
    ctx.progress(10, "archiving project")
    unsaved: Literal["refuse", "save",
                     "allow"] = "save" if data.save_first else "allow" if data.allow_unsaved else "refuse"
    return ctx.backend.archive_project(Path(data.archive_path), unsaved=unsaved)


def _open(ctx: OperationContext, data: OpenProjectInput) -> ProjectInfo:
    ctx.progress(10, "opening project")
    opened = ctx.backend.open_project(Path(data.path), upgrade=data.upgrade,
                                      credentials=_credentials(ctx, data.credentials))
    needs_reopen.clear(ctx)  # what is open now is what is on disk
    return opened


def _save(ctx: OperationContext, _: None) -> ProjectInfo:
    needs_reopen.refuse_if_marked(ctx, "save the project")
    return ctx.backend.save_project()


def _close(ctx: OperationContext, _: None) -> ProjectInfo:
    closed = ctx.backend.close_project()
    needs_reopen.clear(ctx)
    return closed


def close_changes(ctx: OperationContext) -> tuple[list[PlannedChange], str]:
    """What closing the open project does: close it and discard its unsaved changes (if any), and a phrase.

    Raises:
        PortalUnavailableError: no portal is attached.
        NoProjectOpenError: no project is open.
    """
    projects = ctx.backend.open_projects()
    if not projects:
        raise e.NoProjectOpenError("No project is open in the attached TIA Portal.")
    project = projects[0]
    unsaved = "the project has unsaved changes" if project.has_unsaved_changes else "no unsaved changes"
    changes = [PlannedChange(action="close", kind="project", name=project.name, detail=f"{project.path}; {unsaved}")]
    if project.has_unsaved_changes:
        changes.append(PlannedChange(
            action="discard", kind="project", name=project.name,
            detail="unsaved changes since the last save are lost (save first to keep them)",
        ))
        return changes, f"close the project '{project.name}' and discard its unsaved changes"
    return changes, f"close the project '{project.name}'; it has no unsaved changes, nothing would be lost"


def _preview_close(ctx: OperationContext, _: None) -> Preview:
    changes, what = close_changes(ctx)
    warnings = []
    if len(changes) > 1:
        warnings.append("Save the project first (POST /api/projects/actions/save-sync) to keep its changes.")
    return plan(f"Would {what}.", changes, warnings)


_NEEDS_PROJECT = (e.NoProjectOpenError, e.PortalUnavailableError)

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="projects.credentials.set",
        summary="Store the UMAC credentials used to open protected projects when a request brings none (admin).",
        section=SECTION, handler=_store_credentials, input=ProjectCredentials, output=StoredCredentialsView,
        route=RouteSpec("PUT", "/api/projects/credentials"), role=Role.ADMIN, errors=(e.ValidationError,),
        example={"user": "pipeline", "password": "…", "userType": "Project"},
    ),
    Operation(
        name="projects.credentials.clear", summary="Forget the stored UMAC credentials (admin).", section=SECTION,
        handler=_clear_credentials, input=None, output=StoredCredentialsView,
        route=RouteSpec("DELETE", "/api/projects/credentials"), role=Role.ADMIN,
    ),
    read("projects.credentials.show", SECTION, "Which UMAC user is stored (the password only as passwordSet).",
         "/api/projects/credentials", lambda ctx, _: _stored_view(ctx), None, StoredCredentialsView, role=Role.ADMIN),
    read("projects.list", SECTION, "Projects open in the attached TIA Portal.", "/api/projects",
         lambda ctx, _: ctx.backend.open_projects(), None, list[ProjectInfo], errors=(e.PortalUnavailableError,)),
    read("projects.overview", SECTION, "Overview of the open project: devices, subnets, state.",
         "/api/projects/overview", lambda ctx, _: ctx.backend.project_overview(), None, ProjectOverview,
         errors=_NEEDS_PROJECT),
    Operation(
        name="projects.create", summary="Create a new empty project and open it.", section=SECTION,
        handler=_create, input=CreateProjectInput, output=ProjectInfo,
        route=RouteSpec("POST", "/api/projects/actions/create-sync"),
        async_route=RouteSpec("POST", "/api/projects/actions/create"), long_running=True,
        files={"directory": FileRule()},
        example={"name": "Line1", "directory": "projects", "author": "pipeline", "comment": "generated"},
        errors=(e.ValidationError, e.AlreadyExistsError, e.ConflictError, e.PortalUnavailableError),
    ),
    Operation(
        name="projects.open", summary="Open a project file (.ap16 … .ap21).", section=SECTION, handler=_open,
        input=OpenProjectInput, output=ProjectInfo, route=RouteSpec("POST", "/api/projects/actions/open-sync"),
        async_route=RouteSpec("POST", "/api/projects/actions/open"), long_running=True,
        files={"path": FileRule(extensions=PROJECT_FILES, must_exist=True, allow_directory=False, inline=False)},
        example={"path": "projects/Line1/Line1.ap19"},
        errors=(e.NotFoundError, e.ValidationError, e.LockedError, e.ConflictError, e.PermissionDeniedError,
                e.NotSupportedError, e.PortalUnavailableError),
    ),
    Operation(
        name="projects.save", summary="Save the open project.", section=SECTION,
        handler=_save, input=None, output=ProjectInfo,
        route=RouteSpec("POST", "/api/projects/actions/save-sync"),
        async_route=RouteSpec("POST", "/api/projects/actions/save"), long_running=True, errors=_NEEDS_PROJECT,
    ),
    Operation(
        name="projects.close", summary="Close the open project; unsaved changes are discarded.", section=SECTION,
        handler=_close, input=None, output=ProjectInfo,
        route=RouteSpec("POST", "/api/projects/actions/close-sync"),
        async_route=RouteSpec("POST", "/api/projects/actions/close"), long_running=True, errors=_NEEDS_PROJECT,
        destructive=True, preview=_preview_close,
    ),
    Operation(
        name="projects.archive",
        summary="Archive the saved project to a .zapNN file; with unsaved changes 409 unless saveFirst or "
                "allowUnsaved.",
        section=SECTION,
        handler=_archive, input=ArchiveInput, output=ArchiveInfo,
        route=RouteSpec("POST", "/api/projects/actions/archive-sync"),
        async_route=RouteSpec("POST", "/api/projects/actions/archive"), long_running=True,
        files={"archive_path": FileRule(extensions=ARCHIVES, allow_directory=False)},
        example={"archivePath": "archives/Line1.zap19", "saveFirst": True},
        errors=(e.ValidationError, e.AlreadyExistsError, e.ConflictError, *_NEEDS_PROJECT),
    ),
    Operation(
        name="projects.retrieve", summary="Restore a project from a .zapNN archive and open it.", section=SECTION,
        handler=_retrieve, input=RetrieveInput, output=ProjectInfo,
        route=RouteSpec("POST", "/api/projects/actions/create-from-archive-sync"),
        async_route=RouteSpec("POST", "/api/projects/actions/create-from-archive"), long_running=True,
        client_async_routes=(RouteSpec("POST", "/api/projects/actions/retrieve"),),
        files={
            "archive_path": FileRule(extensions=ARCHIVES, must_exist=True, allow_directory=False),
            "target_directory": FileRule(),
        },
        example={"archivePath": "archives/Line1.zap19", "targetDirectory": "restored"},
        errors=(e.NotFoundError, e.ValidationError, e.AlreadyExistsError, e.ConflictError, e.PermissionDeniedError,
                e.NotSupportedError, e.PortalUnavailableError),
    ),
    read("projects.history", SECTION, "Recently opened projects, newest first.", "/api/projects/history",
         lambda ctx, _: ctx.backend.recent_projects(), None, list[HistoryEntry]),
    Operation(
        name="projects.history.remove", summary="Remove an entry from the project history.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.forget_recent_project(d.path), input=HistoryEntryInput,
        output=list[HistoryEntry], route=RouteSpec("DELETE", "/api/projects/history"), errors=(e.NotFoundError,),
    ),
    read("projects.infrastructure", SECTION, "Subnets, IO systems and connections of the open project.",
         "/api/projects/infrastructure", lambda ctx, _: ctx.backend.project_infrastructure(), None,
         ProjectInfrastructure, errors=_NEEDS_PROJECT),
    Operation(
        name="projects.simulation-support", summary="Enable or disable simulation support (PLCSIM) for the project.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.set_simulation_support(d.enabled),
        input=SimulationSupportInput, output=ProjectInfo,
        route=RouteSpec("POST", "/api/projects/actions/simulation-support"), errors=_NEEDS_PROJECT,
        example={"enabled": True},
    ),
    Operation(
        name="projects.index", summary="Index the open project and count its objects.", section=SECTION,
        handler=lambda ctx, _: ctx.backend.index_project(), input=None, output=IndexResult,
        route=RouteSpec("POST", "/api/projects/actions/index"), errors=_NEEDS_PROJECT,
    ),
    FILES_OPERATION,
)
