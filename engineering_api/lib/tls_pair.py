"""The certificate and key ``serve`` hands to granian: checked before granian reads them, kept while a renewal is
broken.

Granian reads the files itself, in its worker (Rust): a certificate it cannot parse, or a key that does not match
it, panics the worker, and after a ``kill -HUP`` the main process has nothing left to serve with. So the operator's
files are read once per start or ``kill -HUP`` (size-capped), copied into a private directory of this process and
loaded there with Python's :mod:`ssl` (``load_cert_chain`` refuses a key that does not match its certificate); only
a pair that loads replaces the one granian serves from. Granian's workers always read that copy, so a worker
respawned for any reason (a reload, a crash) reads the pair that was checked, never a half-written renewal.

A refused renewal leaves the previous pair served and says why: a line on stderr (the server's log), and a state
file in the data directory that the worker reads for ``GET /api/health`` (``warnings``) and ``/metrics``
(``engineering_api_tls_reloads_refused_total``): granian's main process, which hears SIGHUP, and its worker, which
answers requests, share no memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import ssl
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from engineering_api.lib.private_files import FILE_MODE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from prometheus_client.metrics_core import Metric

__all__ = ("MAX_PEM_BYTES", "STATE_FILE", "ServedPair", "refused_reload", "tls_families")

MAX_PEM_BYTES = 1 << 20
"""A certificate chain and its key are a few kilobytes; a file larger than this (or ``/dev/zero``) is refused."""
STATE_FILE = "tls-reload.json"
"""In the data directory: this run's refused renewals, their count and the last one's reason (absent: none)."""


class ServedPair:
    """The checked copy granian serves from (``cert``, ``key``), in a private directory removed by :meth:`close`."""

    def __init__(self, cert_source: Path, key_source: Path, data_dir: Path) -> None:
        self.sources = (cert_source, key_source)
        self.state = data_dir / STATE_FILE
        self.folder = Path(tempfile.mkdtemp(prefix="engineering-api-tls-"))  # 0700, this user's alone
        self.cert, self.key = self.folder / "cert.pem", self.folder / "key.pem"
        self.refused = 0
        with contextlib.suppress(FileNotFoundError):  # a refusal of an earlier run says nothing of this one
            self.state.unlink()

    def take(self) -> str | None:
        """Copy the operator's files and serve them from now on, or say why not (the served pair is kept)."""
        staged = (self.folder / "next-cert.pem", self.folder / "next-key.pem")
        try:
            for source, target in zip(self.sources, staged, strict=True):
                problem = _copy(source, target)
                if problem is not None:
                    return problem
            problem = _load_problem(*staged)
            if problem is not None:
                return problem
            os.replace(staged[0], self.cert)
            os.replace(staged[1], self.key)
        finally:
            for path in staged:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        return None

    def reload_guard(self, reload: Callable[..., None], say: Callable[[str], None]) -> Callable[..., None]:
        """A SIGHUP handler that passes the signal on to ``reload`` (granian's: respawn the worker) only when the
        renewed pair loads; otherwise it tells ``say`` and records the refusal."""

        def on_reload(*args: object) -> None:
            problem = self.take()
            if problem is not None:
                self.refused += 1
                say(f"certificate reload refused: {problem}; still serving the previous certificate "
                    "(fix the files, then kill -HUP again)")
            if problem is not None or self.refused:  # the count outlives a later renewal that was taken
                _write_state(self.state, {"reason": problem, "refused": self.refused})
            if problem is None:
                reload(*args)

        return on_reload

    def close(self) -> None:
        """Remove the private copy (the key among it)."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _copy(source: Path, target: Path) -> str | None:
    try:
        with source.open("rb") as handle:
            content = handle.read(MAX_PEM_BYTES + 1)
    except OSError as exc:
        return f"cannot read {source}: {exc.strerror}"
    if len(content) > MAX_PEM_BYTES:
        return f"{source} is larger than {MAX_PEM_BYTES // 1024} KiB (not a certificate or key file)"
    if b"-----BEGIN " not in content[:4096]:
        return f"{source} is not a PEM file (-----BEGIN ...)"
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)
    return None


def _load_problem(cert: Path, key: Path) -> str | None:
    """Why ``cert`` and ``key`` cannot serve TLS, or None. OpenSSL's message names no file ("PEM lib"), so the
    certificate is parsed alone first."""
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=cert)
    except ssl.SSLError:
        return "the certificate file holds no readable certificate"
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            return "the key does not match the certificate"
        return "the key file holds no readable private key (PEM, unencrypted)"
    return None


def _write_state(path: Path, state: dict[str, object]) -> None:
    staged = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(OSError):  # the refusal is on stderr all the same
        staged.write_text(json.dumps(state), encoding="utf-8")
        os.replace(staged, path)


def refused_reload(data_dir: Path) -> tuple[str | None, int]:
    """Why this run's last certificate renewal was refused (None: it was taken, or none was asked) and how many
    were refused since the server started."""
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
        reason = state["reason"]
        return (None if reason is None else str(reason)), int(state["refused"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, 0


def tls_families(data_dir: Path) -> Callable[[], Iterable[Metric]]:
    """The scraped family ``engineering_api_tls_reloads_refused_total`` (for :meth:`Metrics.add_scraped`)."""
    from prometheus_client.core import CounterMetricFamily

    def read() -> Iterable[Metric]:
        family = CounterMetricFamily("engineering_api_tls_reloads_refused",
                                     "Certificate renewals (kill -HUP) refused since the server started: the "
                                     "previous certificate is still served")
        family.add_metric([], refused_reload(data_dir)[1])
        yield family

    return read
