"""Counting deterministic work: Python function calls made while serving a request, in process.

A count, unlike a time, is the same on a busy and on a quiet machine, so a budget on it can guard the fast paths
without being noisy. Calls of the event loop's and the threading machinery are left out: how often a loop wakes
up depends on when another thread finishes, not on the work the service does. The garbage collector's automatic
collections are held while counting: when one falls in the counted block depends on what ran before it, and it runs
Python code that is no part of the request (the ``gc.callbacks`` of whatever registered one, Hypothesis' among them
once a test of the worker used it, and the finalizers of older garbage).

The driver calls the app straight through ASGI on the current event loop (no server, no sockets); the in-process
benchmarks (``bench/profile_read.py``, ``bench/profile_pipeline.py``, ``bench/profile_mcp.py``) drive the app with it
too.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any
from urllib.parse import urlencode

from engineering_api.lib.collector import collections_held

__all__ = ("AsgiDriver", "WorkCount", "counting", "counting_on")

_SKIPPED_DIRS = tuple(
    os.path.join(os.path.dirname(os.__file__), name) for name in ("asyncio", "concurrent")
)
_SKIPPED_FILES = frozenset(
    os.path.join(os.path.dirname(os.__file__), name)
    for name in ("threading.py", "selectors.py", "queue.py", "contextvars.py", "weakref.py", "_weakrefset.py")
)


def _skipped(code: CodeType, cache: dict[str, bool]) -> bool:
    filename = code.co_filename
    skipped = cache.get(filename)
    if skipped is None:
        skipped = cache[filename] = filename in _SKIPPED_FILES or filename.startswith(_SKIPPED_DIRS)
    return skipped


_ARGUMENT_FLAGS = (inspect.CO_VARARGS, inspect.CO_VARKEYWORDS)


def _own_locals(code: CodeType) -> tuple[str, ...]:
    """A function's local variables that are not its arguments (what it made, or took from elsewhere)."""
    arguments = code.co_argcount + code.co_kwonlyargcount + sum(bool(code.co_flags & f) for f in _ARGUMENT_FLAGS)
    return code.co_varnames[arguments:]


def _where(code: CodeType) -> str:
    path = code.co_filename
    for marker in ("site-packages" + os.sep, os.sep + "engineering-api" + os.sep, os.sep + "speed" + os.sep):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{code.co_firstlineno}({code.co_name})"


@dataclass
class WorkCount:
    """Python function calls by callee, and by (caller, callee), of every thread counted."""

    calls: Counter[CodeType] = field(default_factory=Counter)
    edges: Counter[tuple[CodeType | None, CodeType]] = field(default_factory=Counter)
    builtins: Counter[tuple[CodeType, str]] = field(default_factory=Counter)
    """Calls of functions written in C (a hash, an encoder, a clock, a system call), by caller and name."""
    count_held: bool = False
    """Count :attr:`held` too (it reads every returning function's locals: a few times slower)."""
    held: Counter[CodeType] = field(default_factory=Counter)
    """With :attr:`count_held`: elements of the sets and frozensets each function held in its own locals (not its
    arguments) when it returned, by function: what it built or copied. A copy of a whole program's names made in C
    (``set(names)``, ``a | b``) is one call or none, so a call count cannot see a copy per block; the elements the
    copies hold show it. A set only referred to by a local counts too (lists and dicts are left out: a parser's
    functions each refer to their file's token list)."""

    @property
    def total(self) -> int:
        """Every counted call of a Python function."""
        return sum(self.calls.values())

    @property
    def builtin_total(self) -> int:
        """Every counted call of a C function made by a counted Python function."""
        return sum(self.builtins.values())

    @property
    def held_total(self) -> int:
        """Every counted element held (:attr:`held`)."""
        return sum(self.held.values())

    def profiler(self) -> Callable[[FrameType, str, Any], None]:
        """A ``sys.setprofile`` function adding to this count (one per thread: counters are not shared)."""
        calls: Counter[CodeType] = Counter()
        edges: Counter[tuple[CodeType | None, CodeType]] = Counter()
        builtins: Counter[tuple[CodeType, str]] = Counter()
        held: Counter[CodeType] = Counter()
        cache: dict[str, bool] = {}
        own_locals: dict[CodeType, tuple[str, ...]] = {}
        self._parts.append((calls, edges, builtins, held))
        count_held = self.count_held

        def profile(frame: FrameType, event: str, arg: Any) -> None:
            if event == "return":
                if count_held:
                    code = frame.f_code
                    names = own_locals.get(code)
                    if names is None:
                        names = own_locals[code] = () if _skipped(code, cache) else _own_locals(code)
                    if names:
                        values = frame.f_locals
                        held[code] += sum(len(v) for v in map(values.get, names) if isinstance(v, (set, frozenset)))
                return
            if event == "c_call":
                code = frame.f_code
                if not _skipped(code, cache):
                    builtins[(code, getattr(arg, "__qualname__", None) or repr(arg))] += 1
                return
            if event != "call":
                return
            code = frame.f_code
            if _skipped(code, cache):
                return
            calls[code] += 1
            back = frame.f_back
            edges[(back.f_code if back is not None else None, code)] += 1

        return profile

    def __post_init__(self) -> None:
        self._parts: list[tuple[Counter[CodeType], Counter[tuple[CodeType | None, CodeType]],
                                Counter[tuple[CodeType, str]], Counter[CodeType]]] = []

    def merge(self) -> WorkCount:
        """Fold every thread's counters into :attr:`calls` and :attr:`edges`."""
        for calls, edges, builtins, held in self._parts:
            self.calls.update(calls)
            self.edges.update(edges)
            self.builtins.update(builtins)
            self.held.update(held)
        self._parts.clear()
        return self

    def top(self, n: int = 25) -> str:
        """The ``n`` most called functions, each with its most frequent callers."""
        callers: dict[CodeType, Counter[CodeType | None]] = {}
        for (caller, callee), count in self.edges.items():
            callers.setdefault(callee, Counter())[caller] += count
        lines = [f"{self.total} calls; top {n} callees (calls, function <- top callers):"]
        for code, count in self.calls.most_common(n):
            by = ", ".join(f"{_where(c) if c else '?'} x{k}" for c, k in callers[code].most_common(3))
            lines.append(f"  {count:6d}  {_where(code)}  <- {by}")
        return "\n".join(lines)

    def top_builtins(self, n: int = 25) -> str:
        """The ``n`` most called C functions, each with the Python function calling it."""
        lines = [f"{self.builtin_total} calls of C functions; top {n} (calls, function <- caller):"]
        for (caller, name), count in self.builtins.most_common(n):
            lines.append(f"  {count:6d}  {name}  <- {_where(caller)}")
        return "\n".join(lines)

    def top_held(self, n: int = 10) -> str:
        """The ``n`` functions holding the most elements (:attr:`held`)."""
        lines = [f"{self.held_total} elements held; top {n} (elements, function):"]
        lines += [f"  {count:8d}  {_where(code)}" for code, count in self.held.most_common(n)]
        return "\n".join(lines)

    def by_function(self) -> dict[str, int]:
        """Counts by function name, for comparing two counts."""
        return {_where(code): count for code, count in self.calls.items()}


