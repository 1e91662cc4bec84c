"""Pipelines on the wire: the definition as T-IA Connect's client sends it, executions as its views read them.

The client (``src/api/types.ts``) sends ``PipelineDefinition {name, description, trigger, variables, steps[{name,
action, params, condition, timeoutSeconds, retryCount, retryDelayMs}], onFailure}`` and reads ``PipelineExecution
{Id, PipelineName, Status, JobId, StepResults[{StepIndex, StepName, Action, Status, StartedAt, CompletedAt,
DurationMs, ResultMessage, Error, Attempts}], StartedAt, CompletedAt, DurationMs, Error}`` (it PascalCases every
key it reads, so camelCase answers do). Statuses use the client's words, ``Cancelled`` included.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import msgspec

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "MAX_STEPS", "NAME", "PipelineDefinition", "PipelineExecution", "PipelineStep", "PipelineStepInput",
    "PipelineStepResult",
    "PipelineTemplateSummary", "RunPipelineInput", "SCHEDULER", "ScheduleSpec", "StepStatus", "TemplateVariable",
)

MAX_STEPS = 100
MAX_RETRIES = 10
MAX_RETRY_DELAY_MS = 600_000
NAME = re.compile(r"^\w[\w\-. ]{0,99}$")
"""Letters, digits, ``_ - .`` and spaces: a pipeline or step name is a path segment and a reference part."""
SCHEDULER = "scheduler"
"""The principal (key id and name) of runs the pipeline scheduler starts."""
StepStatus = Literal["Pending", "Running", "Completed", "Failed", "Cancelled", "Skipped"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
_ON_FAILURE_DOC = ("stop (the default: the pipeline fails here), continue (the pipeline goes on and fails at the "
                   "end), or goto:<step name> (jump to that step, e.g. a cleanup step)")


class ScheduleSpec(CamelStruct, forbid_unknown_fields=True):
    """When a ``trigger: schedule`` pipeline runs: a five-field cron expression (``0 2 * * *`` = 02:00 every day)
    in ``timezone`` (an IANA name). ``missedRuns``: what happens to runs the server missed while it was down:
    ``runOnce`` (the default) runs the pipeline once at start-up however many were missed, ``skip`` drops them."""

    cron: Annotated[str, msgspec.Meta(min_length=9, max_length=200, examples=["0 2 * * *"])]
    """Five-field cron expression (minute hour day month weekday), e.g. 0 2 * * * for 02:00 every day."""
    timezone: Annotated[str, msgspec.Meta(max_length=64)] = "UTC"
    """IANA time zone the cron expression is read in, e.g. Europe/Berlin (default UTC)."""
    missed_runs: Literal["runOnce", "skip"] = "runOnce"


class PipelineStep(CamelStruct, forbid_unknown_fields=True):
    """One step: an operation of the registry (``GET /api/command/list``) with its parameters.

    ``params`` are the operation's input fields; ``${var}`` references are replaced at run time. ``condition``
    (none: the step runs when reached): always, success, failure, ``${ref} == value`` / ``!=`` or ``${ref}``.
    ``timeoutSeconds`` 0 means the operation's own limit (the job timeout). ``retryCount`` further attempts after
    a failure, ``retryDelayMs`` apart.
    """

    name: Name
    """Name of the step, unique in the pipeline (goto:<name> jumps to it)."""
    action: Annotated[str, msgspec.Meta(min_length=1, max_length=100, examples=["devices.compile-hardware"])]
    """The operation the step runs, by its registry name (GET /api/command/list), e.g. devices.compile-hardware."""
    params: dict[str, Any] = {}
    """The operation's input fields; ${var} references are replaced with variables at run time."""
    condition: Annotated[str, msgspec.Meta(max_length=500)] = ""
    """When the step runs: always, success, failure, ${ref} == value, ${ref} != value or ${ref}; empty runs it when
    reached."""
    timeout_seconds: Annotated[float, msgspec.Meta(ge=0, le=86_400)] = 0
    """Time limit of the step in seconds; 0 (the default) takes the operation's own limit, the job timeout."""
    retry_count: Annotated[int, msgspec.Meta(ge=0, le=MAX_RETRIES)] = 0
    """Further attempts after a failure (default 0)."""
    retry_delay_ms: Annotated[int, msgspec.Meta(ge=0, le=MAX_RETRY_DELAY_MS)] = 1000
    """Wait between attempts, in milliseconds (default 1000)."""
    on_failure: Annotated[str, msgspec.Meta(max_length=110, description=_ON_FAILURE_DOC)] | None = None
    """What to do when the step fails: stop (the pipeline fails here), continue, or goto:<step name>; the pipeline's
    onFailure when omitted."""


class PipelineStepInput(PipelineStep, forbid_unknown_fields=True):
    """A step as sent: also ``parameters`` for ``params`` and ``retries`` for ``retryCount`` (one of each)."""

    params: dict[str, Any] | None = None  # type: ignore[assignment]  # as sent it may be absent (given as parameters)
    parameters: dict[str, Any] | None = None
    """Another name for params (send one of the two)."""
    retries: Annotated[int, msgspec.Meta(ge=0, le=MAX_RETRIES)] | None = None
    """Another name for retryCount (send one of the two)."""


class PipelineDefinition(CamelStruct):
    """A stored pipeline. ``variables`` are its defaults (a run may override them; ``null`` means the run must
    give one); ``onFailure`` is the default of its steps."""

    name: str
    description: str
    trigger: Literal["manual", "schedule"]
    variables: dict[str, Any]
    steps: list[PipelineStep]
    on_failure: str
    created_at: str
    schedule: ScheduleSpec | None = None
    updated_at: str | None = None
    next_run_at: str | None = None
    """For a scheduled pipeline, when the scheduler will run it next."""


class PipelineStepResult(CamelStruct):
    """One execution of one step (a ``goto`` may run a step again); steps never reached are ``Skipped``."""

    step_index: int
    step_name: str
    action: str
    status: StepStatus
    started_at: str
    duration_ms: int
    result_message: str
    attempts: int
    completed_at: str | None = None
    error: str | None = None
    error_code: str | None = None
    result: Any = None
    """The operation's answer (its ``data``), as ``${steps.<name>.result}`` sees it."""


class PipelineExecution(CamelStruct):
    """One run of a pipeline."""

    id: str
    pipeline_name: str
    status: StepStatus
    job_id: str
    step_results: list[PipelineStepResult]
    started_at: str
    duration_ms: int
    trigger: Literal["manual", "schedule"] = "manual"
    started_by: str | None = None
    """The API key name that started it, or ``scheduler``."""
    variables: dict[str, Any] = {}
    completed_at: str | None = None
    error: str | None = None


class TemplateVariable(CamelStruct):
    """A variable a template declares, with its default (``null``: the run must give it) and what it is for."""

    name: str
    default: Any
    description: str


class PipelineTemplateSummary(CamelStruct):
    """A template as the client's picker lists it (``{Id, Name, Description, Category}``), with its variables."""

    id: str
    name: str
    description: str
    category: str
    variables: list[TemplateVariable]
    trigger: Literal["manual", "schedule"] = "manual"


class RunPipelineInput(CamelStruct):
    """Run a pipeline; ``variables`` override its defaults for this run (the client sends them or no body)."""

    name: str
    """Name of the pipeline to run (case-insensitive)."""
    variables: dict[str, Any] = {}
    """Values of the pipeline's variables for this run, overriding its defaults."""
