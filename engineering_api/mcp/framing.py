"""Streamable HTTP answers each request in the framing it needs: one JSON body, or an event stream.

The MCP specification lets the server choose per POST: it "MUST either return ``Content-Type:
text/event-stream``, to initiate an SSE stream, or ``Content-Type: application/json``, to return one JSON
object", and every client must accept both (2025-03-26 and later, "Sending Messages to the Server"). A stream is
needed only when the server has more to say before the answer: here, progress notifications, which a client asks
for by sending a ``progressToken``. The SDK chooses once per session manager (``json_response``); a stream costs
the server about twice the CPU of a JSON body (``bench/mcp_overhead.py``), so this module lets the SDK's
transport choose per request instead:

- :func:`buffered_choice` reads the POST body (it is small: JSON-RPC), decides, and hands the same bytes on;
- :class:`PerRequestManager` gives each new session a transport whose ``is_json_response_enabled`` is true
  only in the task serving such a POST (:func:`answering_with_json`), and is itself ``json_response`` only
  there, which is what a 2026-07-28 POST (no session) is answered by. The SDK reads the flag in that task while
  serving the POST; its message router and the session's server run in tasks of their own, which see false
  (streams) and route messages as for a stream. A context variable would not do: the tasks a request starts
  (the session's, on ``initialize``) would inherit its value.

A request answered with JSON must have no other message tied to it before its answer (the router would hand the
first one to the waiting POST as its answer). The tools send none but progress: no log messages, sampling or
elicitation. A request with a ``progressToken``, a batch, or a body that is not plain JSON gets a stream, and so
does a call of a long tool: from protocol 2026-07-28 on, a client cancels a call by closing its POST, which the
SDK notices on a stream only (the tool then cancels its job).
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import TYPE_CHECKING, Any

import msgspec
from mcp.server.streamable_http import StreamableHTTPServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    # The SDK's transports are typed with Starlette's ASGI types (plain mappings), as is what is handed to them.
    from starlette.types import Message, Receive

__all__ = ("ParseFailure", "PerRequestManager", "answering_with_json", "buffered_choice", "decode", "wants_json")

_JSON_POSTS: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
"""The tasks serving a POST that is answered with one JSON body."""


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop
        return None


@contextlib.contextmanager
def answering_with_json(enabled: bool) -> Iterator[None]:
    """While the block runs, the current task's POST is answered with JSON (``enabled``) or a stream."""
    task = _current_task()
    if not enabled or task is None:
        yield
        return
    _JSON_POSTS.add(task)
    try:
        yield
    finally:
        _JSON_POSTS.discard(task)


class _JsonForThisPost:
    """A flag the SDK reads as an attribute, true only in the task serving a POST answered with JSON; the value
    the SDK's constructor assigns (its per-manager choice) is ignored, as the per-request one replaces it."""

    def __get__(self, instance: object, owner: type | None = None) -> bool:
        task = _current_task()
        return task is not None and task in _JSON_POSTS

    def __set__(self, instance: object, value: bool) -> None:
        pass


class _PerRequestTransport(StreamableHTTPServerTransport):
    """The SDK's transport with the framing chosen per request (see the module docstring)."""

    is_json_response_enabled = _JsonForThisPost()


class PerRequestManager(StreamableHTTPSessionManager):
    """The SDK's session manager whose sessions choose their framing per request, and so do the session-less
    requests of protocol 2026-07-28, which the manager answers itself (it reads ``json_response`` per POST)."""

    json_response = _JsonForThisPost()

    def _admit_session(self, requestor: Any) -> StreamableHTTPServerTransport | None:
        transport = super()._admit_session(requestor)
        if transport is not None:
            # The SDK builds the transport itself; it gains only the per-request property.
            transport.__class__ = _PerRequestTransport
        return transport


class ParseFailure:
    """A POST body that is not JSON: not UTF-8, malformed, or nested deeper than the decoder goes."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def decode(body: bytes) -> Any:
    """The JSON value of a body, or a :class:`ParseFailure` saying why there is none. Decoding is the one place a
    hostile body (50,000 nested arrays, bytes that are not UTF-8) could raise more than a decode error."""
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        return ParseFailure(str(exc))
    except UnicodeDecodeError:
        return ParseFailure("the body is not UTF-8")
    except RecursionError:
        return ParseFailure("the JSON is nested too deeply")


def wants_json(message: Any, streams: Callable[[str, Any], bool]) -> bool:
    """Whether a decoded POST body is one JSON-RPC request that asked for no progress and whose tool (for
    ``tools/call``) ``streams(name, arguments)`` does not say needs a stream."""
    if not isinstance(message, dict) or "id" not in message or not isinstance(message.get("method"), str):
        return False
    params = message.get("params")
    if not isinstance(params, dict):
        return True
    meta = params.get("_meta")
    if isinstance(meta, dict) and meta.get("progressToken") is not None:
        return False
    if message["method"] == "tools/call":
        return not streams(str(params.get("name")), params.get("arguments"))
    return True


async def buffered_choice(receive: Receive, limit: int, streams: Callable[[str, Any], bool]
                          ) -> tuple[bool, Receive, Any]:
    """Read a POST body (up to ``limit`` bytes), decode it, choose its framing (:func:`wants_json`), and return a
    ``receive`` that replays it, with the decoded message (a :class:`ParseFailure` when it is not JSON; None
    when it was not read whole).

    A body over the limit is not judged: it is replayed for the SDK, which refuses it (413).
    """
    chunks: list[bytes] = []
    size = 0
    more = True
    ended: Message | None = None
    while more and size <= limit:
        message = await receive()
        if message["type"] != "http.request":
            ended = message  # the client left; the SDK sees it after the body
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replay: list[Message] = [{"type": "http.request", "body": body, "more_body": more}]
    if ended is not None:
        replay.append(ended)

    async def replaying() -> Message:
        return replay.pop(0) if replay else await receive()

    if more or ended is not None:
        return False, replaying, None
    decoded = decode(body)
    return (not isinstance(decoded, ParseFailure) and wants_json(decoded, streams)), replaying, decoded
