"""``engineering-api agent``: one TIA host of a farm, running port calls from its queues one at a time.

The agent owns a backend (the fake, or TIA Portal through Openness) exactly as the embedded server does, and a
Celery worker with the solo pool: the calls run on the main thread, one after the other, the way Openness wants
them (objects bound to their thread, one operation at a time in TIA) and the way Celery runs on Windows.

It consumes its own queue (calls for the project it holds) and one queue per TIA version it has. A side thread
writes its heartbeat and passes a cancel request of the running call to that call's token, so the call stops at
its next checkpoint and the fake rolls it back, as in the embedded server.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from engineering_api.backend.errors import OperationCanceledError
from engineering_api.farm.celery_app import CALL_TASK, FarmConfig, celery_app
from engineering_api.farm.codec import decode, encode, encode_error
from engineering_api.farm.registry import HEARTBEAT_SECONDS, AgentRecord, AgentRegistry, agent_queue
from simatic_xml.cancel import CancelToken, installed

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend

__all__ = ("AgentRunner", "run_agent", "version_queue")

logger = logging.getLogger(__name__)

PROJECT_METHODS = frozenset({"create_project", "open_project", "close_project", "retrieve_project", "shutdown_portal",
                             "detach_portal", "attach_portal", "launch_portal"})
"""Calls after which the heartbeat's ``openProject`` is read again."""


OUTCOME_RETRY_SECONDS = 120.0
"""How long an agent keeps trying to hand a finished call's outcome to a Redis that is restarting."""


def version_queue(version: str) -> str:
    """The queue every agent with TIA ``version`` consumes."""
    return f"engineering-api.tia.{version}"


class AgentRunner:
    """Runs one encoded port call on the agent's backend; its heartbeat thread watches for cancel requests."""

    def __init__(self, backend: EngineeringBackend, registry: AgentRegistry, record: AgentRecord) -> None:
        self.backend = backend
        self.registry = registry
        self.record = record
        self._current: tuple[str, CancelToken] | None = None
        self._stop = threading.Event()

    def run(self, method: str, payload: dict[str, Any], call_id: str, label: str = "") -> None:
        """The Celery task body: posts progress and then ``{"result": …}`` or ``{"error": …}`` for the caller."""
        outcome = self._outcome(method, payload, call_id, label)
        deadline = time.monotonic() + OUTCOME_RETRY_SECONDS
        while True:
            try:
                self.registry.post(call_id, outcome, self.record)  # the record says the agent is idle again
                return
            except RedisError:  # the broker restarting: the caller is still waiting for this outcome
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def _outcome(self, method: str, payload: dict[str, Any], call_id: str, label: str) -> dict[str, Any]:
        if not callable(getattr(type(self.backend), method, None)) or method.startswith("_"):
            return {"error": {"class": None, "code": "UNKNOWN_PORT_METHOD",
                              "message": f"The agent has no port method {method!r}.", "details": {}}}
        self.record.current_call = f"{method} {label}".strip()
        first, canceled = self.registry.start_call(call_id, self.record)  # the record shows the call at once
        if not first or canceled:
            self.record.current_call = None
        if not first:
            # Redelivered after an agent died during it: running it again could apply a change twice.
            return {"error": {"class": None, "code": "AGENT_LOST", "message": (
                f"{method} was interrupted when the agent running it was lost; it was not run again. The project "
                "is as TIA left it: changes since its last save are lost."), "details": {}}}
        if canceled:  # canceled while it waited in the queue: it never started
            return {"error": encode_error(OperationCanceledError(f"{method} was canceled before it started"))}

        def progress(percent: int, message: str = "") -> None:
            self.registry.post(call_id, {"progress": [percent, message]})

        token = CancelToken()
        self._current = (call_id, token)
        try:
            args = decode(payload.get("args", []), progress=progress)
            kwargs = decode(payload.get("kwargs", {}), progress=progress)
            with installed(token):
                result = getattr(self.backend, method)(*args, **kwargs)
            return {"result": encode(result)}
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller, none kills the agent
            if token.canceled and token.reason is not None:
                exc = token.reason
            return {"error": encode_error(exc)}
        finally:
            self._current = None
            self.record.current_call = None
            self.record.calls_done += 1
            if method in PROJECT_METHODS:
                self._relaunch()
                self._refresh_project()

    def _relaunch(self) -> None:
        # The fake agent is a workstation where a headless TIA Portal runs: a caller who shut it down or detached
        # leaves the agent to the next caller with a fresh one, not without a portal.
        if self.record.backend != "fake":
            return
        try:
            if not self.backend.session_status().connected:
                self.backend.launch_portal(with_ui=False, version=self.record.tia_versions[0])
        except Exception:  # noqa: BLE001 - reported by the next call's own error
            logger.warning("could not relaunch the agent's portal", exc_info=True)

    def _refresh_project(self) -> None:
        try:
            status = self.backend.session_status()
        except Exception:  # noqa: BLE001 - the heartbeat reports what it can
            return
        self.record.open_project = status.project_path if status.project_open else None

    def beat(self) -> None:
        """The heartbeat thread: publish the record; pass a cancel request on to the running call."""
        while not self._stop.wait(0.1):
            current = self._current
            try:
                if current is not None and self.registry.cancel_requested(current[0]):
                    current[1].cancel(OperationCanceledError("the job was canceled"))
                if time.time() - self.record.heartbeat_at >= HEARTBEAT_SECONDS:
                    self.registry.heartbeat(self.record)
            except RedisError:  # Redis restarting: the next beat tries again
                time.sleep(HEARTBEAT_SECONDS)

    def stop(self) -> None:
        """End the heartbeat thread and withdraw the record."""
        self._stop.set()
        try:
            self.registry.withdraw(self.record.name)
        except Exception:  # noqa: BLE001
            logger.warning("could not withdraw the agent record", exc_info=True)


def run_agent(config: FarmConfig, backend: EngineeringBackend, *, name: str | None, versions: list[str],
              backend_name: str) -> int:
    """Serve port calls until stopped (Ctrl+C or SIGTERM); returns the exit code."""
    name = name or socket.gethostname()
    backend.on_worker_thread_started()
    registry = AgentRegistry(config.redis(), config.prefix)
    registry.reset(name)
    record = AgentRecord(name=name, backend=backend_name, tia_versions=versions)
    runner = AgentRunner(backend, registry, record)
    runner._relaunch()
    runner._refresh_project()
    registry.heartbeat(record)
    app = celery_app(config)

    @app.task(name=CALL_TASK, ignore_result=True)
    def call(method: str, payload: dict[str, Any], call_id: str, label: str = "") -> None:
        runner.run(method, payload, call_id, label)

    threading.Thread(target=runner.beat, name="farm-heartbeat", daemon=True).start()
    queues = [agent_queue(name), *(version_queue(v) for v in versions)]
    try:
        app.worker_main([
            "worker", "--pool=solo", "--concurrency=1", "-Q", ",".join(queues), "-n", f"{name}@%h",
            "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ])
    finally:
        runner.stop()
        backend.close()
    return 0
