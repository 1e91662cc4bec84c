"""A scripted model provider for the assistant tests: a real HTTP server on 127.0.0.1 (a free port).

It stands in for the external model service (OpenAI, Ollama, Anthropic...), which the test suite cannot
reach: it speaks the OpenAI-compatible chat-completions API (``POST /v1/chat/completions``, ``GET /v1/models``)
or Anthropic's Messages API (``POST /v1/messages``, ``GET /v1/models``) and answers each chat request with the
next reply of its script (tool calls, text, an error status or a delay), recording every request it got.

A reply may also be a function of the chat request's body, so that a script reads what the tools answered (the
``tool`` messages) before it decides its next call, as a model would: the MCP evaluation
(``tests/mcp/test_mcp_assistant_eval.py``) scripts a controls engineer's tasks this way.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

__all__ = ("ScriptedProvider", "error", "say", "tools")


def tools(*calls: tuple[str, dict[str, Any]], text: str = "") -> dict[str, Any]:
    """A reply that calls tools, e.g. ``tools(("projects_create", {"name": "Line7"}))``."""
    return {"text": text, "calls": list(calls)}


def say(text: str) -> dict[str, Any]:
    """A final text reply."""
    return {"text": text, "calls": []}


def error(status: int, message: str) -> dict[str, Any]:
    """An HTTP error answer."""
    return {"status": status, "message": message}


@dataclass
class Received:
    """One request the stub got."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class ScriptedProvider:
    """The stub server; use as a context manager. ``kind`` is ``openai`` or ``anthropic``."""

    kind: str = "openai"
    script: list[dict[str, Any] | Callable[[Any], dict[str, Any]]] = field(default_factory=list)
    default: dict[str, Any] | None = None
    """The reply once the script is used up (None: a 500 saying so)."""
    api_key: str | None = None
    """When set, requests without it answer 401."""
    delay: float = 0.0
    """Seconds each chat answer waits (a slow model, for the stop test)."""
    models: list[str] = field(default_factory=lambda: ["stub-large", "stub-small"])
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.chat_started = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """What the assistant settings name: up to ``/v1`` for OpenAI-compatible, the root for Anthropic."""
        assert self._server is not None
        root = f"http://127.0.0.1:{self._server.server_address[1]}"
        return f"{root}/v1" if self.kind == "openai" else root

    @property
    def chats(self) -> list[Received]:
        """The chat requests received, in order."""
        return [r for r in self.received if r.method == "POST"]

    def __enter__(self) -> ScriptedProvider:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _record(self, body: Any) -> None:
                with stub._lock:
                    stub.received.append(Received(self.command, self.path,
                                                  {k.lower(): v for k, v in self.headers.items()},
                                                  body))

            def _authorised(self) -> bool:
                if stub.api_key is None:
                    return True
                if stub.kind == "openai":
                    return self.headers.get("Authorization") == f"Bearer {stub.api_key}"
                return self.headers.get("x-api-key") == stub.api_key

            def do_GET(self) -> None:
                self._record(None)
                if self.path != "/v1/models":
                    self._answer(404, {"error": {"message": f"no route {self.path}"}})
                elif not self._authorised():
                    self._answer(401, {"error": {"message": "invalid api key"}})
                elif stub.kind == "openai":
                    self._answer(200, {"object": "list", "data": [
                        {"id": m, "object": "model", "owned_by": "stub"} for m in stub.models]})
                else:
                    self._answer(200, {"data": [{"id": m, "type": "model", "display_name": m.title()}
                                                for m in stub.models], "has_more": False})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                self._record(body)
                wanted = "/v1/chat/completions" if stub.kind == "openai" else "/v1/messages"
                if self.path != wanted:
                    self._answer(404, {"error": {"message": f"no route {self.path}"}})
                    return
                if not self._authorised():
                    self._answer(401, {"error": {"message": "invalid api key"}})
                    return
                stub.chat_started.set()
                if stub.delay:
                    stub._release.wait(stub.delay)
                with stub._lock:
                    reply = stub.script.pop(0) if stub.script else stub.default
                if callable(reply):
                    try:
                        reply = reply(body)
                    except Exception as exc:  # a failed script step is the test's failure to show
                        reply = {"status": 500, "message": f"script step failed: {exc!r}"}
                if reply is None:
                    self._answer(500, {"error": {"message": "the stub's script is used up"}})
                elif "status" in reply:
                    self._answer(reply["status"], {"error": {"message": reply["message"]}})
                else:
                    count = len(stub.chats)
                    self._answer(200, stub._openai(reply, count) if stub.kind == "openai"
                                 else stub._anthropic(reply, count))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._release.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def _openai(reply: dict[str, Any], count: int) -> dict[str, Any]:
        calls = [{"id": f"call_{count}_{i}", "type": "function",
                  "function": {"name": name, "arguments": json.dumps(arguments)}}
                 for i, (name, arguments) in enumerate(reply["calls"])]
        message: dict[str, Any] = {"role": "assistant", "content": reply["text"] or None}
        if calls:
            message["tool_calls"] = calls
        return {"id": f"chatcmpl-{count}", "object": "chat.completion", "model": "stub-large",
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
                "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}}

    @staticmethod
    def _anthropic(reply: dict[str, Any], count: int) -> dict[str, Any]:
        content: list[dict[str, Any]] = [{"type": "text", "text": reply["text"]}] if reply["text"] else []
        content += [{"type": "tool_use", "id": f"toolu_{count}_{i}", "name": name, "input": arguments}
                    for i, (name, arguments) in enumerate(reply["calls"])]
        return {"id": f"msg_{count}", "type": "message", "role": "assistant", "model": "stub-large",
                "content": content, "stop_reason": "tool_use" if reply["calls"] else "end_turn",
                "usage": {"input_tokens": 200, "output_tokens": 20}}
