"""The language server's state: the workspace's :class:`~.project.Project`, the open documents, and publishing
their diagnostics (the features, :mod:`.features`, answer requests with it; :mod:`.server` registers them).

Diagnostics are pushed (``textDocument/publishDiagnostics``) on open and on each change; a change that alters
what a document declares to others (its blocks' and types' interfaces) re-checks the other open documents too.
Every handler turns an unexpected failure into a logged message and an empty answer: the server keeps serving.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from engineering_api.lib.version import api_version
from simatic_xml.diagnostics import Diagnostic

from .document import SclProtocol
from .guard import guarded
from .project import Project
from .text import Text

__all__ = ("MAX_DOCUMENT_CHARS", "SclLanguageServer", "lsp_diagnostic", "too_large", "uri_path")


MAX_DOCUMENT_CHARS = 8 * 512 * 1024
"""A document longer than this is not checked (a warning says so): TIA's own limit on the text of one code block
(:data:`simatic_xml.scl.limits.MAX_SOURCE_CHARS`), so no source TIA accepts is refused, and one endless file
cannot hold the server for seconds on each key press."""


def too_large(source: str) -> bool:
    """Whether ``source`` is past :data:`MAX_DOCUMENT_CHARS`: it is neither checked nor parsed for a request."""
    return len(source) > MAX_DOCUMENT_CHARS


_SEVERITY = {"Error": types.DiagnosticSeverity.Error, "Warning": types.DiagnosticSeverity.Warning,
             "Info": types.DiagnosticSeverity.Information}


def uri_path(uri: str) -> str:
    """The file system path of a ``file:`` URI (another scheme: the URI itself, a name no file has)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    return str(Path(unquote(parsed.path)))


class SclLanguageServer(LanguageServer):
    """pygls' server with the workspace's :class:`Project` (made on first use, from the workspace folder)."""

    def __init__(self) -> None:
        super().__init__("engineering-api-lsp", api_version(),
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental, protocol_cls=SclProtocol)
        self._project: Optional[Project] = None
        self._exports: dict[str, object] = {}
        self.opened: dict[str, str] = {}
        """path -> the URI the client opened it by (pygls keys its documents by a normalized URI, which a client
        matching diagnostics to its own URIs would not recognise)."""

    @property
    def project(self) -> Project:
        if self._project is None:
            folders = list(self.workspace.folders.values())
            root = uri_path(folders[0].uri) if folders else self.workspace.root_path
            self._project = Project(Path(root) if root else None)
            for problem in self._project.problems:
                self.window_show_message(types.ShowMessageParams(types.MessageType.Warning,
                                                                 f"engineering-api settings: {problem}"))
        return self._project

    def text(self, uri: str) -> Text:
        doc = self.workspace.get_text_document(uri)
        return Text(doc.source, doc.position_codec.client_num_units)

    def publish(self, uri: str, *, others: bool = True) -> None:
        """Check the document ``uri`` and push its diagnostics; with ``others``, re-check the other open
        documents when what this one declares to them changed."""
        doc = self.workspace.get_text_document(uri)
        path = uri_path(uri)
        if too_large(doc.source):
            found = [Diagnostic(f"Not checked: the text has {len(doc.source):,} characters, more than TIA accepts "
                                f"in one code block ({MAX_DOCUMENT_CHARS:,}).", file=path, severity="Warning",
                                code="DOCUMENT_TOO_LARGE")]
        else:
            found = self.project.check(path, doc.source)
        text = self.text(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=doc.version, diagnostics=[lsp_diagnostic(d, text) for d in found]))
        interfaces = self.project.interface(path)
        if self._exports.get(path) == interfaces:
            return
        self._exports[path] = interfaces
        if others:
            for other in list(self.opened.values()):
                if other != uri:
                    guarded(lambda: self.publish(other, others=False), None)


def lsp_diagnostic(d: Diagnostic, text: Text) -> types.Diagnostic:
    """The LSP form of a checker diagnostic: its range covers the token at its line and column."""
    return types.Diagnostic(range=text.checker_range(d.line, d.column), message=d.message,
                            severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Error), code=d.code,
                            source="engineering-api")
