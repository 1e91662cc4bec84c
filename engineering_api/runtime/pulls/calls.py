"""The runtime API's pull calls: inbound data from an ERP or any HTTP source, written to runtime tags.

Each is an operation of the one registry like :data:`~engineering_api.runtime.pushes.calls.PUSH_OPERATIONS`: the
definitions, run-now and the run log need the runtime's admin role (an engineering admin key holds it), the webhook
the runtime role ``write`` (the ERP's runtime user or OAuth client). REST only, with why. The routes
(:mod:`engineering_api.runtime.pulls.routes`) take their options from these declarations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.jobs.operations import CallRoute, RouteSpec
from engineering_api.lib.responses import Envelope
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import NoInput, runtime_call
from engineering_api.runtime.pulls.definitions import PullDefinition, PullInput
from engineering_api.runtime.pulls.runner import PullRun, pulls_of
from engineering_api.runtime.users import RuntimeRole

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService

__all__ = ("PULL_OPERATIONS", "PullEdit", "PullId", "PullWebhook", "RunsQuery")

_SOURCES = "a pull fetches another system's data with that system's credentials and writes PLC tags, which only an " \
           "admin on REST configures; the webhook is the ERP's own call"
_PULLS = "/api/runtime/pulls"
_ONE = _PULLS + "/{pullId}"
_PullId = Annotated[str, msgspec.Meta(max_length=256)]


class PullId(CamelStruct):
    """The pull, by id."""

    pull_id: _PullId


class PullEdit(PullInput):
    """A pull's new definition (an omitted token/password stays for the same URL and auth type)."""

    pull_id: _PullId = ""


class RunsQuery(CamelStruct):
    """A pull's run log, newest first."""

    pull_id: _PullId
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 50


class PullWebhook(CamelStruct):
    """A document the ERP posted for a pull: its bytes and media type."""

    pull_id: _PullId
    document: bytes
    content_type: Annotated[str, msgspec.Meta(max_length=200)] = ""


def _save(runtime: RuntimeService, data: PullInput, pull_id: str | None) -> PullDefinition:
    runner = pulls_of(runtime.services)
    runner.check_tags(runtime, data.mapping)
    saved = runner.store.save(data, pull_id)
    runner.schedule(saved)
    return saved


def _list(runtime: RuntimeService, _query: NoInput, _caller: str) -> list[PullDefinition]:
    return pulls_of(runtime.services).store.list()


def _create(runtime: RuntimeService, new: PullInput, _caller: str) -> PullDefinition:
    return _save(runtime, new, None)


def _get(runtime: RuntimeService, query: PullId, _caller: str) -> PullDefinition:
    return pulls_of(runtime.services).store.get(query.pull_id)


def _update(runtime: RuntimeService, edit: PullEdit, _caller: str) -> PullDefinition:
    return _save(runtime, edit, edit.pull_id)


def _delete(runtime: RuntimeService, query: PullId, _caller: str) -> PullDefinition:
    runner = pulls_of(runtime.services)
    gone = runner.store.delete(query.pull_id)
    runner.unschedule(query.pull_id)
    runner.forget(query.pull_id)
    return gone


def _run(runtime: RuntimeService, query: PullId, _caller: str) -> PullRun:
    runner = pulls_of(runtime.services)
    if runner.store.get(query.pull_id).source is None:
        raise ValidationError("This pull has no source to fetch; the ERP posts its document to the webhook.",
                              code=codes.PULL_SOURCE_INVALID)
    return runner.run(runtime, query.pull_id, "run")


def _runs(runtime: RuntimeService, query: RunsQuery, _caller: str) -> list[PullRun]:
    return pulls_of(runtime.services).runs(query.pull_id, query.limit)


def _webhook(runtime: RuntimeService, posted: PullWebhook, _caller: str) -> PullRun:
    runner = pulls_of(runtime.services)
    definition = runner.store.get(posted.pull_id)
    if not definition.accept_webhook or not definition.enabled:
        # as an unknown pull: a caller with the write role learns nothing of pulls not meant for it
        raise NotFoundError(f"No pull {posted.pull_id!r} accepts a webhook.", code=codes.PULL_NOT_FOUND)
    run = runner.run(runtime, posted.pull_id, "webhook", posted.document, posted.content_type)
    if run.status == "Failed":
        raise ValidationError(run.error or "the document could not be mapped", code=codes.PULL_MAPPING_FAILED,
                              details={"failedFields": run.failed_fields, "runId": run.run_id})
    return run



class ListRuntimePullsResponse(Envelope[list[PullDefinition]]): ...


