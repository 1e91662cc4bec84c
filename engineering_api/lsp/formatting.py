"""``textDocument/formatting``: TIA's layout, when the formatter is installed.

The formatter is :func:`simatic_xml.scl_format.format_source` (``scl fmt``), written apart from the server. Until
that module is there the server does not announce formatting, so an editor offers none; when it is, a whole-document
edit is answered, and a source the formatter refuses (``refused``: the reason) is left as it is, the reason shown.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable, Optional

from lsprotocol import types

from .guard import guarded

if TYPE_CHECKING:
    from .session import SclLanguageServer

__all__ = ("formatter", "register")



def formatter() -> Optional[Callable[[str], Any]]:
    """``format_source`` of the formatter module, or None while it is not installed."""
    try:
        module = importlib.import_module("simatic_xml.scl_format")
    except ImportError:
        return None
    found = getattr(module, "format_source", None)
    return found if callable(found) else None


def register(server: SclLanguageServer) -> None:
    """Answer ``textDocument/formatting`` with the formatter's text (nothing when it is not installed)."""
    format_source = formatter()
    if format_source is None:
        return

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: SclLanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        def answer() -> list[types.TextEdit]:
            doc = ls.workspace.get_text_document(params.text_document.uri)
            result = format_source(doc.source)
            if result.refused:
                ls.window_show_message(types.ShowMessageParams(types.MessageType.Info,
                                                               f"Not formatted: {result.refused}"))
                return []
            if not result.changed:
                return []
            end = doc.client_position_at_offset(len(doc.source))
            return [types.TextEdit(range=types.Range(start=types.Position(line=0, character=0), end=end),
                                   new_text=result.text)]

        return guarded(answer, [])
