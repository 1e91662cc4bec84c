"""The collection guard of tests/conftest.py: items sharing a node id stop the run, naming the id.

xdist's schedulers key their queues by node id, so of items sharing one only one runs; ``make test`` ran one of
each Schemathesis module's operations that way (eager parametrization under pytest 9.2).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from tests.conftest import pytest_collection_finish, shared_node_ids


def _session(*node_ids: str) -> pytest.Session:
    return cast(pytest.Session, SimpleNamespace(items=[SimpleNamespace(nodeid=node_id) for node_id in node_ids]))


def test_items_sharing_a_node_id_stop_the_run_naming_it() -> None:
    session = _session("t.py::test_op", "t.py::test_op", "t.py::test_op", "t.py::test_other[a]", "t.py::test_other[b]")
    with pytest.raises(pytest.UsageError, match=r"(?s)share a node id.*t\.py::test_op \(3 items\)") as raised:
        pytest_collection_finish(session)
    assert "test_other" not in str(raised.value)


def test_distinct_node_ids_pass() -> None:
    pytest_collection_finish(_session("t.py::test_op[GET /a]", "t.py::test_op[POST /a]"))
    assert shared_node_ids(_session("t.py::a", "t.py::b").items) == {}
