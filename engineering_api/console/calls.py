"""The console reaches the project through the service's own operations, as REST does: the same handlers, input
validation, worker thread, timeouts and errors. It never talks to the backend directly."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import NotFoundError, PermissionDeniedError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.field_docs import COMMON

if TYPE_CHECKING:
    from engineering_api.jobs.records import JobRecord
    from engineering_api.lib.security import Principal
    from engineering_api.services import Services

__all__ = ("plain_message", "run", "start")


def _operation(services: Services, name: str, principal: Principal) -> Any:
    operation = services.operations.get(name)
    if operation is None:  # a console page names an operation the registry lacks: a defect, said plainly
        raise NotFoundError(f"the service has no operation {name!r}", code=codes.OPERATION_NOT_FOUND)
    if not principal.role.allows(operation.required_role):
        raise PermissionDeniedError(
            f"{operation.summary.rstrip('.')} needs the {operation.required_role.value} role; you signed in with a "
            f"{principal.role.value} key", code=codes.FORBIDDEN)
    return operation


def _input(operation: Any, fields: dict[str, Any]) -> Any:
    if operation.input is None:
        return None
    try:
        return msgspec.convert(fields, operation.input)
    except msgspec.ValidationError as exc:
        # The same refusal as REST's for the same input: 422 VALIDATION_FAILED.
        raise ValidationError(f"invalid input for {operation.name}: {exc}") from None


async def run(services: Services, principal: Principal, name: str, **fields: Any) -> Any:
    """Run operation ``name`` inline (camelCase ``fields``) for ``principal`` and return its result as plain data.

    Raises:
        PermissionDeniedError: the principal's role does not allow it (the page hides the button too).
        EngineeringError: whatever the operation raises.
    """
    operation = _operation(services, name, principal)
    result = await services.jobs.run_inline(operation, _input(operation, fields))
    return msgspec.to_builtins(result)


async def start(services: Services, principal: Principal, name: str, idempotency_key: str | None,
                **fields: Any) -> JobRecord:
    """Start operation ``name`` as a recorded job (shown on the jobs page) for ``principal``."""
    operation = _operation(services, name, principal)
    return await services.jobs.start(operation, _input(operation, fields), principal=principal,
                                     idempotency_key=idempotency_key)


_ROUTE_HINT = re.compile(r"\s*\((?:[^()]*?\b)?(?:GET|POST|PUT|PATCH|DELETE) /api/[^()]*\)")
"""A hint in an error message that names a REST route ("(POST /api/simulation/connect)"): the console offers the
action as a button instead."""


_FIELD = re.compile(r"\b(?:" + "|".join(sorted((re.escape(n) for n in COMMON if re.search("[a-z][A-Z]", n)),
                                                 key=len, reverse=True)) + r")\b")
"""The service's camelCase field names, which a message written for REST clients names ("name one with
instanceName"): the console says them in words."""


def _words(field: re.Match[str]) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda upper: " " + upper.group(1).lower(), field.group(0))


def plain_message(message: str) -> str:
    """An error message as the console shows it: without the REST routes it names, its field names in words
    (``instanceName``: instance name)."""
    return _FIELD.sub(_words, _ROUTE_HINT.sub("", message))
