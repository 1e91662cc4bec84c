"""The edge: test cases in T-IA Connect's client format or this server's earlier format, to the one model.

Keys are matched case-insensitively (the vendor client sends camelCase, others PascalCase); tag names, which are
keys in the client format, are kept as written. A step of either format becomes a :class:`~.models.TestStep`:

* client: ``{"description": "...", "write": {"Start": true, "Speed": 5}, "waitMs": 100,
  "assert": {"Running": {"expected": true}, "Speed": {"expected": 5.0, "tolerance": 0.1},
  "Level": {"min": 0, "max": 10}, "Fault": {"notEqual": true}}}``; an assertion may be a bare value
  (``"Running": true``, meaning ``expected``). ``expected`` becomes ``equals`` (``approx`` with ``tolerance``),
  ``notEqual`` ``notEquals``, ``min`` ``greaterOrEqual`` and ``max`` ``lessOrEqual``.
* earlier: one action per step, ``{"write": {"tag": ..., "value": ...}}``, ``{"cycles": N}``,
  ``{"advanceMs": T}``, ``{"expect": {"tag": ..., "equals": ...}}``; ``write`` and ``expect`` may also be lists.

A ``write`` object whose only keys are ``tag`` and ``value`` is read in the earlier format: a PLC tag literally
named ``tag`` is written in the client format with its quotes (``"\\"tag\\""``). ``setup`` and ``teardown`` are
one step (the client's object) or a list of steps.
"""

from __future__ import annotations

from typing import Any

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import key_normaliser, normalise_keys

from .models import Expectation, TestStep, WriteStep

__all__ = ("to_steps",)

_STEP_KEYS = {"description": "description", "write": "write", "cycles": "cycles", "advancems": "advanceMs",
              "waitms": "waitMs", "expect": "expect", "assert": "assert"}
_ASSERT_KEYS = {"expected": "expected", "tolerance": "tolerance", "min": "min", "max": "max", "notequal": "notEqual"}


def _invalid(where: str, problem: str) -> ValidationError:
    return ValidationError(f"{where}: {problem}.", code=codes.TEST_CASE_INVALID, details={"step": where})


def _writes(where: str, raw: Any) -> list[dict[str, Any]]:
    if isinstance(raw, list):
        return [normalise_keys(item, key_normaliser(WriteStep)) for item in raw]
    if not isinstance(raw, dict):
        raise _invalid(where, 'write is {"tag": value, ...} (or {"tag": ..., "value": ...})')
    if {k.lower() for k in raw} == {"tag",
                                    "value"} and isinstance(next(v for k, v in raw.items() if k.lower() == "tag"), str):
        return [normalise_keys(raw, key_normaliser(WriteStep))]
    return [{"tag": tag, "value": value} for tag, value in raw.items()]


def _expects(where: str, raw: Any) -> list[dict[str, Any]]:
    items = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(item, dict) for item in items):
        raise _invalid(where, 'expect is {"tag": ..., "equals": ...} or a list of them')
    return [normalise_keys(item, key_normaliser(Expectation)) for item in items]


def _assertion(where: str, tag: str, spec: Any) -> dict[str, Any]:
    """One client assertion as an expectation."""
    if not isinstance(spec, dict):
        spec = {"expected": spec}
    given: dict[str, Any] = {}
    for key, value in spec.items():
        name = _ASSERT_KEYS.get(key.lower()) if isinstance(key, str) else None
        if name is None:
            raise _invalid(where,
                           f"assert on {tag}: unknown field {key!r} (use expected, tolerance, min, max, notEqual)")
        given[name] = value
    out: dict[str, Any] = {"tag": tag}
    if given.get("expected") is not None:
        out["approx" if given.get("tolerance") is not None else "equals"] = given["expected"]
    if given.get("tolerance") is not None:
        if given.get("expected") is None:
            raise _invalid(where, f"assert on {tag}: tolerance goes with expected")
        out["tolerance"] = given["tolerance"]
    for source, target in (("notEqual", "notEquals"), ("min", "greaterOrEqual"), ("max", "lessOrEqual")):
        if given.get(source) is not None:
            out[target] = given[source]
    return out


def _step(where: str, raw: Any) -> TestStep:
    if not isinstance(raw, dict):
        raise _invalid(where, "a step is an object")
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        name = _STEP_KEYS.get(key.lower()) if isinstance(key, str) else None
        if name is None:
            raise _invalid(where, f"unknown field {key!r} (a step has description, write, waitMs, assert; or cycles, "
                                  "advanceMs, expect)")
        fields[name] = value
    if fields.get("write") is not None:
        fields["write"] = _writes(where, fields["write"])
    expects = _expects(where, fields.pop("expect")) if fields.get("expect") is not None else []
    asserted = fields.pop("assert", None)
    if asserted is not None:
        if not isinstance(asserted, dict):
            raise _invalid(where, 'assert is {"tag": {"expected": ...}, ...}')
        expects += [_assertion(where, str(tag), spec) for tag, spec in asserted.items()]
    fields["expect"] = expects
    fields = {k: v for k, v in fields.items() if v is not None}
    try:
        return msgspec.convert(fields, TestStep)
    except msgspec.ValidationError as exc:
        raise _invalid(where, str(exc).replace("`$.", "`")) from exc


def to_steps(phase: str, raw: Any) -> list[TestStep]:
    """The steps of one phase (``setup``, ``steps``, ``teardown``): a list of steps, one step object, or None.

    Raises:
        ValidationError: ``TEST_CASE_INVALID`` naming the step (``steps[2]``, 1-based) in ``details.step``.
    """
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    return [_step(f"{phase}[{index}]", item) for index, item in enumerate(items, 1)]
