"""The service container: what handlers reach through ``app.state.services``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engineering_api.lib.ratelimit import RateLimiter

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.backend.worker import TiaWorker
    from engineering_api.config import Settings
    from engineering_api.jobs.manager import JobManager
    from engineering_api.jobs.operations import OperationRegistry
    from engineering_api.lib.audit import AuditLog
    from engineering_api.lib.db import Database
    from engineering_api.lib.idempotency import IdempotencyKeys
    from engineering_api.lib.paths import PathPolicy
    from engineering_api.lib.security import ApiKeyStore

__all__ = ("Services", "services_of")


@dataclass
class Services:
    """Everything wired by :func:`engineering_api.app.create_app`."""

    settings: Settings
    db: Database
    keys: ApiKeyStore
    audit: AuditLog
    paths: PathPolicy
    worker: TiaWorker
    backend: EngineeringBackend
    jobs: JobManager
    operations: OperationRegistry
    started_at: str = ""
    scheduler: Any = None
    limiter: RateLimiter = field(default_factory=RateLimiter)
    """Rate limits across all routes (Litestar builds a middleware per route, so they cannot live there)."""
    notes: dict[str, Any] = field(default_factory=dict)
    idempotency: IdempotencyKeys | None = None
    """The runtime calls' ``Idempotency-Key`` store (the derived routes keep theirs on their jobs)."""


def services_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Services:
    """The services of the app serving a request (or any connection)."""
    services: Services = connection.app.state.services
    return services
