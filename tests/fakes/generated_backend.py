"""A fake backend with generated blocks imported."""

from __future__ import annotations

from pathlib import Path

from fakes.backend import FakeBackend
from tests.contract.conftest import open_plc_project

__all__ = ("backend_with_plc",)


def backend_with_plc(root: Path) -> FakeBackend:
    fake = FakeBackend(root / "state")
    fake.on_worker_thread_started()
    (root / "projects").mkdir(parents=True)
    open_plc_project(fake, root / "projects")
    return fake
