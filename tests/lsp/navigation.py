"""Positions and hovers in the language server's navigation tests."""

from __future__ import annotations

from lsprotocol import types

from tools.lsp_client import Session

__all__ = ("at", "doc", "hover")


def at(text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """The position of the ``nth`` occurrence of ``needle`` (plus ``offset`` characters) in ``text``."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    return types.Position(line=line, character=index - (text.rfind("\n", 0, index) + 1))


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def hover(client: Session, uri: str, position: types.Position) -> str:
    found = await client.client.text_document_hover_async(types.HoverParams(text_document=doc(uri), position=position))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    return found.contents.value
