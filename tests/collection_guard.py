"""The collection guard: items sharing a node id stop the run, naming the id.

xdist's schedulers key their queues by node id, so of items sharing one only one runs, silently (eagerly
parametrized Schemathesis tests did this under pytest 9.2, and ``make test`` ran 1 of each module's operations).
Under xdist the check runs in the controller, on each worker's collection: a worker that stopped its own
collection with a usage error would only show as an INTERNALERROR about a crashed item, without the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ("pytest_collection_finish", "pytest_xdist_node_collection_finished", "shared_node_ids")


def shared_node_ids(node_ids: Iterable[str]) -> dict[str, int]:
    """The node ids that occur more than once in ``node_ids``, with how often."""
    counts: dict[str, int] = {}
    for node_id in node_ids:
        counts[node_id] = counts.get(node_id, 0) + 1
    return {node_id: count for node_id, count in counts.items() if count > 1}


def _refusal(node_ids: Iterable[str]) -> str | None:
    shared = shared_node_ids(node_ids)
    if not shared:
        return None
    listed = "\n".join(f"  {node_id} ({count} items)" for node_id, count in sorted(shared.items()))
    return f"collected items share a node id, so xdist would run one of each:\n{listed}"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse a collection with shared node ids (a run without xdist; an xdist worker leaves it to the
    controller, see :func:`pytest_xdist_node_collection_finished`)."""
    if hasattr(session.config, "workerinput"):
        return
    refusal = _refusal(item.nodeid for item in session.items)
    if refusal:
        raise pytest.UsageError(refusal)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: absent when xdist is not loaded
def pytest_xdist_node_collection_finished(node: object, ids: Sequence[str]) -> None:
    """The same refusal in the xdist controller, for a worker's collection: the run stops with the reason."""
    del node
    refusal = _refusal(ids)
    if refusal:
        pytest.exit(refusal, returncode=pytest.ExitCode.USAGE_ERROR)
