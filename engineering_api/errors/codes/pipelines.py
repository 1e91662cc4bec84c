"""Codes of the pipelines (``engineering_api/ci/`` and its routes): definitions, steps, runs, schedules.

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("OUTCOME_UNKNOWN", "PIPELINES_LIMIT", "PIPELINE_EXECUTION_NOT_FOUND", "PIPELINE_EXISTS", "PIPELINE_FAILED",
           "PIPELINE_INVALID", "PIPELINE_NOT_FOUND", "PIPELINE_REFERENCE", "PIPELINE_SCHEDULE_INVALID",
           "PIPELINE_STEP_INVALID", "PIPELINE_STEP_TIMEOUT", "PIPELINE_STEP_VERDICT", "PIPELINE_STORE_UNAVAILABLE",
           "PIPELINE_TEMPLATE_NOT_FOUND", "PIPELINE_VARIABLE_MISSING", "PIPELINE_VARIABLE_UNKNOWN")

OUTCOME_UNKNOWN: Final = declare('OUTCOME_UNKNOWN', 503, 'Outcome unknown',
    'The call was sent to an agent, or the change had started on an API node, but its outcome is not '
    'known (the agent, the broker or the node went away); check its effect before retrying.')
PIPELINES_LIMIT: Final = declare('PIPELINES_LIMIT', 409, 'Pipelines limit',
    'At most … pipelines can be stored; delete some first.')
PIPELINE_EXECUTION_NOT_FOUND: Final = declare('PIPELINE_EXECUTION_NOT_FOUND', 404, 'Pipeline execution not found',
    'No pipeline execution with id "…" (the newest … are kept; GET /api/pipelines/executions lists them).')
PIPELINE_EXISTS: Final = declare('PIPELINE_EXISTS', 409, 'Pipeline exists',
    'A pipeline named "…" already exists; send "overwrite": true to replace it.')
PIPELINE_FAILED: Final = declare('PIPELINE_FAILED', 409, 'Pipeline failed',
    'Pipeline "…" failed: … (GET /api/pipelines/executions/… shows every step).')
PIPELINE_INVALID: Final = declare('PIPELINE_INVALID', 422, 'Pipeline invalid',
    "Step '…' needs the … role, but a scheduled run has the engineer role; run this pipeline by hand "
    'instead.')
PIPELINE_NOT_FOUND: Final = declare('PIPELINE_NOT_FOUND', 404, 'Pipeline not found',
    'The pipeline "…" does not exist (GET /api/pipelines lists them).')
PIPELINE_REFERENCE: Final = declare('PIPELINE_REFERENCE', 422, 'Pipeline reference', "'${…}' has no value in this run.")
PIPELINE_SCHEDULE_INVALID: Final = declare('PIPELINE_SCHEDULE_INVALID', 422, 'Pipeline schedule invalid',
    "Cron expression '…': … (five fields: minute hour day month day-of-week, e.g. '0 2 * * *').")
PIPELINE_STEP_INVALID: Final = declare('PIPELINE_STEP_INVALID', 422, 'Pipeline step invalid',
    'Invalid parameters for …: …')
PIPELINE_STEP_TIMEOUT: Final = declare('PIPELINE_STEP_TIMEOUT', 504, 'Pipeline step timeout',
    "Step '…' took longer than its … s timeout")
PIPELINE_STEP_VERDICT: Final = declare('PIPELINE_STEP_VERDICT', 422, 'Pipeline step verdict',
    'The step ran, but its result fails the verdict the pipeline asks of it.')
PIPELINE_STORE_UNAVAILABLE: Final = declare('PIPELINE_STORE_UNAVAILABLE', 409, 'Pipeline store unavailable',
    'This server keeps no state; pipelines cannot be stored.')
PIPELINE_TEMPLATE_NOT_FOUND: Final = declare('PIPELINE_TEMPLATE_NOT_FOUND', 404, 'Pipeline template not found',
    "No pipeline template '…' (GET /api/pipelines/templates lists them: …).")
PIPELINE_VARIABLE_MISSING: Final = declare('PIPELINE_VARIABLE_MISSING', 422, 'Pipeline variable missing',
    'The pipeline "…" needs a value for …: pass {"variables": {"…": ...}} to the run, or save the '
    'pipeline with a default.')
PIPELINE_VARIABLE_UNKNOWN: Final = declare('PIPELINE_VARIABLE_UNKNOWN', 422, 'Pipeline variable unknown',
    'The pipeline "…" declares no variable … (it has: …).')
