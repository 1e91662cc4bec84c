"""Running a pipeline: its steps one after another inside one job, on the TIA worker thread.

Each step runs its operation exactly as the operation's route would (files confined to the roots, targets in the
open project refused, autoSnapshot taken: :attr:`OperationContext.run_nested`), with the job's caller's role
checked for every step before the first one starts. A step has its own cancel token, a child of the job's: a
step timeout stops only the step (which may then be retried), a canceled job stops the step and the pipeline.
The execution record is saved after every step, so ``GET /api/pipelines/executions/{id}`` shows a run in progress.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import (
    ConflictError, EngineeringError, OperationCanceledError, OperationTimeoutError, PermissionDeniedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.jobs.preview import plural
from engineering_api.lib.redact import redacted
from engineering_api.lib.schema import key_normaliser, normalise_keys, utc_now
from simatic_xml.cancel import Canceled, installed

from .checks import step_operation
from .expressions import builtin_values, condition_holds, substitute, unknown_reference
from .models import SCHEDULER, PipelineDefinition, PipelineExecution, PipelineStep, PipelineStepResult
from .store import store_for

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation, OperationContext

__all__ = ("MAX_STEP_RUNS", "resolve_variables", "run_pipeline")

logger = logging.getLogger(__name__)

MAX_STEP_RUNS = 1000
"""A ``goto`` loop stops the pipeline after this many step runs."""
MAX_KEPT_RESULT_BYTES = 64_000
"""A step's answer larger than this is not kept in the execution record (its message still is)."""
"""``startedBy`` and the principal's key id of runs the scheduler starts."""


def resolve_variables(definition: PipelineDefinition, overrides: dict[str, Any]) -> dict[str, Any]:
    """The run's variables: the pipeline's defaults, overridden by the run's.

    Raises:
        ValidationError: ``PIPELINE_VARIABLE_UNKNOWN`` (an override the pipeline does not declare),
            ``PIPELINE_VARIABLE_MISSING`` (a variable without a value).
    """
    declared = {name.lower(): name for name in definition.variables}
    unknown = [name for name in overrides if name.lower() not in declared]
    if unknown:
        raise ValidationError(
            f"The pipeline \"{definition.name}\" declares no variable {', '.join(unknown)} (it has: "
            f"{', '.join(definition.variables) or 'none'}).", code=codes.PIPELINE_VARIABLE_UNKNOWN,
            details={"variables": unknown},
        )
    values = dict(definition.variables)
    values.update({declared[name.lower()]: value for name, value in overrides.items()})
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise ValidationError(
            f"The pipeline \"{definition.name}\" needs a value for {', '.join(missing)}: pass "
            f"{{\"variables\": {{\"{missing[0]}\": ...}}}} to the run, or save the pipeline with a default.",
            code=codes.PIPELINE_VARIABLE_MISSING, details={"variables": missing},
        )
    return values


@dataclass
class _Run:
    ctx: OperationContext
    definition: PipelineDefinition
    execution: PipelineExecution
    variables: dict[str, Any]
    outcomes: dict[str, PipelineStepResult] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def resolve(self, name: str) -> Any:
        if name in self.variables:
            return self.variables[name]
        builtins = builtin_values(self.definition.name, self.execution.id, self.execution.started_at)
        if name in builtins:
            return builtins[name]
        parts = name.split(".")
        if parts[0] == "steps" and len(parts) >= 3:
            outcome = self.outcomes.get(parts[1])
            if parts[2] == "status":
                return outcome.status if outcome else "Pending"
            if parts[2] == "error":
                return outcome.error if outcome else None
            if parts[2] == "result":
                return _dig(outcome.result if outcome else None, parts[3:])
        raise unknown_reference(name)

    def save(self, status: str | None = None, error: str | None = None) -> None:
        changes: dict[str, Any] = {"duration_ms": int((time.monotonic() - self.started) * 1000)}
        if status is not None:
            changes.update(status=status, error=error, completed_at=utc_now())
        self.execution = msgspec.structs.replace(self.execution, **changes)
        store_for(self.ctx).save_execution(self.execution)


def _dig(value: Any, path: list[str]) -> Any:
    for part in path:
        if isinstance(value, dict):
            value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def check_roles(ctx: OperationContext, definition: PipelineDefinition) -> None:
    """The caller may run every step's operation.

    Raises:
        PermissionDeniedError: ``FORBIDDEN`` naming the step and the role it needs.
    """
    principal = ctx.principal
    if principal is None:
        return  # a dry run: the real run checks
    for step in definition.steps:
        operation = step_operation(ctx.operations, step)
        if not principal.role.allows(operation.required_role):
            raise PermissionDeniedError(
                f"Step '{step.name}' runs {operation.name}, which needs the {operation.required_role.value} role; "
                f"the pipeline was started with the {principal.role.value} role.", code=codes.FORBIDDEN,
                details={"step": step.name, "requiredRole": operation.required_role.value},
            )


