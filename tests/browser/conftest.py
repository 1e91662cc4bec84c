"""Headless Chromium (Debian's chromium and chromium-driver) driven by Selenium, for the browser tests.

'make test' installs the two packages as root; without them the tests skip with the reason, and with CI=true they
fail instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from tests.api.motor_test_program import motor_program_with_its_test
from tests.conftest import skip_or_fail
from tools import bounds
from tools.bounds import HANG_GUARD_S

__all__ = ("line1_with_the_motor_program", "require_browser", "until")

CHROMIUM = shutil.which("chromium") or ""
CHROMEDRIVER = shutil.which("chromedriver") or ""


def require_browser() -> None:
    """Skip (or, in CI, fail) without Debian's chromium and chromium-driver."""
    if CHROMIUM and CHROMEDRIVER:
        return
    reason = ("browser tests need chromium and chromedriver (Debian: apt-get install chromium chromium-driver; "
              "'make test' installs them as root)")
    skip_or_fail(reason, "the browser tests")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.chromium.remote_connection import ChromiumRemoteConnection
    from selenium.webdriver.remote.client_config import ClientConfig

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The flags keep Chromium off the network this machine does not have (background updates, sync, QUIC).
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, for CSP and script errors
    # webdriver.Chrome reads chromedriver's answers with a fixed 120 s bound; a command that waits for a busy page
    # (Swagger UI building ~500 operations on a loaded machine) took longer, so the connection is made here with a
    # bound above the script timeout set below
    service = Service(CHROMEDRIVER)
    service.start()
    executor = ChromiumRemoteConnection(
        remote_server_addr=service.service_url, vendor_prefix="goog", browser_name="chrome",
        client_config=ClientConfig(remote_server_addr=service.service_url, timeout=int(HANG_GUARD_S) + 60))
    try:
        driver = _chromium_class()(command_executor=executor, options=options)
    except Exception:
        service.stop()
        raise
    # A script's bound (WebDriver's default 30 s) is a hang guard too: while Swagger UI builds its ~500 operations,
    # Chromium's main thread runs no script for many seconds on a loaded machine (a page load's default is 300 s)
    driver.set_script_timeout(HANG_GUARD_S)
    try:
        yield driver
    finally:
        try:
            driver.quit()
        finally:
            service.stop()


def _chromium_class() -> Any:
    from selenium import webdriver
    from selenium.webdriver.remote.command import Command

    class Chromium(webdriver.Remote):
        """A remote driver with Chromium's log command, which webdriver.Chrome (not used, see above) adds."""

        def get_log(self, log_type: str) -> Any:
            return self.execute(Command.GET_LOG, {"type": log_type})["value"]

    return Chromium


def until(what: str, check: Callable[[], Any], timeout: float = HANG_GUARD_S) -> Any:
    """The first truthy answer of ``check()`` (what the browser shows), as :func:`tools.bounds.until` waits."""
    return bounds.until(check, f"the browser to get {what}", timeout=timeout, every=0.1)


def line1_with_the_motor_program(api: httpx.Client) -> None:
    """Through ``api``: launch V18, create the project ``Line1`` with the CPU 1516-3 PN/DP ``PLC_1``, and give it
    the motor program with its test (what the console's live pages are checked against)."""
    for path, body in (("/api/instance/actions/launch", {"version": "V18"}),
                       ("/api/projects/actions/create-sync", {"name": "Line1"}),
                       ("/api/projects/devices/actions/add-sync",
                        {"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"})):
        assert api.post(path, json=body).status_code == 200
    motor_program_with_its_test(api, dict(api.headers))
