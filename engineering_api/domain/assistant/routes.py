"""The AI assistant routes: chat (JSON or Server-Sent Events), history, stop, models, and the provider settings.

Roles: chatting and stopping need only a viewer key (a viewer's assistant gets and runs read tools only: the
tools apply the key's role); reading the history is viewer, clearing it and listing models engineer; the provider
settings are admin. Everyone sees and clears only their own key's history.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage

from engineering_api.backend.errors import (
    ConflictError, NotFoundError, NotSupportedError, PermissionDeniedError, ValidationError,
)
from engineering_api.domain.assistant.conversations import conversations
from engineering_api.domain.assistant.endpoint import check_api_key, check_base_url
from engineering_api.domain.assistant.providers import ProviderFailedError, list_models
from engineering_api.domain.assistant.schema import (
    ChatAccepted, ChatRequest, ChatResult, HistoryEntry, ModelInfoView, ModelList, ModelsRequest, StopResult,
)
from engineering_api.domain.assistant.settings import (
    DEFAULT_BASE_URLS, AssistantSettingsInput, AssistantSettingsView, ProviderConfig, settings_store,
)
from engineering_api.errors import codes
from engineering_api.web.call_routes import declared_route, service_call, services_in
from engineering_api.jobs.operations import CallRoute, OperationContext
from engineering_api.web.routes import IDEMPOTENCY_PARAMETER
from engineering_api.lib.responses import Envelope, error_response, ok, problem_responses
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.security import Role, principal_of
from engineering_api.push.hub import hub_of
from engineering_api.services import Services, services_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Mapping

    from engineering_api.domain.assistant.conversations import Generation
    from engineering_api.lib.security import Principal

__all__ = ("CALLS", "AssistantController", "HistoryQuery")

logger = logging.getLogger(__name__)
SECTION = "AI Assistant"
_VIEWER = {"role": "viewer"}
_PROVIDER_FAILED = {502: "The model provider could not be reached or answered an error (ASSISTANT_PROVIDER_FAILED)"}


class HistoryCleared(CamelStruct):
    """What ``DELETE /api/assistant/history`` removed."""

    deleted: int
    project_key: str | None


def _provider_failed(request: Request[Any, Any, Any], exc: ProviderFailedError) -> Response[Any]:
    return error_response(502, exc.code, exc.message, instance=request.url.path, details=exc.details or None)


def _wants_stream(request: Request[Any, Any, Any], body: ChatRequest) -> bool:
    return body.stream or "text/event-stream" in request.headers.get("accept", "")


def _event(name: str, payload: Any) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=name, data=msgspec.json.encode(payload).decode())


class AssistantChatResponse(Envelope[ChatAccepted]): ...


class AssistantChatSyncResponse(Envelope[ChatResult]): ...


class GetAssistantHistoryResponse(Envelope[list[HistoryEntry]]): ...


class ClearAssistantHistoryResponse(Envelope[HistoryCleared]): ...


class StopAssistantResponse(Envelope[StopResult]): ...


class ListAssistantModelsResponse(Envelope[ModelList]): ...


class HistoryQuery(CamelStruct):
    """Which of the caller's messages: all, or (``only_project``) those of ``project_key``."""

    project_key: str | None = None
    only_project: bool = False


class HistoryFilter(CamelStruct):
    """The history's query string: ``projectKey``, present (even empty) to keep one conversation."""

    project_key: str | None = None

    @staticmethod
    def query(_path: Mapping[str, str], given: HistoryFilter) -> HistoryQuery:
        """The messages of the project key when the query string names one (an empty one too), else all."""
        return HistoryQuery(project_key=given.project_key, only_project=given.project_key is not None)


def _caller(context: OperationContext) -> Principal:
    if context.principal is None:
        raise TypeError("an assistant call ran without its caller's key")
    return context.principal


def _history(context: OperationContext, query: HistoryQuery) -> list[HistoryEntry]:
    state = conversations(services_in(context))
    return state.history.list(_caller(context).key_id, query.project_key, only_project=query.only_project)


def _clear_history(context: OperationContext, query: HistoryQuery) -> HistoryCleared:
    state = conversations(services_in(context))
    key_id = _caller(context).key_id
    deleted = state.history.clear(key_id, query.project_key, only_project=query.only_project)
    state.forget_pending(key_id, query.project_key, only_project=query.only_project)
    return HistoryCleared(deleted=deleted, project_key=query.project_key)


