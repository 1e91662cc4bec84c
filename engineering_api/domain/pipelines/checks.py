"""A pipeline is checked when it is saved, so a run fails only on what the steps do.

Each step's action must be an operation of the registry (not a pipeline operation: pipelines do not nest), its
parameters must be fields of that operation's input with every required field given, every ``${reference}``
must name a declared variable, a built-in or an earlier-or-later step, and conditions, ``onFailure`` and the
schedule must parse. Type errors in parameters that hold references can only show at run time; the step then
fails with the operation's own validation message.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.crontab import crontab_trigger
from engineering_api.lib.redact import is_secret_name
from engineering_api.lib.schema import key_normaliser

from .expressions import BUILTINS, check_condition, check_reference, references
from .models import NAME, PipelineStep, PipelineStepInput, ScheduleSpec

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger
    from engineering_api.jobs.operations import Operation, OperationRegistry

__all__ = ("check_schedule", "check_steps", "check_variables", "cron_trigger", "normalise_step", "step_operation")

_VARIABLE = re.compile(r"^[A-Za-z_][\w-]{0,63}$")


def _invalid(message: str, **details: Any) -> ValidationError:
    return ValidationError(message, code=codes.PIPELINE_INVALID, details=details or None)


def normalise_step(step: PipelineStepInput) -> PipelineStep:
    """The step with its aliases folded: ``parameters`` into ``params``, ``retries`` into ``retryCount``.

    Raises:
        ValidationError: ``PIPELINE_INVALID``: both spellings given.
    """
    if step.params is not None and step.parameters is not None:
        raise _invalid(f"Step '{step.name}' gives both params and parameters; send one.", step=step.name)
    retry_count = step.retry_count if step.retries is None else step.retries
    if step.retries is not None and step.retry_count and step.retry_count != step.retries:
        raise _invalid(f"Step '{step.name}' gives both retryCount and retries; send one.", step=step.name)
    return PipelineStep(
        name=step.name, action=step.action, params=step.params if step.params is not None else (step.parameters or {}),
        condition=step.condition, timeout_seconds=step.timeout_seconds, retry_count=retry_count,
        retry_delay_ms=step.retry_delay_ms, on_failure=step.on_failure,
    )


def step_operation(operations: OperationRegistry | None, step: PipelineStep) -> Operation[Any, Any]:
    """The operation a step runs.

    Raises:
        ValidationError: ``PIPELINE_INVALID``: unknown action, or a pipeline operation.
    """
    operation = operations.get(step.action) if operations is not None else None
    if operation is None:
        raise _invalid(f"Step '{step.name}': '{step.action}' is not an operation (GET /api/command/list lists them; "
                       "e.g. devices.compile-hardware, testharness.run, vcs.commit).", step=step.name,
                       action=step.action)
    if operation.name.startswith("pipelines."):
        raise _invalid(f"Step '{step.name}': a pipeline cannot run pipeline operations ({operation.name}).",
                       step=step.name, action=step.action)
    return operation


def _check_params(step: PipelineStep, operation: Operation[Any, Any]) -> None:
    params = step.params or {}
    if operation.input is None:
        if params:
            raise _invalid(f"Step '{step.name}': {operation.name} takes no parameters.", step=step.name)
        return
    input_type: type[msgspec.Struct] = operation.input
    known = key_normaliser(input_type)
    unknown = [key for key in params if key.lower() not in known]
    if unknown:
        allowed = ", ".join(entry[0] for entry in known.values())
        raise _invalid(f"Step '{step.name}': {operation.name} has no parameter {', '.join(unknown)} (it takes: "
                       f"{allowed}).", step=step.name, parameters=unknown)
    given = {key.lower() for key in params}
    missing = [f.encode_name for f in msgspec.structs.fields(operation.input)
               if f.required and f.encode_name.lower() not in given]
    if missing:
        raise _invalid(f"Step '{step.name}': {operation.name} needs {', '.join(missing)} in params.",
                       step=step.name, missing=missing)


def _check_secrets(step: PipelineStep, variables: dict[str, Any]) -> None:
    """A secret-named parameter is a ``${variable}`` without a default, given when the pipeline runs: a pipeline is
    stored in the server's database, a run's variables are not (executions keep them redacted)."""
    for key, value in (step.params or {}).items():
        if not is_secret_name(key):
            continue
        name = value[2:-1].strip() if isinstance(value,
                                                 str) and value.startswith("${") and value.endswith("}") else None
        if name is None or name not in variables or variables[name] is not None:
            raise _invalid(
                f"Step '{step.name}': {key} is a secret; write it as a ${{variable}} declared with a null default and "
                "pass it when running (variables of a run are not stored).", step=step.name, parameter=key,
            )


def _check_on_failure(step: PipelineStep, step_names: set[str]) -> None:
    value = (step.on_failure or "stop").strip()
    if value.lower() in ("stop", "continue"):
        return
    if value.lower().startswith("goto:") and value[5:].strip().lower() in {n.lower() for n in step_names}:
        return
    raise _invalid(f"Step '{step.name}': onFailure '{step.on_failure}' must be stop, continue or goto:<step name> "
                   "of this pipeline.", step=step.name)


def check_steps(steps: list[PipelineStepInput], variables: dict[str, Any], operations: OperationRegistry | None,
                pipeline_on_failure: str) -> list[PipelineStep]:
    """The steps, normalised and checked.

    Raises:
        ValidationError: ``PIPELINE_INVALID`` naming the step and what is wrong.
    """
    checked = [normalise_step(step) for step in steps]
    seen: set[str] = set()
    for step in checked:
        if not NAME.match(step.name):
            raise _invalid(f"Step name '{step.name}': letters, digits, '_', '-', '.' and spaces only.", step=step.name)
        if step.name.lower() in seen:
            raise _invalid(f"Two steps are named '{step.name}'; step names must be unique.", step=step.name)
        seen.add(step.name.lower())
    names = {step.name for step in checked}
    if pipeline_on_failure.strip().lower() not in ("stop", "continue"):
        raise _invalid(f"onFailure '{pipeline_on_failure}' must be stop or continue (a step may also goto:<step>).")

    def check(reference: str) -> str | None:
        return check_reference(reference, variables, names)

    for step in checked:
        operation = step_operation(operations, step)
        _check_params(step, operation)
        _check_secrets(step, variables)
        for reference in references(step.params):
            problem = check(reference)
            if problem:
                raise _invalid(f"Step '{step.name}': {problem}.", step=step.name, reference=reference)
        problem = check_condition(step.condition, check) if step.condition.strip() else None
        if problem:
            raise _invalid(f"Step '{step.name}': {problem}.", step=step.name)
        _check_on_failure(step, names)
    return checked


def check_variables(variables: dict[str, Any]) -> None:
    """Variable names are identifiers and not built-in names.

    Raises:
        ValidationError: ``PIPELINE_INVALID``.
    """
    for name, value in variables.items():
        if is_secret_name(name) and value is not None:
            raise _invalid(f"Variable '{name}' is a secret: declare it with a null default and pass it when running "
                           "(a pipeline is stored; a run's variables are not).", variable=name)
        if not _VARIABLE.match(name) or name in BUILTINS or name in ("steps", "pipeline", "execution"):
            raise _invalid(f"Variable name '{name}': a letter or '_' then letters, digits, '_' or '-' (at most 64), "
                           f"and not steps, pipeline, execution or a built-in ({', '.join(BUILTINS)}).",
                           variable=name)


def check_schedule(trigger: str, schedule: ScheduleSpec | None) -> None:
    """A ``schedule`` trigger has a valid cron expression and time zone; a manual one has none.

    Raises:
        ValidationError: ``PIPELINE_INVALID`` or ``PIPELINE_SCHEDULE_INVALID``.
    """
    if trigger != "schedule":
        if schedule is not None:
            raise _invalid('A schedule is given but trigger is "manual"; send "trigger": "schedule" to use it.')
        return
    if schedule is None:
        raise _invalid('trigger "schedule" needs schedule: {"cron": "0 2 * * *", "timezone": "UTC"}.')
    cron_trigger(schedule)


def cron_trigger(schedule: ScheduleSpec) -> CronTrigger:
    """The APScheduler trigger of a schedule.

    Raises:
        ValidationError: ``PIPELINE_SCHEDULE_INVALID``: the cron expression or time zone is wrong.
    """
    try:
        zone = zoneinfo.ZoneInfo(schedule.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Unknown time zone '{schedule.timezone}' (an IANA name such as UTC or Europe/Berlin).",
                              code=codes.PIPELINE_SCHEDULE_INVALID) from None
    try:
        return crontab_trigger(schedule.cron, zone)  # cron's weekday numbers, not APScheduler 3's
    except ValueError as exc:
        raise ValidationError(f"Cron expression '{schedule.cron}': {exc} (five fields: minute hour day month "
                              "day-of-week, e.g. '0 2 * * *').", code=codes.PIPELINE_SCHEDULE_INVALID) from None
