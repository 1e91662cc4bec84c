"""The one tree of domain errors every backend raises.

The web layer maps these to HTTP in exactly one place (``engineering_api.lib.responses``); adapters never
think about status codes. ``code`` is a stable machine-readable string that clients may switch on.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from engineering_api.errors import codes

__all__ = (
    "AlreadyExistsError",
    "BusyError",
    "ConflictError",
    "DatabaseUnavailableError",
    "EngineeringError",
    "InsufficientStorageError",
    "LockedError",
    "NoProjectOpenError",
    "NotFoundError",
    "NotSupportedError",
    "OperationCanceledError",
    "OperationTimeoutError",
    "PermissionDeniedError",
    "PortalUnavailableError",
    "ValidationError",
    "full_disk_named",
    "is_storage_full",
)


class EngineeringError(Exception):
    """Base of every domain error.

    Args:
        message: what went wrong, in words an engineer understands.
        code: stable machine code; each subclass has a default.
        details: extra structured facts (offending field, inner exception, DetailText, ...).
    """

    default_code = codes.ENGINEERING_ERROR

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}


class NotFoundError(EngineeringError):
    """A named object (project, device, block, job...) does not exist."""

    default_code = codes.NOT_FOUND


class AlreadyExistsError(EngineeringError):
    """An object with that name already exists where names must be unique."""

    default_code = codes.ALREADY_EXISTS


class ConflictError(EngineeringError):
    """The request is valid but the current state forbids it (e.g. a project is already open)."""

    default_code = codes.CONFLICT


class NoProjectOpenError(ConflictError):
    """The operation needs an open project and none is open in the attached portal."""

    default_code = codes.NO_PROJECT_OPEN


class ValidationError(EngineeringError):
    """The input breaks a rule TIA enforces (naming, address format, version...)."""

    default_code = codes.VALIDATION_FAILED


class BusyError(EngineeringError):
    """The portal is busy with another operation; retry later."""

    default_code = codes.BUSY


class LockedError(BusyError):
    """The object is locked by someone else, e.g. a project opened by another portal."""

    default_code = codes.LOCKED


class PermissionDeniedError(EngineeringError):
    """TIA refused access (Openness group, firewall, protected object)."""

    default_code = codes.PERMISSION_DENIED


class NotSupportedError(EngineeringError):
    """This backend cannot honestly perform the operation; the message says why."""

    default_code = codes.NOT_SUPPORTED


class PortalUnavailableError(EngineeringError):
    """No TIA Portal is attached or the portal stopped answering."""

    default_code = codes.PORTAL_UNAVAILABLE


class DatabaseUnavailableError(EngineeringError):
    """The service's own database cannot be reached (a PostgreSQL restart, an unreadable SQLite file): nothing
    was read or written; the node reconnects by itself once the database is back."""

    default_code = codes.DATABASE_UNAVAILABLE


class OperationTimeoutError(EngineeringError):
    """A backend call exceeded its time limit."""

    default_code = codes.TIMEOUT


class OperationCanceledError(EngineeringError):
    """A job was canceled by its caller before it finished."""

    default_code = codes.CANCELED


class InsufficientStorageError(EngineeringError):
    """The disk (or the database) is full: nothing was written; ``details.path`` names where, when known."""

    default_code = codes.INSUFFICIENT_STORAGE

    @classmethod
    def at(cls, path: object | None, what: str = "the write", *, free_needed: int | None = None
           ) -> InsufficientStorageError:
        """The error for a full disk at ``path`` (None: not known); ``free_needed``: the bytes the work needs free
        there, when they can be estimated (said in MB, rounded up, and in ``details.freeNeededBytes``)."""
        where = f" at {path}" if path is not None else ""
        space = f" (about {-(-free_needed // 1_000_000)} MB free are needed there)" if free_needed else ""
        details: dict[str, object] = {"path": str(path) if path is not None else None}
        if free_needed:
            details["freeNeededBytes"] = free_needed
        return cls(f"No space left on the device{where}: {what} could not be written, and nothing was changed. "
                   f"Free disk space{space} and retry.", details=details)


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_SQLITE_FULL = 13
"""SQLite's SQLITE_FULL result code (``database or disk is full``)."""
_POSTGRES_DISK_FULL = "53100"


def is_storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk or the database is full: ``ENOSPC``/``EDQUOT``, SQLite's ``SQLITE_FULL``,
    PostgreSQL's ``disk_full``."""
    if isinstance(exc, InsufficientStorageError):
        return True
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return True
    if getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL or getattr(exc, "sqlstate", None) == _POSTGRES_DISK_FULL:
        return True
    return type(exc).__name__ == "OperationalError" and "database or disk is full" in str(exc)


@contextmanager
def full_disk_named(path: object, what: str) -> Iterator[None]:
    """A full disk inside the block as :class:`InsufficientStorageError` naming the file (else ``path``)."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _FULL_ERRNOS:
            raise
        raise InsufficientStorageError.at(exc.filename or path, what) from exc
