"""T-IA Connect's own VS Code client, unmodified, against a served engineering-api (issue 15, "Done means").

``driver.mjs`` bundles the client's ``src/api/*.ts`` and language-model tools (from ``TIA_CONNECT_CLIENT_DIR``, or
HEAD of the mirror) with esbuild and calls every function in a user's order against ``engineering-api serve``;
this test starts the server, a scripted model provider for the assistant, runs the driver and asserts that every
call passed (all 87 calls, the language-model tools and the calls around them pass today). A call whose route area
a probe finds missing on the server counts as an expected failure with the reason, so the harness still runs
against an older server. Without node, or without the client's source, the test skips and says why:
see tests/realclient/README.md. The driver's last call stops the server (``POST /api/health/shutdown``), so the
served process must exit by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.realclient.conftest import serve
from tests.realclient.vendor_client import run_vendor_client

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.realclient.conftest import Served


@pytest.fixture
def served(tmp_path: Path, node_ready: str) -> Iterator[Served]:
    yield from serve(tmp_path / "data")


def test_the_vendor_client_passes_every_call(served: Served, node_ready: str, tmp_path: Path) -> None:
    run_vendor_client(served, node_ready, tmp_path)


