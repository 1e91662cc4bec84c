"""A farm agent whose fake backend takes at least S seconds per port call, as TIA's own work takes on a TIA host.

    python bench/timed_agent.py S[:METHOD,METHOD…] agent --farm redis://… --data-dir D --name N

Used by ``bench/farm_scaling.py --tia-seconds-per-call S``. On a real farm a port call's time is mostly TIA's,
spent in TIA's process on the agent's own host; on this machine the fake's work shares the cores with the API
node, Redis and every other agent, so the plain benchmark measures two cores, not the farm. With a floor of S
seconds per call (the call runs, then the agent waits out the rest of S; the agent's CPU is not used for it)
the ratio shows what the farm's own machinery (API node, broker, routing) lets N agents reach. A model, named as
one wherever its figures are reported; it is never part of the product.

Every port call gets the floor: the backend's own methods and those of its held areas (``blocks.…``,
``compile.…``, ``simulation.…``: generating, compiling and exporting are area calls), each as the agent receives
it. A port method the fake calls inside another one adds no second floor (one TIA operation, one floor). The
floor ignores a cancel, as TIA does inside a long C call. ``S:METHOD,…`` floors only the port methods named
(dotted for an area's: ``blocks.list_blocks``); the farm tests use it to keep one call running, and end its
floor early with the file named by ``TIMED_AGENT_GATE`` (the floor ends once that file exists: an event, not a
guess of how long the test's other steps take).
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engineering_api.backend.port import AREAS, EngineeringBackend
from engineering_api.cli import main
from fakes.backend import FakeBackend

__all__ = ("FLOORED", "install")

# Calls the agent makes on its own around each caller's call (status for its record, relaunch), not TIA work.
_UNTIMED = frozenset({"on_worker_thread_started", "close", "session_status"})
FLOORED = "__tia_floor__"
"""Attribute of a method given a floor: its port name (a test reads it)."""

_inside = threading.local()


def _timed(method: Any, seconds: float, port_name: str) -> Any:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_inside, "call", False):  # a port method inside another: the outer one's floor covers it
            return method(self, *args, **kwargs)
        _inside.call = True
        started = time.monotonic()
        try:
            return method(self, *args, **kwargs)
        finally:
            _inside.call = False
            _wait_out(started + seconds)

    setattr(call, FLOORED, port_name)
    return call


def _wait_out(until: float) -> None:
    gate = os.environ.get("TIMED_AGENT_GATE")
    while (rest := until - time.monotonic()) > 0:
        if gate and os.path.exists(gate):
            return
        time.sleep(min(rest, 0.05) if gate else rest)


def _floor_class(cls: type, port: type, seconds: float, prefix: str, only: frozenset[str] | None) -> None:
    for name in dir(port):
        if name.startswith("_") or name in _UNTIMED or not callable(getattr(port, name)):
            continue
        port_name = prefix + name
        method = getattr(cls, name, None)
        if not callable(method) or hasattr(method, FLOORED) or (only is not None and port_name not in only):
            continue
        setattr(cls, name, _timed(method, seconds, port_name))


def install(seconds: float, only: frozenset[str] | None = None) -> None:
    """Give every port method of the fake backend, its areas' included, a floor of ``seconds`` (only the port
    methods in ``only`` when given). Areas are the fake's area objects, known once a backend is built: their
    classes get the floor when the first one is."""
    _floor_class(FakeBackend, EngineeringBackend, seconds, "", only)
    built = FakeBackend.__init__

    @functools.wraps(built)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        built(self, *args, **kwargs)
        for area, port in AREAS.items():
            held = getattr(self, area, None)
            if held is not None:
                _floor_class(type(held), port, seconds, f"{area}.", only)

    setattr(FakeBackend, "__init__", init)  # the model patches the fake, never the product


def _parse(spec: str) -> tuple[float, frozenset[str] | None]:
    seconds, _, names = spec.partition(":")
    return float(seconds), frozenset(n for n in names.split(",") if n) if names else None


if __name__ == "__main__":
    install(*_parse(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
