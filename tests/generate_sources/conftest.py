"""A fake PLC for the generate-from-source tests: one project with ``PLC_1``, reused per worker."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.contract.conftest import open_plc_project


@pytest.fixture(scope="module")
def fake_plc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A FakeBackend with an open project and a CPU named PLC_1 (module scope: a project per module)."""
    from fakes.backend import FakeBackend

    root: Path = tmp_path_factory.mktemp("gen")
    backend = FakeBackend(root / "state")
    backend.on_worker_thread_started()
    (root / "ws").mkdir()
    open_plc_project(backend, root / "ws")
    try:
        yield backend
    finally:
        close = getattr(backend, "close", None)
        if callable(close):
            close()
