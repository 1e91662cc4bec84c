"""The push hub: SignalR connections per API key, their message buffers, and the job events fed into them.

Each connection keeps its own numbered buffer. A poll names the last message id it has seen (``messageId``) and
gets every later message, so nothing published between two polls is lost; messages up to that id are dropped then.
A buffer holds at most ``MAX_BUFFERED`` messages (the oldest go first), and a connection nobody polls for
``idle_seconds`` is closed.

Job events come from the job manager: while a ``jobhub`` connection is open, the hub is told of each job as it is
accepted (``JobManager.on_started``) and follows it through ``JobManager.events``, which replays the current state
first; when the first such connection opens, the jobs already pending or running are followed the same way.
Every connection gets every job's events, as every key may read every job (``GET /api/jobs/{id}``, viewer role).
Assistant events go only to the connections of the key that chatted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import select

from engineering_api.lib.tables import jobs

if TYPE_CHECKING:
    from engineering_api.jobs.records import JobRecord
    from engineering_api.services import Services

__all__ = ("HUBS", "MAX_BUFFERED", "Connection", "PushHub", "assistant_args", "hub_of", "job_messages", "pascal_keys",
           "stop_push")

logger = logging.getLogger(__name__)

HUBS = frozenset({"jobhub", "assistanthub"})
"""The hubs this server offers (names compared case-insensitively, as ASP.NET SignalR resolves them)."""
MAX_BUFFERED = 1000


def pascal_keys(value: Any) -> Any:
    """Object keys with their first letter upper-cased, recursively: what an ASP.NET hub's default JSON serializer
    sends for .NET properties (``{Content, Success, ErrorMessage}``); values are not changed."""
    if isinstance(value, dict):
        return {(k[:1].upper() + k[1:]) if isinstance(k, str) else k: pascal_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pascal_keys(v) for v in value]
    return value


@dataclass(eq=False)
class Connection:
    """One negotiated SignalR connection, owned by the key that negotiated it."""

    connection_id: str
    token: str
    key_id: str
    hubs: frozenset[str]
    last_seen: float
    started: bool = False
    next_id: int = 1
    messages: deque[tuple[int, dict[str, Any]]] = field(default_factory=lambda: deque(maxlen=MAX_BUFFERED))
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def put(self, hub: str, method: str, args: list[Any]) -> None:
        """Buffer one hub invocation (``{H, M, A}``) and wake a waiting poll."""
        self.messages.append((self.next_id, {"H": hub, "M": method, "A": args}))
        self.next_id += 1
        self.wake.set()

    def after(self, seen: int) -> list[tuple[int, dict[str, Any]]]:
        """Messages later than ``seen``; those up to it have been received and are dropped."""
        while self.messages and self.messages[0][0] <= seen:
            self.messages.popleft()
        return list(self.messages)


def job_messages(record: JobRecord, last: tuple[str, int, str] | None) -> list[tuple[str, list[Any]]]:
    """The jobhub invocations for a job's new state (``last`` is the state already sent).

    The VS Code client stops waiting on exactly ``Completed`` or ``Failed``, so a job canceled on the server is sent
    as ``Failed`` with a description starting ``Canceled:`` (``GET /api/jobs/{id}`` still says ``Canceled``).
    """
    out: list[tuple[str, list[Any]]] = []
    job_id = record.job_id
    if record.terminal:
        if record.status == "Completed":
            out.append(("jobProgressChanged", [job_id, 100, record.message]))
            out.append(("jobStatusChanged", [job_id, "Completed", pascal_keys(record.result), record.message]))
        elif record.status == "Canceled":
            out.append(("jobStatusChanged", [job_id, "Failed", None, f"Canceled: {record.error or record.message}"]))
        else:
            out.append(("jobStatusChanged", [job_id, "Failed", None, record.error or record.message]))
        return out
    if last is None or last[0] != record.status:
        out.append(("jobStatusChanged", [job_id, record.status, None, record.message]))
    if last is None or (last[1], last[2]) != (record.progress, record.message):
        out.append(("jobProgressChanged", [job_id, record.progress, record.message]))
    return out


def _tool_text(payload: dict[str, Any]) -> str:
    tool = payload.get("tool", "")
    if payload.get("status") == "started":
        return f"Running {tool}"
    outcome = "preview" if payload.get("preview") else "failed" if payload.get("isError") else "done"
    summary = payload.get("summary") or ""
    return f"{tool} {outcome}: {summary}" if summary else f"{tool} {outcome}"


_ASSISTANT_TEXT: dict[str, Callable[[dict[str, Any]], str]] = {
    "onUserMessage": lambda payload: str(payload.get("content") or ""),
    "onIntermediateResponse": lambda payload: str(payload.get("content") or ""),
    "onToolExecution": _tool_text,
}
"""Events whose first argument T-IA Connect's copilot panel reads as text (``String(args[0])`` in
``src/providers/copilotViewProvider.ts``; onToolExecution's goes into its history as ``[System] <text>``)."""


def assistant_args(event: str, payload: dict[str, Any]) -> list[Any]:
    """The SignalR arguments of an assistant event: the text first where the client reads text, then the event's
    fields (PascalCase) for clients that want them; onAssistantResponse and onTokenUsage carry the fields only."""
    detail = pascal_keys(msgspec.to_builtins(payload))
    text = _ASSISTANT_TEXT.get(event)
    return [text(payload), detail] if text is not None else [detail]