@contextlib.contextmanager
def counting(count: WorkCount) -> Iterator[WorkCount]:
    """Count the calls of this thread in the block."""
    previous = sys.getprofile()
    with collections_held():
        sys.setprofile(count.profiler())
        try:
            yield count
        finally:
            sys.setprofile(previous)
            count.merge()


@contextlib.asynccontextmanager
async def counting_on(count: WorkCount, run_on_thread: Callable[[Callable[[], None]], Any]) -> AsyncIterator[None]:
    """Count the calls of another thread (the TIA worker) in the block: ``run_on_thread(fn)`` must run ``fn``
    there and await its end (``TiaWorker.call``)."""
    profile = count.profiler()
    with collections_held():
        await run_on_thread(lambda: sys.setprofile(profile))
        try:
            yield
        finally:
            await run_on_thread(lambda: sys.setprofile(None))


SESSIONLESS_MCP = "2026-07-28"
"""The MCP protocol revision whose requests need no session: each names its version and client itself."""


def sessionless_mcp(method: str, client: str, tool: str | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """The headers and ``_meta`` of one session-less MCP request (:data:`SESSIONLESS_MCP`) of ``client``:
    ``method``, and for ``tools/call`` the ``tool`` called."""
    headers = {"accept": "application/json, text/event-stream", "mcp-protocol-version": SESSIONLESS_MCP,
               "mcp-method": method, **({"mcp-name": tool} if tool else {})}
    meta = {"io.modelcontextprotocol/protocolVersion": SESSIONLESS_MCP,
            "io.modelcontextprotocol/clientInfo": {"name": client, "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}
    return headers, meta


class AsgiDriver:
    """Requests to an ASGI app on the running loop, with its lifespan."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last_headers: list[tuple[bytes, bytes]] = []
        """The headers of the last answer, as ASGI sends them (lower-case names, bytes)."""

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[AsgiDriver]:
        """The app's lifespan: startup before the block, shutdown after."""
        to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        task = asyncio.create_task(self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                            to_app.get, from_app.put))
        await to_app.put({"type": "lifespan.startup"})
        started = await from_app.get()
        if started["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"start-up failed: {started}")
        try:
            yield self
        finally:
            await to_app.put({"type": "lifespan.shutdown"})
            await from_app.get()
            await task

    async def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None, query: str = ""
    ) -> tuple[int, Any]:
        """One request; the status and the decoded JSON answer (or the raw bytes when it is not JSON)."""
        status, answer = await self.call_raw(method, path, headers, body, query)
        try:
            return status, json.loads(answer)
        except ValueError:
            return status, answer

    async def call_raw(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None, query: str = "",
        *, form: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """One request; the status and the answer's bytes as sent (a benchmark's loop decodes nothing). ``body`` is
        sent as JSON, ``form`` as an HTML form; the answer's headers are kept in :attr:`last_headers`."""
        raw_headers = [(b"host", b"127.0.0.1:9000")]
        raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        payload = b""
        if body is not None or form is not None:
            payload = json.dumps(body).encode() if form is None else urlencode(form).encode()
            kind = b"application/json" if form is None else b"application/x-www-form-urlencoded"
            raw_headers += [(b"content-type", kind), (b"content-length", str(len(payload)).encode())]
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "", "headers": raw_headers,
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 9000), "state": {},
        }
        delivered = asyncio.Event()
        received = [False]

        async def receive() -> dict[str, Any]:
            if not received[0]:
                received[0] = True
                return {"type": "http.request", "body": payload, "more_body": False}
            await delivered.wait()
            return {"type": "http.disconnect"}

        status = 0
        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                self.last_headers = message.get("headers", [])  # as sent: decoding here would count in its work
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    delivered.set()

        await self.app(scope, receive, send)
        delivered.set()
        return status, b"".join(chunks)
