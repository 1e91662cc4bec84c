"""The one way out for tests reading ../shared when a clone has none: the reason names the folder, and a test is
found to read it through its own code, the helpers it calls and its parameters, but not when it names no path
there. (Run against a missing folder: ``ENGINEERING_API_SHARED=/nonexistent pytest <corpus test files>`` skips the
corpus tests naming it, and with ``CI=true`` fails them.)"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import pytest

from tests.lib.shared_corpus import needs_shared, reaches_shared, shared_reason

if TYPE_CHECKING:
    from pathlib import Path

FOLDER: Path | None = None


def _reads() -> bytes:
    assert FOLDER is not None
    return (FOLDER / "corpus" / "x.xml").read_bytes()


def _helper_reads() -> bytes:
    return _reads()


def _reads_nothing() -> int:
    return len("no corpus")


def test_a_missing_folder_is_named_with_the_next_step(tmp_path: Path) -> None:
    reason = shared_reason(tmp_path / "shared")
    assert reason is not None and str(tmp_path / "shared") in reason, reason
    assert "../shared beside the checkout" in reason and "ENGINEERING_API_SHARED" in reason
    (tmp_path / "shared" / "corpus").mkdir(parents=True)
    assert shared_reason(tmp_path / "shared") is None


def test_a_test_reading_the_folder_is_found_through_its_helpers(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "FOLDER", tmp_path / "shared")
    assert reaches_shared(_reads, tmp_path / "shared") and reaches_shared(_helper_reads, tmp_path / "shared")
    assert not reaches_shared(_reads_nothing, tmp_path / "shared")
    assert not reaches_shared(_reads, tmp_path / "elsewhere")


def test_a_parameter_under_the_folder_marks_the_test(tmp_path: Path) -> None:
    class Item:
        function = staticmethod(_reads_nothing)
        callspec: Any = type("CallSpec", (), {"params": {"path": tmp_path / "shared" / "corpus" / "a.scl"}})()

    assert needs_shared(Item(), tmp_path / "shared")
    Item.callspec.params = {"path": tmp_path / "mine.scl"}
    assert not needs_shared(Item(), tmp_path / "shared")
