"""The console in everyday use (issue 49), in headless Chromium against a served app: in a 500 px wide window the
header's links and *Sign out* lie inside the window on each page type and *Sign out* works (it was off-screen);
*Run* on the tests page ends on the run's result case by case (it ended on the job's raw JSON)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from engineering_api.config import Settings
from tests.browser.conftest import line1_with_the_motor_program, until
from tests.mcp.conftest import Live, live_server

WIDTH = 500
PAGES = ("/console/project", "/console/jobs", "/console/plc", "/console/tests", "/console/history")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("narrow"), fake_auto_launch=False)
    with live_server(settings) as server:
        with httpx.Client(base_url=server.base, headers=server.headers("admin"), timeout=60) as api:
            line1_with_the_motor_program(api)
        yield server


def _outside(browser: Any, selector: str) -> list[str]:
    """The elements matching ``selector`` not wholly inside the window's width, or not visible."""
    return browser.execute_script(
        """const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll(arguments[0])].filter(e => {
          const r = e.getBoundingClientRect();
          return r.width === 0 || r.left < 0 || r.right > width;
        }).map(e => e.textContent.trim());""", selector)


def _sign_in(browser: Any, live: Live, width: int) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.set_window_size(width, 900)
    browser.get(live.base + "/")
    until("the key field", lambda: browser.find_elements(By.ID, "apiKey"))[0].send_keys(live.keys["engineer"])
    browser.find_element(By.CSS_SELECTOR, "#signin button[type=submit]").click()
    until("the project", lambda: browser.find_elements(By.ID, "project-title"))


def test_sign_out_and_the_links_are_on_screen_at_500_px(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(browser, live, WIDTH)
    assert browser.execute_script("return window.innerWidth") <= WIDTH
    for path in PAGES:
        browser.get(live.base + path)
        until(f"the page {path}", lambda: browser.find_elements(By.CSS_SELECTOR, "main h1"))
        assert _outside(browser, "header.top a, header.top button, header.top .who") == [], path
    browser.find_element(By.XPATH, "//header//button[normalize-space()='Sign out']").click()
    until("the sign-in form", lambda: browser.find_elements(By.ID, "apiKey"))


def test_run_on_the_tests_page_ends_on_the_result_case_by_case(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(browser, live, 1400)
    browser.get(live.base + "/console/tests")
    until("the Run button", lambda: browser.find_elements(By.ID, "run-tests"))[0].click()
    result = until("the run's result", lambda: browser.find_elements(By.ID, "run-result"), timeout=90)[0]
    assert "1 of 1 passed" in result.text and "Motor runs 2 s after start" in result.text
    assert browser.find_elements(By.CSS_SELECTOR, "pre.code") == [], "no raw job JSON"
    assert "/console/tests?run_id=" in browser.current_url