def _clear_settings(services: Services, _data: None) -> AssistantSettingsView:
    store = settings_store(services)
    store.clear()
    return store.view()


_OWN = "the assistant's own calls: it is itself an MCP client of this server, on its caller's key"
_HISTORY, _SETTINGS = "/api/assistant/history", "/api/assistant/settings"
_call = partial(service_call, section=SECTION, no_mcp_tool=_OWN)




_PROJECT_ONLY = {"projectKey": "Only the messages of this project key"}
HISTORY = _call("assistant.history", f"GET {_HISTORY}", "Your chat history", None, handler=_history,
                input_type=HistoryQuery, output=list[HistoryEntry],
                built_route=CallRoute("GetAssistantHistory", GetAssistantHistoryResponse, query=HistoryFilter,
                                      convert=HistoryFilter.query, query_docs=_PROJECT_ONLY),
                description="Your chat history, oldest first (the newest 1000 messages); ?projectKey= keeps one "
                            "conversation.")
HISTORY_CLEAR = _call("assistant.history.clear", f"DELETE {_HISTORY}", "Delete your chat history", None,
                      handler=_clear_history, input_type=HistoryQuery, output=HistoryCleared, mutating=True,
                      built_route=CallRoute("ClearAssistantHistory", ClearAssistantHistoryResponse,
                                            query=HistoryFilter, convert=HistoryFilter.query,
                                            query_docs=_PROJECT_ONLY),
                      description="Delete your chat history (?projectKey= only that conversation) and its pending "
                                  "confirmations.",
                      message=lambda cleared: f"{cleared.deleted} message(s) deleted")


async def _stop(context: OperationContext, _data: None) -> StopResult:
    generation = await conversations(services_in(context)).stop(_caller(context).key_id)
    return StopResult(stopped=True, project_key=generation.project_key, started_at=generation.started_at)


# it waits on the event loop for the generation to stop: its route awaits it
STOP = _call("assistant.stop", "POST /api/assistant/stop", "Stop the answer being generated", None, handler=_stop,
             output=StopResult, role=Role.VIEWER, mutating=True, errors=(NotFoundError,),
             built_route=CallRoute("StopAssistant", StopAssistantResponse),
             description="Stop the answer the assistant is generating for your key (a running tool's job is "
                         "cancelled too).",
             message=lambda _: "stopped")
# its body is optional (the stored provider), and it waits on the event loop for the provider: only its route serves it
# a POST whose body may name a provider and its key: audited and keyed like a change, as it always was audited
MODELS = _call("assistant.models", "POST /api/assistant/models", "The provider's models", None,
               role=Role.ENGINEER, mutating=True, errors=(NotSupportedError, PermissionDeniedError, ValidationError))
SETTINGS_GET = _call("assistant.settings.get", f"GET {_SETTINGS}", "The assistant's model provider",
                     lambda services, _: settings_store(services).view(), output=AssistantSettingsView,
                     role=Role.ADMIN, built_route=CallRoute("GetAssistantSettings"),
                     description="The assistant's model provider (the API key only as apiKeySet).")
SETTINGS_PUT = _call("assistant.settings.put", f"PUT {_SETTINGS}", "Set the assistant's model provider",
                     lambda services, data: settings_store(services).save(data), AssistantSettingsInput,
                     AssistantSettingsView, role=Role.ADMIN, mutating=True, errors=(ValidationError,),
                     built_route=CallRoute("PutAssistantSettings"),
                     description="Set the assistant's model provider; the API key is stored encrypted and never shown "
                                 "again.",
                     message=lambda _view: "assistant settings saved")
SETTINGS_DELETE = _call("assistant.settings.delete", f"DELETE {_SETTINGS}", "Remove the provider settings",
                        _clear_settings, output=AssistantSettingsView, role=Role.ADMIN, mutating=True,
                        built_route=CallRoute("DeleteAssistantSettings"),
                        description="Remove the provider settings and the stored key; the chat answers 501 until "
                                    "they are set again.",
                        message=lambda _view: "assistant settings removed")
CALLS = (HISTORY, HISTORY_CLEAR, STOP, MODELS, SETTINGS_GET, SETTINGS_PUT, SETTINGS_DELETE)
"""The assistant's calls but the chat, declared once (service calls of the registry). The chat's two routes are
not operations: they answer a Server-Sent Events stream when asked, and keep their own ``Idempotency-Key`` on the
conversation (a retry finds the turn it started)."""


