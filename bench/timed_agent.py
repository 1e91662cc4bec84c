"""A farm agent whose fake backend takes at least S seconds per port call, as TIA's own work takes on a TIA host.

    python bench/timed_agent.py S agent --farm redis://… --data-dir D --name N

Used by ``bench/farm_scaling.py --tia-seconds-per-call S``. On a real farm a port call's time is mostly TIA's,
spent in TIA's process on the agent's own host; on this machine the fake's work shares the cores with the API
node, Redis and every other agent, so the plain benchmark measures two cores, not the farm. With a floor of S
seconds per call (the call runs, then the agent waits out the rest of S; the agent's CPU is not used for it)
the ratio shows what the farm's own machinery (API node, broker, routing) lets N agents reach. A model, named as
one wherever its figures are reported; it is never part of the product.
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engineering_api.backend.port import EngineeringBackend  # noqa: E402
from engineering_api.cli import main  # noqa: E402
from fakes.backend import FakeBackend  # noqa: E402

# Calls the agent makes on its own around each caller's call (status for its record, relaunch), not TIA work.
_UNTIMED = frozenset({"on_worker_thread_started", "close", "session_status"})


def _timed(method: Any, seconds: float) -> Any:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return method(self, *args, **kwargs)
        finally:
            rest = seconds - (time.monotonic() - started)
            if rest > 0:
                time.sleep(rest)

    return call


def install(seconds: float) -> None:
    """Give every port method of the fake backend a floor of ``seconds``."""
    for name in dir(EngineeringBackend):
        if name.startswith("_") or name in _UNTIMED or not callable(getattr(EngineeringBackend, name)):
            continue
        method = getattr(FakeBackend, name, None)
        if callable(method):
            setattr(FakeBackend, name, _timed(method, seconds))


if __name__ == "__main__":
    install(float(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
