"""The regression gate's undeclared-method probes (tests/service/test_schemathesis_gate.py), on a tiny app.

Schemathesis' coverage phase sends each path the methods its document does not declare. These tests hold what the
gate makes of them: a route that answers such a method with anything but 405 fails the gate's checks, and a path is
probed once per method however many operations it has (the gate slices by path, so all of a path's operations are
in one schema).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from litestar import Litestar, delete, get, route
from litestar.params import FromPath
from litestar.testing import TestClient
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.openapi.checks import UnsupportedMethodResponse

from tests.openapi_fuzz import fuzz_schema
from tests.service.schemathesis_slices import CHECKS, SEED, SLICES, httpx_kwargs, slice_filter, slice_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemathesis import Case
    from schemathesis.schemas import APIOperation, BaseSchema

PROBE = "Unspecified HTTP method: "
"""How Schemathesis describes an undeclared-method case."""


@get("/things/{name:str}")
async def read_thing(name: FromPath[str]) -> dict[str, str]:
    return {"name": name}


@delete("/things/{name:str}")
async def delete_thing(name: FromPath[str]) -> None:
    return None


@route("/things/{name:str}", http_method=["PUT"], include_in_schema=False)
async def undocumented_put(name: FromPath[str]) -> dict[str, str]:
    """Serves a method the document does not declare: the defect the probes are for."""
    return {"name": name}


def _document(app: Litestar) -> dict[str, Any]:
    document: dict[str, Any] = app.openapi_schema.to_schema()
    return document


def _operations(schema: BaseSchema) -> list[APIOperation]:
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    return operations


def _probes(schema: BaseSchema, operation: APIOperation) -> Iterator[Case]:
    """The operation's undeclared-method cases, as the gate's test builds its coverage cases."""
    config = schema.config.generation_for(operation=operation)
    for case in schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode), generation_config=config):
        if case.meta is not None and (case.meta.phase.data.description or "").startswith(PROBE):
            yield case


def _gate_failures(app: Litestar) -> dict[str, list[str]]:
    """Each probe's method and the names of the gate's failed checks, for the app's documented operations."""
    schema = fuzz_schema(seed=SEED, max_examples=1, document=_document(Litestar([read_thing])))
    failed: dict[str, list[str]] = {}
    with TestClient(app) as client:
        for case in _probes(schema, _operations(schema)[0]):
            response = client.request(**httpx_kwargs(case, {}))
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                failed[case.method] = [type(failure).__name__ for failure in group.exceptions]
            else:
                failed[case.method] = []
    return failed


def test_a_route_answering_an_undeclared_method_fails_the_gate() -> None:
    honest = _gate_failures(Litestar([read_thing]))
    assert "PUT" in honest and "TRACE" in honest, honest
    assert not any(honest.values()), honest

    served = _gate_failures(Litestar([read_thing, undocumented_put]))
    assert served["PUT"] == [UnsupportedMethodResponse.__name__], served
    assert not any(failures for method, failures in served.items() if method != "PUT"), served


def test_a_path_is_probed_once_per_method_whatever_its_operations() -> None:
    schema = fuzz_schema(seed=SEED, max_examples=1, document=_document(Litestar([read_thing, delete_thing])))
    operations = _operations(schema)
    assert sorted(operation.method.upper() for operation in operations) == ["DELETE", "GET"]

    sent = Counter(case.method for operation in operations for case in _probes(schema, operation))
    assert sent and set(sent.values()) == {1}, sent
    assert not {"GET", "DELETE"} & set(sent), sent


def test_the_gate_checks_all_of_a_paths_operations_in_one_slice() -> None:
    schema = fuzz_schema(seed=SEED, max_examples=1, document=_document(Litestar([read_thing, delete_thing])))
    index = slice_of("/things/{name}")
    assert len(_operations(schema.include(slice_filter(index)))) == 2
    others = [i for i in range(SLICES) if i != index]
    assert not any(_operations(schema.include(slice_filter(i))) for i in others)


def test_generated_inputs_draw_no_constant_of_the_checkout() -> None:
    """tests/hypothesis_constants.py takes effect: the checkout's modules hold thousands of string constants
    Hypothesis would draw from, and the provider sees none."""
    from hypothesis.internal.conjecture.providers import HypothesisProvider, _get_local_constants

    import engineering_api.app  # noqa: F401  # loaded: its constants are "local" ones

    assert len(_get_local_constants().strings) > 1_000
    assert not HypothesisProvider(None)._local_constants.strings
