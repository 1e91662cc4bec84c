"""Command line: ``engineering-api serve | agent | mcp | openapi | keys | db | doctor | simaticml | scl | plc |
test | lsp | completion`` (``--help`` lists them from the parser itself: :func:`build_parser`)."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import signal
import socket
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.asgi import SERVE_PID_VARIABLE, STOP_GRACE_SECONDS
from engineering_api.config import LOG_LEVELS, Settings
from engineering_api.db_cli import cmd_db, keys_message
from engineering_api.lib import collector, instance_registry
from engineering_api.lib.log_escape import escape_controls
from engineering_api.lib.private_files import loose_modes, make_private_dir

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("main",)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None,
        backend=getattr(args, "backend", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        farm_url=getattr(args, "farm", None),
        db=getattr(args, "db", None),
        farm_state_url=getattr(args, "farm_state", None),
        farm_path_map=tuple(getattr(args, "farm_path_map", None) or ()) or None,
        farm_lease_seconds=getattr(args, "farm_lease_seconds", None),
        farm_lease_grace_seconds=getattr(args, "farm_lease_grace_seconds", None),
        log_level=getattr(args, "log_level", None),
        tls_cert_file=getattr(args, "tls_cert", None),
        tls_key_file=getattr(args, "tls_key", None),
        hsts_seconds=getattr(args, "hsts_seconds", None),
        oauth_issuer=getattr(args, "oauth_issuer", None),
        oauth_audience=getattr(args, "oauth_audience", None),
        oauth_jwks_url=getattr(args, "oauth_jwks_url", None),
    )


def _export_env(settings: Settings) -> None:
    # The server's worker process builds the app from the environment.
    os.environ["ENGINEERING_API_DATA_DIR"] = str(settings.data_dir)
    os.environ["ENGINEERING_API_BACKEND"] = settings.backend
    os.environ["ENGINEERING_API_HOST"] = settings.host
    os.environ["ENGINEERING_API_PORT"] = str(settings.port)
    for name, value in (("FARM_URL", settings.farm_url), ("FARM_STATE_URL", settings.farm_state_url),
                        ("FARM_PATH_MAP", ",".join(settings.farm_path_map)), ("DB", settings.db),
                        ("LOG_LEVEL", settings.log_level), ("OAUTH_ISSUER", settings.oauth_issuer),
                        ("OAUTH_AUDIENCE", settings.oauth_audience), ("OAUTH_JWKS_URL", settings.oauth_jwks_url),
                        ("TLS_CERT_FILE", settings.tls_cert_file), ("TLS_KEY_FILE", settings.tls_key_file),
                        ("HSTS_SECONDS", str(settings.hsts_seconds) if settings.hsts_seconds else ""),
                        ("FARM_LEASE_SECONDS", f"{settings.farm_lease_seconds:g}"),
                        ("FARM_LEASE_GRACE_SECONDS", f"{settings.farm_lease_grace_seconds:g}")):
        if value:
            os.environ[f"ENGINEERING_API_{name}"] = value
    os.environ[SERVE_PID_VARIABLE] = str(os.getpid())


def check_port_free(host: str, port: int) -> None:
    """Bind a probe socket as the server will, so a taken port fails with a clear message before start-up.

    The probe sets ``SO_REUSEADDR`` as granian does: after a crash, connections clients still held linger in
    FIN_WAIT_2/TIME_WAIT for about a minute, and without it the restart would be refused that long. On Windows
    the option would let two servers share a port, and lingering connections do not block a bind there.

    Raises:
        OSError: the address cannot be bound (another server listens there, or the address is not local).
    """
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


REGISTRY_PRUNE_S = 5.0
"""How often a serving process drops dead servers' entries from the instance registry."""
FALLBACK_PORTS = range(9000, 9101)
"""Ports ``serve`` tries, in order from the configured one, when no port was given and that one is taken (as
T-IA Connect's server does: 9000-9100)."""


