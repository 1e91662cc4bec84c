"""A farm agent whose host's wall clock a test steps, as time sync, a resumed VM or a migration steps a Windows
TIA host's clock (issue 69): ``time.time()`` and ``datetime.now()`` jump; ``time.monotonic()`` does not.

    python tests/farm/stepped_clock_agent.py SPEC agent --farm redis://… --data-dir D --name N

``SPEC`` is bench/timed_agent.py's floor (``0`` for none). The file named by ``STEPPED_CLOCK_FILE`` holds the
clock's offset in seconds (a number; absent or empty: none): a side thread reads it every 50 ms and moves the
process's wall clock to real time plus that offset with time-machine (which leaves the monotonic clock alone,
as a real step does), then writes the offset it applied to the file's ``.applied`` sibling, so the test knows
when the step has happened (an event, not a guess). With ``HOST_PER_AGENT`` set, the fake's project locks name
the host ``host-<agent name>``: each agent is a TIA host of its own (a dead host's lock cannot be judged by a
process check there).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import time_machine

from timed_agent import _parse, install
from engineering_api.cli import main

__all__ = ("stepping",)

_REAL_TIME = time.time


def stepping(path: Path) -> None:
    """Keep the wall clock at real time plus the offset in ``path`` (runs for the process's life)."""
    applied: float | None = None
    traveller: time_machine.travel | None = None
    while True:
        try:
            text = path.read_text().strip()
        except OSError:
            text = ""
        offset = float(text) if text else 0.0
        if offset != applied:
            if traveller is not None:
                traveller.stop()
                traveller = None
            if offset:
                # the destination is computed from the real clock: no step compounds the one before
                traveller = time_machine.travel(_REAL_TIME() + offset, tick=True)
                traveller.start()
            applied = offset
            Path(f"{path}.applied").write_text(f"{offset:g}")
        time.sleep(0.05)


if __name__ == "__main__":
    clock_file = os.environ.get("STEPPED_CLOCK_FILE")
    if clock_file:
        threading.Thread(target=stepping, args=(Path(clock_file),), name="stepped-clock", daemon=True).start()
    if os.environ.get("HOST_PER_AGENT"):
        import fakes.project_lock

        fakes.project_lock.HOST = f"host-{sys.argv[sys.argv.index('--name') + 1]}"
    if sys.argv[1] != "0":
        install(*_parse(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