def run_pipeline(ctx: OperationContext, definition: PipelineDefinition, overrides: dict[str, Any]) -> PipelineExecution:
    """Run every step in order; the execution is recorded whatever happens.

    Raises:
        ValidationError: a variable is unknown or has no value (nothing ran).
        PermissionDeniedError: a step needs a role the caller lacks (nothing ran).
        ConflictError: ``PIPELINE_FAILED``: a step failed (details name it and the execution).
        OperationCanceledError: the job was canceled; the execution says ``Cancelled``.
    """
    variables = resolve_variables(definition, overrides)
    check_roles(ctx, definition)
    principal = ctx.principal
    scheduled = principal is not None and principal.key_id == SCHEDULER
    execution = PipelineExecution(
        id=uuid.uuid4().hex, pipeline_name=definition.name, status="Running", job_id=ctx.job_id or "",
        step_results=[], started_at=utc_now(), duration_ms=0, trigger="schedule" if scheduled else "manual",
        started_by=principal.name if principal else None, variables=redacted(variables),  # kept: no secrets
    )
    run = _Run(ctx, definition, execution, variables)
    run.save()
    try:
        failure = _run_steps(run)
    except (OperationCanceledError, Canceled) as exc:
        _skip_rest(run, "not run: the pipeline was canceled")
        run.save("Cancelled", "canceled")
        if isinstance(exc, Canceled):
            raise OperationCanceledError(str(exc)) from None
        raise
    _skip_rest(run, "not run: a goto jumped past it")
    if failure is None:
        run.save("Completed")
        ctx.progress(100, f"pipeline {definition.name} completed")
        return run.execution
    run.save("Failed", failure)
    raise ConflictError(
        f"Pipeline \"{definition.name}\" failed: {failure} (GET /api/pipelines/executions/{run.execution.id} shows "
        "every step).", code=codes.PIPELINE_FAILED,
        details={"executionId": run.execution.id, "execution": msgspec.to_builtins(run.execution)},
    )


def _run_steps(run: _Run) -> str | None:
    """Run the steps; the first failure's description, or None when none failed."""
    steps = run.definition.steps
    index, runs, failure = 0, 0, None
    while index < len(steps):
        run.ctx.check_canceled()
        runs += 1
        if runs > MAX_STEP_RUNS:
            return failure or f"more than {MAX_STEP_RUNS} step runs: a goto loop never ends"
        step = steps[index]
        if step.condition.strip() and not condition_holds(step.condition, failure is not None, run.resolve):
            _record(run, index, step, _skipped(index, step, f"condition '{step.condition}' is false"))
            index += 1
            continue
        # Recorded before it runs: after a crash the execution still says which step was running (recovery.py).
        _record(run, index, step, _running(index, step))
        try:
            result = _run_step(run, index, step)
        except (OperationCanceledError, Canceled):
            cancelled = _skipped(index, step, "canceled while running")
            _record(run, index, step, msgspec.structs.replace(cancelled, status="Cancelled", attempts=1))
            raise
        _record(run, index, step, result)
        if result.status != "Failed":
            index += 1
            continue
        failure = failure or f"step '{step.name}' ({step.action}) failed: {result.error}"
        policy = (step.on_failure or run.definition.on_failure or "stop").strip()
        if policy.lower().startswith("goto:"):
            target = policy[5:].strip().lower()
            index = next(i for i, s in enumerate(steps) if s.name.lower() == target)
            continue
        if policy.lower() == "continue":
            index += 1
            continue
        _skip_rest(run, f"not run: the pipeline stopped at step '{step.name}'", after=index)
        break
    return failure


def _record(run: _Run, index: int, step: PipelineStep, result: PipelineStepResult) -> None:
    """Record a step's result, in place of its ``Running`` entry when it has one."""
    results = run.execution.step_results
    if results and results[-1].status == "Running" and results[-1].step_index == index:
        results = results[:-1]
    if result.status != "Running":
        run.outcomes[step.name] = result
    run.execution = msgspec.structs.replace(run.execution, step_results=[*results, result])
    run.save()


def _running(index: int, step: PipelineStep) -> PipelineStepResult:
    return PipelineStepResult(step_index=index, step_name=step.name, action=step.action, status="Running",
                              started_at=utc_now(), duration_ms=0, result_message="running", attempts=0)


def _skipped(index: int, step: PipelineStep, why: str) -> PipelineStepResult:
    return PipelineStepResult(
        step_index=index, step_name=step.name, action=step.action, status="Skipped", started_at=utc_now(),
        completed_at=utc_now(), duration_ms=0, result_message=why, attempts=0,
    )


def _skip_rest(run: _Run, why: str, after: int | None = None) -> None:
    reached = {r.step_index for r in run.execution.step_results}
    for index, step in enumerate(run.definition.steps):
        if index not in reached and (after is None or index > after):
            run.outcomes.setdefault(step.name, _skipped(index, step, why))
            run.execution = msgspec.structs.replace(
                run.execution, step_results=[*run.execution.step_results, _skipped(index, step, why)],
            )


