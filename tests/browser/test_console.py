"""The web console in headless Chromium against a served app on the fake: sign in with a key, the project tree and
its search, a block of each language (LAD and FBD drawn as SVG, SCL and STL as numbered text, GRAPH as steps and
transitions, a DB's members), a compile error at its line, a viewer refused a change, and an accessibility check
(labels, names, keyboard focus, contrast) without a console error (the CSP allows no inline script or style).

Screenshots of the main pages go to $CONSOLE_SCREENSHOTS (docs/console/ for the README's)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from engineering_api.config import Settings
from tests.browser.conftest import until
from tests.console.conftest import corpus_file
from tests.mcp.conftest import Live, live_server
from tools.bounds import HANG_GUARD_S
from tests.browser.console_pages import BLOCKS, BROKEN, SHOTS, browser_errors, sign_in


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    sources = {name: corpus_file(path).read_text(encoding="utf-8-sig") for name, path in BLOCKS.items()}
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("console"), fake_auto_launch=False)
    with live_server(settings) as server:
        with httpx.Client(base_url=server.base, headers=server.headers("admin"), timeout=HANG_GUARD_S) as api:
            def ok(response: httpx.Response) -> Any:
                assert response.status_code == 200, response.text
                return response.json()["data"]

            ok(api.post("/api/instance/actions/launch", json={"version": "V18"}))
            ok(api.post("/api/projects/actions/create-sync", json={"name": "Line1"}))
            ok(api.post("/api/projects/devices/actions/add-sync",
                        json={"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"}))
            for xml in sources.values():
                ok(api.post("/api/devices/PLC_1/blocks", json={"rawXml": xml}))
            ok(api.post("/api/blockgeneration/generate-and-import", json={"spec": BROKEN, "deviceName": "PLC_1"}))
        yield server


def _open(browser: Any, live: Live, block: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{live.base}/console/devices/PLC_1/blocks/{block}")
    until(f"the block {block}", lambda: browser.find_elements(By.CSS_SELECTOR, "main h1"))


def test_sign_in_tree_search_and_a_block_of_each_language(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1400, 1000)
    browser.get(live.base + "/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "signin.png"))
    sign_in(browser, live, "engineer")
    assert browser.find_element(By.ID, "project-title").text == "Line1"
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#program li[data-name] > a")]
    assert {"LED", "FBD_Block", "FC_LIST", "GF7", "DB04_Conveyor", "FC_Scale"} <= set(names)
    browser.save_screenshot(str(SHOTS / "project.png"))
    search = browser.find_element(By.ID, "tree-filter")
    search.send_keys("fc_")
    shown = "return [...document.querySelectorAll('#program li[data-name]:not(.hidden) > a')].map(a => a.textContent)"
    until("the filtered tree", lambda: set(browser.execute_script(shown)) == {"FC_LIST", "FC_Scale"})

    _open(browser, live, "LED")
    lad = browser.find_elements(By.CSS_SELECTOR, "article[data-language=LAD] svg.network.lad")
    assert len(lad) == 5
    assert browser.find_elements(By.CSS_SELECTOR, "svg.lad g.contact") and browser.find_elements(
        By.CSS_SELECTOR, "svg.lad g.coil")
    assert "#GreenBlinkTemp" in lad[0].text  # operands drawn as text in the SVG
    browser.save_screenshot(str(SHOTS / "block-lad.png"))

    _open(browser, live, "FBD_Block")
    fbd = browser.find_element(By.CSS_SELECTOR, "article[data-language=FBD] svg.network.fbd")
    assert "MOVE" in fbd.text and "#statInfo2" in fbd.text  # TIA's mnemonic, not the XML name Move

    _open(browser, live, "FC_LIST")
    assert browser.find_elements(By.CSS_SELECTOR, "article[data-language=STL] pre.code span.line")
    assert "EMPTY_LINE" not in browser.find_element(By.CSS_SELECTOR, "article[data-language=STL] pre.code").text

    _open(browser, live, "GF7")
    steps = browser.find_elements(By.CSS_SELECTOR, ".graph-seq .graph-step")
    assert len(steps) > 3 and browser.find_elements(By.CSS_SELECTOR, ".graph-seq .graph-trans svg.network")
    assert "init" in steps[0].get_attribute("class")  # the chart starts at the initial step
    paths = browser.find_elements(By.CSS_SELECTOR, ".graph-branch.sim > .graph-path")
    assert len(paths) == 2 and paths[0].location["y"] == paths[1].location["y"]  # side by side
    browser.execute_script("document.querySelector('.graph-seq').scrollIntoView()")
    browser.save_screenshot(str(SHOTS / "block-graph.png"))

    _open(browser, live, "DB04_Conveyor")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".members tr[data-member]")) > 5
    assert not browser_errors(browser)


def test_a_compile_error_is_shown_at_its_line(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    sign_in(browser, live, "engineer")
    _open(browser, live, "FC_Scale")
    assert "tok-com" in browser.find_element(By.ID, "n1-l1").get_attribute("innerHTML")  # highlighted
    browser.find_element(By.ID, "compile").click()
    result = until("the compile result", lambda: browser.find_elements(By.ID, "compile-result"))[0]
    assert "1 error" in result.text
    line = browser.find_element(By.ID, "n1-l3")
    assert "has-error" in line.get_attribute("class")
    note = line.find_element(By.XPATH, "following-sibling::span[1]")
    assert "line 3, column 14" in note.text and "String" in note.text
    browser.save_screenshot(str(SHOTS / "block-scl-error.png"))
    assert not browser_errors(browser)


def test_a_viewer_sees_no_write_button_and_a_forged_write_is_refused(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    sign_in(browser, live, "viewer")
    _open(browser, live, "FC_Scale")
    assert not browser.find_elements(By.ID, "compile")
    # the form a viewer does not get, posted anyway with a valid CSRF token: the server refuses it
    browser.execute_script("""
      const token = document.querySelector('input[name=_csrf_token]').value;
      const form = document.createElement('form');
      form.method = 'post'; form.action = location.pathname + '/compile';
      const field = document.createElement('input'); field.type = 'hidden'; field.name = '_csrf_token';
      field.value = token; form.appendChild(field); document.body.appendChild(form); form.submit();""")
    alert = until("the refusal", lambda: browser.find_elements(By.CSS_SELECTOR, "p.error[data-code=FORBIDDEN]"))[0]
    assert "engineer" in alert.text
    rows = live.services.db.all("SELECT status, role, via FROM audit WHERE path LIKE '%/FC_Scale/compile'")
    assert (403, "viewer", "console") in [tuple(r) for r in rows]


CHECKS = """
const problems = [];
for (const field of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
  const labelled = field.labels && field.labels.length || field.getAttribute('aria-label');
  if (!labelled) problems.push('no label: ' + field.outerHTML.slice(0, 80));
}
for (const el of document.querySelectorAll('a, button')) {
  if (!(el.textContent.trim() || el.getAttribute('aria-label'))) problems.push('no name: ' + el.outerHTML.slice(0, 80));
}
for (const svg of document.querySelectorAll('svg')) {
  if (!svg.getAttribute('aria-label')) problems.push('svg without a name');
}
if (!document.documentElement.lang) problems.push('no lang');
function rgb(text) { return text.match(/[\\d.]+/g).slice(0, 4).map(Number); }
function lum(c) { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                  return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c;
  }
  return [255, 255, 255];
}
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || el.closest('svg') || !el.offsetParent) continue;
  const style = getComputedStyle(el);
  const fg = rgb(style.fill && el instanceof SVGElement ? style.fill : style.color), bg = background(el);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05), large = parseFloat(style.fontSize) >= 18.66;
  if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ': ' + el.textContent.trim().slice(0, 40));
}
return problems;
"""  # noqa: E501 - the text is data: its lines stay as they are


def test_pages_are_accessible_by_keyboard_with_labels_and_contrast(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(live.base + "/")
    assert browser.execute_script(CHECKS) == []
    sign_in(browser, live, "engineer")
    for page in ("/console/project", "/console/devices/PLC_1/blocks/LED", "/console/devices/PLC_1/blocks/FC_Scale",
                 "/console/devices/PLC_1/blocks/DB04_Conveyor", "/console/devices/PLC_1/blocks/GF7",
                 "/console/jobs", "/console/plc", "/console/history", "/console/tests", "/console/runtime"):
        browser.get(live.base + page)
        until("the page", lambda: browser.find_elements(By.CSS_SELECTOR, "main h1, main h2"))
        assert browser.execute_script(CHECKS) == [], page
    # keyboard: the skip link comes first and the navigation is reachable with Tab alone
    browser.get(live.base + "/console/project")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    reached = []
    for _ in range(8):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        reached.append(browser.switch_to.active_element.text)
    assert "Project" in reached and "Jobs" in reached
    assert not browser_errors(browser)
