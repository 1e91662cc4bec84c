"""A SARIF log always names where to read about the tool (``tool.driver.informationUri``, issue 92): the
``--docs-url`` when given, else the distribution's documentation address (pyproject's ``project.urls``), else a
stable default. It was missing without ``--docs-url``, and code scanning then had no link to the tool."""

from __future__ import annotations

import json
import subprocess
import sys
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from engineering_api.lib import version
from engineering_api.lib.version import DEFAULT_DOCUMENTATION_URI, documentation_uri
from tools.bounds import HANG_GUARD_S

BROKEN = 'FUNCTION "F" : Int\nBEGIN\n    #F := ;\nEND_FUNCTION\n'


def _sarif(folder: Path, *options: str) -> dict[str, Any]:
    """``engineering-api scl check --format sarif`` in a process of its own, as a pipeline runs it."""
    (folder / "f.scl").write_text(BROKEN)
    script = Path(sys.executable).with_name("engineering-api")
    done = subprocess.run([str(script), "scl", "check", "f.scl", "--format", "sarif", *options], cwd=folder,
                          capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    assert done.returncode == 1, done.stderr  # the finding is an error
    log: dict[str, Any] = json.loads(done.stdout)
    return log


def test_without_docs_url_the_tool_still_has_an_absolute_information_uri(tmp_path: Path) -> None:
    driver = _sarif(tmp_path)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == documentation_uri()
    assert urlsplit(driver["informationUri"]).scheme  # absolute, as SARIF requires
    assert driver["rules"] and all("helpUri" not in rule for rule in driver["rules"])  # rules: as before


def test_the_docs_url_is_the_information_uri_when_given(tmp_path: Path) -> None:
    docs = "https://example.org/engineering-api/docs/diagnostic-codes.md"
    driver = _sarif(tmp_path, "--docs-url", docs)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == docs
    assert all(rule["helpUri"].startswith(f"{docs}#") for rule in driver["rules"])


def _metadata(*urls: str) -> Message:
    found = Message()
    for url in urls:
        found["Project-URL"] = url
    return found


@pytest.mark.parametrize(("urls", "expected"), [
    (("Homepage, https://example.org/home", "Documentation, https://example.org/docs"), "https://example.org/docs"),
    (("Source, https://example.org/src", "homepage, https://example.org/home"), "https://example.org/home"),
    (("Source, https://example.org/src",), DEFAULT_DOCUMENTATION_URI),
    ((), DEFAULT_DOCUMENTATION_URI),
])
def test_the_address_comes_from_project_urls(monkeypatch: pytest.MonkeyPatch, urls: tuple[str, ...],
                                             expected: str) -> None:
    monkeypatch.setattr(version, "metadata", lambda _name: _metadata(*urls))
    documentation_uri.cache_clear()
    try:
        assert documentation_uri() == expected
    finally:
        documentation_uri.cache_clear()
