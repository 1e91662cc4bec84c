"""``${...}`` references in step parameters and the small language of step conditions.

A reference names a pipeline variable (``${deviceName}``), a built-in value (``${pipeline.name}``,
``${execution.id}``, ``${date}``, ``${timestamp}``) or what an earlier step did (``${steps.Compile.status}``,
``${steps.Compile.result.errorCount}``). A parameter that is exactly one reference takes the referenced value
with its type (a number stays a number, an object an object); a reference inside longer text is put in as text.
``$${`` writes a literal ``${``.

A condition decides whether a step that is reached runs (without one it does: after a failure only steps of an
``onFailure: continue`` or ``goto`` are reached). It is one of ``always``, ``success`` (no step has failed so far),
``failure`` (some step has failed), or a comparison ``<operand> == <operand>`` / ``!=``, or a single
operand that must be truthy (``${runTests}``). Operands are references or literals: ``'text'``, ``"text"``,
numbers, ``true``, ``false``, ``null``. Nothing else is evaluated: a condition is data, never code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

__all__ = (
    "BUILTINS", "Resolver", "builtin_values", "check_condition", "condition_holds", "references", "substitute",
)

_REF = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_ONLY_REF = re.compile(r"^\$\{([^}]*)\}$")
_NAME = re.compile(r"^[A-Za-z_][\w-]*(\.[\w\- ]+)*$")
BUILTINS = ("pipeline.name", "execution.id", "date", "timestamp")
"""References every run defines: the pipeline's name, the execution id, the UTC date (``2026-11-23``) and time
stamp (``20261123-020000``) of the run's start."""
_KEYWORDS = {"always", "success", "failure"}


def builtin_values(pipeline_name: str, execution_id: str, started_at: str) -> dict[str, str]:
    """The values of :data:`BUILTINS` for a run that started at ``started_at`` (ISO 8601 UTC, as ``utc_now``)."""
    return {"pipeline.name": pipeline_name, "execution.id": execution_id, "date": started_at[:10],
            "timestamp": started_at[:19].replace("-", "").replace(":", "").replace("T", "-")}
_COMPARISON = re.compile(r"^(.*?)\s*(==|!=)\s*(.*)$")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

Resolver = Callable[[str], Any]
"""Looks up a reference's value; raises ValidationError (``PIPELINE_REFERENCE``) for an unknown one."""


def references(value: Any) -> Iterator[str]:
    """Every reference named in ``value`` (strings inside lists and objects too), in order."""
    if isinstance(value, str):
        for match in _REF.finditer(value):
            if match.group(1) is not None:
                yield match.group(1).strip()
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def substitute(value: Any, resolve: Resolver) -> Any:
    """``value`` with its references replaced (see the module docstring).

    Raises:
        ValidationError: ``PIPELINE_REFERENCE``: a reference the resolver does not know.
    """
    if isinstance(value, str):
        only = _ONLY_REF.match(value)
        if only is not None:
            return resolve(only.group(1).strip())
        return _REF.sub(lambda m: "${" if m.group(1) is None else _text(resolve(m.group(1).strip())), value)
    if isinstance(value, Mapping):
        return {key: substitute(item, resolve) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, resolve) for item in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def check_reference(name: str, variables: Mapping[str, Any], step_names: set[str]) -> str | None:
    """Why ``name`` cannot be resolved in a pipeline with these variables and steps, or None when it can."""
    if not _NAME.match(name):
        return f"'${{{name}}}' is not a reference (a variable name, steps.<step>.status|result[.field] or a built-in)"
    if name in BUILTINS or name in variables:
        return None
    parts = name.split(".")
    if parts[0] == "steps":
        if len(parts) < 3 or parts[2] not in ("status", "result", "error"):
            return f"'${{{name}}}' must be steps.<step>.status, steps.<step>.error or steps.<step>.result[.field]"
        if parts[1] not in step_names:
            return f"'${{{name}}}' names no step of this pipeline"
        return None
    return (f"'${{{name}}}' is neither a variable of the pipeline (declare it under variables) nor a built-in "
            f"({', '.join(BUILTINS)})")


def _operands(condition: str) -> list[str]:
    text = condition.strip()
    if text.lower() in _KEYWORDS:
        return []
    comparison = _COMPARISON.match(text)
    return [comparison.group(1), comparison.group(3)] if comparison else [text]


def check_condition(condition: str, check: Callable[[str], str | None]) -> str | None:
    """Why ``condition`` is not valid (``check`` judges each reference), or None."""
    for operand in _operands(condition):
        operand = operand.strip()
        only = _ONLY_REF.match(operand)
        if only is not None:
            problem = check(only.group(1).strip())
            if problem:
                return problem
        elif not _is_literal(operand):
            return (f"'{operand}' in the condition '{condition}' is neither a ${{reference}} nor a literal ('text', "
                    "a number, true, false, null); a condition is always, success, failure, one operand or "
                    "<operand> == <operand> / !=")
    return None


def _is_literal(text: str) -> bool:
    quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "'\""
    return quoted or text in _LITERALS or bool(_NUMBER.match(text))


def _value(operand: str, resolve: Resolver) -> Any:
    operand = operand.strip()
    only = _ONLY_REF.match(operand)
    if only is not None:
        return resolve(only.group(1).strip())
    if operand in _LITERALS:
        return _LITERALS[operand]
    if _NUMBER.match(operand):
        return float(operand)
    return operand[1:-1]


def _same(left: Any, right: Any) -> bool:
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers) and not isinstance(left, bool | None):
        return float(left) == float(right)
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()  # statuses and names: 'completed' == 'Completed'
    return bool(left == right)


def condition_holds(condition: str, failed_so_far: bool, resolve: Resolver) -> bool:
    """Whether a step with ``condition`` runs, given whether a step has failed so far.

    Raises:
        ValidationError: ``PIPELINE_REFERENCE``: a reference the resolver does not know.
    """
    text = condition.strip()
    keyword = text.lower() or "always"
    if keyword == "always":
        return True
    if keyword == "success":
        return not failed_so_far
    if keyword == "failure":
        return failed_so_far
    comparison = _COMPARISON.match(text)
    if comparison is None:
        return bool(_value(text, resolve))
    same = _same(_value(comparison.group(1), resolve), _value(comparison.group(3), resolve))
    return same if comparison.group(2) == "==" else not same


def unknown_reference(name: str) -> ValidationError:
    """The error for a reference that has no value in this run."""
    return ValidationError(f"'${{{name}}}' has no value in this run.", code=codes.PIPELINE_REFERENCE,
                           details={"reference": name})
