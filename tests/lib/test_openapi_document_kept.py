"""tools/openapi_document.py: the document is built once per content and read by the other processes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tools import openapi_document as kept_document


@pytest.fixture(name="builds")
def fx_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The builds made, the documents kept in ``tmp_path`` (the process' cached text is not touched)."""
    made: list[str] = []

    def build() -> str:
        made.append("built")
        return '{"openapi": "3.1.0"}'

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(kept_document, "_built", build)
    return made


def test_a_document_kept_by_another_process_is_read_not_built(builds: list[str], tmp_path: Path) -> None:
    first = kept_document.openapi_text.__wrapped__()  # as the first process
    again = kept_document.openapi_text.__wrapped__()  # as a second one
    assert first == again == '{"openapi": "3.1.0"}'
    assert builds == ["built"]
    assert sorted(p.suffix for p in tmp_path.glob("engineering-api-openapi-*")) == [".json", ".lock"]


def test_another_setting_is_another_document(builds: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    kept_document.openapi_text.__wrapped__()
    monkeypatch.setenv("ENGINEERING_API_TIA_VERSION", "V17")
    kept_document.openapi_text.__wrapped__()
    assert builds == ["built", "built"]
