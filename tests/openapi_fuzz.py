"""The service's OpenAPI document as Schemathesis loads it, for the fuzzing modules (the service-wide gate and the
runtime routes' fuzzing).

The document is the one built once per process for every test that reads it (:mod:`tools.openapi_document`:
building an app and its document is most of the cost), and the modules
load it through :func:`schemathesis.pytest.from_fixture`: the schema and its cases (the coverage phase makes
them when a test is built) are made when the test runs, in the one xdist worker that runs it, not at collection
in every worker. A lazily loaded schema is also one pytest item that reports each operation as a subtest named
``[METHOD /path]``. (Under pytest 9.2 an eagerly parametrized one gives all its items one node id, xdist's
scheduler runs one of them, and the lazy loader cannot rename its subtests: pyproject.toml keeps pytest below 9.2.)
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.schemas import BaseSchema

from tools.openapi_document import openapi_document

__all__ = ("fuzz_schema",)


def fuzz_schema(*, seed: int, max_examples: int, document: dict[str, Any] | None = None) -> BaseSchema:
    """The document as Schemathesis loads it for a deterministic run: ``seed``, valid and invalid inputs,
    ``max_examples`` generated cases per operation, no shrinking, the coverage phase on (it sends each schema's
    boundary values: empty strings, huge numbers, missing fields, wrong content types; deterministic, and where
    most server errors were found), no stateful phase. A new schema each call, so hooks stay the caller's.
    ``document`` is the service's own unless given (tests/service/test_gate_probes.py fuzzes a tiny app's).

    The coverage phase also sends each path the methods it does not declare (``Unspecified HTTP method``), once
    per path and method for all of one schema's operations (the schema remembers the pairs it sent)."""
    loaded: BaseSchema = schemathesis.openapi.from_dict(
        openapi_document() if document is None else document,
        config=schemathesis.Config.from_dict({
            "seed": seed,
            "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True, "no-shrink": True},
            "phases": {"coverage": {"enabled": True}, "stateful": {"enabled": False}},
        }),
    )
    return loaded
