"""Health & Status and TIA Portal Management operations."""

from __future__ import annotations

import sys
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.models import InstalledVersion, PortalInfo, SessionStatus, WhitelistEntry
from engineering_api.errors import codes
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.lib.bounds import ProcessId
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import Role

__all__ = ("OPERATIONS",)

HEALTH = "Health & Status"
PORTAL = "TIA Portal Management"


class AttachInput(CamelStruct):
    """Which portal process to attach to."""

    pid: ProcessId
    """Process id of the running TIA Portal to attach to (as the list of running TIA Portal processes shows it)."""


class LaunchInput(CamelStruct):
    """How to start TIA Portal."""

    with_user_interface: bool = False
    """Start TIA Portal with its window shown (default false: without a user interface)."""
    version: str | None = None
    """TIA Portal version to start, e.g. V19; the default installed version when omitted."""


class WhitelistInput(CamelStruct):
    """The application to allow; the running server's interpreter when omitted."""

    application_path: str | None = None
    """Path of the executable to allow to use Openness; the server's own interpreter when omitted."""


def _whitelist(ctx: OperationContext, data: WhitelistInput) -> WhitelistEntry:
    return ctx.backend.whitelist_application(data.application_path or sys.executable)


def _diagnostics(ctx: OperationContext, _: None) -> dict[str, Any]:
    return ctx.backend.diagnostics()


def _preview_shutdown(ctx: OperationContext, _: None) -> Preview:
    """Closing the portal closes its project without saving."""
    from engineering_api.domain.projects import close_changes

    status = ctx.backend.session_status()
    if not status.connected:
        raise e.PortalUnavailableError(
            "No TIA Portal is attached. Launch one (POST /api/instance/actions/launch) or attach to a running "
            "one (POST /api/instance/actions/attach).", code=codes.NO_PORTAL_ATTACHED,
        )
    portal = PlannedChange(action="close", kind="portal", name=f"pid {status.pid}",
                           detail=f"TIA Portal {status.version}, {status.mode}")
    if not status.project_open:
        return plan(f"Would close the attached TIA Portal (pid {status.pid}); no project is open.", [portal])
    changes, what = close_changes(ctx)
    warnings = ["The project is closed without saving; save it first to keep its changes."] if len(changes) > 1 else []
    return plan(f"Would close the attached TIA Portal (pid {status.pid}) and {what}.", [portal, *changes], warnings)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("health.diagnostics", HEALTH, "Full diagnostics: TIA connectivity, machine info, Openness permissions.",
         "/api/health/diagnostics", _diagnostics, None, dict[str, Any]),
    read("health.versions", HEALTH, "TIA Portal versions installed on this machine.", "/api/health/versions",
         lambda ctx, _: ctx.backend.installed_versions(), None, list[InstalledVersion]),
    read("instance.status", HEALTH, "Connection status and the project open in the attached portal.",
         "/api/instance/status", lambda ctx, _: ctx.backend.session_status(), None, SessionStatus),
    read("instances.list", PORTAL, "Running TIA Portal processes on this machine.", "/api/instances",
         lambda ctx, _: ctx.backend.list_portals(), None, list[PortalInfo]),
    read("instance.diagnostics", PORTAL, "Process diagnostics of the attached portal: memory, CPU, Openness.",
         "/api/instance/diagnostics", lambda ctx, _: ctx.backend.portal_process_diagnostics(), None, dict[str, Any],
         errors=(e.PortalUnavailableError,)),
    Operation(
        name="instance.attach", summary="Attach to a running TIA Portal process by its pid.", section=PORTAL,
        handler=lambda ctx, d: ctx.backend.attach_portal(d.pid), input=AttachInput, output=PortalInfo,
        route=RouteSpec("POST", "/api/instance/actions/attach"), errors=(e.NotFoundError, e.ConflictError),
        example={"pid": 7400},
    ),
    Operation(
        name="instance.launch", summary="Launch a TIA Portal instance and attach to it.", section=PORTAL,
        handler=lambda ctx, d: ctx.backend.launch_portal(with_ui=d.with_user_interface, version=d.version),
        input=LaunchInput, output=PortalInfo, route=RouteSpec("POST", "/api/instance/actions/launch"),
        long_running=True, errors=(e.ConflictError, e.ValidationError),
        example={"withUserInterface": False, "version": "V19"},
    ),
    Operation(
        name="instance.detach", summary="Detach from the portal; it keeps running with its project.",
        section=PORTAL, handler=lambda ctx, _: ctx.backend.detach_portal(), input=None, output=PortalInfo,
        route=RouteSpec("POST", "/api/instance/actions/detach"), errors=(e.PortalUnavailableError,),
    ),
    Operation(
        name="instance.shutdown", summary="Close the attached TIA Portal process (unsaved changes are lost).",
        section=PORTAL, handler=lambda ctx, _: ctx.backend.shutdown_portal(), input=None, output=PortalInfo,
        route=RouteSpec("POST", "/api/instance/actions/shutdown"), errors=(e.PortalUnavailableError,),
        destructive=True, preview=_preview_shutdown,
    ),
    Operation(
        name="tia.firewall.whitelist", summary="Allow an application through the TIA Openness firewall.",
        section=PORTAL, handler=_whitelist, input=WhitelistInput, output=WhitelistEntry,
        route=RouteSpec("POST", "/api/tia/firewall/whitelist"), role=Role.ADMIN,
        files={"application_path": FileRule(must_exist=True, allow_directory=False, inline=False)},
        errors=(e.NotFoundError, e.PermissionDeniedError),
    ),
)
