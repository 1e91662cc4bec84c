"""The one translation of :mod:`fakes.runtime`'s exceptions into the service's error tree.

The simulation, online (download/upload) and watch-table halves of the fake all call into the same
simulated CPUs, so a runtime code means one domain code everywhere unless a call knows better: the
table below is the default, and :func:`runtime_errors` takes per-call overrides, extra hints and
``details`` (the online routes name the instance, the watch routes speak of operands).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import (AlreadyExistsError, ConflictError, EngineeringError, NotFoundError,
                                            NotSupportedError, ValidationError)
from engineering_api.errors import codes
from fakes.runtime.cpu import CpuStateError, TagError
from fakes.runtime.errors import ImageError, PlcRuntimeError
from fakes.runtime.manager import SimulationError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from engineering_api.backend.areas.simulation_models import SimDiagnosticEntry

__all__ = ("RUNTIME_ERRORS", "Overrides", "Target", "message_of", "runtime_errors", "stopped_by_error", "translate")

Target = tuple[type[EngineeringError], str]
"""The domain error class and code a runtime code becomes."""
Overrides = Mapping["str | type[Exception]", Target]
"""Per-call re-mapping: by runtime code, or by exception class for every code of that class not named."""

RUNTIME_ERRORS = (SimulationError, CpuStateError, TagError, ImageError, PlcRuntimeError)
_CODES: dict[type[Exception], dict[str, Target]] = {
    SimulationError: {
        "not-found": (NotFoundError, codes.SIM_INSTANCE_NOT_FOUND), "exists": (AlreadyExistsError,
                                                                               codes.SIM_INSTANCE_EXISTS),
        "limit": (ConflictError, codes.SIM_INSTANCE_LIMIT), "invalid": (ValidationError, codes.SIM_INVALID_ARGUMENT),
        "busy": (ConflictError, codes.SIM_INSTANCE_NOT_OFF), "runtime-stopped": (ConflictError,
                                                                                 codes.SIM_RUNTIME_STOPPED),
        "not-connected": (ConflictError, codes.SIM_NOT_CONNECTED),
    },
    CpuStateError: {
        "instance-off": (ConflictError, codes.INSTANCE_OFF), "not-running": (ConflictError, codes.CPU_NOT_RUNNING),
        "needs-stop": (ConflictError, codes.CPU_IN_RUN), "free-running": (ConflictError, codes.SIM_FREE_RUNNING),
        "bad-step": (ValidationError, codes.SIM_BAD_STEP), "not-forceable": (ValidationError, codes.TAG_NOT_FORCEABLE),
    },
    TagError: {
        "DoesNotExist": (NotFoundError, codes.SIM_TAG_NOT_FOUND),
        "TypeMismatch": (ValidationError, codes.SIM_TAG_TYPE_MISMATCH),
        "NotUpToDate": (ConflictError, codes.SIM_TAG_LIST_NOT_UP_TO_DATE),
        "InstanceNotRunning": (ConflictError, codes.INSTANCE_OFF),
        "NotSupported": (ValidationError, codes.SIM_TAG_NOT_SUPPORTED),
    },
}
_FALLBACK: Target = (ConflictError, codes.SIMULATION_ERROR)
"""A runtime code this table does not know yet still answers 409, not 500."""
_HINTS = {
    "InstanceNotRunning": "Power it on first.",
    "DoesNotExist": "List the tags (GET /api/simulation/tags) or download the program that declares it.",
    "not-running": "Set it to RUN first.",
}
"""What to do next, added to runtime messages that do not say it."""


def message_of(exc: Exception, hints: Mapping[str, str] | None = None) -> str:
    """The runtime's message with the hint for its code (``hints`` replace the defaults per code)."""
    message: str = getattr(exc, "message", str(exc))
    code = getattr(exc, "code", "")
    hint = (hints or {}).get(code) or _HINTS.get(code)
    return f"{message} {hint}" if hint else message


def stopped_by_error(message: str, entry: SimDiagnosticEntry | PlcRuntimeError | None,
                     **details: Any) -> ConflictError:
    """``CPU_STOPPED_BY_ERROR`` with the failing block/network/line at the top of ``details``, as every route
    that reports a programming error answers it (``details`` add to them)."""
    where = {key: getattr(entry, key, None) for key in ("block", "network", "line")}
    return ConflictError(message, code=codes.CPU_STOPPED_BY_ERROR, details={**where, **details})


def translate(exc: Exception, overrides: Overrides | None = None, hints: Mapping[str, str] | None = None,
              details: Mapping[str, Any] | None = None) -> EngineeringError:
    """The domain error for a runtime exception.

    ``overrides`` win by runtime code, then by exception class, before the default table; ``hints`` add to
    (or replace) the default hint of a code; ``details`` are merged into the error's own details.
    """
    extra = dict(details or {})
    if isinstance(exc, ImageError):
        return ConflictError(f"The program cannot be loaded into the CPU: {exc.message} Fix the errors and compile "
                             "again.", code=codes.DOWNLOAD_COMPILE_FAILED, details={"messages": exc.messages, **extra})
    if isinstance(exc, PlcRuntimeError):
        return stopped_by_error(f"The CPU went to STOP: {exc.message}", exc, **extra)
    code: str = getattr(exc, "code", "")
    by_class = next((v for k, v in (overrides or {}).items() if isinstance(k, type) and isinstance(exc, k)), None)
    table = next((t for k, t in _CODES.items() if isinstance(exc, k)), {})
    cls, domain_code = (overrides or {}).get(code) or by_class or table.get(code, _FALLBACK)
    return cls(message_of(exc, hints), code=domain_code, details=extra or None)


@contextmanager
def runtime_errors(overrides: Overrides | None = None, *, hints: Mapping[str, str] | None = None,
                   details: Mapping[str, Any] | None = None, **by_code: Target) -> Iterator[None]:
    """Raise the runtime's exceptions as the service's errors (see :func:`translate`).

    ``by_code`` are overrides spelled as keywords (``not_found=...`` for ``not-found``). A missing
    engine module is a 501 wherever it shows: a build without :mod:`fakes.runtime.image` can neither run
    instances nor load programs into them.
    """
    merged: dict[str | type[Exception], Target] = {**(overrides or {}),
                                                   **{k.replace("_", "-"): v for k, v in by_code.items()}}
    try:
        yield
    except RUNTIME_ERRORS as exc:
        raise translate(exc, merged, hints, details) from None
    except ImportError as exc:
        if not (exc.name or "").startswith("fakes.runtime"):
            raise
        raise NotSupportedError(
            "The simulated PLC engine (fakes.runtime.image) is not part of this build, so no instance can be created "
            "or run and no program downloaded. Install a build that includes it.", code=codes.SIM_ENGINE_UNAVAILABLE,
        ) from None
