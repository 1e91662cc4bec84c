"""``FarmBackend``: the port, answered by agents over Celery; the API node's adapter in farm mode.

Every port method becomes one Celery task sent to one agent's queue, so everything above the port (operations,
jobs, snapshots, MCP tools, pipelines) runs unchanged: ``engineering_api/domain`` does not know a farm exists.

Routing is *project affinity*: a caller (a session, see :mod:`engineering_api.lib.caller`) holds one agent
while it has a project open there, and every call of that caller goes to that agent's queue. Opening or creating a project
claims a free agent first (atomically, so two callers never get one portal); closing it gives the agent back. A
caller holding no agent is served by any free one (catalog searches, listings).

While waiting, the proxy watches three things: the call's cancel token (a job cancel or timeout is passed to the
agent, which stops at its next checkpoint), the task's progress (passed to a progress callback argument), and
the agent's heartbeat (a lost agent ends the call with ``AGENT_LOST`` instead of a wait without end).
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from engineering_api.backend.errors import EngineeringError, PortalUnavailableError
from engineering_api.backend.port import EngineeringBackend
from engineering_api.farm.celery_app import CALL_TASK, FarmConfig, celery_app
from engineering_api.farm.codec import decode, decode_error, encode
from engineering_api.farm.dispatch import bound_caller
from engineering_api.farm.paths import PathMap
from engineering_api.farm.registry import AgentRegistry, agent_queue
from engineering_api.lib.caller import DEFAULT_SESSION
from simatic_xml.cancel import current

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("CLAIMING_METHODS", "RELEASING_METHODS", "FarmBackend", "NoFreeAgentError", "is_read_only")

CLAIMING_METHODS = frozenset({"create_project", "open_project", "retrieve_project", "launch_portal", "attach_portal"})
"""Calls that put a project (or another portal) into the agent: the caller holds the agent from then on."""
RELEASING_METHODS = frozenset({"close_project", "shutdown_portal"})
"""Calls after which the portal holds no project of the caller's any more."""
LOCAL_METHODS = frozenset({"on_worker_thread_started", "close"})

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
"""Longest wait for a result before the token and the agent's heartbeat are looked at again."""
OUTAGE_SECONDS = 60.0
"""How long a call waits for an unreachable Redis (a broker restarting) before it gives up, unsent."""
CANCEL_GRACE_SECONDS = 10.0
"""How long a canceled call's agent has to reach a checkpoint before the caller stops waiting."""


_READ_PREFIXES = ("list_", "get_", "find_", "search_", "read_", "openness_", "catalog_")
_READ_SUFFIXES = ("_status", "_overview", "_info", "_diagnostics", "_history", "_state", "_config", "_tree", "_summary")
_READ_NAMES = frozenset({"installed_versions", "diagnostics", "list_portals"})
_CHANGING_WORDS = frozenset({
    "add", "apply", "archive", "attach", "build", "clear", "close", "compile", "connect", "create", "delete",
    "detach", "disconnect", "download", "force", "generate", "import", "index", "instantiate", "launch", "load",
    "mark", "open", "power", "release", "remove", "rename", "reset", "restore", "retrieve", "run", "save", "set",
    "shutdown", "start", "step", "stop", "update", "upload", "whitelist", "write",
})


def is_read_only(method: str) -> bool:
    """Whether a port method only reads, judged by its name: a read verb or noun, and no changing word in it.

    The port's names follow one pattern (``list_*``, ``get_*``, ``*_status`` for reads; a verb for changes);
    any word of :data:`_CHANGING_WORDS` in the name makes it a change, so a doubtful name is never retried.
    """
    if set(method.split("_")) & _CHANGING_WORDS:
        return False
    return method in _READ_NAMES or method.startswith(_READ_PREFIXES) or method.endswith(_READ_SUFFIXES)


class NoFreeAgentError(PortalUnavailableError):
    """Every live agent holds another caller's project (or none runs the version asked for)."""

    default_code = "NO_FREE_AGENT"


