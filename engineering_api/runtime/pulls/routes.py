"""Routes of inbound pulls: ``/api/runtime/pulls`` (CRUD, run-now, the run log) with an engineering admin key, and
the ERP's webhook with a runtime bearer token holding ``write``. Each serves a call of
:data:`~engineering_api.runtime.pulls.calls.PULL_OPERATIONS`; all but the webhook (a raw document the route reads
itself) are built from their declarations.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.params import FromPath

from engineering_api.lib.responses import ok
from engineering_api.runtime.call_routes import declared, run_call
from engineering_api.runtime.pulls.calls import PullWebhook, RuntimePullRunResponse
from engineering_api.runtime.pulls.mapping import MAX_DOCUMENT_BYTES

__all__ = ("PULL_ROUTES", "PullController")

_ONE = "/pulls/{pullId:str}"


class PullController(Controller):
    """Inbound pulls: data from an ERP (fetched, or posted to a webhook) written to runtime tags."""

    tags = ["Runtime API"]
    path = "/api/runtime"

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
