"""Who holds a project's lock file, beyond a host and a process: what a farm agent adds, for every backend.

TIA's lock beside a project names the host and process that opened it. On one host a dead process's lock is
stale; a lock of another host cannot be judged from here, so it was honoured forever, also when that host had
died. A farm agent knows more: its lock names its agent instance (:func:`holder_identity`), and whether another
agent's instance still holds its project is decided by Redis liveness (its lease, or its session's claim), which
every host sees alike (:func:`holder_alive`). A backend writes the identity into its lock and asks the liveness of
a foreign lock before it trusts it. An embedded server registers nothing: both answer as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ("holder_alive", "holder_identity", "register_lock_holder")

_identity: dict[str, str] = {}
_alive: Callable[[Mapping[str, Any]], bool | None] | None = None


def register_lock_holder(identity: Mapping[str, str], alive: Callable[[Mapping[str, Any]], bool | None]) -> None:
    """This process is a farm agent: ``identity`` goes into every lock it writes, ``alive(lock)`` judges another
    process's lock (True: held, False: stale, None: not known here)."""
    global _alive
    _identity.clear()
    _identity.update(identity)
    _alive = alive


def holder_identity() -> dict[str, str]:
    """What this process adds to a lock it writes (empty unless it is a farm agent)."""
    return dict(_identity)


def holder_alive(lock: Mapping[str, Any]) -> bool | None:
    """Whether the holder named by another process's ``lock`` still holds it, when this process can tell."""
    return _alive(lock) if _alive is not None else None
