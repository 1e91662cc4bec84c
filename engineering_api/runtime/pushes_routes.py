"""Admin routes of scheduled pushes: ``/api/runtime/pushes`` (CRUD), their delivery log, re-send and dry run.

Engineering admin key, like runtime connections: a push sends plant data to another system. Secrets (bearer token,
basic password, header token) are write-only; a dry run shows them redacted. Each route serves a call of
:data:`~engineering_api.runtime.pushes_calls.PUSH_OPERATIONS`; all but the delivery log (a query) are built from their
declarations.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from engineering_api.lib.responses import ok
from engineering_api.runtime.call_routes import declared, run_call
from engineering_api.runtime.pushes_calls import (
    ListRuntimePushDeliveriesResponse,
    DeliveriesQuery,
)

__all__ = ("PUSH_ROUTES", "PushController")

_ONE = "/pushes/{pushId:str}"


class PushController(Controller):
    """Scheduled pushes of tag values and shift aggregates to an ERP, through an outbox."""

    tags = ["Runtime API"]
    path = "/api/runtime"

    @get(f"{_ONE}/deliveries", operation_id="ListRuntimePushDeliveries", sync_to_thread=True,
         **declared("runtime.pushes.deliveries.list", params=True))
    def deliveries(
        self, request: Request[Any, Any, Any], pushId: FromPath[str],
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="Periods, newest first")] = 100,
    ) -> Response[ListRuntimePushDeliveriesResponse]:
        """The delivery log: per period its status, attempts, last error and the target's response code."""
        return ok(run_call(request, "runtime.pushes.deliveries.list", DeliveriesQuery(push_id=pushId, limit=limit)))

PUSH_ROUTES = (PushController,)
"""The scheduled pushes' controllers, for :data:`engineering_api.runtime.ROUTES`."""
