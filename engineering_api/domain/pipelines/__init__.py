"""Pipelines (``/api/pipelines``): named sequences of registry operations, run as one job, by hand or on a schedule.

A pipeline is data (:mod:`.models`), checked when saved (:mod:`.checks`), run step by step inside one job
(:mod:`.runner`) and recorded as an execution; :mod:`.templates` ships the common ones and :mod:`.schedules` runs
``trigger: schedule`` pipelines through APScheduler. The routes and shapes are those of T-IA Connect's client
(``src/api/pipelines.ts``): ``GET /api/pipelines`` names, ``GET|DELETE /api/pipelines/{name}``, ``POST
/api/pipelines`` (save), ``POST /api/pipelines/{name}/run`` (202 with a job whose result is the execution),
``GET /api/pipelines/executions[?name=&limit=]``, ``GET /api/pipelines/executions/{id}``, ``GET
/api/pipelines/templates`` and ``POST /api/pipelines/templates/{templateId}/instantiate``.

    {"name": "Nightly build", "trigger": "schedule", "schedule": {"cron": "0 2 * * *"},
     "variables": {"deviceName": "PLC_1"},
     "steps": [{"name": "Compile", "action": "devices.compile-hardware", "params": {"deviceName": "${deviceName}"}},
               {"name": "Test", "action": "testharness.run", "params": {"testName": "*"}, "retryCount": 1},
               {"name": "Report", "action": "vcs.commit", "params": {"message": "nightly ${date}"},
                "condition": "${steps.Test.status} == 'Completed'"}]}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from engineering_api.backend import errors as e
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan, plural
from engineering_api.lib.redact import redacted
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.security import Role

from . import schedules
from .checks import check_schedule, check_steps, check_variables, step_operation
from .expressions import builtin_values, substitute
from .models import (
    MAX_STEPS,
    NAME,
    PipelineDefinition,
    PipelineExecution,
    PipelineStepInput,
    PipelineTemplateSummary,
    RunPipelineInput,
    ScheduleSpec,
)
from .store import EXECUTIONS_KEPT, store_for
from .templates import TEMPLATES

__all__ = ("OPERATIONS", "SECTION", "RunPipelineInput")

SECTION = "Pipelines"
BASE = "/api/pipelines"
_RESERVED = frozenset({"executions", "templates"})
"""Names that are paths under /api/pipelines."""
_EXAMPLE = {
    "name": "Build and test",
    "description": "Compile PLC_1 and run its tests.",
    "trigger": "manual",
    "variables": {"deviceName": "PLC_1"},
    "steps": [
        {"name": "Compile", "action": "devices.compile-hardware", "params": {"deviceName": "${deviceName}"}},
        {"name": "Test", "action": "testharness.run", "params": {"testName": "*", "deviceName": "${deviceName}"},
         "retryCount": 1, "retryDelayMs": 2000},
    ],
    "onFailure": "stop",
}


class PipelineRef(CamelStruct):
    """A pipeline by name (case-insensitive)."""

    name: str
    """Name of the pipeline (case-insensitive)."""


class SavePipelineInput(CamelStruct):
    """A pipeline as T-IA Connect's client sends it; ``overwrite`` replaces one of the same name instead of
    answering 409. ``createdAt``/``updatedAt``/``nextRunAt`` from an earlier GET are ignored."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    """Name of the pipeline, 1 to 100 characters."""
    steps: Annotated[list[PipelineStepInput], msgspec.Meta(min_length=1, max_length=MAX_STEPS)]
    """The steps, run in order (1 to 100)."""
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    trigger: Literal["manual", "schedule"] = "manual"
    schedule: ScheduleSpec | None = None
    """When a pipeline with trigger schedule runs; needed for that trigger."""
    variables: dict[str, Any] = {}
    """Default values of the variables the steps reference as ${name}; null means each run must give one."""
    on_failure: Annotated[str, msgspec.Meta(max_length=20)] = "stop"
    """What a failed step does unless it says otherwise: stop (the default) or continue."""
    overwrite: bool = False



class ExecutionsInput(CamelStruct):
    """The newest executions, of one pipeline when ``name`` is given."""

    name: str | None = None
    """Only executions of this pipeline; of every pipeline when omitted."""
    limit: Annotated[int, msgspec.Meta(ge=1, le=EXECUTIONS_KEPT)] = 20


class ExecutionRef(CamelStruct):
    """One execution by id."""

    id: str
    """Id of the execution, as the run or the execution list returned it."""


class TemplateRef(CamelStruct):
    """Make a pipeline from a template (``GET /api/pipelines/templates`` lists them): ``parameters`` set the
    template's variables; ``overwrite`` replaces a pipeline of that name."""

    template_id: str
    """Id of the template, as GET /api/pipelines/templates lists it."""
    pipeline_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    """Name of the new pipeline, 1 to 100 characters."""
    parameters: dict[str, Any] = {}
    """Values of the template's variables, by name."""
    overwrite: bool = False


