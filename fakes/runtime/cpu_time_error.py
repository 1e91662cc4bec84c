"""The CPU's reaction to a cycle that exceeds the maximum cycle time (its time error, OB80's event).

S7-1200 System Manual V4.2 (A5E02486680-AK, 09/2016), 5.1.3.6 "Time error interrupt OB" (Table 5-6: OB80's start
information) and 5.1.4 "Monitoring and configuring the cycle time"; A5E02486680-05 (11/2011), 4.1, p. 71 (a second
overrun in one cycle stops the CPU whether or not OB80 exists). Where a cycle's length comes from in virtual time:
:mod:`.rtlib` (``PASS_NS``) and docs/simulated-plc.md, "cycle time".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from .cpu_image import ProgramContext

if TYPE_CHECKING:
    from .cpu_image import CpuImage, ObEntry

__all__ = ("TIME_ERROR_OB", "OverrunContext", "time_error")

TIME_ERROR_OB = "TimeErrorInterrupt"
"""The SecondaryType of OB80."""
_DEFAULT_PRIORITY = {"ProgramCycle": 1, "CyclicInterrupt": 8}
"""An OB's priority as OB80's ``csg_prio`` reports it: the default priority of its class (the simulation does not
read the priority set in an OB's properties)."""


class OverrunContext(ProgramContext, Protocol):
    """What the time error reads and sets of the runtime context (:class:`fakes.runtime.cpu.RuntimeContext`)."""

    ob: ObEntry | None
    overruns: int
    start_info: dict[str, int]
    eno: bool


def time_error(image: CpuImage, rt: OverrunContext, block: str, max_cycle_ms: float,
               log: Callable[..., None]) -> bool:
    """A loop of ``block`` exceeded the maximum cycle time: the first time in a cycle leaves a ``CycleTimeExceeded``
    entry and calls the time error OB with its start information when the program has one, and the cycle goes on
    (True); the second time in the same cycle stops the CPU whether or not there is an OB80 (False), as does an
    overrun in a startup OB (cycle monitoring begins after startup) or in OB80 itself."""
    running = rt.ob
    if rt.overruns or running is None or running.kind in ("Startup", TIME_ERROR_OB):
        return False
    rt.overruns = 1
    handler = next((ob for ob in image.obs if ob.kind == TIME_ERROR_OB), None)
    reaction = f'the time error OB "{handler.name}" is called' if handler else "no OB80"
    log("CycleTimeExceeded",
        f"Maximum cycle time ({max_cycle_ms:g} ms) exceeded by a loop in \"{block}\" (time error; {reaction}); "
        "the CPU stays in RUN unless it is exceeded again in this cycle.", block=block)
    if handler is not None:
        rt.start_info = {"fault_id": 0x01, "csg_obnr": running.number or 0,
                         "csg_prio": _DEFAULT_PRIORITY.get(running.kind, 1)}
        eno, rt.ob = rt.eno, handler
        try:
            image.run_ob(handler, rt.memory, rt)
        finally:
            rt.ob, rt.eno = running, eno
    return True
