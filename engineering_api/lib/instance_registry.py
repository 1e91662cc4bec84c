"""T-IA Connect's instance registry: the file its client reads to find the servers running on this machine.

T-IA Connect's VS Code client (``src/install/serverDetector.ts``, ``discoverRunningInstance``) reads
``%APPDATA%\\FeelAutomCorp\\T-IA-Connect\\instances.json``, or ``~/AppData/Roaming/...`` where ``APPDATA`` is
unset, parses a JSON array of ``{Pid, Port, Url}`` and connects to the *first* entry without checking it. So every
write here drops the entries of dead processes first (a server killed with SIGKILL cannot remove its own), and a
new server appends: the first entry stays the oldest live server, whose port the client was most likely given.

Writers on one machine serialise on a lock file beside the registry and replace it atomically, so two servers
starting together never lose each other's entries and a reader never sees half a file. The registry is a file
anyone on the machine can replace: it is read only as a regular file of bounded size and nesting, and its lock is
waited for a bounded time (:mod:`engineering_api.lib.file_lock`); either refusal is an ``OSError`` naming the file,
which ``serve`` prints as one warning line before it starts without the registry.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engineering_api.lib import bounded_json
from engineering_api.lib.file_lock import exclusive
from engineering_api.lib.file_walk import read_regular
from engineering_api.lib.processes import process_alive

__all__ = ("Instance", "keep_pruned", "live_instances", "prune", "register", "registry_path", "unregister")

Instance = dict[str, Any]
"""One entry as the client reads it: ``Pid``, ``Port`` and ``Url`` (PascalCase, as ``InstanceInfo`` declares)."""

_FOLDER = ("FeelAutomCorp", "T-IA-Connect")


def registry_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the client looks: under ``APPDATA``, else ``~/AppData/Roaming`` (as the client's own code does)."""
    env = os.environ if environ is None else environ
    base = Path(env["APPDATA"]) if env.get("APPDATA") else Path.home() / "AppData" / "Roaming"
    return base.joinpath(*_FOLDER, "instances.json")


MAX_REGISTRY_BYTES = 1024 * 1024
"""The largest registry read: an entry is under 100 bytes, and one is kept per live server on the machine."""
MAX_REGISTRY_DEPTH = 2
"""An array of flat objects: deeper JSON is not the client's registry."""


def _read(path: Path) -> list[Instance]:
    """The well-formed entries of the registry (none when it is absent or its JSON is torn by a foreign writer).

    Raises:
        OSError: it is not a regular file (a FIFO would block the start, a link to ``/dev/zero`` fill the memory),
            is larger than :data:`MAX_REGISTRY_BYTES`, or cannot be read; it is then left as it is.
    """
    try:
        entries = bounded_json.loads(read_regular(str(path), MAX_REGISTRY_BYTES), MAX_REGISTRY_DEPTH)
    except FileNotFoundError:
        return []
    except ValueError:  # torn, not UTF-8 or not the registry's shape: nothing to keep
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("Pid"), int)
            and isinstance(e.get("Port"), int) and isinstance(e.get("Url"), str)]


def live_instances(path: Path | None = None) -> list[Instance]:
    """The registry's entries whose process is alive, in the file's order."""
    return [e for e in _read(path or registry_path()) if process_alive(int(e["Pid"]))]


def _locked(path: Path) -> contextlib.AbstractContextManager[None]:
    """The registry's lock file held (Raises LockTimeout, an OSError naming the file and its holder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return exclusive(path.with_name(path.name + ".lock"))


def _write(path: Path, entries: list[Instance]) -> None:
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".instances-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(entries, out, indent=2)
        os.replace(scratch, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        raise


def register(port: int, url: str, *, pid: int | None = None, path: Path | None = None) -> Path:
    """Add this server (``pid``, default this process) after the live entries; returns the registry's path.

    Raises:
        OSError: the registry's folder cannot be created or written.
    """
    target = path or registry_path()
    me = os.getpid() if pid is None else pid
    with _locked(target):
        kept = [e for e in live_instances(target) if e["Pid"] != me and e["Port"] != port]
        _write(target, [*kept, {"Pid": me, "Port": port, "Url": url}])
    return target


def unregister(*, pid: int | None = None, path: Path | None = None) -> None:
    """Remove this server's entry (and every dead one); a missing registry is left missing."""
    target = path or registry_path()
    if not target.exists():
        return
    me = os.getpid() if pid is None else pid
    with _locked(target):
        _write(target, [e for e in live_instances(target) if e["Pid"] != me])


def prune(path: Path | None = None) -> bool:
    """Drop the entries of dead processes; True when some were dropped."""
    target = path or registry_path()
    if not target.exists():
        return False
    with _locked(target):
        entries = _read(target)
        live = [e for e in entries if process_alive(int(e["Pid"]))]
        if len(live) == len(entries):
            return False
        _write(target, live)
    return True


def keep_pruned(path: Path, interval_s: float) -> threading.Event:
    """Prune ``path`` every ``interval_s`` in a daemon thread until the returned event is set.

    The client trusts the first entry: a server killed before it could remove itself would otherwise send it to a
    dead port for as long as that entry stays first.
    """
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval_s):
            with contextlib.suppress(OSError):
                prune(path)

    threading.Thread(target=run, name="instance-registry", daemon=True).start()
    return stop
