"""``GET /api/testharness/results/{runId}/junit``: a recorded test run as JUnit XML (:mod:`.junit_report` writes it;
the offline ``test run`` uses the writer without the server)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from engineering_api.backend.errors import NotFoundError
from engineering_api.lib.responses import problem_responses

from .store import TestStore

if TYPE_CHECKING:
    from engineering_api.services import Services

__all__ = ("JunitController",)


class JunitController(Controller):
    """A recorded test run as JUnit XML."""

    tags = ["Test Harness"]

    @get(
        "/api/testharness/results/{runId:str}/junit", operation_id="GetTestRunJunit", media_type="application/xml",
        responses=problem_responses("viewer", params=True, errors=(NotFoundError,)),
    )
    async def junit(self, request: Request[Any, Any, Any], runId: FromPath[str]) -> Response[bytes]:
        """One recorded run (``runId`` from a run's result) as JUnit XML; 404 ``TEST_RUN_NOT_FOUND`` once 50 later
        runs have replaced it."""
        services: Services = request.app.state.services
        run = TestStore(services.jobs.state).run(runId)
        name = f"plc-tests-{runId}.xml"
        from .junit_report import junit_xml  # the report's writer loads with the first report asked for, not at start

        return Response(content=junit_xml(run), media_type="application/xml",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