def choose_port(host: str, port: int, *, explicit: bool) -> int:
    """The port to serve on: ``port`` when free; when taken and not ``explicit``, the next free one of
    :data:`FALLBACK_PORTS`.

    Raises:
        OSError: ``port`` is taken and was given explicitly (or lies outside the range), or every port of the range
            is taken.
    """
    candidates = [port] if explicit or port not in FALLBACK_PORTS else list(range(port, FALLBACK_PORTS.stop))
    failure: OSError | None = None
    for candidate in candidates:
        try:
            check_port_free(host, candidate)
        except OSError as exc:
            failure = failure or exc
            continue
        return candidate
    assert failure is not None
    if len(candidates) > 1:
        raise OSError(failure.errno, f"{failure.strerror} (and so is every port up to {FALLBACK_PORTS.stop - 1})")
    raise failure


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the API with granian (chosen by measurement, see bench/README.md)."""
    from sqlalchemy.exc import SQLAlchemyError

    from engineering_api.lib.db import Database
    from engineering_api.lib.migrate import MigrationError
    from engineering_api.lib.security import ApiKeyStore, ensure_admin_key
    from engineering_api.lib.tls_pair import ServedPair

    settings = _settings(args)
    if settings.backend == "openness":
        from engineering_api.compose import openness_unavailable

        problem = openness_unavailable(settings)
        if problem is not None:
            print(f"error: {problem}\nrun 'engineering-api doctor --backend openness' for the fixes", file=sys.stderr)
            return 2
    from engineering_api.runtime.oauth import OAuthConfig

    try:
        OAuthConfig.from_settings(settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tls = _tls_files(settings)
    if isinstance(tls, str):
        print(f"error: {tls}", file=sys.stderr)
        return 2
    explicit_port = getattr(args, "port", None) is not None or "ENGINEERING_API_PORT" in os.environ
    try:
        port = choose_port(settings.host, settings.port, explicit=explicit_port)
    except OSError as exc:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {exc.strerror}", file=sys.stderr)
        return 2
    if port != settings.port:
        print(f"port {settings.port} is taken: serving on {port} (the next free one of {FALLBACK_PORTS.start}-"
              f"{FALLBACK_PORTS.stop - 1}; T-IA Connect's client finds it in its instance registry)")
        settings = replace(settings, port=port)
    try:
        make_private_dir(settings.data_dir)
        db = Database(settings.database_target, data_dir=settings.data_dir)
        created = ensure_admin_key(ApiKeyStore(db), settings.secret_path)
        db.close()
    except MigrationError as exc:  # the database is as it was; the server does not start on a schema it cannot use
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError) as exc:  # a read-only or foreign data directory: one line, no traceback
        where = getattr(exc, "filename", None) or settings.data_dir
        reason = getattr(exc, "strerror", None) or str(getattr(exc, "orig", None) or exc)
        print(f"error: cannot write the data directory: {reason}: {where} (choose a writable --data-dir)",
              file=sys.stderr)
        return 2
    pair = ServedPair(*tls, settings.data_dir) if tls else None
    problem = pair.take() if pair else None
    if pair is not None and problem is not None:
        pair.close()
        print(f"error: {problem} (--tls-cert, --tls-key)", file=sys.stderr)
        return 2
    print(keys_message(settings, created))
    mode = f"farm {settings.farm_url}" if settings.farm_url else f"backend {settings.backend}"
    scheme = "https" if tls else "http"
    print(f"engineering-api on {scheme}://{settings.host}:{settings.port} ({mode}, data {settings.data_dir})")
    print(f"Swagger UI: {scheme}://{settings.host}:{settings.port}/swagger")
    _export_env(settings)
    from granian import Granian
    from granian.constants import Interfaces, SSLProtocols

    registry = _register_instance(settings)
    pruning = instance_registry.keep_pruned(registry, REGISTRY_PRUNE_S) if registry else None
    try:
        server = Granian(
            "engineering_api.asgi:create", factory=True, address=settings.host, port=settings.port,
            interface=Interfaces.ASGI,
            # A worker still busy (a request waiting on a long TIA call) STOP_GRACE_SECONDS after Ctrl+C is killed.
            workers=1, log_access=False, workers_kill_timeout=int(STOP_GRACE_SECONDS),
            # TLS 1.2 and up: ERPs and SCADA clients on older runtimes do not all speak 1.3 (granian's default minimum)
            ssl_cert=pair.cert if pair else None, ssl_key=pair.key if pair else None,
            ssl_protocol_min=SSLProtocols.tls12,
        )
        if pair is not None:  # granian installs the instance's handler when serve() starts
            # deliberately replaces the method on this one server: granian has no hook for its SIGHUP reload
            setattr(server, "signal_handler_reload", pair.reload_guard(server.signal_handler_reload, _say))
        _serve_until_stopped(server)
    finally:
        if pair is not None:
            pair.close()
        if pruning is not None:
            pruning.set()
        if registry is not None:
            with contextlib.suppress(OSError):
                instance_registry.unregister(path=registry)
    return 0


def _say(line: str) -> None:
    """A warning of granian's main process, on the server's log (stderr)."""
    print(f"warning: {line}", file=sys.stderr, flush=True)


def _serve_until_stopped(server: Any) -> None:
    """Run granian's main process until it is asked to stop; a Ctrl+C (SIGINT or SIGTERM to the process group) is
    a clean stop, exit status 0, however the worker's exit and the main process's turn are ordered.

    A terminal's Ctrl+C reaches the main process and its worker at once. Granian's main process counts a worker as
    crashed (an ``Unexpected exit`` error, exit status 1) when it sees the worker's exit before its interrupt handler
    has marked the worker as stopped by its parent. On a loaded machine that happens in two orders: the worker
    finishes its graceful stop before the main process's turn, and the main process's handler runs late (Python
    runs it on the main thread after its C-level handler, and the kernel hands a signal for the process to any of
    its threads, granian's worker watch among them: exit status 1 seen once in 23 loaded runs, 2026-11-27). So the
    interrupt handler marks the workers at once, and an exit status 1 is the stop that was asked for when the main
    process heard an interrupt (:func:`_interrupt_heard`, which lets a late one arrive) and every worker it lost
    ended with status 0, as one does after its graceful stop. A worker stopped alone (a person's ``kill`` of its
    pid, an out-of-memory killer's SIGTERM) or killed outright stays a failure: nobody asked the server to stop,
    and a supervisor that restarts a failed service must restart it."""
    interrupt = server.signal_handler_interrupt
    stopped: list[Any] = []

    def on_interrupt(*args: Any, **kwargs: Any) -> None:
        for worker in server.wrks:
            worker.interrupt_by_parent = True
        interrupt(*args, **kwargs)

    shutdown = server.shutdown

    def on_shutdown(*args: Any, **kwargs: Any) -> None:
        stopped[:] = server.wrks  # granian empties its list of workers as it stops them
        shutdown(*args, **kwargs)

    server.signal_handler_interrupt = on_interrupt  # granian installs the instance's handler when serve() starts
    server.shutdown = on_shutdown
    try:
        server.serve()
    except SystemExit as exc:
        lost = [worker for worker in stopped if worker.idx in server.interrupt_children]
        if exc.code != 1 or not all(worker.inner.exitcode == 0 for worker in lost) or not _interrupt_heard(server):
            raise


_LATE_INTERRUPT_WAIT_SECONDS = 2.0
"""How long a stopping ``serve`` waits for an interrupt sent to it and delivered to none of its threads yet."""


def _interrupt_heard(server: Any) -> bool:
    """Whether granian's main process was sent an interrupt (SIGINT, SIGTERM), its handler run first if it is still
    on its way: one the kernel holds for the process (to be delivered to whichever thread runs next) is waited for
    while it is pending, and one whose C-level handler has run has its Python handler run on this thread before the
    next bytecode."""
    if hasattr(signal, "sigpending"):  # POSIX
        deadline = time.monotonic() + _LATE_INTERRUPT_WAIT_SECONDS
        while signal.sigpending() & {signal.SIGINT, signal.SIGTERM} and time.monotonic() < deadline:
            time.sleep(0.01)
    return bool(server.interrupt_signal)


def _tls_files(settings: Settings) -> tuple[Path, Path] | None | str:
    """The certificate and key files to serve HTTPS with, None for plain HTTP, or why they cannot be used (their
    contents are checked by :class:`ServedPair`)."""
    if not settings.tls_cert_file and not settings.tls_key_file:
        return None
    if not (settings.tls_cert_file and settings.tls_key_file):
        return ("HTTPS needs both a certificate and its key (--tls-cert and --tls-key, or "
                "ENGINEERING_API_TLS_CERT_FILE and ENGINEERING_API_TLS_KEY_FILE)")
    return Path(settings.tls_cert_file).resolve(), Path(settings.tls_key_file).resolve()


def _register_instance(settings: Settings) -> Path | None:
    """Record this server where T-IA Connect's client looks (``instances.json``), unless turned off."""
    if not settings.instance_registry:
        return None
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "") else settings.host  # bind-all: reach it on loopback
    host = "[::1]" if host == "::" else f"[{host}]" if ":" in host else host
    try:
        scheme = "https" if settings.tls_cert_file else "http"
        path = instance_registry.register(settings.port, f"{scheme}://{host}:{settings.port}")
    except OSError as exc:  # the server runs all the same; the client then finds it only by its configured URL
        print(escape_controls(f"warning: cannot write the instance registry: {exc.strerror}: {exc.filename}; "
                              "serving without it (T-IA Connect's client then needs this server's URL)"),
              file=sys.stderr)
        return None
    print(f"instance registry: {path}")
    return path


def cmd_agent(args: argparse.Namespace) -> int:
    """Serve backend calls of a farm (``engineering-api agent --farm redis://…``)."""
    from engineering_api.compose import create_backend
    from engineering_api.farm.agent import run_agent
    from engineering_api.farm.celery_app import FarmConfig
    from engineering_api.lib.observability import configure_logging
    from engineering_api.lib.tracing import Tracing, tracing_available

    settings = replace(_settings(args), farm_url=None)  # the agent's own backend, not another farm
    versions = [v.strip() for v in (args.tia_versions or settings.tia_version).split(",") if v.strip()]
    settings = replace(settings, tia_version=versions[0])
    if settings.tracing and not tracing_available():
        print("error: tracing needs OpenTelemetry: pip install 'engineering-api[tracing]'", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    make_private_dir(settings.data_dir)
    try:
        backend = create_backend(settings)
    except Exception as exc:  # a bridge that cannot load says why
        print(f"error: cannot start the {settings.backend} backend: {exc}", file=sys.stderr)
        return 2
    print(f"engineering-api agent {args.name or '(host name)'}: backend {settings.backend}, TIA {','.join(versions)}, "
          f"data {settings.data_dir}, broker {args.farm}", flush=True)
    config = FarmConfig(args.farm, args.farm_state, lease_seconds=settings.farm_lease_seconds,
                        lease_grace_seconds=settings.farm_lease_grace_seconds)
    return run_agent(config, backend, name=args.name, versions=versions,
                     backend_name=settings.backend, log_level=settings.log_level,
                     tracing=Tracing.on() if settings.tracing else Tracing.OFF)


def cmd_openapi(args: argparse.Namespace) -> int:
    """Print the OpenAPI document; no server and no data directory are touched."""
    import tempfile

    from engineering_api.app import create_app
    from engineering_api.docs import openapi_document

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings.from_env(data_dir=Path(scratch)))
        schema = openapi_document(app)  # the document /schema/openapi.json serves
        app.state.services.db.close()
    # dumps, not dump: json.dump encodes in Python chunk by chunk, dumps in C at once (a third of the CPU)
    sys.stdout.write(json.dumps(schema, indent=2 if args.pretty else None) + "\n")
    return 0


def _store(args: argparse.Namespace) -> Any:
    from engineering_api.lib.db import Database
    from engineering_api.lib.security import ApiKeyStore

    settings = _settings(args)
    make_private_dir(settings.data_dir)
    return ApiKeyStore(Database(settings.database_target, data_dir=settings.data_dir))


def cmd_keys(args: argparse.Namespace) -> int:
    """Create, list and revoke API keys through ApiKeyStore, as the /api/security/keys routes do."""
    from engineering_api.backend.errors import EngineeringError

    store = _store(args)
    try:
        if args.keys_command == "create":
            info, secret = store.create(args.name, args.role)
            print(f"created key {info.key_id} ({info.role}, {info.name!r}); it is shown only now:\n{secret}")
        elif args.keys_command == "list":
            for key in store.list():
                state = f"revoked {key.revoked_at}" if key.revoked_at else "active"
                print(f"{key.key_id}  {key.role:8s}  {key.prefix}…  {state:30s}  {key.name}")
        else:
            info = store.revoke(args.key_id)
            print(f"revoked key {info.key_id} ({info.name!r})")
    except EngineeringError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Say what is wrong with this machine for the chosen backend (``--smoke``: walk the common calls)."""
    settings = _settings(args)
    if getattr(args, "smoke", False):
        return _smoke(settings)
    if settings.backend == "openness":
        from engineering_api.compose import openness_checks

        checks = openness_checks(settings)
    else:
        checks = _fake_checks(settings)
    failed = 0
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        print(f"[{mark}] {check.name}: {check.detail}")
        if not check.ok:
            failed += 1
            if check.fix:
                print(f"       fix: {check.fix}")
    database = settings.database_target
    files = [settings.secret_path] + ([] if isinstance(database, str) else [database])
    for warning in loose_modes(settings.data_dir, files):  # the server still runs: a warning, not a failure
        print(f"[warn] permissions: {warning}")
    print("all checks passed" if not failed else f"{failed} problem(s) found")
    return 1 if failed else 0


def _smoke(settings: Settings) -> int:
    """``doctor --smoke``: the common calls against a scratch project, printed for a bug report; 1 when one failed."""
    from engineering_api.compose import create_backend
    from engineering_api.backend.smoke import smoke

    try:
        backend = create_backend(settings)
    except Exception as exc:  # the doctor reports, it does not crash
        print(f"engineering-api doctor --smoke\nbackend: {settings.backend}\n[FAIL] backend: {exc}")
        return 1
    try:
        backend.on_worker_thread_started()  # this thread makes every call (Openness needs one thread)
        report = smoke(backend, settings.backend, scratch_root=settings.data_dir)
    finally:
        backend.close()
    print("\n".join(report.lines()))
    return 1 if report.failed else 0


def _fake_checks(settings: Settings) -> list[Any]:
    from engineering_api.lib.doctor import Check

    checks = [
        Check("python", sys.version_info >= (3, 11), sys.version.split()[0], "Install Python 3.11 or newer."),
    ]
    try:
        make_private_dir(settings.data_dir)
        probe = settings.data_dir / ".doctor-probe"
        probe.write_text("ok")
        probe.unlink()
        checks.append(Check("data directory", True, f"{settings.data_dir} is writable"))
    except OSError as exc:
        checks.append(Check("data directory", False, f"{settings.data_dir}: {exc.strerror}",
                            "Choose --data-dir you can write."))
    with socket.socket() as sock:
        free = sock.connect_ex((settings.host, settings.port)) != 0
    checks.append(
        Check("port", free, f"{settings.host}:{settings.port} " + ("is free" if free else "is in use"),
              "Stop the other server or pass --port.")
    )
    try:
        from engineering_api.rules.catalog import HardwareCatalog

        count = len(HardwareCatalog.load().entries)
        checks.append(Check("hardware catalog", count > 0, f"{count} entries"))
    except Exception as exc:  # the doctor reports, it does not crash
        checks.append(Check("hardware catalog", False, str(exc), "Reinstall the package."))
    return checks


def cmd_simaticml(args: argparse.Namespace) -> int:
    """Offline SimaticML tools for pipelines: check documents (semantics and round trip), convert versions, write
    a document as text for git diff (textconv)."""
    if args.simaticml_command == "check":
        from engineering_api.ci.commands import run_simaticml_check

        return run_simaticml_check(args)
    if args.simaticml_command == "textconv":
        from engineering_api.ci import textconv

        return textconv.run(args)
    from simatic_xml import convert_bytes

    from engineering_api.ci.simaticml_files import read_simaticml

    data = read_simaticml(Path(args.file), lambda raw: convert_bytes(raw, args.to))
    if data is None:
        return 1
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} for TIA Portal {args.to}", file=sys.stderr)
    return 0


def cmd_scl(args: argparse.Namespace) -> int:
    """Offline SCL tools: check sources (syntax and the semantic rules that need no project), build blocks,
    format sources as TIA exports them."""
    if args.scl_command == "fmt":
        from engineering_api.ci import fmt

        return fmt.run(args)
    if args.scl_command == "build":
        from engineering_api.ci import build

        return int(build.run(args))
    from engineering_api.ci.commands import run_scl_check

    return run_scl_check(args)


def cmd_plc(args: argparse.Namespace) -> int:
    """Compile an exported PLC program offline, as TIA's software compile does."""
    from engineering_api.ci.commands import run_plc_check

    return run_plc_check(args)


def cmd_test_run(args: argparse.Namespace) -> int:
    """``test run``: a FOLDER offline on the in-process TIA model (engineering_api/ci/testrun.py), else a server's."""
    from engineering_api.ci import testrun

    if args.folder is None and testrun.usage_problem(args) is None:
        from engineering_api.ci import testrun_server

        return testrun_server.run(args)
    from engineering_api.compose import create_backend
    from engineering_api.domain.testharness.offline import OfflineHarness

    return testrun.run(args, lambda data_dir, version: create_backend(Settings(data_dir=data_dir, tia_version=version)),
                       OfflineHarness())


def cmd_completion(args: argparse.Namespace) -> int:
    """Print the shell's completion script, generated from this parser."""
    from engineering_api.lib.completion import completion_script

    sys.stdout.write(completion_script(build_parser(), args.shell))
    return 0


def _command_group(sub: Any, name: str, help_text: str, func: Callable[[argparse.Namespace], int] | None = None
                   ) -> Any:
    """Add command ``name`` with subcommands (``scl check``, ``keys list``…); answers where to add them. ``func``
    runs them (without it, each subcommand names its own)."""
    group = sub.add_parser(name, help=help_text)
    if func is not None:
        group.set_defaults(func=func)
    return group.add_subparsers(dest=f"{name}_command", required=True)


def _add_scl_build(scl_sub: Any) -> None:
    """``scl build`` when engineering_api/ci/build.py is installed (imported only to add its options)."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("engineering_api.ci.build") is None:
        return
    build = importlib.import_module("engineering_api.ci.build")
    parser = scl_sub.add_parser("build", help="generate blocks from SCL sources as TIA does: one SimaticML document "
                                "per block and PLC data type; exit 1 on errors")
    build.add_arguments(parser)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    from engineering_api.lib.version import api_version

    parser = argparse.ArgumentParser(prog="engineering-api")
    parser.add_argument("--version", action="version", version=f"%(prog)s {api_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", help="data directory (default ./var or ENGINEERING_API_DATA_DIR)")
        p.add_argument("--backend", choices=["fake", "openness"], help="backend (default fake)")

    def lease_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--farm-lease-seconds", type=float, metavar="SECONDS",
                       help="farm: how long an agent's heartbeat lease lives in Redis (agent), and how long after a "
                            "Redis restart the node waits for the agents to bring lost claims back (default 5; "
                            "ENGINEERING_API_FARM_LEASE_SECONDS)")
        p.add_argument("--farm-lease-grace-seconds", type=float, metavar="SECONDS",
                       help="farm: how long the node waits for an agent whose lease lapsed to come back as the same "
                            "instance (keeping its sessions' unsaved work) before AGENT_LOST (default 5; "
                            "ENGINEERING_API_FARM_LEASE_GRACE_SECONDS)")

    serve = sub.add_parser("serve", help="run the server")
    common(serve)
    serve.add_argument("--host", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: 9000, or the next free one up to 9100 when 9000 is "
                       "taken and no port was given)")
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate chain (with --tls-key); "
                       "kill -HUP <pid> reads renewed files")
    serve.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    serve.add_argument("--hsts-seconds", type=int, metavar="N", help="with HTTPS, send Strict-Transport-Security "
                       "max-age=N (default: not sent)")
    serve.add_argument("--oauth-issuer", metavar="URL", help="accept OAuth 2.0 access tokens (JWT) of this issuer "
                       "on the runtime API (https://, or http:// on loopback); its keys by OpenID discovery")
    serve.add_argument("--oauth-audience", metavar="AUD", help="the aud an access token must carry (needed with "
                       "--oauth-issuer)")
    serve.add_argument("--oauth-jwks-url", metavar="URL", help="the issuer's JWKS, when it publishes no discovery "
                       "document")
    serve.add_argument("--db", metavar="POSTGRES_URL", help="keep jobs, keys, audit and state in PostgreSQL "
                       "(postgresql://user:password@host/db) instead of <data-dir>/engineering-api.sqlite3")
    serve.add_argument("--farm", metavar="BROKER_URL", help="farm mode: send backend work to agents through this "
                       "Celery broker (redis://… or amqp://…)")
    serve.add_argument("--farm-state", metavar="REDIS_URL", help="Redis for results and heartbeats (default: the "
                       "broker, when it is Redis)")
    serve.add_argument("--farm-path-map", metavar="NODE=AGENT", action="append",
                       help="where agents see the shared storage this node sees at NODE (repeatable), e.g. "
                            "/mnt/tia=\\\\filer\\tia for Windows agents")
    lease_options(serve)
    serve.add_argument("--log-level", choices=LOG_LEVELS, type=str.upper,
                       help="the server's log on stderr, each line with its request id (default: warnings, bare)")
    serve.set_defaults(func=cmd_serve)

    agent = sub.add_parser("agent", help="run a farm agent: a TIA host that serves backend calls from the broker")
    common(agent)
    agent.add_argument("--farm", metavar="BROKER_URL", required=True, help="the farm's Celery broker")
    agent.add_argument("--farm-state", metavar="REDIS_URL", help="Redis for results and heartbeats")
    agent.add_argument("--tia-versions", help="TIA versions this host runs, e.g. V19,V20 (default: the backend's)")
    agent.add_argument("--name", help="agent name (default: the host name); its queue is named after it. A name "
                       "is taken, not shared: under a live agent's name, an agent exits after one lease (code 3)")
    lease_options(agent)
    agent.add_argument("--log-level", choices=LOG_LEVELS, type=str.upper,
                       help="the agent's log on stderr; INFO logs every call with its request id (default: warnings)")
    agent.set_defaults(func=cmd_agent)

    mcp = sub.add_parser("mcp", help="serve MCP over stdio: in-process, or bridged to a running server with --url")
    from engineering_api.mcp import stdio as mcp_stdio

    mcp_stdio.add_arguments(mcp)

    openapi = sub.add_parser("openapi", help="print the OpenAPI JSON")
    openapi.add_argument("--pretty", action="store_true")
    openapi.set_defaults(func=cmd_openapi)

    keys_sub = _command_group(sub, "keys", "manage API keys", cmd_keys)
    create = keys_sub.add_parser("create", help="create a key (printed once)")
    create.add_argument("--role", required=True, choices=["viewer", "engineer", "admin"])
    create.add_argument("--name", required=True)
    common(create)
    listing = keys_sub.add_parser("list", help="list keys")
    common(listing)
    revoke = keys_sub.add_parser("revoke", help="revoke a key (running servers refuse it from their next request)")
    revoke.add_argument("key_id")
    common(revoke)

    db_sub = _command_group(sub, "db", "the service database's schema version", cmd_db)
    for name, text in (("current", "print the schema's revision and whether it is current (exit 1 when not)"),
                       ("upgrade", "migrate the schema to this build's revision (serve does it at start)")):
        db_command = db_sub.add_parser(name, help=text)
        db_command.add_argument("--data-dir", help="data directory (default ./var or ENGINEERING_API_DATA_DIR)")
        db_command.add_argument("--db", metavar="POSTGRES_URL", help="the PostgreSQL database serve --db uses")

    doctor = sub.add_parser("doctor", help="check this machine for the chosen backend")
    common(doctor)
    doctor.add_argument("--smoke", action="store_true",
                        help="walk the common calls (portal, project, device, block import/compile/export, online, "
                        "PLCSIM) against a scratch project it creates and deletes; prints a report for bug reports")
    doctor.add_argument("--host", help=argparse.SUPPRESS)
    doctor.add_argument("--port", type=int, help=argparse.SUPPRESS)
    doctor.set_defaults(func=cmd_doctor)

    from engineering_api.ci.commands import add_plc_check, add_scl_check, add_simaticml_check

    sml_sub = _command_group(sub, "simaticml", "offline SimaticML tools", cmd_simaticml)
    check = sml_sub.add_parser("check", help="check SimaticML exports: data types, operands, calls to blocks "
                               "missing from the set, and the read/write round trip; exit 1 on errors")
    add_simaticml_check(check)
    convert = sml_sub.add_parser("convert", help="re-target a document to another TIA version")
    convert.add_argument("file")
    convert.add_argument("--to", required=True, help="V16 … V21")
    convert.add_argument("--output", "-o", help="output file (default: standard output)")
    from engineering_api.ci import textconv

    textconv.add_arguments(sml_sub.add_parser(
        "textconv", help="write an export as stable text for git diff (a diff driver's textconv: "
        "docs/git-and-pipelines.md); UIds, IDs and timestamps left out"))

    scl_sub = _command_group(sub, "scl", "offline SCL tools", cmd_scl)
    scl_check = scl_sub.add_parser("check", help="parse and check SCL sources on their own; exit 1 on errors")
    add_scl_check(scl_check)
    _add_scl_build(scl_sub)
    from engineering_api.ci import fmt

    fmt.add_arguments(scl_sub.add_parser("fmt", help="write SCL sources as TIA Portal exports them (in place); "
                                         "--check: exit 1 if a file would change"))

    plc_sub = _command_group(sub, "plc", "offline PLC program tools", cmd_plc)
    plc_check = plc_sub.add_parser("check", help="compile an exported PLC program (SimaticML and SCL files) as "
                                   "TIA's software compile does; exit 1 on errors")
    add_plc_check(plc_check)

    from engineering_api.ci import testrun, testrun_server

    test_sub = _command_group(sub, "test", "PLC unit tests, offline on a folder or on a running server")
    test_run = test_sub.add_parser(
        "run", help="run PLC unit tests (all, by name or glob) and report: a FOLDER's program and tests offline, or a "
        "server's; exit 1 when any fails, 2 on usage or connection errors")
    testrun_server.add_arguments(test_run)
    testrun.add_arguments(test_run)
    test_run.set_defaults(func=cmd_test_run)

    from engineering_api.lsp import cli as lsp_cli

    lsp_cli.add_arguments(sub.add_parser("lsp", help="serve the Language Server Protocol for SCL over stdio "
                                         "(scl check's diagnostics, hover, navigation, completion): docs/editors.md"))

    completion = sub.add_parser("completion", help="print the shell completion script: "
                                "source <(engineering-api completion bash), or see docs/cli.md for zsh and fish")
    from engineering_api.lib.completion import SHELLS

    completion.add_argument("shell", choices=SHELLS)
    completion.set_defaults(func=cmd_completion)
    # from the subcommands themselves: a line written by hand beside them left out lsp
    parser.description = f"Command line: ``engineering-api {' | '.join(sub.choices)}``."
    return parser


_OURS = frozenset({"engineering_api", "simatic_xml", "fakes", "openness_bridge"})
"""Our own packages: a module of theirs that is missing is a broken install, not a missing extra."""

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE (13), also on Windows, which has no signal.SIGPIPE
"""The status a shell reports for a tool SIGPIPE ended (``yes | head -1`` under ``set -o pipefail``: 141)."""


def _quiet_broken_pipe() -> int:
    """A reader closed standard output (``| head -1``): say nothing, as Unix tools do, and end as they end.

    Python's recipe (the ``signal`` module's documentation, "Note on SIGPIPE"): point standard output at devnull,
    so the interpreter's flush at exit does not raise again and print "Exception ignored".
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is no file (a test's StringIO): nothing to silence
        pass
    finally:
        os.close(devnull)
    return EXIT_BROKEN_PIPE


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """The argument parser, built once per process: building all its subcommands costs more than a short command
    runs, and a caller that runs ``main`` in process (the tests, a pipeline's steps) runs it many times.
    Parsing does not change the parser (argparse copies the list defaults it extends)."""
    return build_parser()


def main(argv: list[str] | None = None) -> int:
    """Entry point; a usage error (unknown option, missing argument) returns 2 as argparse exits."""
    collector.space_young_collections()
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    from engineering_api.backend.errors import InsufficientStorageError

    try:
        return int(args.func(args))
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except ModuleNotFoundError as exc:
        if not exc.name or exc.name.split(".")[0] in _OURS:
            raise
        # The checker's install (pip install engineering-api) leaves the server's dependencies out: say which
        # install this command needs, in one line.
        print(f"error: {args.command} needs the server's dependencies ({exc.name} is not installed): "
              "pip install 'engineering-api[server]'", file=sys.stderr)
        return 2
    except InsufficientStorageError as exc:  # a full disk before any request: its message names the path and the fix
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