class AssistantController(Controller):
    """The AI assistant."""

    tags = [SECTION]
    exception_handlers = {ProviderFailedError: _provider_failed}  # Litestar reads the class attribute

    @post(
        "/api/assistant/chat", operation_id="AssistantChat", status_code=202, opt=_VIEWER,
        responses=problem_responses("viewer", body=True, errors=(NotSupportedError, ConflictError)),
    )
    async def chat(self, request: Request[Any, Any, Any], data: JSONBody[ChatRequest],
                   idempotency_key: Annotated[str | None, IDEMPOTENCY_PARAMETER] = None,
                   ) -> Response[AssistantChatResponse]:
        """Send a message and return at once, as T-IA Connect's copilot panel expects (it shows its busy state and
        Stop button once this returns): the assistant runs tools of your role (at most 10 rounds) and its events
        (onUserMessage, onIntermediateResponse, onToolExecution, onTokenUsage, onAssistantResponse) go to your
        SignalR connections on assistanthub; the answer is also stored in the history. With ``stream: true`` or
        ``Accept: text/event-stream`` the same events are this response, as Server-Sent Events.
        ``POST /api/assistant/chat-sync`` waits and answers the whole answer as JSON."""
        if _wants_stream(request, data):
            return _streamed(request, data)
        turn = _start(request, data, idempotency_key)
        if turn.first:
            turn.task.add_done_callback(lambda done: turn.publish_answer(_final(done)))
        accepted = ChatAccepted(project_key=turn.generation.project_key, started_at=turn.generation.started_at,
                                running=True)
        return ok(accepted, "accepted: the answer follows as onAssistantResponse on assistanthub and in the history",
                  status_code=202)

    @post(
        "/api/assistant/chat-sync", operation_id="AssistantChatSync", status_code=200, opt=_VIEWER,
        responses=problem_responses("viewer", body=True, errors=(NotSupportedError, ConflictError),
                                    extra=_PROVIDER_FAILED),
    )
    async def chat_sync(self, request: Request[Any, Any, Any], data: JSONBody[ChatRequest],
                        idempotency_key: Annotated[str | None, IDEMPOTENCY_PARAMETER] = None,
                        ) -> Response[AssistantChatSyncResponse]:
        """Send a message and wait for the whole answer (JSON), or stream it as ``POST /api/assistant/chat``
        does; the events go to your SignalR connections as well."""
        if _wants_stream(request, data):
            return _streamed(request, data)
        turn = _start(request, data, idempotency_key)
        try:
            # with a key a retry may wait for the same turn: a lost connection must not cancel it
            result = await (asyncio.shield(turn.task) if idempotency_key else turn.task)
        except BaseException as exc:
            if turn.first:
                turn.publish_answer(_final(turn.task, exc))
            raise
        if turn.first:
            turn.publish_answer(_final(turn.task))
        return ok(result, "stopped" if result.stopped else "OK")

    @post("/api/assistant/models", operation_id="ListAssistantModels", status_code=200,
          **declared_route(MODELS, body=True, extra=_PROVIDER_FAILED))
    async def models(self, request: Request[Any, Any, Any], data: JSONBody[ModelsRequest | None] = None
                     ) -> Response[ListAssistantModelsResponse]:
        """The models of the configured provider, or of the provider the body names (admin; its key is not
        stored)."""
        config, current = _models_config(services_of(request), principal_of(request), data or ModelsRequest())
        found = await list_models(config)
        return ok(ModelList(
            provider=config.provider, base_url=config.base_url, current=current,
            models=[ModelInfoView(id=m.id, name=m.name, owned_by=m.owned_by) for m in found]))

@dataclass(frozen=True)
class _Turn:
    """A chat turn a JSON route started (or found again by its ``Idempotency-Key``)."""

    generation: Generation
    task: asyncio.Task[ChatResult]
    first: bool
    """False when the key was already used for this message: the turn is an earlier one, nothing new was sent."""
    publish_answer: Callable[[dict[str, Any]], None]
    """Send the turn's onAssistantResponse to the caller's SignalR connections."""


def _start(request: Request[Any, Any, Any], body: ChatRequest, idempotency_key: str | None) -> _Turn:
    """Start answering ``body`` with its events published to the caller's SignalR connections; with an
    ``Idempotency-Key`` already used for this message, the turn it started."""
    push = hub_of(services_of(request))
    key_id = principal_of(request).key_id

    async def publish(name: str, payload: dict[str, Any]) -> None:
        push.publish_assistant(key_id, name, payload)

    generation, first = conversations(services_of(request)).start_once(principal_of(request), body, idempotency_key,
                                                                       publish)
    if first:
        push.publish_assistant(key_id, "onUserMessage", _user_event(body))
    task = generation.task
    assert task is not None  # start_once() made it
    return _Turn(generation, task, first, lambda final: push.publish_assistant(key_id, "onAssistantResponse", final))


