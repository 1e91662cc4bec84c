"""Routes of inbound pulls: ``/api/runtime/pulls`` (CRUD, run-now, the run log) with an engineering admin key, and
the ERP's webhook with a runtime bearer token holding ``write``. Each serves a call of
:data:`~engineering_api.runtime.pulls_calls.PULL_OPERATIONS`.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from engineering_api.lib.responses import Envelope, ok
from engineering_api.runtime.actions import NoInput
from engineering_api.runtime.call_routes import declared, run_call
from engineering_api.runtime.pulls import PullDefinition, PullInput
from engineering_api.runtime.pulls_calls import PullEdit, PullId, PullWebhook, RunsQuery
from engineering_api.runtime.pulls_mapping import MAX_DOCUMENT_BYTES
from engineering_api.runtime.pulls_runner import PullRun

__all__ = ("PULL_ROUTES", "PullController")

_ONE = "/pulls/{pullId:str}"


class ListRuntimePullsResponse(Envelope[list[PullDefinition]]): ...


class RuntimePullResponse(Envelope[PullDefinition]): ...


class RuntimePullRunResponse(Envelope[PullRun]): ...


class ListRuntimePullRunsResponse(Envelope[list[PullRun]]): ...


class PullController(Controller):
    """Inbound pulls: data from an ERP (fetched, or posted to a webhook) written to runtime tags."""

    tags = ["Runtime API"]
    path = "/api/runtime"

    @get("/pulls", operation_id="ListRuntimePulls", sync_to_thread=True, **declared("runtime.pulls.list"))
    def list_pulls(self, request: Request[Any, Any, Any]) -> Response[ListRuntimePullsResponse]:
        """Every pull definition by name, with its last outcome; secrets only as ``secretSet``."""
        return ok(run_call(request, "runtime.pulls.list", NoInput()))

    @post("/pulls", operation_id="CreateRuntimePull", status_code=201, sync_to_thread=True,
          **declared("runtime.pulls.create", body=True))
    def create_pull(self, request: Request[Any, Any, Any], data: JSONBody[PullInput]) -> Response[RuntimePullResponse]:
        """Add a pull (ValidationError: PULL_MAPPING_INVALID for a path, or a tag that is unknown, read-only or of
        a type a pull does not write, PULL_SOURCE_INVALID, PULL_NAME_TAKEN)."""
        saved = run_call(request, "runtime.pulls.create", data)
        return ok(saved, f"pull {saved.name} created", status_code=201)

    @get(_ONE, operation_id="GetRuntimePull", sync_to_thread=True, **declared("runtime.pulls.get", params=True))
    def get_pull(self, request: Request[Any, Any, Any], pullId: FromPath[str]) -> Response[RuntimePullResponse]:
        """One pull definition (NotFoundError: PULL_NOT_FOUND)."""
        return ok(run_call(request, "runtime.pulls.get", PullId(pull_id=pullId)))

    @put(_ONE, operation_id="UpdateRuntimePull", sync_to_thread=True,
         **declared("runtime.pulls.update", body=True, params=True))
    def update_pull(
        self, request: Request[Any, Any, Any], pullId: FromPath[str], data: JSONBody[PullInput],
    ) -> Response[RuntimePullResponse]:
        """Replace a pull; an omitted token/password stays for the same URL and auth type (errors as create)."""
        saved = run_call(request, "runtime.pulls.update", PullEdit(**msgspec.structs.asdict(data), pull_id=pullId))
        return ok(saved, f"pull {saved.name} saved")

    @delete(_ONE, operation_id="DeleteRuntimePull", status_code=200, sync_to_thread=True,
            **declared("runtime.pulls.delete", params=True))
    def delete_pull(self, request: Request[Any, Any, Any], pullId: FromPath[str]) -> Response[RuntimePullResponse]:
        """Delete a pull, its interval and its run log (NotFoundError)."""
        gone = run_call(request, "runtime.pulls.delete", PullId(pull_id=pullId))
        return ok(gone, f"pull {gone.name} deleted")

    @post(f"{_ONE}/actions/run", operation_id="RunRuntimePull", status_code=200, sync_to_thread=True,
          **declared("runtime.pulls.run", params=True))
    def run_pull(self, request: Request[Any, Any, Any], pullId: FromPath[str]) -> Response[RuntimePullRunResponse]:
        """Fetch the source now and write the mapped tags, all or none; the run (``Failed`` with the fields that
        failed, or the source's status) is in the answer and the run log."""
        run = run_call(request, "runtime.pulls.run", PullId(pull_id=pullId))
        return ok(run, f"pull run {run.status}")

    @get(f"{_ONE}/runs", operation_id="ListRuntimePullRuns", sync_to_thread=True,
         **declared("runtime.pulls.runs.list", params=True))
    def runs(
        self, request: Request[Any, Any, Any], pullId: FromPath[str],
        limit: Annotated[int, QueryParameter(ge=1, le=50, description="Runs, newest first")] = 50,
    ) -> Response[ListRuntimePullRunsResponse]:
        """The run log: per run its trigger, status, the tags written or the fields that failed."""
        return ok(run_call(request, "runtime.pulls.runs.list", RunsQuery(pull_id=pullId, limit=limit)))

    @post(f"{_ONE}/webhook", operation_id="PostRuntimePullWebhook", status_code=200,
          **declared("runtime.pulls.webhook", body=True, params=True))
    async def webhook(self, request: Request[Any, Any, Any], pullId: FromPath[str]
                      ) -> Response[RuntimePullRunResponse]:
        """The ERP posts the pull's document (``application/json`` or ``application/xml``, at most 1 MB); the mapped
        tags are written, all or none (422 PULL_MAPPING_FAILED naming each field that failed, nothing written)."""
        from anyio import to_thread

        raw = await request.body()
        posted = PullWebhook(pull_id=pullId, document=raw[:MAX_DOCUMENT_BYTES + 1],
                             content_type=request.headers.get("content-type", "")[:200])
        run = await to_thread.run_sync(run_call, request, "runtime.pulls.webhook", posted)
        return ok(run, f"pull run {run.status}")


PULL_ROUTES = (PullController,)
"""The pulls' controller, for :data:`engineering_api.runtime.ROUTES`."""