class _FarmBackendBase(EngineeringBackend):
    """The forwarding machinery; :func:`_forwarding` adds one method per port method."""

    name = "farm"

    def __init__(self, config: FarmConfig, *, path_map: PathMap | None = None) -> None:
        self.config = config
        self.path_map = path_map or PathMap()
        """Where the agents see the shared storage, when not where this node does."""
        self.app = celery_app(config)
        self.registry = AgentRegistry(config.redis(), config.prefix)

    # ----- routing ---------------------------------------------------------------------------
    def _agent_for(self, caller: str, method: str, kwargs: dict[str, Any], exclude: frozenset[str] = frozenset()
                   ) -> str:
        held, alive = self.registry.holding(caller)
        if held is not None:
            if alive:
                return held
            self.registry.release(caller)
            raise PortalUnavailableError(
                f"The farm agent {held!r} that had your project open is gone (killed or its host lost); the "
                "project is as TIA left it: changes since its last save are lost. Open it again.",
                code="AGENT_LOST", details={"agent": held},
            )
        version = kwargs.get("version") if method == "launch_portal" else None
        agent = (self.registry.claim(caller, version) if method in CLAIMING_METHODS
                 else self.registry.free_agent(version, exclude))
        if agent is None:
            live = self.registry.agents()
            raise NoFreeAgentError(
                f"No free farm agent: {len(live)} live, all holding other callers' projects" + (
                    f" or without TIA {version}" if version else "") + ". Retry later, or start another agent "
                "(engineering-api agent --farm …).", details={"liveAgents": [a.name for a in live]},
            )
        return agent

    def _forward(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        caller = bound_caller() or DEFAULT_SESSION
        agent = self._through_outage(lambda: self._agent_for(caller, method, kwargs))
        progress = next((a for a in (*args, *kwargs.values()) if callable(a)), None)
        try:
            result = self._send(agent, method, args, kwargs, progress)
        except EngineeringError as exc:
            if method in CLAIMING_METHODS and self.registry.holds(caller) == agent:
                self._release_unless_open(caller, agent)
            if exc.code != "AGENT_LOST" or not self._retryable(caller, method):
                raise
            # A read that needs no project of the caller's (it held no agent) runs again on another free agent.
            other = self._through_outage(lambda: self._agent_for(caller, method, kwargs, frozenset({agent})))
            result = self._send(other, method, args, kwargs, progress)
        if method in RELEASING_METHODS:
            self._through_outage(lambda: self.registry.release(caller))
        return result

    def _retryable(self, caller: str, method: str) -> bool:
        # A caller holding an agent had its project there: a read of the last save elsewhere would hide the
        # loss of its unsaved work, so that read fails with AGENT_LOST like a change does.
        return is_read_only(method) and method not in CLAIMING_METHODS and self.registry.holds(caller) is None

    @staticmethod
    def _through_outage(step: Callable[[], Any]) -> Any:
        """``step()``, retried while Redis is unreachable (a broker restart) for up to :data:`OUTAGE_SECONDS`."""
        deadline = time.monotonic() + OUTAGE_SECONDS
        token = current()
        while True:
            try:
                return step()
            except RedisError as exc:
                if time.monotonic() > deadline or (token is not None and token.canceled):
                    raise PortalUnavailableError(
                        f"The farm's Redis is unreachable ({exc}); the call was not sent. Check the broker and retry.",
                        code="FARM_BROKER_UNREACHABLE",
                    ) from exc
                time.sleep(POLL_SECONDS)

    def _release_unless_open(self, caller: str, agent: str) -> None:
        record = self.registry.agent(agent)
        if record is None or record.open_project is None:
            self.registry.release(caller)

    # ----- one call --------------------------------------------------------------------------
    def _send(self, agent: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any],
              progress: Callable[[int, str], None] | None) -> Any:
        call_id = uuid.uuid4().hex
        payload = self.path_map.to_agent({"args": encode(list(args)), "kwargs": encode(kwargs)})
        try:
            # argsrepr/kwargsrepr given: Celery would otherwise build a repr of the whole payload for every call
            self.app.send_task(CALL_TASK, args=[method, payload, call_id], queue=agent_queue(agent), task_id=call_id,
                               argsrepr=f"({method!r}, …, {call_id!r})", kwargsrepr="{}")
        except OperationalError as exc:  # the broker stayed away through the publish retries
            raise PortalUnavailableError(
                f"The farm broker is unreachable ({exc}); {method} was not sent. Check the broker and retry.",
                code="FARM_BROKER_UNREACHABLE",
            ) from exc
        message = None
        try:
            message = self._await(call_id, agent, method, progress)
        finally:
            # The outcome is the last message an agent posts, and popping it left the list empty (Redis drops
            # it): only a call given up on can leave replies behind.
            if message is None:
                with contextlib.suppress(RedisError):
                    self.registry.forget(call_id)
        message = self.path_map.to_node(message)
        if "error" in message:
            raise decode_error(message["error"], agent=agent)
        return decode(message.get("result"))

    def _await(self, call_id: str, agent: str, method: str, progress: Callable[[int, str], None] | None
               ) -> dict[str, Any]:
        """The call's outcome; progress passed on, a cancel passed to the agent, a lost agent reported.

        While Redis is unreachable (the broker restarting) the wait goes on: the agent keeps working and posts
        its outcome when Redis is back, so nothing accepted is lost. The call's own timeout (its token) still
        applies.
        """
        token = current()
        canceled_at: float | None = None
        last_alive = time.monotonic()
        while True:
            try:
                message = self.registry.next_message(call_id, POLL_SECONDS)
                if message is not None and "progress" in message:
                    if progress is not None:
                        progress(int(message["progress"][0]), str(message["progress"][1]))
                    continue
                if message is not None:
                    return message
                now = time.monotonic()
                if token is not None and token.canceled and canceled_at is None:
                    canceled_at = now
                    self.registry.request_cancel(call_id)  # the agent's token, or its check before starting
                    try:
                        self.app.control.revoke(call_id)  # and Celery drops it from a worker's reserved messages
                    except Exception:  # noqa: BLE001 - best effort: the flag alone keeps it from starting
                        logger.warning("could not revoke farm call %s", call_id, exc_info=True)
                    if not self.registry.call_started(call_id):
                        # Still queued: the flag (set first) keeps it from ever starting, so nothing to wait for.
                        raise token.reason or PortalUnavailableError(f"{method} was canceled", code="CANCELED")
                alive = self.registry.agent(agent) is not None
            except RedisError:
                time.sleep(POLL_SECONDS)
                last_alive = now = time.monotonic()  # an outage says nothing about the agent
                alive = True
            if canceled_at is not None and now - canceled_at > CANCEL_GRACE_SECONDS:
                raise token.reason if token is not None and token.reason is not None else PortalUnavailableError(
                    f"{method} was canceled", code="CANCELED")
            if alive:
                last_alive = now
            elif now - last_alive > POLL_SECONDS:
                raise PortalUnavailableError(
                    f"The farm agent {agent!r} was lost while running {method}; it was not run again. The "
                    "project is as TIA left it: changes since its last save are lost.",
                    code="AGENT_LOST", details={"agent": agent, "method": method},
                )

    # ----- local ------------------------------------------------------------------------------
    def on_worker_thread_started(self) -> None:
        """Nothing is bound to the API node's threads: the portal lives on the agent."""

    def close(self) -> None:
        """The agents keep running; only the broker connection is let go."""
        self.app.close()


def _forwarding(name: str) -> Callable[..., Any]:
    def forward(self: _FarmBackendBase, *args: Any, **kwargs: Any) -> Any:
        return self._forward(name, args, kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = getattr(EngineeringBackend, name).__doc__
    return forward


def _port_methods() -> list[str]:
    return sorted(
        name for name in dir(EngineeringBackend)
        if not name.startswith("_") and name not in LOCAL_METHODS and callable(getattr(EngineeringBackend, name))
    )


FarmBackend: type[_FarmBackendBase] = type(
    "FarmBackend", (_FarmBackendBase,), {name: _forwarding(name) for name in _port_methods()},
)
FarmBackend.__doc__ = "Every port method sent to the caller's agent; see the module."
FarmBackend.__module__ = __name__