class PushHub:
    """Open connections, what they are sent, and the job followers that feed ``jobhub``."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.poll_seconds = 15.0
        """How long a poll waits for a message before answering empty (the client polls again at once)."""
        self.idle_seconds = 60.0
        """A connection not polled for this long is closed (its buffer dropped)."""
        self._by_token: dict[str, Connection] = {}
        self._followers: dict[str, asyncio.Task[None]] = {}
        self._unsubscribe: Callable[[], None] | None = None

    # ----- connections -------------------------------------------------------------------------
    def open(self, key_id: str, hubs: frozenset[str]) -> Connection:
        """A new connection for ``key_id``; the first ``jobhub`` one starts following jobs."""
        self.expire()
        connection = Connection(
            connection_id=str(uuid.uuid4()), token=secrets.token_urlsafe(32), key_id=key_id, hubs=hubs,
            last_seen=time.monotonic(),
        )
        self._by_token[connection.token] = connection
        if "jobhub" in hubs and self._unsubscribe is None:
            self._unsubscribe = self.services.jobs.on_started(self._job_started)
            # Rows, not live statuses: a job of this process keeps its row Pending or Running until its end is
            # written (its start may not be yet, JobManager.live_records), so either way it is followed.
            for row in self.services.db.all(select(jobs.c.job_id).where(jobs.c.status.in_(("Pending", "Running")))):
                self._follow(row["job_id"])
        return connection

    def find(self, token: str) -> Connection | None:
        """The open connection of a token (after closing idle ones)."""
        self.expire()
        connection = self._by_token.get(token)
        if connection is not None:
            connection.last_seen = time.monotonic()
        return connection

    def close(self, connection: Connection) -> None:
        """Close a connection; a poll waiting on it answers at once."""
        self._by_token.pop(connection.token, None)
        connection.wake.set()

    def expire(self) -> None:
        """Close connections not polled for ``idle_seconds``."""
        limit = time.monotonic() - self.idle_seconds
        for connection in [c for c in self._by_token.values() if c.last_seen < limit]:
            self.close(connection)

    @property
    def connections(self) -> list[Connection]:
        """The open connections."""
        return list(self._by_token.values())

    async def wait(self, connection: Connection, seen: int, timeout: float) -> list[tuple[int, dict[str, Any]]]:
        """Messages after ``seen``, waiting up to ``timeout`` seconds for the first one."""
        pending = connection.after(seen)
        if pending or timeout <= 0:
            return pending
        connection.wake.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(connection.wake.wait(), timeout)
        connection.last_seen = time.monotonic()
        return connection.after(seen)

    # ----- publishing --------------------------------------------------------------------------
    def publish(self, hub: str, method: str, args: list[Any], *, key_id: str | None = None) -> int:
        """Send an invocation to every connection on ``hub`` (only ``key_id``'s if given); returns how many.

        Call it on the app's event loop: a waiting poll is woken through an :class:`asyncio.Event`, which another
        thread cannot set (use ``loop.call_soon_threadsafe``)."""
        sent = 0
        for connection in self._by_token.values():
            if hub in connection.hubs and (key_id is None or connection.key_id == key_id):
                connection.put(hub, method, args)
                sent += 1
        return sent

    def publish_assistant(self, key_id: str, event: str, payload: dict[str, Any]) -> None:
        """An assistant event (onUserMessage, onToolExecution, ...) for the connections of the key that chatted."""
        self.publish("assistanthub", event, assistant_args(event, payload), key_id=key_id)

    # ----- job followers -----------------------------------------------------------------------
    def _job_started(self, record: JobRecord) -> None:
        self.expire()
        if not any("jobhub" in c.hubs for c in self._by_token.values()):
            if self._unsubscribe is not None:  # the last jobhub connection is gone: stop listening
                self._unsubscribe()
                self._unsubscribe = None
            return
        self._follow(record.job_id)

    def _follow(self, job_id: str) -> None:
        if job_id in self._followers:
            return
        self._followers[job_id] = asyncio.create_task(self._follow_job(job_id), name=f"signalr-job-{job_id}")

    async def _follow_job(self, job_id: str) -> None:
        last: tuple[str, int, str] | None = None
        try:
            async for record in self.services.jobs.events(job_id):
                for method, args in job_messages(record, last):
                    self.publish("jobhub", method, args)
                last = (record.status, record.progress, record.message)
        except Exception:  # a job swept while followed: nothing more to send
            logger.debug("stopped following job %s", job_id, exc_info=True)
        finally:
            self._followers.pop(job_id, None)

    async def shutdown(self) -> None:
        """Stop the watcher and followers and close every connection (the app is stopping)."""
        for connection in self.connections:
            self.close(connection)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        tasks = list(self._followers.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task


def hub_of(services: Services) -> PushHub:
    """The push hub of ``services``, made on first use."""
    hub = services.notes.get("push")
    if hub is None:
        hub = services.notes["push"] = PushHub(services)
    return hub


async def stop_push(services: Services) -> None:
    """Stop the push hub of ``services`` if one was made (the app's shutdown)."""
    hub = services.notes.pop("push", None)
    if hub is not None:
        await hub.shutdown()
