"""The simulated CPU: PLCSIM Advanced's operating states, virtual time, OB scheduling and forces.

States follow PLCSIM Advanced (``Off → Booting → Stop → Startup → Run``, ``ShuttingDown`` on power
off). A runtime error of the user program in Run stops the CPU and leaves a diagnostic entry, as a
real S7-1500 without OB121 does. A loop that runs past its passes within the maximum cycle time (``max_cycle_ms``,
the model of the cycle's length: :mod:`.rtlib`) is a time error: a ``CycleTimeExceeded`` entry, OB80 called when the
program has one, the CPU left in RUN; the second overrun in one cycle leaves a ``TimeError`` entry and stops it.

Time is virtual. In ``SingleStep`` and ``TimespanSynchronized`` modes it only moves when a caller
steps it (N cycles, or T milliseconds), so timer logic is testable to the millisecond. In
``Default`` mode a background thread runs cycles in real time (scaled by ``scale_factor``), as a
free-running PLCSIM instance does. A step first advances time by one cycle, then runs the cycle at
the new time: cyclic interrupt OBs whose period elapsed, then the program-cycle OBs.
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from engineering_api.backend.areas.simulation_models import SimDiagnosticEntry
from engineering_api.lib.schema import utc_now

from .cpu_types import (
    CpuStateError, IpSuite, OperatingMode, OperatingState, ScanStats, StepResult, TagError, TagReading,
)
from .errors import PlcRuntimeError
from .events import CpuEvents
from .events import plain as _plain
from .cpu_time_error import time_error
from .rtlib import DEFAULT_MAX_CYCLE_MS, pass_limit

if TYPE_CHECKING:
    from .cpu_image import CpuImage, ObEntry, TagAccessor
    from .image import ProgramImage
    from .memory import Memory

# The value types live in .cpu_types (this module's size); they stay importable from here, where callers
# have always found them.
__all__ = (
    "FAULT_EVENTS", "RUNNER_STOP_GRACE", "CpuStateError", "ImageT", "IpSuite", "OperatingMode", "OperatingState",
    "RuntimeContext", "ScanStats", "SimulatedCpu", "StepResult", "TagError", "TagReading",
)

ImageT = TypeVar("ImageT", bound="CpuImage", default="ProgramImage")
"""The program image a CPU runs: the compiled :class:`~fakes.runtime.image.ProgramImage` unless said otherwise
(tests run the CPU on stand-ins that keep :class:`~fakes.runtime.cpu_image.CpuImage`)."""

MS = 1_000_000
"""Nanoseconds per millisecond (virtual time is kept in integer nanoseconds)."""
MAX_STEP_CYCLES = 1_000_000
"""One step may not run more cycles than this (a caller asking for a day of 1 ms cycles gets a clear 4xx)."""



FAULT_EVENTS = frozenset({"ProgrammingError", "TimeError"})
"""The diagnostic events of a fault of the user program that stopped the CPU (:meth:`SimulatedCpu._fault`)."""

class RuntimeContext(Generic[ImageT]):
    """What the generated code sees of the CPU (see README, "Runtime context")."""

    __slots__ = ("cpu", "cycle", "eno", "first_scan", "instances", "memory", "now_ns", "ob", "overruns", "pass_limit",
                 "start_info")

    @property
    def clock_base_ns(self) -> int:
        """The instance's clock at virtual time 0 (:mod:`.stdlib_clock`); WR_SYS_T sets it."""
        return self.cpu.clock_base_ns

    @clock_base_ns.setter
    def clock_base_ns(self, value: int) -> None:
        self.cpu.clock_base_ns = value

    @property
    def local_offset_ns(self) -> int:
        """Local time minus system time: the instance's time zone (no daylight saving time is modelled)."""
        return self.cpu.config.time_zone_minutes * 60_000_000_000

    def __init__(self, cpu: SimulatedCpu[ImageT], memory: Memory) -> None:
        self.cpu = cpu
        self.memory = memory
        self.now_ns = cpu.now_ns
        self.first_scan = False
        self.cycle = 0
        self.eno = True
        """The ENO of the user block that returned last, where it may be FALSE (``Context.eno_blocks``)."""
        self.instances: list[str | None] = []
        """The paths of the FB instances running, innermost last, in a program that asks for them
        (:mod:`.stdlib_instances`)."""
        self.pass_limit = pass_limit(cpu.config.max_cycle_ms)
        """The passes of one loop entry within the maximum cycle time (:func:`.rtlib.pass_limit`)."""
        self.ob: ObEntry | None = None
        """The OB running (the one OB80's start information names)."""
        self.overruns = 0
        """Times this cycle exceeded the maximum cycle time."""
        self.start_info: dict[str, int] = {}
        """The start information of the time error OB while it runs (``fault_id``, ``csg_obnr``, ``csg_prio``)."""

    def time_error(self, block: str) -> bool:
        """A loop of ``block`` exceeded the maximum cycle time: whether the cycle goes on
        (:meth:`SimulatedCpu._overrun`)."""
        return self.cpu._overrun(self, block)


