"""Running a pull: fetch (with retries) or take the posted document, map every field, then write all tags at once.

A run writes all of its tags or none: every field is extracted and checked against its tag's type first
(:mod:`.mapping`), and one failure fails the run, naming each field that failed, with nothing written. The
values then go to the PLC in one bulk write (one cycle); should the PLC still refuse an item (a download changed the
tag since), the run is ``Partial`` and names it. Each run is logged (the newest :data:`RUNS_KEPT` per pull) and its
outcome kept on the definition (``lastRunAt``, ``lastStatus``, ``lastError``).

Fetching retries what may pass (no answer, 429, 5xx) up to :data:`ATTEMPTS` times with a short backoff; a 4xx is
final. Nothing the source answers is logged or stored but its status code: a body may hold anything. A run waiting
on its source when the server stops is recorded ``Interrupted``, nothing written, and holds up neither the stop nor
the process's exit (:mod:`.stop`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import msgspec

from engineering_api.backend.errors import EngineeringError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.scheduler_pools import PULLS
from engineering_api.runtime.pulls.definitions import PullDefinition, PullStore
from engineering_api.runtime.pulls.mapping import WRITABLE_TYPES, MappingError, coerce, extract, parse
from engineering_api.runtime.pulls.source_kind import RunFailed, SlowAnswer, Unreachable
from engineering_api.runtime.pulls.source_kinds import check_source, source_kind_for
from engineering_api.runtime.pulls.stop import RunStop, StopInterrupted
from engineering_api.runtime.simulated import canonical_name
from engineering_api.runtime.sources import TagWrite

if TYPE_CHECKING:
    from engineering_api.runtime.service import RuntimeService
    from engineering_api.services import Services

__all__ = ("ATTEMPTS", "PER_SOURCE", "RUNS_KEPT", "PullRun", "PullRunner", "WrittenValue", "pulls_of", "start_pulls",
           "stop_pulls")

logger = logging.getLogger(__name__)
ATTEMPTS = 3
RUNS_KEPT = 50
_BACKOFF_S = 0.5
_NOTE = "runtime.pulls"
_JOB_PREFIX = "pull:"
PER_SOURCE = 2
"""Scheduled runs of one source host at once; a run due beyond it waits for its next interval."""


class WrittenValue(CamelStruct):
    """A tag a run wrote, with the value it wrote."""

    tag: str
    value: Any


class PullRun(CamelStruct):
    """One run: what started it, its outcome, the tags it wrote or why it wrote none."""

    run_id: str
    pull_id: str
    trigger: str
    """``schedule``, ``run`` (an admin's run-now) or ``webhook``."""
    started_at: str
    finished_at: str
    status: str
    """``Succeeded``, ``Failed`` (nothing written), ``Partial`` (the PLC refused some items) or ``Interrupted``
    (the server stopped while the run waited on its source: nothing written)."""
    attempts: int = 0
    http_status: int | None = None
    written: list[WrittenValue] = msgspec.field(default_factory=list)
    error: str | None = None
    failed_fields: list[str] = msgspec.field(default_factory=list)
    """The field paths (or tags) that failed, for a mapping failure."""


class PullRunner:
    """The app's pulls: their store, runs, run log and schedule."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.store = PullStore(services, check_source)
        self._log = KeyValueStore(services.db, "runtime.pulls.runs.")
        self._lock = threading.Lock()
        self._slots = _SourceSlots()
        self.stopping = RunStop()
        """Runs in flight and the server's stop, which ends their waits on a source."""

    # ----- checks ----------------------------------------------------------------------------------------------
    def check_tags(self, runtime: RuntimeService, mapping: list[Any]) -> None:
        """Every mapped tag is released, writable and of a type a pull writes (when the PLC answers now).

        Raises ValidationError (``PULL_MAPPING_INVALID``) naming each tag that is not.
        """
        try:
            released = {canonical_name(t.name): t for t in runtime.source.browse()}
        except EngineeringError:
            return  # no PLC to ask now: each run checks its tags
        problems = [problem for item in mapping if (problem := _tag_problem(released, item.tag))]
        if problems:
            raise ValidationError("The mapping cannot be written: " + "; ".join(problems) + ".",
                                  code=codes.PULL_MAPPING_INVALID)

    # ----- runs ------------------------------------------------------------------------------------------------
    def run(self, runtime: RuntimeService, pull_id: str, trigger: str, document: bytes | None = None,
            content_type: str = "") -> PullRun:
        """Run the pull now (fetch unless ``document`` is given) and log it (Raises NotFoundError)."""
        definition = self.store.get(pull_id)
        started, attempts, http_status = utc_now(), 0, None
        written: list[WrittenValue] = []
        with self.stopping.running():
            try:
                if document is None:
                    document, content_type, attempts, http_status = self._fetch(definition)
                status, error, failed, written = self._apply(runtime, definition, document, content_type)
            except RunFailed as failure:
                status, error, failed = ("Interrupted" if failure.interrupted else "Failed"), str(failure), \
                    failure.fields
                http_status = failure.http_status or http_status
                attempts = failure.attempts or attempts
            run = PullRun(run_id=uuid.uuid4().hex[:12], pull_id=pull_id, trigger=trigger, started_at=started,
                          finished_at=utc_now(), status=status, attempts=attempts, http_status=http_status,
                          written=written, error=error, failed_fields=failed)
            self._keep(run)
        if status != "Succeeded":
            logger.warning("pull %s (%s): %s: %s", definition.name, trigger, status, error)
        return run

    def runs(self, pull_id: str, limit: int) -> list[PullRun]:
        """The run log, newest first (Raises NotFoundError)."""
        self.store.get(pull_id)
        raw = self._log.get(pull_id) or []
        return [msgspec.convert(r, PullRun) for r in raw[:limit]]

    def forget(self, pull_id: str) -> None:
        self._log.delete(pull_id)

    def _keep(self, run: PullRun) -> None:
        with self._lock:
            kept = self._log.get(run.pull_id) or []
            self._log.set(run.pull_id, [msgspec.to_builtins(run), *kept][:RUNS_KEPT])
        self.store.record_outcome(run.pull_id, run.finished_at, run.status, run.error)

    def _fetch(self, definition: PullDefinition) -> tuple[bytes, str, int, int | None]:
        source = definition.source
        if source is None:
            raise RunFailed("This pull has no source to fetch; the ERP posts its document to the webhook.")
        secret = self.store.secret(definition.pull_id)
        if source.secret_set and secret is None:
            raise RunFailed("The source's secret can no longer be decrypted (its key file was replaced); enter it "
                            "again")
        kind = source_kind_for(source.url)
        headers = kind.prepare(source, secret, self.store.allowed_targets)
        last, status = "no attempt", None
        for attempt in range(1, ATTEMPTS + 1):
            try:
                # on a thread of its own, which the server's stop does not wait for (pulls.stop)
                status, body, content_type = self.stopping.unless_stopped(
                    functools.partial(kind.fetch, source, headers, attempt))
                if status == 200:
                    return body, content_type, attempt, status
                last = f"the source answered HTTP {status}"
                if status != 429 and status < 500:
                    raise RunFailed(f"{last} (not retried: fix the URL or the credentials)", http_status=status,
                                    attempts=attempt)
            except Unreachable as exc:
                last = str(exc)
                status = None
            except SlowAnswer:
                last = f"the source's document took longer than the timeout ({source.timeout_seconds:g} s)"
            except StopInterrupted:
                raise RunFailed(f"The server stopped while the source was being fetched (attempt {attempt} of "
                                f"{ATTEMPTS}); nothing was written", attempts=attempt, interrupted=True) from None
            if attempt < ATTEMPTS:
                try:
                    self.stopping.pause(_BACKOFF_S * 2 ** (attempt - 1))
                except StopInterrupted:
                    raise RunFailed(f"The server stopped before attempt {attempt + 1} of {ATTEMPTS} ({last}); "
                                    "nothing was written", http_status=status, attempts=attempt,
                                    interrupted=True) from None
        raise RunFailed(f"{last}, {ATTEMPTS} attempts", http_status=status, attempts=ATTEMPTS)

    def _apply(self, runtime: RuntimeService, definition: PullDefinition, document: bytes, content_type: str
               ) -> tuple[str, str | None, list[str], list[WrittenValue]]:
        try:
            parsed = parse(document, content_type)
        except MappingError as exc:
            raise RunFailed(str(exc), fields=[exc.field]) from None
        try:
            released = {canonical_name(t.name): t for t in runtime.source.browse()}
        except EngineeringError as exc:
            raise RunFailed(f"The PLC cannot be written now: {exc.message}") from None
        values: list[WrittenValue] = []
        problems: list[MappingError] = []
        for item in definition.mapping:
            tag = released.get(canonical_name(item.tag))
            problem = _tag_problem(released, item.tag)
            if problem or tag is None:
                problems.append(MappingError(item.tag, problem or "unknown tag"))
                continue
            try:
                values.append(WrittenValue(tag=tag.name, value=coerce(extract(parsed, item.path), tag.data_type,
                                                                      item.path)))
            except MappingError as exc:
                problems.append(exc)
        if problems:
            raise RunFailed("Nothing was written: " + "; ".join(str(p) for p in problems),
                             fields=[p.field for p in problems])
        try:
            results = runtime.source.write([TagWrite(name=v.tag, value=v.value) for v in values])
        except EngineeringError as exc:
            raise RunFailed(f"The PLC refused the write: {exc.message}") from None
        refused = [r for r in results if r.error is not None]
        if not refused:
            return "Succeeded", None, [], values
        done = {r.name for r in results if r.error is None}
        text = "; ".join(f"{r.name}: {r.error.description}" for r in refused if r.error is not None)
        return "Partial", f"The PLC refused: {text}", [r.name for r in refused], [v for v in values if v.tag in done]

    # ----- schedule --------------------------------------------------------------------------------------------
    def schedule(self, definition: PullDefinition) -> None:
        """(Re)schedule a pull's interval on the app's scheduler, or drop it (no interval, disabled)."""
        scheduler = self.services.scheduler
        if scheduler is None:
            return
        job_id = _JOB_PREFIX + definition.pull_id
        if scheduler.get_job(job_id) is not None:
            scheduler.remove_job(job_id)
        if definition.enabled and definition.interval_seconds and definition.source is not None:
            scheduler.add_job(self._scheduled, "interval", seconds=definition.interval_seconds,
                              args=[definition.pull_id], id=job_id, replace_existing=True, coalesce=True,
                              max_instances=1, executor=PULLS)

    def unschedule(self, pull_id: str) -> None:
        scheduler = self.services.scheduler
        if scheduler is not None and scheduler.get_job(_JOB_PREFIX + pull_id) is not None:
            scheduler.remove_job(_JOB_PREFIX + pull_id)

    def _scheduled(self, pull_id: str) -> None:
        from engineering_api.runtime.service import runtime_of  # the service module imports the runtime's parts

        if self.stopping.stopped:
            return  # due as the server stops: its next start schedules it again
        try:
            definition = self.store.get(pull_id)
            origin = _origin(definition.source.url) if definition.source is not None else pull_id
            if not self._slots.take(origin):
                logger.warning("pull %s: not run now: %d runs on its source's host are still waiting for it (each "
                               "ends by its timeout); the next interval tries again", definition.name, PER_SOURCE)
                return
            try:
                self.run(runtime_of(self.services), pull_id, "schedule")
            finally:
                self._slots.give_back(origin)
        except NotFoundError:
            self.unschedule(pull_id)  # deleted meanwhile
        except Exception:  # a scheduler thread must not die: the next interval tries again
            logger.exception("pull %s: the scheduled run failed", pull_id)


class _SourceSlots:
    """Scheduled runs in flight per source host: at most :data:`PER_SOURCE`, so one hanging ERP leaves the pulls'
    pool (:data:`~engineering_api.lib.scheduler_pools.PULL_THREADS`) to the other sources."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}

    def take(self, origin: str) -> bool:
        with self._lock:
            if self._running.get(origin, 0) >= PER_SOURCE:
                return False
            self._running[origin] = self._running.get(origin, 0) + 1
            return True

    def give_back(self, origin: str) -> None:
        with self._lock:
            left = self._running.pop(origin) - 1
            if left:
                self._running[origin] = left


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}"


def _tag_problem(released: dict[str, Any], name: str) -> str | None:
    tag = released.get(canonical_name(name))
    if tag is None:
        return f"{name}: unknown or not released (accessible from HMI/OPC UA/Web API)"
    if not tag.writable:
        return f"{name}: read-only (not writable from HMI/OPC UA/Web API)"
    if tag.data_type not in WRITABLE_TYPES:
        return f"{name}: its type {tag.data_type} is not one a pull writes ({', '.join(sorted(WRITABLE_TYPES))})"
    return None


def pulls_of(services: Services) -> PullRunner:
    """The app's pulls, made on first use."""
    runner = services.notes.get(_NOTE)
    if runner is None:
        runner = services.notes.setdefault(_NOTE, PullRunner(services))
    assert isinstance(runner, PullRunner)
    return runner


def start_pulls(services: Services) -> None:
    """At app start (scheduler running): schedule the enabled pulls with an interval."""
    runner = pulls_of(services)
    runner.stopping = RunStop()  # an app started again on the same services (a restart) runs its pulls again
    for definition in runner.store.list():
        runner.schedule(definition)


async def stop_pulls(services: Services) -> None:
    """At app stop: the intervals end, a run waiting on its source is interrupted (recorded ``Interrupted``), and
    the runs in flight record their outcome (waited for off the event loop, which a run's PLC write may need)."""
    runner = services.notes.get(_NOTE)
    if isinstance(runner, PullRunner):
        for pull_id in runner.store.ids():
            runner.unschedule(pull_id)
        left = await asyncio.to_thread(runner.stopping.stop)
        if left:
            logger.warning("%d pull run(s) still writing to the PLC as the server stops; their outcome may not be "
                           "recorded", left)
