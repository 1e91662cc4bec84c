"""The service's OpenAPI document as Schemathesis loads it, for the fuzzing modules (the service-wide gate and the
runtime routes' fuzzing).

The document is built once per process (building an app and its document is most of the cost), and the modules
load it through :func:`schemathesis.pytest.from_fixture`: the schema and its cases (the coverage phase makes
them when a test is built) are made when the test runs, in the one xdist worker that runs it, not at collection
in every worker. A lazily loaded schema is also one pytest item that reports each operation as a subtest named
``[METHOD /path]``. (Under pytest 9.2 an eagerly parametrized one gives all its items one node id, xdist's
scheduler runs one of them, and the lazy loader cannot rename its subtests: pyproject.toml keeps pytest below 9.2.)
"""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.schemas import BaseSchema

from engineering_api.config import Settings
from tests.conftest import shared_app

__all__ = ("document", "fuzz_schema")


@functools.cache
def _built_document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch, shared_app(Settings.from_env(data_dir=Path(scratch))) as app:
        document: dict[str, Any] = app.openapi_schema.to_schema()
        app.state.services.db.close()
    return document


def document() -> dict[str, Any]:
    """The OpenAPI document, as ``engineering-api openapi`` prints it; a copy the caller may change."""
    return copy.deepcopy(_built_document())


def fuzz_schema(*, seed: int, max_examples: int) -> BaseSchema:
    """The document as Schemathesis loads it for a deterministic run: ``seed``, valid and invalid inputs,
    ``max_examples`` generated cases per operation, no shrinking, the coverage phase on (it sends each schema's
    boundary values: empty strings, huge numbers, missing fields, wrong content types; deterministic, and where
    most server errors were found), no stateful phase. A new schema each call, so hooks stay the caller's."""
    loaded: BaseSchema = schemathesis.openapi.from_dict(
        document(),
        config=schemathesis.Config.from_dict({
            "seed": seed,
            "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True, "no-shrink": True},
            "phases": {"coverage": {"enabled": True}, "stateful": {"enabled": False}},
        }),
    )
    return loaded
