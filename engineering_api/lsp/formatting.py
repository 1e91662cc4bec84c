"""``textDocument/formatting``: TIA's layout, by the formatter ``scl fmt`` uses, of the workspace's TIA version
(its settings' ``tia-version``; without one, the layout each block's indentation shows).

:func:`simatic_xml.scl_format.format_source` answers a whole-document edit; a source the formatter refuses
(``refused``: the reason, e.g. classic STEP 7 SCL) is left as it is, the reason shown to the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from simatic_xml.scl_format import format_source

from .guard import guarded

if TYPE_CHECKING:
    from .session import SclLanguageServer

__all__ = ("register",)


def register(server: SclLanguageServer) -> None:
    """Answer ``textDocument/formatting`` with the formatter's text."""

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: SclLanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        def answer() -> list[types.TextEdit]:
            doc = ls.workspace.get_text_document(params.text_document.uri)
            result = format_source(doc.source, ls.project.config.tia_version)  # the workspace's TIA version
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
