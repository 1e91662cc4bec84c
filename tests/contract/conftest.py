"""The one parametrised fixture that runs every contract test over every backend adapter.

Add an adapter to ``ADAPTERS`` (the Openness bridge under Mono, later) and every test in this folder runs
against it too. Article numbers used across the files live here as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engineering_api.backend.port import EngineeringBackend

CPU = "6ES7 516-3AN02-0AB0"
IM = "6ES7 155-6AU01-0BN0"
HMI = "6AV2 124-0GC01-0AX0"
DI = "6ES7 521-1BH00-0AB0"
UNKNOWN_ARTICLE = "6ES7 999-9ZZ99-0AB0"


def _fake(state_dir: Path) -> EngineeringBackend:
    from fakes.backend import FakeBackend

    return FakeBackend(state_dir)


ADAPTERS: dict[str, Callable[[Path], EngineeringBackend]] = {"fake": _fake}
"""Adapter name → factory taking a state directory. Add ``"bridge"`` here when it exists."""


@pytest.fixture(params=[pytest.param(name, id=name) for name in ADAPTERS])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EngineeringBackend]:
    """A fresh adapter, set up as on the worker thread, closed afterwards."""
    adapter = ADAPTERS[request.param](tmp_path / "state")
    adapter.on_worker_thread_started()
    try:
        yield adapter
    finally:
        adapter.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The file root: paths reach the port already confined and absolute."""
    path = tmp_path / "workspace"
    path.mkdir()
    return path
