"""Swagger UI at /swagger in a real browser: it shows every section from the package's own assets (the machine
has no internet, as plants have none) under its Content-Security-Policy without a console error; the filter box
finds a section, and "Authorize" with an API key then "Try it out" gets a 200 from a route that needs the key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engineering_api.config import Settings
from tests import live_http
from tests.browser.conftest import until
from tests.mcp.conftest import Live, live_server
from tools.bounds import HANG_GUARD_S


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(Settings.from_env(data_dir=tmp_path_factory.mktemp("swagger"))) as server:
        yield server


def _sections(live: Live) -> set[str]:
    # the first request builds the OpenAPI document of ~500 operations (~1.6 s on a quiet machine, over 60 s beside
    # Chromium at a load of 19 on 2 cores): a hang guard, not a speed check
    document = live_http.get(f"{live.base}/schema/openapi.json", headers=live.headers("viewer"),
                             timeout=HANG_GUARD_S).json()
    return {tag for methods in document["paths"].values() for operation in methods.values()
            for tag in operation.get("tags", ())}


def test_swagger_ui_lists_every_section_and_tries_an_operation_out(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    sections = _sections(live)  # builds the document first, so the page does not wait for it beside the browser
    browser.get(f"{live.base}/swagger")
    shown = "return [...document.querySelectorAll('.opblock-tag')].map(e => e.getAttribute('data-tag'))"
    until("the sections", lambda: len(browser.execute_script(shown)) >= len(sections))
    assert set(browser.execute_script(shown)) == sections
    assert "script-src 'self'" in live_http.get(f"{live.base}/swagger",
                                                timeout=HANG_GUARD_S).headers["content-security-policy"]

    browser.find_element(By.CSS_SELECTOR, "button.authorize").click()
    field = until("the key field", lambda: browser.find_elements(By.CSS_SELECTOR, ".auth-container input"))[0]
    field.send_keys(live.keys["viewer"])
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.authorize").click()
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.btn-done").click()

    browser.find_element(By.CSS_SELECTOR, "input.operation-filter-input").send_keys("Health")
    until("the filtered sections", lambda: browser.execute_script(shown) == ["Health & Status"])
    browser.find_element(By.CSS_SELECTOR, ".opblock-tag[data-tag='Health & Status']").click()
    block = until("the operation", lambda: browser.find_elements(
        By.XPATH, "//div[contains(@class,'opblock ')][.//*[@data-path='/api/health/versions']]"))[0]
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    until("Try it out", lambda: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    until("Execute", lambda: block.find_elements(By.CSS_SELECTOR, "button.execute"))[0].click()
    status = until("the answer", lambda: [c.text for c in block.find_elements(
        By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status") if c.text.strip()])
    assert status[0].strip() == "200"
    body = block.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre").text
    assert '"success": true' in body

    problems = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not problems, problems
