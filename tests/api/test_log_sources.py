"""Text from outside reaches the server log on one line of its own record (CWE-117), in the order a served process
sets logging up: ``engineering-api serve`` configures its log (and the request id of every record) before it
builds the app, and the escaping of lib/log_escape.py must hold then too. Before, it was skipped whenever another
record factory came first: a push target answering 400 with a body holding a line feed and a forged record wrote
a line indistinguishable from a real one.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import threading
from typing import Any

import pytest
import time_machine
from litestar import Litestar
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.lib.observability import configure_logging
from tests.api.runtime_pushes import PUSHES, admin_key, list_deliveries, log_shift, push_body, resend_shift
from tools.bounds import until
from tests.conftest import data

FORGED = "2026-11-27 03:00:00,000 WARNING engineering_api.security [-] admin key rotated by operator"


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """The process's log as ``serve`` sets it up (before any app exists), written into a buffer."""
    root = logging.getLogger()
    level, handlers, factory = root.level, list(root.handlers), logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)  # a fresh process: nothing installed yet
    # ... and no logger configured by an app another test built (Litestar's default logging config keeps the
    # "litestar" logger's lines to itself): every logger passes its lines up, as in a process serve starts
    loggers = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    kept = [(logger, logger.propagate, logger.disabled, list(logger.handlers)) for logger in loggers]
    for logger in loggers:
        logger.propagate, logger.disabled = True, False
        for handler in [h for h in logger.handlers if not isinstance(h, logging.NullHandler)]:
            logger.removeHandler(handler)
    configure_logging("INFO")
    buffer = io.StringIO()
    for handler in root.handlers:
        if getattr(handler, "engineering_api_log", False) and isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    try:
        yield buffer
    finally:  # the test process's logging as it was
        for added in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(added)
        root.setLevel(level)
        logging.setLogRecordFactory(factory)
        for logger, propagate, disabled, own in kept:
            logger.propagate, logger.disabled, logger.handlers[:] = propagate, disabled, own


def _served(data_dir: Path) -> TestClient[Litestar]:
    """A client of an app built now, after the log was set up, as ``serve`` builds it (not a cached one)."""
    return TestClient(create_app(Settings.from_env(data_dir=data_dir)))


def _forged_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith(FORGED[:20])]


class _RefusingTarget:
    """An ERP that answers every delivery with 400 and ``body``."""

    def __init__(self, body: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = body.encode()
                self.send_response(400)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/erp/shift"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_push_targets_error_body_cannot_forge_a_log_line(tmp_path: Path, server_log: io.StringIO) -> None:
    target = _RefusingTarget(f"bad request\n{FORGED}\r\n\x1b[2Kcleared")
    try:
        with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), tick=True):
            with _served(tmp_path) as client:
                headers = admin_key(tmp_path)
                log_shift(client, headers)
                push_id = data(client.post(PUSHES, json=push_body(target.url), headers=headers), 201)["pushId"]
                resend_shift(client, headers, push_id)
                until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["status"] == "failed"],
                      "the refusal")
    finally:
        target.close()
    log = server_log.getvalue()
    assert "HTTP 400: bad request\\n" + FORGED in log, log  # the body is there, escaped, on its record's line
    assert _forged_lines(log) == [] and "\x1b" not in log


@pytest.mark.parametrize("source", ["a remote's message", "a file name", "a webhook body", "a request path"])
def test_every_logger_escapes_in_a_served_process(tmp_path: Path, server_log: io.StringIO, source: str) -> None:
    """Whatever logger writes the outside text (a library's included), the record's line is one line."""
    with _served(tmp_path):
        for name in ("engineering_api.domain.sourcecontrol", "litestar", "httpx"):
            logging.getLogger(name).warning("%s: %s", source, f"x\n{FORGED}\u2028")
            logging.getLogger(name).warning(f"{source}: x\r\n{FORGED}")
    log = server_log.getvalue()
    assert _forged_lines(log) == [] and log.count(FORGED) == 6, log


def test_an_exceptions_message_in_a_traceback_cannot_forge_a_log_line(tmp_path: Path,
                                                                       server_log: io.StringIO) -> None:
    """``logger.exception`` of an error that carries outside text (a target's answer) keeps the traceback's own
    lines and escapes the text, in the exception and in the one it was raised from."""
    with _served(tmp_path):
        try:
            try:
                raise ValueError(f"answer: x\n{FORGED}")
            except ValueError as inner:
                raise RuntimeError(f"delivery failed\r\n{FORGED}") from inner
        except RuntimeError:
            logging.getLogger("engineering_api.runtime.pushes.outbox").exception("push outbox: delivery round failed")
    log = server_log.getvalue()
    assert "Traceback (most recent call last):" in log and "delivery failed\\r\\n" + FORGED in log, log
    assert "answer: x\\n" + FORGED in log and _forged_lines(log) == []
