"""``engineering-api lsp``: the pygls server over stdio with its features registered (:mod:`.session` holds the
state, :mod:`.features`, :mod:`.completion`, :mod:`.formatting`, :mod:`.rename` and
:mod:`.signature` answer the requests)."""

from __future__ import annotations

import logging

from lsprotocol import types

from . import completion, features, formatting, rename, signature
from .guard import guarded
from .session import SclLanguageServer, uri_path

__all__ = ("build_server", "start")


def build_server() -> SclLanguageServer:
    """The server with its features registered."""
    server = SclLanguageServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SclLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.opened[uri_path(params.text_document.uri)] = params.text_document.uri
        guarded(lambda: ls.publish(params.text_document.uri), None)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SclLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        guarded(lambda: ls.publish(params.text_document.uri), None)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SclLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        path = uri_path(params.text_document.uri)
        ls.project.closed(path)
        ls.opened.pop(path, None)
        ls._exports.pop(path, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: SclLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.project.changed(uri_path(change.uri))
        for uri in list(ls.opened.values()):
            guarded(lambda: ls.publish(uri, others=False), None)

    features.register(server)
    completion.register(server)
    formatting.register(server)
    rename.register(server)
    signature.register(server)
    return server


def start() -> int:
    """Serve over standard input and output until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    build_server().start_io()
    return 0