def _user_event(body: ChatRequest) -> dict[str, Any]:
    return {"role": "user", "content": body.message, "projectKey": body.project_key, "timestamp": utc_now()}


def _streamed(request: Request[Any, Any, Any], body: ChatRequest) -> Response[Any]:
    """The answer as Server-Sent Events; every event also goes to the caller's SignalR connections (typed as any
    Response: the routes' annotations document their JSON answer)."""
    push = hub_of(services_of(request))
    key_id = principal_of(request).key_id
    queue: asyncio.Queue[tuple[str, Any] | None] = asyncio.Queue()

    async def emit(name: str, payload: dict[str, Any]) -> None:
        push.publish_assistant(key_id, name, payload)
        await queue.put((name, payload))

    generation = conversations(services_of(request)).start(principal_of(request), body, emit)
    task = generation.task
    assert task is not None  # start() made it
    task.add_done_callback(lambda _: queue.put_nowait(None))
    user = _user_event(body)
    push.publish_assistant(key_id, "onUserMessage", user)
    return ServerSentEvent(_stream(generation, queue, user, lambda final: push.publish_assistant(
        key_id, "onAssistantResponse", final)))


def _models_config(services: Services, caller: Principal, body: ModelsRequest) -> tuple[ProviderConfig, str | None]:
    """The provider to ask: the stored one, or (admin only) the body's.

    The stored key goes only to the stored provider and URL, never to a URL a request names.

    Raises:
        PermissionDeniedError: FORBIDDEN (403) when a non-admin names a provider.
        NotSupportedError: NO_ASSISTANT_PROVIDER (501) when none is stored and the body names none.
    """
    check_base_url(body.base_url)
    check_api_key(body.api_key)
    store = settings_store(services)
    stored = store.config()
    if body.provider is None and body.base_url is None and body.api_key is None:
        config = store.require()
        return config, config.model
    if not caller.role.allows(Role.ADMIN):
        raise PermissionDeniedError("Only an admin may list the models of a provider named in the request",
                                    code=codes.FORBIDDEN)
    provider = body.provider or (stored.provider if stored else "openai")
    base_url = (body.base_url or (stored.base_url if stored and stored.provider == provider
                                  else DEFAULT_BASE_URLS[provider])).rstrip("/")
    same = stored is not None and (stored.provider, stored.base_url) == (provider, base_url)
    api_key = body.api_key if body.api_key is not None else (stored.api_key if same and stored else None)
    config = ProviderConfig(provider=provider, base_url=base_url, model=stored.model if same and stored else "",
                            api_key=api_key or None, timeout_seconds=stored.timeout_seconds if stored else 30.0)
    return config, config.model or None


def _final(task: asyncio.Task[Any], error: BaseException | None = None) -> dict[str, Any]:
    """The onAssistantResponse payload of a finished chat turn."""
    if task.cancelled() or isinstance(error, asyncio.CancelledError):
        return {"content": "", "success": False, "errorMessage": "cancelled", "stopped": True}
    error = error or task.exception()
    if error is not None:
        code = getattr(error, "code", "INTERNAL_ERROR")
        message = error.message if isinstance(error, ProviderFailedError) else "Internal error; see the server log"
        if not isinstance(error, ProviderFailedError):
            logger.error("assistant chat failed", exc_info=error)
        return {"content": "", "success": False, "errorMessage": message, "code": code}
    return {**msgspec.to_builtins(task.result()), "success": True, "errorMessage": None}


async def _stream(generation: Generation, queue: asyncio.Queue[tuple[str, Any] | None],
                  user: dict[str, Any], published: Callable[[dict[str, Any]], None]
                  ) -> AsyncIterator[ServerSentEventMessage]:
    task = generation.task
    assert task is not None
    try:
        yield _event("onUserMessage", user)
        while (item := await queue.get()) is not None:
            yield _event(*item)
        while not queue.empty():  # events put after the end marker cannot exist, but do not lose any
            item = queue.get_nowait()
            if item is not None:
                yield _event(*item)
        final = _final(task)
        published(final)
        yield _event("onAssistantResponse", final)
    finally:
        if not task.done():
            task.cancel()  # the client went away: stop generating (and cancel a running tool's job)