def _definition(ctx: OperationContext, data: SavePipelineInput) -> PipelineDefinition:
    """The checked definition a save would store.

    Raises:
        ValidationError: ``PIPELINE_INVALID`` or ``PIPELINE_SCHEDULE_INVALID``, naming what is wrong.
    """
    if not NAME.match(data.name) or data.name.lower() in _RESERVED:
        raise e.ValidationError(
            f"Pipeline name '{data.name}': letters, digits, '_', '-', '.' and spaces, not 'executions' or "
            "'templates'.", code=codes.PIPELINE_INVALID,
        )
    check_variables(data.variables)
    check_schedule(data.trigger, data.schedule)
    steps = check_steps(data.steps, data.variables, ctx.operations, data.on_failure)
    if data.trigger == "schedule":
        for step in steps:
            needed = step_operation(ctx.operations, step).required_role
            if not Role.ENGINEER.allows(needed):
                raise e.ValidationError(
                    f"Step '{step.name}' needs the {needed.value} role, but a scheduled run has the engineer role; "
                    "run this pipeline by hand instead.", code=codes.PIPELINE_INVALID, details={"step": step.name},
                )
    return PipelineDefinition(
        name=data.name, description=data.description, trigger=data.trigger, variables=data.variables, steps=steps,
        on_failure=data.on_failure.strip().lower(), created_at=utc_now(), schedule=data.schedule,
    )


def _with_next_run(ctx: OperationContext, definition: PipelineDefinition) -> PipelineDefinition:
    return msgspec.structs.replace(definition, next_run_at=schedules.next_run(ctx, definition))


def _save(ctx: OperationContext, data: SavePipelineInput) -> PipelineDefinition:
    definition = _definition(ctx, data)
    store = store_for(ctx)
    store.check_put(definition.name, overwrite=data.overwrite)
    schedules.reschedule(ctx, definition)  # first: a scheduler that refuses it leaves the old pipeline stored
    return _with_next_run(ctx, store.put(definition, overwrite=data.overwrite))


def _delete(ctx: OperationContext, data: PipelineRef) -> PipelineDefinition:
    removed = store_for(ctx).delete(data.name)
    schedules.reschedule(ctx, None, removed=removed.name)
    return removed


def _run(ctx: OperationContext, data: RunPipelineInput) -> PipelineExecution:
    # The runner loads with a pipeline's first run or preview: a start (and a CI job that runs no pipeline) does
    # not pay for its import. Its checks and expressions are loaded anyway (the schedules read the checks).
    from .runner import run_pipeline

    return run_pipeline(ctx, store_for(ctx).get(data.name), data.variables)


def _template(template_id: str) -> Any:
    found = next((t for t in TEMPLATES if t.id.lower() == template_id.lower()), None)
    if found is None:
        raise e.NotFoundError(
            f"No pipeline template '{template_id}' (GET /api/pipelines/templates lists them: "
            f"{', '.join(t.id for t in TEMPLATES)}).", code=codes.PIPELINE_TEMPLATE_NOT_FOUND,
        )
    return found


