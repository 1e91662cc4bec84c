"""An open document whose incremental changes cost what they touch, not the length of the file.

pygls' ``TextDocument`` applies an incremental change by splitting the whole text into lines and writing every
one of them again in a Python loop: at 16,000 lines that loop costs more than checking the edited block. A
:class:`LineDocument` keeps its text's lines as a list and replaces only the lines the change touches (with one
line either side, so a ``\\r`` and a ``\\n`` brought together make one line end as a new split would); joining the
list again is a single C call. Positions are converted from the client's units (UTF-16 unless the client and the
server agreed otherwise) in the edited lines only, as pygls' codec counts them.

pygls makes its documents in ``Workspace._create_text_document`` (its document factory) and its workspace in the
``initialize`` handler of the protocol; :class:`SclProtocol`, passed to the server as its ``protocol_cls``, hands
the workspace to :class:`SclWorkspace`, which makes line documents.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any, Optional

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.workspace import TextDocument, Workspace
from pygls.workspace.position_codec import ServerTextPosition

__all__ = ("LineDocument", "SclProtocol", "SclWorkspace")


class LineDocument(TextDocument):
    """A text document kept as its lines too (``str.splitlines(True)``, as pygls splits); only an open document,
    whose text the editor sends, keeps them: one read from the disk is read again on each use, as in pygls."""

    _lines: Optional[list[str]] = None
    """The lines of ``_source`` (None: not split yet, or no text of its own)."""

    def _line_list(self) -> list[str]:
        if self._lines is None:
            self._lines = self.source.splitlines(True)
        return self._lines

    @property
    def lines(self) -> Sequence[str]:
        if self._source is None:
            return super().lines
        return tuple(self._line_list())

    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        super()._apply_full_change(change)
        self._lines = None

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        lines = self._line_list()
        if not lines:  # an empty text: the change is all there is
            self._source, self._lines = (self._source or "") + change.text, None
            return
        start, end = self._server_position(lines, change.range.start), self._server_position(lines, change.range.end)
        if (end.line, end.character) < (start.line, start.character):
            start, end = end, start
        first, last = max(start.line - 1, 0), min(end.line + 2, len(lines))
        piece = "".join([*lines[first:start.line], lines[start.line][:start.character], change.text,
                         lines[end.line][end.character:], *lines[end.line + 1:last]])
        lines[first:last] = piece.splitlines(True)
        self._source = "".join(lines)

    def _server_position(self, lines: list[str], position: types.Position) -> ServerTextPosition:
        """``position`` in characters. A column past the line's end is its end, before the line end, as LSP says
        (pygls' codec puts it one short, or between the ``\r`` and ``\n`` of a CRLF); past the last line: the end
        of the text (pygls counts the last line's length in the client's units there)."""
        if position.line >= len(lines):
            return ServerTextPosition(len(lines) - 1, len(lines[-1]))
        content = lines[position.line].splitlines()[0] if lines[position.line] else ""
        units, index, count = 0, 0, self.position_codec.client_num_units
        for char in content:  # within the line: as pygls' codec counts (a column inside an emoji is after it)
            if units >= position.character:
                break
            units += count(char)
            index += 1
        return ServerTextPosition(position.line, index)


class SclWorkspace(Workspace):
    """pygls' workspace making :class:`LineDocument` documents."""

    def _create_text_document(self, doc_uri: str, source: Optional[str] = None, version: Optional[int] = None,
                              language_id: Optional[str] = None) -> TextDocument:
        return LineDocument(doc_uri, source=source, version=version, language_id=language_id,
                            sync_kind=self._sync_kind, position_codec=self.position_codec)


class SclProtocol(LanguageServerProtocol):
    """pygls' protocol whose workspace is an :class:`SclWorkspace`."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        answer = yield from super().lsp_initialize(params)
        # the workspace pygls just made (no document is open before the client hears the answer), with all its
        # state, as an SclWorkspace: nothing pygls sets up there is lost however its constructor changes
        workspace = SclWorkspace.__new__(SclWorkspace)
        workspace.__dict__.update(self.workspace.__dict__)
        self._workspace = workspace
        return answer
