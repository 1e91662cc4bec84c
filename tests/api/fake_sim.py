"""A fake simulation for the test harness runner and the motor's steps."""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.simulation_models import (
    SimDiagnosticEntry,
    SimInstanceState,
    SimScanTime,
    SimStepResult,
    SimTagValue,
)
from engineering_api.backend.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)


__all__ = ("FakeSim", "MOTOR_STEPS", "START")

START = {"write": {"tag": "Start", "value": True}}

MOTOR_STEPS = [
    START, {"cycles": 1}, {"expect": {"tag": "Running", "equals": False}}, {"advanceMs": 2000},
    {"expect": {"tag": "Running", "equals": True}}, {"expect": {"tag": "Elapsed", "greaterOrEqual": 2000}},
    {"expect": {"tag": "Speed", "approx": 1500.0, "tolerance": 0.5}},
]


class FakeSim:
    """The simulation port methods a run uses, over a dict of tags (see the module docstring).

    ``instance`` None is the connected instance, named ``SIM``.
    """

    CYCLE_MS = 10

    def __init__(self, state: str = "Run", mode: str = "SingleStep") -> None:
        self.tags: dict[str, list[Any]] = {
            "Start": [False, "Bool"], "Crash": [False, "Bool"], "Running": [False, "Bool"], "Speed": [0.0, "Real"],
            "Elapsed": [0, "Time"], "Label": ["idle", "String"],
        }
        self.start_values = {name: list(tag) for name, tag in self.tags.items()}
        self.forces: dict[str, Any] = {}
        self.state, self.mode = state, mode
        self.startup_fails = False
        self.tags_stale = False
        self.now_ms = 0
        self.last_error: SimDiagnosticEntry | None = None
        self.calls: list[tuple[str, Any]] = []
        self.on_step: Any = None
        """Called before each step (tests use it to cancel or to block)."""

    def instance_state(self, instance: str | None) -> SimInstanceState:
        self.calls.append(("state", instance))
        return SimInstanceState(
            name=instance or "SIM", operating_state=self.state, operating_mode=self.mode, virtual_time_ms=self.now_ms,
            cycle_time_ms=self.CYCLE_MS, scan_time=SimScanTime(cycles=0, last_us=0, min_us=0, max_us=0, average_us=0),
            tags_up_to_date=not self.tags_stale, connected=instance is None, last_error=self.last_error,
            forces=dict(self.forces),
        )

    def memory_reset(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState:
        self.calls.append(("reset", instance))
        assert confirm or self.state != "Run"
        self.state = "Stop"
        self.tags = {name: list(tag) for name, tag in self.start_values.items()}
        return self.instance_state(instance)

    def clear_forces(self, instance: str | None) -> list[str]:
        self.calls.append(("unforce", instance))
        removed = list(self.forces)
        self.forces.clear()
        return removed

    def _fault(self, message: str) -> None:
        self.state = "Stop"
        self.last_error = SimDiagnosticEntry(sequence=1, timestamp="t", virtual_time_ms=self.now_ms,
                                             event="ProgrammingError", message=message, block="FB_Motor")

    def run(self, instance: str | None) -> SimInstanceState:
        self.calls.append(("run", instance))
        if self.startup_fails:
            self._fault("STOP caused by a programming error in the startup OB.")
            raise ConflictError("The startup stopped the CPU.", code="CPU_STOPPED_BY_ERROR")
        self.state = "Run"
        return self.instance_state(instance)

    def stop(self, instance: str | None) -> SimInstanceState:
        self.state = "Stop"
        return self.instance_state(instance)

    def refresh_tags(self, instance: str | None = None) -> None:
        self.calls.append(("refresh", instance))
        self.tags_stale = False

    def read_tag(self, name: str, instance: str | None = None) -> SimTagValue:
        self.calls.append(("read", instance))
        if self.tags_stale:
            raise ConflictError("The tag list is out of date.", code="SIM_TAG_LIST_NOT_UP_TO_DATE")
        if name not in self.tags:
            raise NotFoundError(f'The tag "{name}" does not exist in the loaded program.', code="SIM_TAG_NOT_FOUND")
        value, data_type = self.tags[name]
        return SimTagValue(name=name, value=value, data_type=data_type, quality="Good", timestamp="t")

    def write_tag(self, name: str, value: Any, instance: str | None = None) -> SimTagValue:
        self.calls.append(("write", instance))
        if name not in self.tags:
            raise NotFoundError(f'The tag "{name}" does not exist in the loaded program.', code="SIM_TAG_NOT_FOUND")
        if self.tags[name][1] == "Bool" and not isinstance(value, bool):
            raise ValidationError(f'"{name}" (Bool): {value!r} is not a Bool.', code="SIM_TAG_TYPE_MISMATCH")
        self.tags[name][0] = value
        return self.read_tag(name, instance)

    def step(self, instance: str | None, cycles: int | None = None,
                 milliseconds: float | None = None) -> SimStepResult:
        self.calls.append(("step", instance))
        if self.on_step is not None:
            self.on_step()
        if self.state != "Run":
            raise ConflictError("The CPU is not in RUN.", code="CPU_NOT_IN_RUN")
        if self.mode == "Default":
            raise ConflictError("The instance runs freely.", code="SIM_FREE_RUNNING")
        done = 0
        for _ in range(cycles if cycles is not None else int(milliseconds or 0) // self.CYCLE_MS):
            done += 1
            self.now_ms += self.CYCLE_MS
            if self.tags["Crash"][0]:
                self._fault('STOP caused by a programming error: Array index 9 out of range [0..3] in "FB_Motor".')
                break
            elapsed = self.tags["Elapsed"][0] + self.CYCLE_MS if self.tags["Start"][0] else 0
            self.tags["Elapsed"][0] = elapsed
            self.tags["Running"][0] = elapsed >= 2000
            self.tags["Speed"][0] = 1500.0 if elapsed >= 2000 else 0.0
        return SimStepResult(instance=instance or "SIM", cycles=done, virtual_time_ms=self.now_ms,
                             operating_state=self.state, stopped=self.state != "Run")
