"""The console in headless Chromium (issue 49): cross-references found from a block's page lead to the network that
uses the object; axe-core reports no serious or critical violation on any page type (project, blocks in LAD, FBD,
SCL, STL and GRAPH, a PLC data type, monitoring, tests, jobs, PLC, history, cross-references, a tag table's second
page).

axe-core is not served by the console: the test installs its pinned npm package outside the repository (as the
real-client test installs esbuild) and injects it into each page through WebDriver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from engineering_api.config import Settings
from engineering_api.console.tags_page import TAGS_PER_PAGE
from tools.bounds import HANG_GUARD_S
from tests.browser.conftest import line1_with_the_motor_program, until
from tests.console.conftest import corpus_file
from tests.conftest import data, skip_or_fail
from simatic_xml import parse_bytes
from tests.mcp.conftest import Live, live_server

AXE_VERSION = "4.14.1"
AXE_CACHE = Path(os.environ.get("AXE_CACHE", Path.home() / ".cache" / "engineering-api" / "axe"))
BLOCKS = {  # corpus exports of V16-V18, one per language the console draws
    "LAD": "fc/mking2203_plcBlock_LAD_Block_3.xml", "LAD boxes": "fb/nlanderCON_AXIS_CMMT_V2_Motion_Control.xml",
    "FBD": "fb/sitrainsh_FBD_Block.xml", "SCL": "fc/Gildej31_FC_CALCUL.xml", "STL": "fc/Gildej31_FC_LIST_V18.xml",
    "GRAPH": "fb/Gildej31_GF7_V18.xml",
}
UDT = {"name": "UDT_Valve", "members": [{"name": "Open", "dataType": "Bool"}]}


def _axe_source() -> str:
    """axe-core's browser build, installed once with npm into the cache (never into the repository)."""
    script = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    package = script.parent / "package.json"
    installed = json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else None
    if installed != AXE_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("the accessibility test needs npm to install axe-core (apt-get install npm)", "axe-core")
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", f"axe-core@{AXE_VERSION}"],
                              cwd=AXE_CACHE, capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
        if done.returncode != 0 or not script.is_file():
            skip_or_fail(f"npm could not install axe-core@{AXE_VERSION} into {AXE_CACHE}: {done.stderr[-300:]}",
                         "axe-core")
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("xref-a11y"), fake_auto_launch=False)
    with live_server(settings) as server:
        with httpx.Client(base_url=server.base, headers=server.headers("admin"), timeout=HANG_GUARD_S) as api:
            line1_with_the_motor_program(api)
            for relative in BLOCKS.values():
                raw = corpus_file(relative).read_text(encoding="utf-8-sig")
                data(api.post("/api/devices/PLC_1/blocks", json={"rawXml": raw}))
            data(api.post("/api/devices/PLC_1/udts", json=UDT))
            # a table longer than a page: the tag-table page's pager and search
            data(api.post("/api/devices/PLC_1/tags/actions/import-sync", json={"tags": [
                {"name": f"Many_{i}", "dataType": "Bool", "logicalAddress": f"%M{100 + i // 8}.{i % 8}",
                 "tableName": "Many"} for i in range(TAGS_PER_PAGE + 1)]}))
        yield server


def _sign_in(browser: Any, live: Live) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.set_window_size(1400, 900)
    browser.get(live.base + "/")
    until("the key field", lambda: browser.find_elements(By.ID, "apiKey"))[0].send_keys(live.keys["engineer"])
    browser.find_element(By.CSS_SELECTOR, "#signin button[type=submit]").click()
    until("the project", lambda: browser.find_elements(By.ID, "project-title"))


def _block_names() -> dict[str, str]:
    return {label: str(parse_bytes(corpus_file(relative).read_bytes()).object.name)
            for label, relative in BLOCKS.items()}


def test_cross_references_lead_from_a_block_to_the_network_using_it(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(browser, live)
    browser.get(f"{live.base}/console/devices/PLC_1/blocks/FB_Motor")
    until("the block's Cross-references link",
          lambda: browser.find_elements(By.LINK_TEXT, "Cross-references"))[0].click()
    rows = until("the uses of FB_Motor", lambda: browser.find_elements(By.CSS_SELECTOR, "#xref-usages tr[data-access]"))
    assert any("Instance" in row.text or "Call" in row.text for row in rows)
    # a tag typed into the form: Block_3's coil writes Tag_3 in network 1
    field = browser.find_element(By.ID, "xref-name")
    field.clear()
    field.send_keys('"Tag_3"')
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    row = until("the use of Tag_3",
                lambda: browser.find_elements(By.CSS_SELECTOR, "#xref-usages tr[data-access=Write]"))[0]
    assert "Block_3" in row.text and "NW 1" in row.text
    row.find_element(By.CSS_SELECTOR, "a.network-link").click()
    until("the block page at network 1", lambda: browser.current_url.endswith("/blocks/Block_3#network-1")
          and browser.find_elements(By.CSS_SELECTOR, "#network-1 svg"))
    # the network is where the browser went: on screen
    assert browser.execute_script(
        "const r = document.getElementById('network-1').getBoundingClientRect();"
        "return r.top >= 0 && r.top < window.innerHeight;")


def _serious(browser: Any, axe: str) -> list[str]:
    browser.execute_script(axe)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.filter("
        "  v => v.impact === 'serious' || v.impact === 'critical').map("
        "  v => v.id + ' (' + v.impact + '): ' + v.nodes.length + ' x ' + v.nodes[0].target.join(' '))))"
        ".catch(e => done(['axe failed: ' + e]));")
    return list(result)


def test_axe_core_finds_no_serious_or_critical_violation_on_any_page_type(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    axe = _axe_source()
    names = _block_names()
    pages = ["/console/project", "/console/tests", "/console/jobs", "/console/plc", "/console/history",
             "/console/devices/PLC_1/udts/UDT_Valve", "/console/devices/PLC_1/cross-references",
             "/console/devices/PLC_1/cross-references?name=Tag_3", "/console/devices/PLC_1/tag-tables/Many?page=2",
             "/console/devices/PLC_1/blocks/FB_Motor/monitor",
             *(f"/console/devices/PLC_1/blocks/{name}" for name in names.values())]
    _sign_in(browser, live)
    found = {}
    for path in pages:
        browser.get(live.base + path)
        until(f"the page {path}", lambda: browser.find_elements(By.CSS_SELECTOR, "main h1"))
        if path.endswith("/monitor"):
            until("monitoring to connect", lambda: "connecting" not in
                  browser.find_element(By.ID, "monitor-status").text)
        violations = _serious(browser, axe)
        if violations:
            found[path] = violations
    assert found == {}
