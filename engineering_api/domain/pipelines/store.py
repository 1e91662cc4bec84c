"""Pipeline definitions and executions, kept in the service's SQLite state (``ctx.state``).

They are server state, not project state: they survive closing the project and restarting the server. The
newest :data:`EXECUTIONS_KEPT` executions are kept. Every handler runs on the one TIA worker thread, so a
read-modify-write of the definitions cannot interleave with another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.domain.named_records import NamedRecords
from engineering_api.errors import codes
from engineering_api.lib.recent import RecentRecords
from engineering_api.lib.schema import utc_now

from .models import PipelineDefinition, PipelineExecution

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext
    from engineering_api.lib.db import KeyValueStore

__all__ = ("EXECUTIONS_KEPT", "MAX_PIPELINES", "PipelineStore", "store_for")

MAX_PIPELINES = 500
EXECUTIONS_KEPT = 200
_DEFINITIONS = "pipelines:definitions"


class PipelineStore:
    """CRUD of definitions (by case-insensitive name) and the execution history."""

    def __init__(self, kv: KeyValueStore) -> None:
        self._definitions = NamedRecords(kv, _DEFINITIONS)
        self._executions = RecentRecords(kv, "pipelines:executions", "pipelines:execution:", EXECUTIONS_KEPT)

    # ----- definitions ------------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Names of the stored pipelines, sorted case-insensitively."""
        return [raw["name"] for raw in self._definitions.by_name()]

    def definitions(self) -> list[PipelineDefinition]:
        """Every stored pipeline, sorted by name."""
        return [msgspec.convert(raw, PipelineDefinition) for raw in self._definitions.by_name()]

    def find(self, name: str) -> PipelineDefinition | None:
        """A pipeline by name (case-insensitive), or None."""
        raw = self._definitions.find(name)
        return None if raw is None else msgspec.convert(raw, PipelineDefinition)

    def get(self, name: str) -> PipelineDefinition:
        """A pipeline by name (case-insensitive).

        Raises:
            NotFoundError: ``PIPELINE_NOT_FOUND``.
        """
        found = self.find(name)
        if found is None:
            raise NotFoundError(f'The pipeline "{name}" does not exist (GET /api/pipelines lists them).',
                                code=codes.PIPELINE_NOT_FOUND, details={"pipeline": name})
        return found

    def check_put(self, name: str, *, overwrite: bool) -> PipelineDefinition | None:
        """The pipeline a save of ``name`` would replace (None for a new one).

        Raises:
            AlreadyExistsError: ``PIPELINE_EXISTS`` without ``overwrite``.
            ConflictError: ``PIPELINES_LIMIT`` when :data:`MAX_PIPELINES` are stored.
        """
        old = self.find(name)
        if old is not None and not overwrite:
            raise AlreadyExistsError(
                f'A pipeline named "{old.name}" already exists; send "overwrite": true to replace it.',
                code=codes.PIPELINE_EXISTS, details={"pipeline": old.name},
            )
        if old is None and len(self._definitions.all()) >= MAX_PIPELINES:
            raise ConflictError(f"At most {MAX_PIPELINES} pipelines can be stored; delete some first.",
                                code=codes.PIPELINES_LIMIT)
        return old

    def put(self, definition: PipelineDefinition, *, overwrite: bool) -> PipelineDefinition:
        """Store a pipeline; a replaced one keeps its ``createdAt``.

        Raises:
            AlreadyExistsError: ``PIPELINE_EXISTS`` without ``overwrite``.
            ConflictError: ``PIPELINES_LIMIT``.
        """
        old = self.check_put(definition.name, overwrite=overwrite)
        now = utc_now()
        stored = msgspec.structs.replace(
            definition, created_at=old.created_at if old else now, updated_at=now, next_run_at=None,
        )
        self._definitions.put(definition.name, msgspec.to_builtins(stored))
        return stored

    def delete(self, name: str) -> PipelineDefinition:
        """Remove a pipeline (its executions stay); returns what it was.

        Raises:
            NotFoundError: ``PIPELINE_NOT_FOUND``.
        """
        found = self.get(name)
        self._definitions.remove(name)
        return found

    # ----- executions -------------------------------------------------------------------------------
    def save_execution(self, execution: PipelineExecution) -> None:
        """Record (or update) an execution."""
        self._executions.save(execution.id, msgspec.to_builtins(execution))

    def executions(self, name: str | None, limit: int) -> list[PipelineExecution]:
        """The newest executions (of one pipeline when ``name`` is given), newest first."""
        found = []
        for raw in self._executions.newest(EXECUTIONS_KEPT):
            if name is not None and raw.get("pipelineName", "").lower() != name.lower():
                continue
            found.append(msgspec.convert(raw, PipelineExecution))
            if len(found) >= limit:
                break
        return found

    def execution(self, execution_id: str) -> PipelineExecution:
        """One execution by id.

        Raises:
            NotFoundError: ``PIPELINE_EXECUTION_NOT_FOUND``.
        """
        raw = self._executions.get(execution_id)
        if raw is None:
            raise NotFoundError(
                f'No pipeline execution with id "{execution_id}" (the newest {EXECUTIONS_KEPT} are kept; GET '
                "/api/pipelines/executions lists them).", code=codes.PIPELINE_EXECUTION_NOT_FOUND,
            )
        return msgspec.convert(raw, PipelineExecution)


def store_for(ctx: OperationContext) -> PipelineStore:
    """The pipeline store of the app running this operation.

    Raises:
        ConflictError: ``PIPELINE_STORE_UNAVAILABLE`` when the context has no server state.
    """
    if ctx.state is None:
        raise ConflictError("This server keeps no state; pipelines cannot be stored.",
                            code=codes.PIPELINE_STORE_UNAVAILABLE)
    return PipelineStore(ctx.state)
