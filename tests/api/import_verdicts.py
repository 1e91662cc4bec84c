"""What the differential tests of issue 89 share: ``simaticml check``'s errors of a file (the command line's
``main``, as a user runs it) and a served project to import into over HTTP, so that each entry's findings
(code, line) can be set beside the check's."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from engineering_api.cli import main
from engineering_api.config import Settings
from tests.conftest import CPU, add_device, data, served
from tests.lib.shared_corpus import SHARED

__all__ = ("CORPUS", "Findings", "Rest", "cli_errors", "refused_findings", "served_project")

CORPUS = SHARED / "corpus" / "simaticml"
Findings = list[tuple[str, int]]
Rest = tuple[TestClient[Any], dict[str, str], Path]
"""The test client, an engineer's headers, the service's first import root."""


def cli_errors(*paths: Path, only: Path | None = None) -> tuple[int, Findings]:
    """``simaticml check`` of ``paths`` together: its exit code and the errors of ``only`` (default: all) (a name
    the files do not define is a warning with ``--allow-missing``: an import judges the document alone or with the
    PLC around it, the PLC's compile its references)."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["simaticml", "check", *map(str, paths), "--allow-missing", "--format", "json"])
    found = json.loads(out.getvalue())["diagnostics"]
    return code, sorted((d["code"], d["line"]) for d in found
                        if d["severity"] == "Error" and (only is None or d["file"] == str(only)))


def refused_findings(body: dict[str, Any]) -> Findings:
    """The findings (code, line) of a refused import's ``details.files``."""
    files = (body.get("details") or {}).get("files", [])
    return sorted((d["code"], d["line"]) for f in files for d in f["diagnostics"])


@contextmanager
def served_project(data_dir: Path) -> Iterator[Rest]:
    """A served V21 project with the device PLC_1, to import into."""
    settings = Settings.from_env(data_dir=data_dir, tia_version="V21")
    with served(settings) as client:
        headers = {"X-API-Key": client.app.state.services.keys.create("eng", "engineer")[1]}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers=headers))
        add_device(client, headers, CPU, "PLC_1")
        yield client, headers, settings.roots[0]
