"""A throwaway PostgreSQL server for the tests of ``--db postgresql://…`` (Debian's postgresql package).

``initdb`` refuses to run as root, so as root the cluster is made and run as the ``postgres`` user. Without the
binaries the tests skip with the reason (with ``CI=true`` they fail, as the farm and bridge tests do).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tools.ports import free_port
from tools.bounds import HANG_GUARD_S

__all__ = ("PostgresServer", "postgres_binaries")


def postgres_binaries() -> Path | None:
    """The directory with ``initdb`` and ``postgres``, if installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


class PostgresServer:
    """A cluster in ``workdir`` on a free local port, trust authentication on loopback only."""

    def __init__(self, workdir: Path) -> None:
        self.bin = postgres_binaries()
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_owner(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def start(self) -> None:
        """Make the cluster (the first time) and start the server; returns once it takes connections."""
        assert self.bin is not None
        data = self.workdir / "data"
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        if not data.exists():
            subprocess.run(self._as_owner([str(self.bin / "initdb"), "-D", str(data), "-U", "postgres",
                                           "--auth=trust", "--no-sync", "-E", "UTF8"]), check=True,
                           capture_output=True)
        self.process = subprocess.Popen(
            self._as_owner([str(self.bin / "postgres"), "-D", str(data), "-p", str(self.port), "-h", "127.0.0.1",
                            "-k", str(self.workdir), "-c", "fsync=off"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + HANG_GUARD_S
        while time.monotonic() < deadline:
            try:
                import psycopg

                psycopg.connect(self.url, connect_timeout=1).close()
                return
            except Exception:  # still starting
                time.sleep(0.1)
        raise RuntimeError("postgres did not start")

    def stop(self, how: signal.Signals = signal.SIGINT) -> None:
        """Stop the server: SIGINT (fast, the default: the clients' connections are ended, as ``pg_ctl restart -m
        fast`` does), SIGTERM (smart: after every client has left) or SIGQUIT (immediate: no checkpoint, crash
        recovery on the next start)."""
        if self.process is not None:
            # the postmaster itself: runuser (as root) passes SIGTERM on but not SIGINT or SIGQUIT
            pid_file = self.workdir / "data" / "postmaster.pid"
            postmaster = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
            if postmaster is None:
                self.process.send_signal(how)
            else:
                os.kill(postmaster, how)
            self.process.wait(HANG_GUARD_S)
            self.process = None

    def restart(self, how: signal.Signals = signal.SIGINT) -> None:
        """Stop the server ``how`` and start it again on the same port and data."""
        self.stop(how)
        self.start()
