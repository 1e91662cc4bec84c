"""The language server in this process: JSON-RPC messages handed to the pygls protocol as its stdio reader hands
them (``json.loads`` with the protocol's ``structure_message`` hook, then ``handle_message``), and what it sends
kept as decoded messages.

No subprocess and no pipe, so :func:`tools.work_count.counting` sees a request's whole path on this thread: the
message decoded, pygls applying the edit to its document, the handler checking it, the diagnostics encoded and
written. The server's own handlers are synchronous, so each message is handled before :meth:`LocalServer.send`
returns.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types

from engineering_api.lsp.server import build_server

__all__ = ("LocalServer",)


class LocalServer:
    """One server, initialized (with ``workspace`` as its folder when given)."""

    def __init__(self, workspace: Optional[Path] = None) -> None:
        self.server = build_server()
        self.sent: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self.server.protocol.set_writer(self, include_headers=False)
        folders = [{"uri": workspace.resolve().as_uri(), "name": workspace.name}] if workspace else None
        self.send(types.INITIALIZE, {"processId": None, "capabilities": {}, "workspaceFolders": folders,
                                     "rootUri": workspace.resolve().as_uri() if workspace else None}, request=True)
        self.send(types.INITIALIZED, {})

    # the pygls Writer protocol
    def write(self, data: bytes) -> None:
        self.sent.append(json.loads(data))

    def close(self) -> None:
        pass

    def send(self, method: str, params: dict[str, Any], *, request: bool = False) -> None:
        """Hand one message to the server as read from stdio (a request with a fresh id)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            message["id"] = next(self._ids)
        protocol = self.server.protocol
        protocol.handle_message(json.loads(json.dumps(message), object_hook=protocol.structure_message))

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.send(types.TEXT_DOCUMENT_DID_OPEN, {"textDocument": {"uri": uri, "languageId": "scl",
                                                                  "version": version, "text": text}})

    def change(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """One incremental change: ``start`` to ``end`` ((line, character) in UTF-16 units) replaced by ``text``."""
        span = {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}
        self.send(types.TEXT_DOCUMENT_DID_CHANGE, {"textDocument": {"uri": uri, "version": version},
                                                   "contentChanges": [{"range": span, "text": text}]})

    def diagnostics(self, uri: str, version: int) -> Optional[list[dict[str, Any]]]:
        """The last diagnostics published for ``uri`` at ``version`` (None: none were)."""
        for message in reversed(self.sent):
            params = message.get("params") or {}
            if (message.get("method") == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS and params.get("uri") == uri
                    and params.get("version") == version):
                return list(params["diagnostics"])
        return None

    def source(self, uri: str) -> str:
        """The server's text of the open document ``uri``."""
        return self.server.workspace.get_text_document(uri).source
