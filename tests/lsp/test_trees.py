"""A document too large to check is not parsed for a request on it either (hover, completion, the outline): the
server answers those empty at once instead of parsing megabytes for each (counted, not timed)."""

from __future__ import annotations

import pytest

from engineering_api.lsp import trees
from engineering_api.lsp.session import MAX_DOCUMENT_CHARS

GOOD = 'FUNCTION "Ok" : Void\nVAR_TEMP\n  a : Int;\nEND_VAR\nBEGIN\n  #a := 1;\nEND_FUNCTION\n'


def test_a_document_over_the_limit_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    real = trees.parse

    def counting(source: str, path: str) -> object:
        parsed.append(len(source))
        return real(source, path)

    monkeypatch.setattr(trees, "parse", counting)
    assert trees.tree("/w/Ok.scl", GOOD) is not None and parsed == [len(GOOD)]
    huge = GOOD.replace("  #a := 1;\n", "\t#a := #a + 1;\n" * (MAX_DOCUMENT_CHARS // 15 + 10))
    assert len(huge) > MAX_DOCUMENT_CHARS
    assert trees.tree("/w/Huge.scl", huge) is None
    assert parsed == [len(GOOD)]