def _run_step(run: _Run, index: int, step: PipelineStep) -> PipelineStepResult:
    """One step with its retries; a canceled job raises, any other error fails the step."""
    operation = step_operation(run.ctx.operations, step)
    started, clock = utc_now(), time.monotonic()
    attempts, error, answer = 0, None, None
    while attempts <= step.retry_count:
        attempts += 1
        try:
            result = _attempt(run, index, step, operation)
        except EngineeringError as exc:
            if run.ctx.cancel_requested:
                raise
            error = exc
        except Exception:  # a defect in an operation: the pipeline records it and the log keeps the cause
            logger.exception("pipeline %s, step %s failed unexpectedly", run.definition.name, step.name)
            error = EngineeringError("Internal server error; see the server log", code=codes.INTERNAL_ERROR)
        else:
            verdict = _verdict(result)
            if verdict is not None:
                error, answer = ValidationError(verdict, code=codes.PIPELINE_STEP_VERDICT), _kept(result)
            else:
                return PipelineStepResult(
                    step_index=index, step_name=step.name, action=operation.name, status="Completed",
                    started_at=started, completed_at=utc_now(), duration_ms=int((time.monotonic() - clock) * 1000),
                    result_message=operation.success_message(result), attempts=attempts, result=_kept(result),
                )
        if attempts <= step.retry_count:
            _wait(run.ctx, step.retry_delay_ms / 1000)
    assert error is not None
    return PipelineStepResult(
        step_index=index, step_name=step.name, action=operation.name, status="Failed", started_at=started,
        completed_at=utc_now(), duration_ms=int((time.monotonic() - clock) * 1000),
        result_message=f"failed after {attempts} attempt{'s' if attempts > 1 else ''}", attempts=attempts,
        error=error.message, error_code=error.code, result=answer,
    )


def _attempt(run: _Run, index: int, step: PipelineStep, operation: Operation[Any, Any]) -> Any:
    ctx, total = run.ctx, len(run.definition.steps)
    params = substitute(step.params or {}, run.resolve)
    data = None
    if operation.input is not None:
        input_type: type[msgspec.Struct] = operation.input
        try:
            data = msgspec.convert(normalise_keys(params, key_normaliser(input_type)), input_type)
        except msgspec.ValidationError as exc:
            raise ValidationError(f"invalid parameters for {operation.name}: {exc}", code=codes.PIPELINE_STEP_INVALID,
                                  details={"step": step.name}) from None
    base = index * 100 // total

    def progress(percent: int, message: str) -> None:
        ctx.progress(base + percent // total, f"step {index + 1}/{total} {step.name}: {message}")

    progress(0, "running")
    token = ctx.token.child()
    timer = None
    if step.timeout_seconds:
        timeout = OperationTimeoutError(f"step '{step.name}' took longer than its {step.timeout_seconds:g} s timeout",
                                        code=codes.PIPELINE_STEP_TIMEOUT)
        timer = threading.Timer(step.timeout_seconds, token.cancel, (timeout,))
        timer.daemon = True
        timer.start()
    try:
        with installed(token):
            assert ctx.run_nested is not None, "pipelines run as jobs"
            return ctx.run_nested(operation, ctx.derive(token, progress), data)
    except Canceled as exc:
        raise _reason(exc.reason) from None
    except OperationCanceledError:
        if token.canceled and isinstance(token.reason, OperationTimeoutError) and not ctx.cancel_requested:
            raise token.reason from None
        raise
    finally:
        if timer is not None:
            timer.cancel()
        ctx.token.release(token)


def _reason(reason: BaseException | None) -> EngineeringError:
    if isinstance(reason, EngineeringError):
        return reason
    return OperationCanceledError(str(reason or "canceled"))


def _wait(ctx: OperationContext, seconds: float) -> None:
    """Sleep between attempts, stopping at once when the job is canceled."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ctx.check_canceled()
        time.sleep(min(left, 0.05))
    ctx.check_canceled()


def _verdict(result: Any) -> str | None:
    """Why an answer that is not an error still reports a failure: a compile with errors (TIA's CompilerResult
    state ``Error``), a test run with failed cases (TestSuiteResult ``failed``); None otherwise."""
    fields = getattr(result, "__struct_fields__", ())
    if "state" in fields and "error_count" in fields and (result.state == "Error" or result.error_count > 0):
        return f"the compile reported {plural(result.error_count, 'error')}"
    if {"total", "passed", "failed"} <= set(fields) and result.failed:
        return f"{result.failed} of {result.total} test cases failed"
    return None


def _kept(result: Any) -> Any:
    try:
        raw = msgspec.to_builtins(result)
        size = len(msgspec.json.encode(raw))
    except (TypeError, msgspec.EncodeError):
        return None
    return raw if size <= MAX_KEPT_RESULT_BYTES else None