def _from_template(data: TemplateRef) -> SavePipelineInput:
    template = _template(data.template_id)
    declared = {name.lower(): name for name, _, _ in template.variables}
    unknown = [key for key in data.parameters if key.lower() not in declared]
    if unknown:
        raise e.ValidationError(
            f"The template '{template.id}' has no variable {', '.join(unknown)} (it has: "
            f"{', '.join(declared.values())}).",
            code=codes.PIPELINE_VARIABLE_UNKNOWN, details={"variables": unknown},
        )
    variables = {name: default for name, default, _ in template.variables}
    variables.update({declared[key.lower()]: value for key, value in data.parameters.items()})
    return msgspec.convert({
        "name": data.pipeline_name, "description": template.description, "trigger": template.trigger,
        "schedule": template.schedule, "variables": variables, "steps": list(template.steps),
        "onFailure": template.on_failure, "overwrite": data.overwrite,
    }, SavePipelineInput)


def _summary(definition: PipelineDefinition) -> str:
    when = f", on schedule '{definition.schedule.cron}'" if definition.schedule else ""
    return f"{plural(len(definition.steps), 'step')}{when}, updated {definition.updated_at or definition.created_at}"


def _preview_save(ctx: OperationContext, data: SavePipelineInput) -> Preview:
    definition = _definition(ctx, data)
    old = store_for(ctx).check_put(definition.name, overwrite=data.overwrite)
    if old is None:
        return plan(
            f"Would store the new pipeline '{definition.name}'; nothing would be overwritten.",
            [PlannedChange(action="create", kind="pipeline", name=definition.name, detail=_summary(definition))],
        )
    return plan(f"Would replace the pipeline '{old.name}' ({_summary(old)}).",
                [PlannedChange(action="overwrite", kind="pipeline", name=old.name, detail=_summary(old))])


def _preview_delete(ctx: OperationContext, data: PipelineRef) -> Preview:
    found = store_for(ctx).get(data.name)
    warnings = ["Its schedule is removed too."] if found.trigger == "schedule" else []
    return plan(f"Would delete the pipeline '{found.name}' (its executions stay).",
                [PlannedChange(action="delete", kind="pipeline", name=found.name, detail=_summary(found))], warnings)


def _preview_run(ctx: OperationContext, data: RunPipelineInput) -> Preview:
    from .runner import resolve_variables  # with the first preview (see _run)

    definition = store_for(ctx).get(data.name)
    variables = resolve_variables(definition, data.variables)
    builtins = builtin_values(definition.name, "(new)", utc_now())

    def shown(name: str) -> Any:  # what an earlier step produces is known only when it has run
        return variables.get(name, builtins.get(name, "${" + name + "}"))

    changes, warnings = [], []
    for step in definition.steps:
        operation = step_operation(ctx.operations, step)
        params = redacted(substitute(step.params or {}, shown))
        when = f" if {step.condition}" if step.condition.strip() else ""
        changes.append(PlannedChange(action="run", kind="pipelineStep", name=step.name,
                                     detail=f"{operation.name} {msgspec.json.encode(params).decode()}{when}"))
        if operation.destructive:
            warnings.append(f"Step '{step.name}' runs {operation.name}, which is destructive: "
                            f"{operation.summary[0].lower()}{operation.summary[1:]}")
    return plan(f"Would run the pipeline '{definition.name}': {plural(len(changes), 'step')} in one job.",
                changes, warnings)


def _run_message(execution: PipelineExecution) -> str:
    done = sum(1 for r in execution.step_results if r.status == "Completed")
    return f"pipeline {execution.pipeline_name} {execution.status.lower()}: {done}/{len(execution.step_results)} steps"


