"""A real ``engineering-api serve`` process (granian, fake backend) on a free port with a temporary data directory."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from engineering_api.config import Settings
from engineering_api.lib.db import Database
from engineering_api.lib.security import ApiKeyStore
from tools.ports import free_port
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("Served", "cli", "serve")

START_TIMEOUT_S = HANG_GUARD_S


def _executable() -> str:
    script = Path(sys.executable).with_name("engineering-api")
    return str(script) if script.exists() else "engineering-api"


@dataclass
class Served:
    """The process, its address, its data directory and an admin key."""

    process: subprocess.Popen[bytes]
    base: str
    data_dir: Path
    admin_key: str
    log: Path

    @property
    def workspace(self) -> Path:
        """The default file root."""
        return self.data_dir / "workspace"

    def wait_exit(self, timeout: float) -> int | None:
        """The exit code, or None while it still runs after ``timeout`` seconds."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def output(self) -> str:
        """What the server printed."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def cli(data_dir: Path, *args: str) -> str:
    """``engineering-api <args> --data-dir DATA_DIR`` in a process of its own; its output (it must exit 0)."""
    done = subprocess.run([_executable(), *args, "--data-dir", str(data_dir)], capture_output=True, text=True,
                          timeout=HANG_GUARD_S, check=False)
    assert done.returncode == 0, f"engineering-api {' '.join(args)} exited with {done.returncode}: {done.stderr}"
    return done.stdout


_SERVING = re.compile(rb"engineering-api on https?://127\.0\.0\.1:(\d+) ")


def serve(data_dir: Path, *options: str, own_port: bool = True, env: dict[str, str] | None = None,
          ca: Path | None = None) -> Iterator[Served]:
    """Start ``engineering-api serve`` (with ``options``, e.g. ``--farm URL``) and yield it once ``GET /api/health``
    answers; stop it afterwards if needed.

    ``own_port``: pass ``--port`` with a free port; else give none, and read the one the server chose from what it
    prints. ``env``: variables added to the process's environment. ``ca``: the server speaks HTTPS (``options``
    name its certificate) signed by this CA.
    """
    settings = Settings.from_env(data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_path)
    _, admin_key = ApiKeyStore(db).create("realclient-admin", "admin")
    db.close()
    port = free_port() if own_port else 0
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")} | (env or {})
    log = data_dir.parent / f"serve-{data_dir.name}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # our own console script
            [_executable(), "serve", "--data-dir", str(data_dir), *(["--port", str(port)] if own_port else []),
             "--backend", "fake", *options],
            stdout=out, stderr=subprocess.STDOUT, env=environ,
        )
    scheme = "https" if ca else "http"
    trust = ssl.create_default_context(cafile=str(ca)) if ca else True
    served = Served(process=process, base=f"{scheme}://127.0.0.1:{port}", data_dir=data_dir, admin_key=admin_key,
                    log=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise AssertionError(f"engineering-api serve exited with {process.returncode}:\n{served.output()}")
            if not port and (chosen := _SERVING.search(log.read_bytes())) is not None:
                port = int(chosen.group(1))
                served.base = f"{scheme}://127.0.0.1:{port}"
            try:
                if port and httpx.get(f"{served.base}/api/health", timeout=2,
                                      verify=trust).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"engineering-api serve did not answer in {START_TIMEOUT_S}s:\n{served.output()}")
            time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(HANG_GUARD_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
