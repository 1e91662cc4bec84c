"""Log levels for the server and the agents (issue 52 item 4): ``logLevel`` / ``--log-level`` sets up one stderr line
per record with its request id; unset, logging is left as Python has it. In a child process: the test process's
own logging must not change."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engineering_api.config import Settings
from tools.bounds import HANG_GUARD_S

_SCRIPT = """
import logging
from engineering_api.config import Settings
from engineering_api.lib.observability import configure_logging, current_request_id
configure_logging(Settings.from_env().log_level)
configure_logging(Settings.from_env().log_level)  # again: still one line per record
log = logging.getLogger("engineering_api.example")
log.debug("debug line")
log.info("info line")
token = current_request_id.set("req-42")
log.warning("warning line")
current_request_id.reset(token)
"""


def _stderr(level: str | None) -> str:
    env = {"PATH": "/usr/bin:/bin", **({"ENGINEERING_API_LOG_LEVEL": level} if level else {})}
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env,
                          timeout=HANG_GUARD_S, check=True)
    return done.stderr


def test_a_log_level_shows_that_level_up_with_each_records_request_id() -> None:
    lines = _stderr("info").splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith("INFO engineering_api.example [None] info line"), lines[0]
    assert lines[1].endswith("WARNING engineering_api.example [req-42] warning line"), lines[1]


def test_without_a_log_level_logging_is_left_as_python_has_it() -> None:
    assert _stderr(None).splitlines() == ["warning line"]  # Python's last resort: warnings, bare


def test_a_wrong_log_level_stops_the_start_with_its_reason() -> None:
    assert Settings.from_env(log_level="debug").log_level == "DEBUG"
    with pytest.raises(ValueError, match="logLevel"):
        Settings.from_env(log_level="chatty")


_APP_SCRIPT = """
import logging, pathlib, tempfile
from litestar.testing import TestClient
from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.lib.observability import configure_logging
settings = Settings.from_env(data_dir=pathlib.Path(tempfile.mkdtemp()))
configure_logging(settings.log_level)
# the start logs: the scheduler's INFO lines, the first key
with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
    assert client.get("/api/health/ping").status_code == 200
    logging.getLogger("engineering_api.example").warning("warning line")
"""


def test_the_app_s_start_keeps_the_log_level_and_format_it_was_given() -> None:
    """Litestar configures logging at start unless told not to: the root logger's handlers and level were replaced,
    so ``--log-level warning`` printed every library's INFO lines in Litestar's format, without request ids."""
    env = {"PATH": "/usr/bin:/bin", "ENGINEERING_API_LOG_LEVEL": "warning"}
    done = subprocess.run([sys.executable, "-c", _APP_SCRIPT], capture_output=True, text=True, env=env,
                          timeout=HANG_GUARD_S, check=True)
    lines = done.stderr.splitlines()
    assert lines and all(" WARNING engineering_api" in line and " [" in line for line in lines), lines
    assert lines[-1].endswith("WARNING engineering_api.example [None] warning line"), lines