_RUN_DESCRIPTION = (
    "Runs the steps in order inside one job, each operation exactly as its own route would run it; the caller "
    "needs the role of every step's operation. A step fails when its operation fails or when its answer reports "
    "failure (a compile with errors, a test run with failed cases); it is then retried retryCount times, and "
    "onFailure decides what follows (stop, continue, goto:<step>). A condition can skip a step. The job's "
    "progress names the step; the result is the execution; a failed pipeline fails the job (409 PIPELINE_FAILED, "
    "its details hold the execution) and canceling the job stops the running step. Every run is recorded (GET "
    "/api/pipelines/executions)."
)

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("pipelines.list", SECTION, "Names of the stored pipelines.", BASE,
         lambda ctx, d: store_for(ctx).names(), None, list[str]),
    read("pipelines.get", SECTION, "A stored pipeline (with its next scheduled run).", f"{BASE}/{{name}}",
         lambda ctx, d: _with_next_run(ctx, store_for(ctx).get(d.name)), PipelineRef, PipelineDefinition,
         errors=(e.NotFoundError,)),
    Operation(
        name="pipelines.save", summary="Save a pipeline (with overwrite, replace one of the same name).",
        section=SECTION, handler=_save, input=SavePipelineInput, output=PipelineDefinition,
        route=RouteSpec("POST", BASE), errors=(e.ValidationError, e.AlreadyExistsError, e.ConflictError),
        example=_EXAMPLE, destructive=True, preview=_preview_save,
        description="Each step's action is an operation name (GET /api/command/list) and its params are that "
                    "operation's input fields; both are checked now, as are ${references}, conditions, onFailure "
                    "and the schedule, so a run fails only on what its steps do. trigger: schedule with schedule: "
                    "{cron, timezone, missedRuns: runOnce|skip} runs it on a cron schedule (kept across restarts).",
    ),
    Operation(
        name="pipelines.delete", summary="Delete a pipeline and its schedule (its executions stay).",
        section=SECTION, handler=_delete, input=PipelineRef, output=PipelineDefinition,
        route=RouteSpec("DELETE", f"{BASE}/{{name}}"), errors=(e.NotFoundError,), destructive=True,
        preview=_preview_delete,
    ),
    Operation(
        name="pipelines.run", summary="Run a pipeline's steps in one job.", section=SECTION, handler=_run,
        input=RunPipelineInput, output=PipelineExecution, route=RouteSpec("POST", f"{BASE}/{{name}}/run-sync"),
        async_route=RouteSpec("POST", f"{BASE}/{{name}}/run"), long_running=True,
        errors=(e.NotFoundError, e.ValidationError, e.PermissionDeniedError, e.ConflictError,
                e.OperationCanceledError),
        description=_RUN_DESCRIPTION, destructive=True, preview=_preview_run, message=_run_message,
        example={"variables": {"deviceName": "PLC_1"}},
    ),
    read("pipelines.executions", SECTION, "Recent pipeline executions, newest first (optionally of one pipeline).",
         f"{BASE}/executions", lambda ctx, d: store_for(ctx).executions(d.name, d.limit), ExecutionsInput,
         list[PipelineExecution]),
    read("pipelines.execution", SECTION, "One pipeline execution with its step results.",
         f"{BASE}/executions/{{id}}", lambda ctx, d: store_for(ctx).execution(d.id), ExecutionRef, PipelineExecution,
         errors=(e.NotFoundError,)),
    read("pipelines.templates", SECTION, "The pipeline templates the server ships.", f"{BASE}/templates",
         lambda ctx, d: [t.summary() for t in TEMPLATES], None, list[PipelineTemplateSummary]),
    Operation(
        name="pipelines.templates.instantiate", summary="Save a new pipeline made from a template.",
        section=SECTION, handler=lambda ctx, d: _save(ctx, _from_template(d)), input=TemplateRef,
        output=PipelineDefinition, route=RouteSpec("POST", f"{BASE}/templates/{{templateId}}/instantiate"),
        errors=(e.NotFoundError, e.ValidationError, e.AlreadyExistsError, e.ConflictError), destructive=True,
        preview=lambda ctx, d: _preview_save(ctx, _from_template(d)),
        example={"pipelineName": "Nightly build", "parameters": {"deviceName": "PLC_1"}},
    ),
)