class RuntimePullResponse(Envelope[PullDefinition]): ...


class RuntimePullRunResponse(Envelope[PullRun]): ...


class ListRuntimePullRunsResponse(Envelope[list[PullRun]]): ...


_ERRORS = (ValidationError, NotFoundError)
_ADMIN = RuntimeRole.ADMIN
PULL_OPERATIONS: tuple[Operation[Any, Any], ...] = (
    runtime_call("runtime.pulls.list", "Every pull definition by name, with its last outcome; secrets only as "
                 "secretSet.", NoInput, list[PullDefinition], _ADMIN, _list, RouteSpec("GET", _PULLS),
                 no_mcp_tool=_SOURCES,
                 built_route=CallRoute("ListRuntimePulls", ListRuntimePullsResponse),
                 description="Every pull definition by name, with its last outcome; secrets only as ``secretSet``."),
    runtime_call("runtime.pulls.create", "Add a pull: a source, an interval, a mapping of tags to document fields.",
                 PullInput, PullDefinition, _ADMIN, _create, RouteSpec("POST", _PULLS), _ERRORS, mutating=True,
                 no_mcp_tool=_SOURCES,
                 built_route=CallRoute("CreateRuntimePull", RuntimePullResponse, 201),
                 description="Add a pull (ValidationError: PULL_MAPPING_INVALID for a path, or a tag that is "
                             "unknown, read-only or of a type a pull does not write, PULL_SOURCE_INVALID, "
                             "PULL_NAME_TAKEN).",
                 message=lambda saved: f"pull {saved.name} created"),
    runtime_call("runtime.pulls.get", "One pull definition.", PullId, PullDefinition, _ADMIN, _get,
                 RouteSpec("GET", _ONE), (NotFoundError,), no_mcp_tool=_SOURCES,
                 built_route=CallRoute("GetRuntimePull", RuntimePullResponse),
                 description="One pull definition (NotFoundError: PULL_NOT_FOUND)."),
    runtime_call("runtime.pulls.update", "Replace a pull; an omitted token/password stays for the same URL and auth "
                 "type.", PullEdit, PullDefinition, _ADMIN, _update, RouteSpec("PUT", _ONE), _ERRORS, mutating=True,
                 no_mcp_tool=_SOURCES,
                 built_route=CallRoute("UpdateRuntimePull", RuntimePullResponse, body=PullInput),
                 description="Replace a pull; an omitted token/password stays for the same URL and auth type "
                             "(errors as create).",
                 message=lambda saved: f"pull {saved.name} saved"),
    runtime_call("runtime.pulls.delete", "Delete a pull, its interval and its run log.", PullId, PullDefinition,
                 _ADMIN, _delete, RouteSpec("DELETE", _ONE), (NotFoundError,), mutating=True, no_mcp_tool=_SOURCES,
                 built_route=CallRoute("DeleteRuntimePull", RuntimePullResponse),
                 description="Delete a pull, its interval and its run log (NotFoundError).",
                 message=lambda gone: f"pull {gone.name} deleted"),
    runtime_call("runtime.pulls.run", "Fetch the source now and write the mapped tags (all or none).", PullId, PullRun,
                 _ADMIN, _run, RouteSpec("POST", _ONE + "/actions/run"), _ERRORS, mutating=True,
                 no_mcp_tool=_SOURCES,
                 built_route=CallRoute("RunRuntimePull", RuntimePullRunResponse),
                 description="Fetch the source now and write the mapped tags, all or none; the run (``Failed`` with "
                             "the fields that failed, or the source's status) is in the answer and the run log.",
                 message=lambda run: f"pull run {run.status}"),
    runtime_call("runtime.pulls.runs.list", "The run log: per run its trigger, status, the tags written or the fields "
                 "that failed.", RunsQuery, list[PullRun], _ADMIN, _runs, RouteSpec("GET", _ONE + "/runs"),
                 (NotFoundError,), no_mcp_tool=_SOURCES,
                 built_route=CallRoute("ListRuntimePullRuns", ListRuntimePullRunsResponse,
                                       query_docs={"limit": "Runs, newest first"}),
                 description="The run log: per run its trigger, status, the tags written or the fields that failed."),
    runtime_call("runtime.pulls.webhook", "The ERP posts a pull's document (JSON or XML); the mapped tags are written "
                 "(all or none).", PullWebhook, PullRun, RuntimeRole.WRITE, _webhook,
                 RouteSpec("POST", _ONE + "/webhook"), _ERRORS, mutating=True, no_mcp_tool=_SOURCES),
)
"""Registered by :func:`engineering_api.app.registry` with the other runtime calls."""
