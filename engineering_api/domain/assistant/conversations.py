"""Running generations and pending confirmations of the assistant, per API key.

One generation runs per key at a time, so ``POST /api/assistant/stop`` knows which one to end. Pending
actions (previewed destructive calls) live in memory: after a restart the user asks again and gets a new
preview, which is the safe side.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import ConflictError, NotFoundError, ValidationError
from engineering_api.domain.assistant.chat_history import ChatHistory
from engineering_api.domain.assistant.loop import Turn, system_prompt, tools_for
from engineering_api.domain.assistant.providers import Item, ProviderFailedError
from engineering_api.domain.assistant.settings import settings_store
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from engineering_api.domain.assistant.schema import ChatRequest, ChatResult, PendingAction
    from engineering_api.lib.security import Principal
    from engineering_api.services import Services

__all__ = ("Conversations", "Generation", "conversations")

logger = logging.getLogger(__name__)
_CONTEXT_MESSAGES = 40
"""Stored messages of the conversation given to the model when the client sends no history."""
_REMEMBERED_KEYS = 256
"""Chat turns started with an ``Idempotency-Key`` that a retry can still find (the newest, per process)."""


@dataclass
class Generation:
    """A chat turn in progress."""

    project_key: str | None
    started_at: str = field(default_factory=utc_now)
    task: asyncio.Task[ChatResult] | None = None
    stop_requested: bool = False


class Conversations:
    """The assistant's state within one set of services."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.history = ChatHistory(services.db)
        self.running: dict[str, Generation] = {}
        self.pending: dict[tuple[str, str | None], list[PendingAction]] = {}
        self.by_idempotency_key: OrderedDict[tuple[str, str], tuple[str, Generation]] = OrderedDict()

    def start_once(self, principal: Principal, request: ChatRequest, idempotency_key: str | None,
                   emit: Callable[[str, dict[str, Any]], Awaitable[None]]) -> tuple[Generation, bool]:
        """:meth:`start`, unless this key already started this turn with ``idempotency_key``: then that turn
        (running or finished) and False, so a retry after a lost answer gets the first answer and the model and
        its tools are not asked again. Turns are remembered in memory (the newest 256): a chat turn does not
        outlive the process that ran it.

        Raises:
            ValidationError: IDEMPOTENCY_KEY_REUSED (422): the key was used for another message.
            And what :meth:`start` raises.
        """
        if not idempotency_key:
            return self.start(principal, request, emit), True
        slot = (principal.key_id, idempotency_key)
        digest = hashlib.sha256(msgspec.json.encode(request)).hexdigest()
        known = self.by_idempotency_key.get(slot)
        if known is not None:
            if known[0] != digest:
                raise ValidationError(f"Idempotency-Key {idempotency_key!r} was already used for a different "
                                      "message; use a new key for a new message.", code=codes.IDEMPOTENCY_KEY_REUSED)
            return known[1], False
        generation = self.start(principal, request, emit)
        self.by_idempotency_key[slot] = (digest, generation)
        while len(self.by_idempotency_key) > _REMEMBERED_KEYS:
            self.by_idempotency_key.popitem(last=False)
        return generation, True

    def start(self, principal: Principal, request: ChatRequest,
              emit: Callable[[str, dict[str, Any]], Awaitable[None]]) -> Generation:
        """Start a chat turn as a task.

        Raises:
            NotSupportedError: NO_ASSISTANT_PROVIDER (501) when no provider is configured.
            ConflictError: ASSISTANT_BUSY (409) while this key's previous message is still being answered.
        """
        config = settings_store(self.services).require()
        current = self.running.get(principal.key_id)
        if current is not None and current.task is not None and not current.task.done():
            raise ConflictError("The assistant is still answering your previous message; wait for it or POST "
                                "/api/assistant/stop", code=codes.ASSISTANT_BUSY)
        slot = (principal.key_id, request.project_key)
        confirmable = self.pending.pop(slot, [])
        turn = Turn(services=self.services, config=config, principal=principal, project_key=request.project_key,
                    session_id=f"assistant-{uuid.uuid4().hex[:12]}", confirmable=list(confirmable), emit=emit)
        generation = Generation(project_key=request.project_key)
        generation.task = asyncio.create_task(self._run(turn, request, confirmable, generation))
        self.running[principal.key_id] = generation
        generation.task.add_done_callback(lambda _: self._finished(principal.key_id, generation))
        return generation

    def _finished(self, key_id: str, generation: Generation) -> None:
        if self.running.get(key_id) is generation:
            del self.running[key_id]

    def _context(self, key_id: str, request: ChatRequest) -> list[Item]:
        if request.history is not None:
            return [Item(role=m.role, content=m.content) for m in request.history]
        stored = self.history.list(key_id, request.project_key, only_project=True, limit=_CONTEXT_MESSAGES)
        return [Item(role=e.role, content=e.content) for e in stored if e.role in ("user", "assistant")]

    async def _run(self, turn: Turn, request: ChatRequest, confirmable: list[PendingAction],
                   generation: Generation) -> ChatResult:
        key_id, project_key = turn.principal.key_id, request.project_key
        items = [*self._context(key_id, request), Item(role="user", content=request.message)]
        self.history.add(key_id, project_key, "user", request.message)
        tools = await tools_for(self.services, turn.principal, request.message)
        system = system_prompt(project_key, request.locale, confirmable)
        try:
            content = await turn.run(items, system, tools)
        except asyncio.CancelledError:
            if not generation.stop_requested:
                raise  # the client went away: nothing to answer
            said = "\n".join(turn.said)
            result = turn.result(f"(stopped) {said}".strip(), stopped=True)
        except ProviderFailedError as exc:
            if not turn.tool_calls:
                self.pending[(key_id, project_key)] = confirmable  # nothing happened: the proposal still stands
            self.history.add(key_id, project_key, "assistant", f"(failed) {exc.message}", turn.tool_calls or None)
            raise
        else:
            result = turn.result(content)
        if turn.pending:
            self.pending[(key_id, project_key)] = turn.pending
        self.history.add(key_id, project_key, "assistant", result.content, result.tool_calls or None)
        return result

    async def stop(self, key_id: str) -> Generation:
        """End this key's running generation and wait (briefly) until it has stopped.

        Raises:
            NotFoundError: NO_GENERATION_RUNNING (404) when this key has no message being answered.
        """
        generation = self.running.get(key_id)
        if generation is None or generation.task is None or generation.task.done():
            raise NotFoundError("The assistant is not answering any message of yours right now",
                                code=codes.NO_GENERATION_RUNNING)
        generation.stop_requested = True
        generation.task.cancel()
        await asyncio.wait({generation.task}, timeout=10)
        return generation

    def forget_pending(self, key_id: str, project_key: str | None, *, only_project: bool) -> None:
        """Drop pending confirmations with the history they belong to."""
        for slot in list(self.pending):
            if slot[0] == key_id and (not only_project or slot[1] == project_key):
                del self.pending[slot]


def conversations(services: Services) -> Conversations:
    """The assistant state of ``services``, made on first use."""
    state = services.notes.get("assistant")
    if state is None:
        state = services.notes["assistant"] = Conversations(services)
    return state
