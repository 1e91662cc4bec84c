"""Real ``engineering-api serve`` processes and CLI commands on one data folder, and what they must agree on
(issue 88's process harness, ``test_process_harness.py``).

:class:`SharedFolder` starts and stops servers (gracefully or with SIGKILL), creates and revokes keys through any
process, and checks the invariants after every step: every key acknowledged and not revoked authenticates on every
live server, every revoked key is refused (401) from the next request, and no file of the database (the file, its
``-wal``, its ``-shm``) that a live server uses is deleted or replaced by another process.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from engineering_api.config import Settings
from tests.realclient.conftest import cli, serve
from tools.bounds import HANG_GUARD_S, until

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from tests.realclient.conftest import Served

__all__ = ("KEYS", "Key", "SharedFolder")

KEYS = "/api/security/keys"
_ENV = {"ENGINEERING_API_AUTH_FAILURES_PER_MINUTE": "1000000"}
"""The harness asks with revoked keys on purpose, many times a minute: no 429 in place of the 401 it checks."""
_CREATED = re.compile(r"created key (\w+) .*\n(\S+)")
_FILES = ("", "-wal", "-shm")


@dataclass
class Key:
    """A key some process acknowledged; ``key_id`` is empty for the admin keys the servers were started with."""

    key_id: str
    secret: str
    by: str
    revoked: bool = False


def _descendants(pid: int) -> list[int]:
    """The process's children, theirs and so on (from ``/proc``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in {"Z", "X"}
    except (OSError, IndexError):
        return True


class SharedFolder:
    """Servers and CLI commands on ``data_dir``; ``log`` receives a line per action."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.database = Settings.from_env(data_dir=data_dir).database_path
        self.live: list[tuple[Served, AbstractContextManager[Served]]] = []
        self.keys: list[Key] = []
        self._files: dict[str, tuple[int, int]] = {}
        self.http = httpx.Client(timeout=HANG_GUARD_S)
        """One client for every request (kept-alive connections): the checks ask each key on each server."""

    # -- processes --------------------------------------------------------------------------------------------
    def start(self) -> Served:
        """A new server on the folder, once it answers ``/api/health``; its admin key is an acknowledged key."""
        run = contextmanager(serve)(self.data_dir, env=_ENV)
        served = run.__enter__()
        self.live.append((served, run))
        self.keys.append(Key("", served.admin_key, f"admin of :{served.base.rsplit(':', 1)[1]}"))
        return served

    def stop(self, served: Served) -> None:
        """Stop the server as an operator does (SIGTERM, and wait for it)."""
        run = self._forget(served)
        run.__exit__(None, None, None)
        assert served.process.returncode is not None, "the stopped server still runs"

    def kill(self, served: Served) -> None:
        """SIGKILL the server and every process it started, and wait until none is left."""
        tree = [served.process.pid, *_descendants(served.process.pid)]
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        served.process.wait(HANG_GUARD_S)
        until(lambda: all(_gone(pid) for pid in tree), "the killed server's processes to end")
        self._forget(served).__exit__(None, None, None)

    def stop_all(self) -> None:
        """Stop every live server (the end of a run)."""
        while self.live:
            self.stop(self.live[-1][0])

    def close(self) -> None:
        """Stop every live server and close the HTTP client (the fixture's finalizer)."""
        try:
            self.stop_all()
        finally:
            self.http.close()

    def _forget(self, served: Served) -> AbstractContextManager[Served]:
        entry = next(entry for entry in self.live if entry[0] is served)
        self.live.remove(entry)
        return entry[1]

    # -- keys -------------------------------------------------------------------------------------------------
    def create_over_http(self, served: Served, name: str) -> Key:
        """``POST /api/security/keys`` with the server's admin key; acknowledged means 201."""
        made = self.http.post(f"{served.base}{KEYS}", headers={"X-API-Key": served.admin_key},
                              json={"name": name, "role": "viewer"})
        assert made.status_code == 201, f"key creation on {served.base}: {made.status_code} {made.text}"
        data = made.json()["data"]
        return self._add(Key(data["key"]["keyId"], data["secret"], f"{served.base} as {name}"))

    def create_with_cli(self, name: str) -> Key:
        """``engineering-api keys create``; acknowledged means exit 0 and the secret printed."""
        created = _CREATED.search(cli(self.data_dir, "keys", "create", "--role", "viewer", "--name", name))
        assert created is not None, "keys create printed no key"
        return self._add(Key(created.group(1), created.group(2), f"the CLI as {name}"))

    def revoke_over_http(self, served: Served, key: Key) -> None:
        """``DELETE /api/security/keys/{id}``; acknowledged means 200."""
        gone = self.http.delete(f"{served.base}{KEYS}/{key.key_id}", headers={"X-API-Key": served.admin_key})
        assert gone.status_code == 200, f"revocation on {served.base}: {gone.status_code} {gone.text}"
        key.revoked = True

    def revoke_with_cli(self, key: Key) -> None:
        """``engineering-api keys revoke``; acknowledged means exit 0."""
        cli(self.data_dir, "keys", "revoke", key.key_id)
        key.revoked = True

    def revocable(self) -> list[Key]:
        """The viewer keys still active."""
        return [key for key in self.keys if key.key_id and not key.revoked]

    def _add(self, key: Key) -> Key:
        self.keys.append(key)
        return key

    # -- probes -----------------------------------------------------------------------------------------------
    def health(self, served: Served) -> dict[str, Any]:
        """What ``/api/health`` says (it must answer 200)."""
        answer = self.http.get(f"{served.base}/api/health")
        assert answer.status_code == 200, f"health of {served.base}: {answer.status_code} {answer.text}"
        return dict(answer.json()["data"])

    def backup(self, target: Path) -> set[tuple[str, bool]]:
        """The documented online backup (``sqlite3 DB ".backup FILE"``, its own process) while the servers run;
        the keys the copy holds, as (key id, revoked)."""
        subprocess.run(["sqlite3", str(self.database), f".backup '{target}'"], check=True, timeout=HANG_GUARD_S,
                       capture_output=True)
        with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as copy:  # the copy, never the live file
            rows = copy.execute("SELECT key_id, revoked_at IS NOT NULL FROM api_keys").fetchall()
        copy.close()
        return {(str(key_id), bool(revoked)) for key_id, revoked in rows}

    # -- invariants -------------------------------------------------------------------------------------------
    def check(self, *, continuous: bool) -> None:
        """Every key answers as acknowledged on every live server; with ``continuous`` (a server lived through the
        step), every database file seen before is still the same file."""
        for served, _ in self.live:
            for key in self.keys:
                status = self.http.get(f"{served.base}/api/jobs", headers={"X-API-Key": key.secret}).status_code
                expected = 401 if key.revoked else 200
                assert status == expected, (f"{'revoked' if key.revoked else 'active'} key {key.key_id or 'admin'} "
                                            f"(made by {key.by}) answered {status} on {served.base}, not {expected}")
        files = self._identities()
        if continuous:
            for suffix, identity in self._files.items():
                assert files.get(suffix) == identity, (
                    f"{self.database.name}{suffix} was deleted or replaced while a server used it: "
                    f"{identity} -> {files.get(suffix)}")
        self._files = files if self.live else {}

    def _identities(self) -> dict[str, tuple[int, int]]:
        found = {}
        for suffix in _FILES:
            try:
                stat = os.stat(f"{self.database}{suffix}")
            except FileNotFoundError:
                continue
            found[suffix] = (stat.st_dev, stat.st_ino)
        return found
