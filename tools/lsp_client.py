"""A real LSP client (pytest-lsp's, on pygls) driving ``engineering-api lsp`` as a subprocess over stdio.

:class:`Session` starts the installed command, initializes it with a workspace folder (or none), and waits for the
diagnostics of a given document version, as an editor does. Waits are bounded by the suite's hang guard only.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Callable, Optional, Sequence

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp.client import LanguageClient
from pytest_lsp.protocol import LanguageClientProtocol

from tools.bounds import HANG_GUARD_S

__all__ = ("SERVER", "Session", "session")

SERVER = [str(Path(sys.executable).with_name("engineering-api")), "lsp"]
"""The command an editor runs (the console script of this environment)."""


class Session:
    """One running server and the client talking to it."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: dict[str, list[tuple[Optional[int], Sequence[types.Diagnostic]]]] = {}
        self.arrived = asyncio.Condition()
        self.versions: dict[str, int] = {}
        self.capabilities: Optional[types.ServerCapabilities] = None
        """What the server's answer to ``initialize`` advertised."""

    async def record(self, params: types.PublishDiagnosticsParams) -> None:
        async with self.arrived:
            self.published.setdefault(params.uri, []).append((params.version, params.diagnostics))
            self.arrived.notify_all()

    async def diagnostics(self, uri: str, version: Optional[int] = None, *, after: int = 0
                          ) -> Sequence[types.Diagnostic]:
        """The first diagnostics of ``uri`` published after the ``after``-th (of ``version`` when given)."""
        def found() -> Optional[Sequence[types.Diagnostic]]:
            for got_version, diagnostics in self.published.get(uri, [])[after:]:
                if version is None or got_version == version:
                    return diagnostics
            return None

        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: found() is not None), HANG_GUARD_S)
        result = found()
        assert result is not None
        return result

    async def until(self, uri: str, wanted: Callable[[Sequence[types.Diagnostic]], bool], *, after: int = 0
                    ) -> Sequence[types.Diagnostic]:
        """The first diagnostics of ``uri`` published after the ``after``-th that are ``wanted``: for a document
        re-checked because another one changed, which the client cannot name a version for."""
        def found() -> Optional[Sequence[types.Diagnostic]]:
            return next((d for _, d in self.published.get(uri, [])[after:] if wanted(d)), None)

        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: found() is not None), HANG_GUARD_S)
        result = found()
        assert result is not None
        return result

    def count(self, uri: str) -> int:
        return len(self.published.get(uri, []))

    async def open(self, path: Path, text: Optional[str] = None) -> Sequence[types.Diagnostic]:
        """Open ``path`` (its text from the disk unless given) and wait for its diagnostics."""
        uri = path.resolve().as_uri()
        if text is None:
            text = path.read_bytes().decode("utf-8-sig", "replace")
        self.versions[uri] = 1
        before = self.count(uri)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="scl", version=1, text=text)))
        return await self.diagnostics(uri, 1, after=before)

    async def replace(self, path: Path, text: str) -> Sequence[types.Diagnostic]:
        """Send the whole new text of an open document and wait for its diagnostics."""
        return await self.edit(path, [types.TextDocumentContentChangeWholeDocument(text=text)])

    async def edit(self, path: Path, changes: list[types.TextDocumentContentChangeEvent]
                   ) -> Sequence[types.Diagnostic]:
        uri = path.resolve().as_uri()
        self.versions[uri] += 1
        version = self.versions[uri]
        before = self.count(uri)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=changes))
        return await self.diagnostics(uri, version, after=before)

    def close(self, path: Path) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=path.resolve().as_uri())))


def _client() -> LanguageClient:
    """pytest-lsp's client without its default handlers: :class:`Session` keeps the diagnostics with their
    versions, and the messages the server shows."""
    client = LanguageClient(converter_factory=default_converter)
    assert isinstance(client.protocol, LanguageClientProtocol)
    return client


@asynccontextmanager
async def session(workspace: Optional[Path] = None, capabilities: Optional[types.ClientCapabilities] = None
                  ) -> AsyncIterator[Session]:
    """A started and initialized server (told the client's ``capabilities``: none unless given); shut down
    (shutdown, exit) at the end."""
    client = _client()
    driver = Session(client)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    async def published(params: types.PublishDiagnosticsParams) -> None:
        await driver.record(params)

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def shown(params: types.ShowMessageParams) -> None:
        client.messages.append(params)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def logged(params: types.LogMessageParams) -> None:
        client.log_messages.append(params)

    await client.start_io(*SERVER)
    folders = [types.WorkspaceFolder(uri=workspace.resolve().as_uri(), name=workspace.name)] if workspace else None
    try:
        answer = await asyncio.wait_for(client.initialize_session(types.InitializeParams(
            capabilities=capabilities or types.ClientCapabilities(), workspace_folders=folders,
            root_uri=workspace.resolve().as_uri() if workspace else None)), HANG_GUARD_S)
        driver.capabilities = answer.capabilities
        yield driver
    finally:
        await asyncio.wait_for(client.shutdown_session(), HANG_GUARD_S)
        await client.stop()