@dataclass
class _Force:
    name: str
    value: Any
    accessor: TagAccessor


@dataclass
class _Config:
    cycle_ms: float = 10.0
    """Virtual duration of one cycle when time is stepped."""
    min_cycle_ms: float = 10.0
    """Real minimum cycle time of a free-running instance (keeps a Default-mode CPU from eating a core)."""
    scale_factor: float = 1.0
    mode: OperatingMode = OperatingMode.DEFAULT
    diagnostics_limit: int = 200
    time_zone_minutes: int = 0
    """The local time's offset from the system time (UTC), as TIA's "Time of day" settings give it."""
    max_cycle_ms: float = DEFAULT_MAX_CYCLE_MS
    """The CPU's maximum cycle time ("Cycle" settings, 1..6000 ms): what a cycle's loop passes are measured against
    (:mod:`.rtlib`, docs/simulated-plc.md "Cycle time")."""
    extra: dict[str, Any] = field(default_factory=dict)


class SimulatedCpu(Generic[ImageT]):
    """One virtual S7-1500 (a PLCSIM Advanced instance). Thread-safe: every public method takes the lock."""

    def __init__(self, name: str, *, instance_id: int, cpu_type: str = "CPU1500_Unspecified",
                 empty_image: ImageT) -> None:
        self.name = name
        self.id = instance_id
        self.cpu_type = cpu_type
        self.communication_interface = "Softbus"
        self.ip_suites: list[IpSuite] = []
        self.config = _Config()
        self.state = OperatingState.OFF
        self._empty = empty_image
        self.image: ImageT = empty_image
        self.device: str | None = None
        """The TIA device whose program was downloaded last."""
        self.memory: Memory | None = None
        self._retained: dict[str, Any] | None = None
        self.now_ns = 0
        self.clock_base_ns = time.time_ns()
        """The instance's clock (PLCSIM's ``SystemTime``) at virtual time 0: scan times are this plus ``now_ns``."""
        self.events = CpuEvents()
        """Monitored items' samples and Program_Alarm events for runtime clients (:mod:`.events`)."""
        self.stats = ScanStats()
        self.diagnostics: list[SimDiagnosticEntry] = []
        """The diagnostic buffer, oldest first, in the shape the routes answer."""
        self._sequence = 0
        self._forces: dict[str, _Force] = {}
        self._next_fire: dict[str, int] = {}
        self.tags_stale = False
        self._first_cycle = False
        self.lock = threading.RLock()
        self._runner: threading.Thread | None = None
        self._halt = threading.Event()

    # ----- operating states ----------------------------------------------------------------
    def power_on(self) -> None:
        with self.lock:
            if self.state != OperatingState.OFF:
                return
            self.state = OperatingState.BOOTING
            self.memory = self.image.new_memory()
            if self._retained is not None:
                self.memory.restore_retentive(self._retained)
            self._apply_forces()
            self.state = OperatingState.STOP
            self._log("PowerOn", "Power on; the CPU is in STOP.")

    def power_off(self) -> None:
        self._stop_runner()
        with self.lock:
            if self.state == OperatingState.OFF:
                return
            self.state = OperatingState.SHUTTING_DOWN
            if self.memory is not None:
                self._retained = self.memory.retentive_snapshot()
            self.memory = None
            self.state = OperatingState.OFF
            self._log("PowerOff", "Power off; non-retentive data is lost.")

    def run(self) -> None:
        with self.lock:
            self._require_on()
            if self.state == OperatingState.RUN:
                return
            self.state = OperatingState.STARTUP
            self._warm_restart()
            self._log("Startup", "STOP to RUN: non-retentive data initialised, startup OBs run.")
            self._next_fire = {ob.name: self.now_ns + int((ob.phase_ms or 0) * MS) + int(ob.period_ms * MS)
                               for ob in self.image.obs if ob.kind == "CyclicInterrupt" and ob.period_ms}
            try:
                self._call_obs([ob for ob in self.image.obs if ob.kind == "Startup"], first_scan=True)
            except PlcRuntimeError as err:
                self._fault(err)
                return
            self.state = OperatingState.RUN
            self._first_cycle = True
        if self.config.mode == OperatingMode.DEFAULT:
            self._start_runner()

    def _warm_restart(self) -> None:
        """STOP -> STARTUP as an S7-1500 does it: what is not retentive gets its start value.

        "Structure and use of the CPU memory" (function manual A5E03461664-AC, 10/2018, 2.4.1 Table 2-1, and
        -01, 01/2013, 2.1 "Work memory"): at STOP -> STARTUP the actual values of global and instance DBs are
        initialised with their start values except the tags set retentive, and bit memory, timers and counters not
        configured as retentive are initialised, exactly as at POWER ON -> STARTUP. The process image outputs are
        initialised too (S7-1200 System Manual A5E02486680-05, 4.1 "STARTUP processing"); the inputs stay, as
        they are the simulated process's signals, read again for the first cycle."""
        old = self.memory
        if old is None:
            return
        memory = self.image.new_memory()
        memory.restore_retentive(old.retentive_snapshot())
        memory.inputs[:] = old.inputs
        self.memory = memory
        self._forces = {k: f for k, f in self._forces.items() if self._reresolve(f, memory)}
        self._apply_forces()

    def stop(self, reason: str = "Stop requested.") -> None:
        self._stop_runner()
        with self.lock:
            self._require_on()
            if self.state == OperatingState.RUN:
                self.state = OperatingState.STOP
                self._log("Stop", reason)

    def memory_reset(self) -> None:
        """MRES: back to STOP with every value at its start value, retentive data included; the program stays."""
        self._stop_runner()
        with self.lock:
            self._require_on()
            self.state = OperatingState.STOP
            self._retained = None
            self.memory = self.image.new_memory()
            self._apply_forces()
            self._log("MemoryReset", "Memory reset: actual values back to start values, retentive data cleared.")

    # ----- program -----------------------------------------------------------------------------
    def load(self, image: ImageT, *, device: str, stop_allowed: bool = False) -> list[str]:
        """Download ``image``; returns the names of data blocks reinitialised to their start values.

        Data blocks whose content did not change keep their actual values (TIA's download without
        reinitialisation); changed or new ones start from their start values.

        Raises:
            CpuStateError: ``instance-off`` when powered off; ``needs-stop`` when in RUN and the caller did
                not allow stopping the CPU (TIA's pre-download check asks for it).
        """
        with self.lock:
            self._require_on()
            running = self.state == OperatingState.RUN
            if running and not stop_allowed:
                raise CpuStateError(
                    f'The CPU "{self.name}" is in RUN. Downloading stops it; confirm the stop to continue.',
                    "needs-stop")
        if running:
            self.stop("Stop for download.")
        with self.lock:
            old_image, old_memory = self.image, self.memory
            self.config.max_cycle_ms = image.max_cycle_ms  # the device configuration comes with the download
            memory = image.new_memory()
            changed = sorted(n for n in image.digests if old_image.digests.get(n) != image.digests[n])
            if old_memory is not None:
                memory.inputs[:] = old_memory.inputs
                memory.outputs[:] = old_memory.outputs
                memory.markers[:] = old_memory.markers
                for key, value in old_memory.dbs.items():
                    name = next((n for n in image.digests if n.lower() == key), None)
                    if key in memory.dbs and name is not None and name not in changed:
                        memory.dbs[key] = value
            self.image, self.memory, self.device = image, memory, device
            self._forces = {k: f for k, f in self._forces.items() if self._reresolve(f, memory)}
            self._apply_forces()
            self.tags_stale = True
            reinitialised = [n for n in changed if n.lower() in memory.dbs]
            self._log("Download", f"Program of \"{device}\" downloaded ({len(image.digests)} objects).")
            return reinitialised

    # ----- time ---------------------------------------------------------------------------------
    def step(self, *, cycles: int | None = None, milliseconds: float | None = None) -> StepResult:
        """Run ``cycles`` cycles, or advance virtual time by ``milliseconds`` (cycles of ``cycle_ms``, the last
        one shorter). Only in RUN and in a stepped operating mode.

        Raises:
            CpuStateError: ``not-running``, ``free-running`` (Default mode runs by itself), ``bad-step``.
        """
        with self.lock:
            if self.state != OperatingState.RUN:
                raise CpuStateError(f'The CPU "{self.name}" is not in RUN (it is {self.state}).', "not-running")
            if self.config.mode == OperatingMode.DEFAULT:
                raise CpuStateError(
                    f'The instance "{self.name}" runs freely (operating mode Default). Set the operating mode to '
                    "SingleStep or TimespanSynchronized to step virtual time.", "free-running")
            cycle_ns = int(self.config.cycle_ms * MS)
            plan: list[int]
            if cycles is not None and milliseconds is None:
                if not 0 < cycles <= MAX_STEP_CYCLES:
                    raise CpuStateError(f"cycles must be 1..{MAX_STEP_CYCLES}.", "bad-step")
                plan = [cycle_ns] * cycles
            elif milliseconds is not None and cycles is None:
                total = int(round(float(milliseconds) * MS))
                if total <= 0 or total // cycle_ns > MAX_STEP_CYCLES:
                    raise CpuStateError(f"milliseconds must be > 0 and at most {MAX_STEP_CYCLES} cycles long.",
                                        "bad-step")
                full, rest = divmod(total, cycle_ns)
                plan = [cycle_ns] * full + ([rest] if rest else [])
            else:
                raise CpuStateError("Give either a number of cycles or a time in milliseconds.", "bad-step")
            done = 0
            for advance in plan:
                self.now_ns += advance
                if not self._cycle():
                    done += 1
                    break
                done += 1
            return StepResult(done, self.now_ns / MS, str(self.state))

    def _cycle(self) -> bool:
        """One cycle at ``now_ns``; False when the CPU went to STOP."""
        started = time.perf_counter_ns()
        self._apply_forces(inputs_only=True)
        due = []
        for ob in self.image.obs:
            fire = self._next_fire.get(ob.name)
            if fire is None or not ob.period_ms:  # only cyclic interrupt OBs with a period are scheduled
                continue
            period_ns = int(ob.period_ms * MS)
            while fire <= self.now_ns:
                due.append(ob)
                fire += period_ns
            self._next_fire[ob.name] = fire
        try:
            self._call_obs(due + [ob for ob in self.image.obs if ob.kind == "ProgramCycle"],
                           first_scan=self._first_cycle)
        except PlcRuntimeError as err:
            self._fault(err)
            return False
        finally:
            self._first_cycle = False
        self._apply_forces(outputs_only=True)
        self.events.after_cycle(self)
        self.stats.record(time.perf_counter_ns() - started)
        return True

    def _call_obs(self, obs: list[ObEntry], *, first_scan: bool) -> None:
        memory = self.memory
        if memory is None:  # never: startup and cycles run in STARTUP and RUN, which power_on gave a memory
            raise CpuStateError(f'The instance "{self.name}" is powered off. Power it on first.', "instance-off")
        rt = RuntimeContext(self, memory)
        rt.first_scan = first_scan
        rt.cycle = self.stats.cycles
        for ob in obs:
            rt.ob = ob
            self.image.run_ob(ob, memory, rt)

    def _overrun(self, rt: RuntimeContext[ImageT], block: str) -> bool:
        """The maximum cycle time is exceeded in ``block``: whether the cycle goes on (:mod:`.cpu_time_error`)."""
        return time_error(self.image, rt, block, self.config.max_cycle_ms, self._log)

    def _fault(self, err: PlcRuntimeError) -> None:
        self.state = OperatingState.STOP
        where = ", ".join(p for p in (
            f'block "{err.block}"' if err.block else "", f"network {err.network}" if err.network else "",
            f"line {err.line}" if err.line else "") if p)
        if err.code == "cycle-time-exceeded":  # a time error (OB80's event), not a programming error (OB121's)
            event, cause = "TimeError", ("STOP caused by a time error (the maximum cycle time exceeded twice in one "
                                         "cycle, or in a startup or time error OB)")
        else:
            event, cause = "ProgrammingError", "STOP caused by a programming error (no OB121 is loaded)"
        self._log(event, f"{cause}: {err.message}" + (f" ({where})" if where else ""),
                  block=err.block, network=err.network, line=err.line)

    # ----- free-running mode ----------------------------------------------------------------------
    def _start_runner(self) -> None:
        self._stop_runner()
        self._halt.clear()
        self._runner = threading.Thread(target=self._run_freely, name=f"plcsim-{self.name}", daemon=True)
        self._runner.start()

    def _stop_runner(self, deadline: float | None = None) -> None:
        """End the free-running thread after its cycle; a cycle still running at ``deadline`` (``time.monotonic()``,
        default :data:`RUNNER_STOP_GRACE` from now) is abandoned, so a program stuck in a long loop cannot keep
        the thread (and a server shutting down) waiting."""
        runner = self._runner
        if runner is not None and runner is not threading.current_thread():
            self._halt.set()
            end = time.monotonic() + RUNNER_STOP_GRACE if deadline is None else deadline
            runner.join(timeout=max(0.0, end - time.monotonic()))
            if runner.is_alive():
                _interrupt(runner)
                runner.join(timeout=RUNNER_STOP_GRACE)
        self._runner = None

    def _run_freely(self) -> None:
        try:
            self._cycle_freely()
        except _CycleAbandoned:
            pass  # _stop_runner gave up waiting for this cycle; the CPU is being stopped or shut down

    def _cycle_freely(self) -> None:
        last = time.monotonic_ns()
        while not self._halt.is_set():
            with self.lock:
                if self.state != OperatingState.RUN or self.config.mode != OperatingMode.DEFAULT:
                    return
                now = time.monotonic_ns()
                self.now_ns += max(1, int((now - last) * self.config.scale_factor))
                last = now
                if not self._cycle():
                    return
            self._halt.wait(self.config.min_cycle_ms / 1000)

    def set_mode(self, mode: OperatingMode) -> None:
        with self.lock:
            self.config.mode = mode
        if mode == OperatingMode.DEFAULT and self.state == OperatingState.RUN:
            self._start_runner()
        elif mode != OperatingMode.DEFAULT:
            self._stop_runner()

    # ----- tags -----------------------------------------------------------------------------------
    def read(self, name: str) -> TagReading:
        """Raises TagError (InstanceNotRunning, DoesNotExist, NotSupported)."""
        with self.lock:
            accessor = self._accessor(name)
            try:
                value = accessor.get()
            except (TypeError, ValueError) as exc:
                raise TagError("NotSupported", str(exc)) from exc
            return TagReading(name, _plain(value), accessor.data_type, "Good", utc_now())

    def write(self, name: str, value: Any) -> TagReading:
        """Raises TagError (InstanceNotRunning, DoesNotExist, TypeMismatch)."""
        with self.lock:
            accessor = self._accessor(name)
            try:
                accessor.set(value)
            except (TypeError, ValueError) as exc:
                raise TagError("TypeMismatch", f"{name} ({accessor.data_type}): {exc}") from exc
            self._apply_forces()
            return TagReading(name, _plain(accessor.get()), accessor.data_type, "Good", utc_now())

    def _accessor(self, name: str) -> TagAccessor:
        if self.memory is None:
            raise TagError("InstanceNotRunning", f'The instance "{self.name}" is powered off.')
        try:
            return self.image.resolve(self.memory, name)
        except LookupError as exc:
            raise TagError("DoesNotExist", f'The tag "{name}" does not exist in the loaded program.') from exc

    # ----- forces ---------------------------------------------------------------------------------
    def force(self, name: str, value: Any) -> TagReading:
        """Force an input or output (S7-1500 forces I/O only); the value holds until :meth:`unforce`.

        Raises:
            TagError: as :meth:`write`.
            CpuStateError: ``not-forceable`` for operands outside the I and Q areas.
        """
        with self.lock:
            accessor = self._accessor(name)
            address = (accessor.address or "").upper()
            if not address.startswith(("%I", "%Q")):
                raise CpuStateError(f"{name} cannot be forced: only inputs (%I) and outputs (%Q) can be forced.",
                                    "not-forceable")
            try:
                accessor.set(value)
            except (TypeError, ValueError) as exc:
                raise TagError("TypeMismatch", f"{name} ({accessor.data_type}): {exc}") from exc
            self._forces[name.lower()] = _Force(name, accessor.get(), accessor)
            self._log("Force", f"Force set: {name} = {_plain(accessor.get())}.")
            return TagReading(name, _plain(accessor.get()), accessor.data_type, "Good", utc_now())

    def unforce(self, name: str | None = None) -> list[str]:
        """Remove one force (or all with ``None``); returns the names no longer forced."""
        with self.lock:
            keys = list(self._forces) if name is None else [name.lower()] if name.lower() in self._forces else []
            removed = [self._forces.pop(k).name for k in keys]
            if removed:
                self._log("Force", f"Force removed: {', '.join(removed)}.")
            return removed

    def forces(self) -> dict[str, Any]:
        with self.lock:
            return {f.name: _plain(f.value) for f in self._forces.values()}

    def _reresolve(self, force: _Force, memory: Memory) -> bool:
        try:
            force.accessor = self.image.resolve(memory, force.name)
        except LookupError:
            return False
        return True

    def _apply_forces(self, *, inputs_only: bool = False, outputs_only: bool = False) -> None:
        if self.memory is None or not self._forces:
            return
        for force in self._forces.values():
            address = (force.accessor.address or "").upper()
            if (inputs_only and not address.startswith("%I")) or (outputs_only and not address.startswith("%Q")):
                continue
            force.accessor.set(force.value)

    # ----- bookkeeping ---------------------------------------------------------------------------
    def _require_on(self) -> None:
        if self.state == OperatingState.OFF:
            raise CpuStateError(f'The instance "{self.name}" is powered off. Power it on first.', "instance-off")

    def _log(self, event: str, message: str, **where: Any) -> None:
        self._sequence += 1
        self.diagnostics.append(SimDiagnosticEntry(sequence=self._sequence, timestamp=utc_now(),
                                                   virtual_time_ms=self.now_ns / MS, event=event, message=message,
                                                   **where))
        del self.diagnostics[:-self.config.diagnostics_limit]

    def halt(self) -> None:
        """Ask the free-running thread to end after its cycle, without waiting (see :meth:`shutdown`)."""
        self._halt.set()

    def shutdown(self, deadline: float | None = None) -> None:
        """Stop the free-running thread (process exit, instance deletion); see ``_stop_runner``."""
        self._stop_runner(deadline)


RUNNER_STOP_GRACE = 1.0
"""Seconds a free-running thread gets to finish its cycle once asked to stop; then the cycle is abandoned."""


class _CycleAbandoned(BaseException):
    """Raised inside a free-running thread whose cycle outlasted :data:`RUNNER_STOP_GRACE` after a stop.

    A BaseException, so no handler of the cycle (which catches PLC runtime errors) takes it for the program's.
    """


def _interrupt(thread: threading.Thread) -> None:
    """Raise :class:`_CycleAbandoned` in ``thread`` at its next bytecode.

    The compiled PLC program is plain Python, so a cycle in a long loop stops at once; the thread leaves the
    CPU's lock through its ``with`` blocks as with any exception.
    """
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_CycleAbandoned))


