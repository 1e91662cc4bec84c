"""Several processes, one truth (issue 88): a seeded schedule of steps across real ``engineering-api serve``
processes and CLI commands sharing one data folder, with the invariants checked after every step.

Steps, drawn with ``random.Random(seed)``: create a key over HTTP or with the CLI, revoke one over HTTP or with the
CLI, probe ``/api/health``, start a second server on the folder or stop it, SIGKILL a server and start it again,
take the documented online backup (``sqlite3 … ".backup …"``). After each step (:meth:`SharedFolder.check`):
every acknowledged key not revoked authenticates on every live server, every revoked key is refused from the next
request, and no database file a live server uses was deleted or replaced. At the end every server is stopped and
a fresh one must still know every key as it was acknowledged.

``make test`` runs two seeds with a few steps each. The long form (docs/operations.md, "The process harness"):
``HARNESS_SEEDS=1,2,3 HARNESS_STEPS=200``; a failure names its seed and the steps so far, to replay it.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
from typing import TYPE_CHECKING

import pytest

from tests.realclient.shared_folder import KEYS, SharedFolder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads a process's children in /proc")

SEEDS = tuple(int(seed) for seed in os.environ.get("HARNESS_SEEDS", "187,34").split(",") if seed.strip())
STEPS = int(os.environ.get("HARNESS_STEPS", "12"))


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[SharedFolder]:
    shared = SharedFolder(tmp_path / "data")
    try:
        yield shared
    finally:
        shared.close()


class Schedule:
    """The steps of one seed; ``done`` says what each did, for the failure message."""

    def __init__(self, folder: SharedFolder, seed: int, backups: Path) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.backups = backups
        self.done: list[str] = []
        self.kinds: dict[str, tuple[int, Callable[[], tuple[str, bool]]]] = {
            "create over HTTP": (3, self._http_create),
            "create with the CLI": (2, self._cli_create),
            "revoke over HTTP": (2, self._http_revoke),
            "revoke with the CLI": (2, self._cli_revoke),
            "health": (2, self._health),
            "second server": (2, self._second_server),
            "SIGKILL and restart": (2, self._kill_restart),
        }
        if shutil.which("sqlite3"):  # the documented backup needs the sqlite3 shell
            self.kinds["backup"] = (1, self._backup)

    def step(self) -> None:
        """Draw a step, run it, check the invariants."""
        kind = self.rng.choices(list(self.kinds), [weight for weight, _ in self.kinds.values()])[0]
        self.done.append(f"{len(self.done) + 1}. {kind}")
        what, continuous = self.kinds[kind][1]()
        self.done[-1] += f": {what}"
        self.folder.check(continuous=continuous)

    def _http_create(self) -> tuple[str, bool]:
        served = self.rng.choice(self.folder.live)[0]
        key = self.folder.create_over_http(served, f"http-{len(self.done)}")
        return f"{key.key_id} on {served.base}", True

    def _cli_create(self) -> tuple[str, bool]:
        return self.folder.create_with_cli(f"cli-{len(self.done)}").key_id, True

    def _http_revoke(self) -> tuple[str, bool]:
        keys = self.folder.revocable()
        if not keys:
            created, continuous = self._http_create()
            return f"nothing to revoke, created {created}", continuous
        key, served = self.rng.choice(keys), self.rng.choice(self.folder.live)[0]
        self.folder.revoke_over_http(served, key)
        return f"{key.key_id} on {served.base}", True

    def _cli_revoke(self) -> tuple[str, bool]:
        keys = self.folder.revocable()
        if not keys:
            created, continuous = self._cli_create()
            return f"nothing to revoke, created {created}", continuous
        key = self.rng.choice(keys)
        self.folder.revoke_with_cli(key)
        return key.key_id, True

    def _health(self) -> tuple[str, bool]:
        served = self.rng.choice(self.folder.live)[0]
        health = self.folder.health(served)
        assert health["status"] == "Healthy", f"health of {served.base}: {health}"
        return served.base, True

    def _second_server(self) -> tuple[str, bool]:
        if len(self.folder.live) < 2:
            return f"started {self.folder.start().base}", True
        served = self.rng.choice(self.folder.live)[0]
        self.folder.stop(served)
        return f"stopped {served.base}", True

    def _kill_restart(self) -> tuple[str, bool]:
        served = self.rng.choice(self.folder.live)[0]
        alone = len(self.folder.live) == 1
        self.folder.kill(served)
        return f"killed {served.base}, started {self.folder.start().base}", not alone

    def _backup(self) -> tuple[str, bool]:
        target = self.backups / f"backup-{len(self.done)}.sqlite3"
        copied = self.folder.backup(target)
        expected = {(key.key_id, key.revoked) for key in self.folder.keys if key.key_id}
        assert expected <= copied, f"the backup misses acknowledged keys: {sorted(expected - copied)}"
        return target.name, True


def _final_restart(folder: SharedFolder) -> str:
    """Every server stopped, a fresh one started: it knows every key as acknowledged."""
    folder.stop_all()
    served = folder.start()
    folder.check(continuous=False)
    listed = folder.http.get(f"{served.base}{KEYS}", headers={"X-API-Key": served.admin_key})
    assert listed.status_code == 200, listed.text
    known = {(key["keyId"], key.get("revokedAt") is not None) for key in listed.json()["data"]}
    expected = {(key.key_id, key.revoked) for key in folder.keys if key.key_id}
    assert expected <= known, f"acknowledged keys lost or changed after the restart: {sorted(expected - known)}"
    return f"restarted as {served.base}: {len(expected)} keys as acknowledged"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: f"seed{seed}")
def test_processes_sharing_a_data_folder_agree(folder: SharedFolder, seed: int, tmp_path: Path) -> None:
    schedule = Schedule(folder, seed, tmp_path)
    try:
        schedule.done.append(f"0. start: {folder.start().base}")
        folder.check(continuous=False)
        for _ in range(STEPS):
            schedule.step()
        schedule.done.append(f"{len(schedule.done)}. final restart: {_final_restart(folder)}")
    except Exception as exc:
        logs = "\n".join(f"--- {served.base} ({served.log.name}):\n{served.output()[-1500:]}"
                         for served, _ in folder.live)
        steps = "\n".join(schedule.done)
        raise AssertionError(f"process harness, seed {seed} (replay: HARNESS_SEEDS={seed} HARNESS_STEPS={STEPS}), "
                             f"failed at the last step of:\n{steps}\n{type(exc).__name__}: {exc}\n{logs}") from exc
