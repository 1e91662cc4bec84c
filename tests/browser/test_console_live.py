"""The web console in headless Chromium on a running simulated PLC and a project under git: monitoring a TON (the
values on the SCL lines change as the PLC's virtual time advances: the test waits for the page to change, never
for time), STOP refused without its confirmation, and a diff of two commits from the history page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from engineering_api.config import Settings
from tests.api.motor_plant import DEVICE, INSTANCE, prepare_motor_plant
from tests.api.source_control_support import SC
from tests.browser.conftest import until
from tests.browser.console_pages import SHOTS, browser_errors, sign_in
from tests.conftest import CPU, data
from tests.mcp.conftest import Live, live_server
from tools.bounds import HANG_GUARD_S


LAMP = {"blockType": "FB", "name": "FB_Lamp", "number": 20, "language": "LAD",
        "interface": {"Input": [{"name": "Start", "dataType": "Bool"}],
                      "Output": [{"name": "Lamp", "dataType": "Bool"}],
                      "Static": [{"name": "T", "dataType": "TON_TIME"}]},
        "networks": [{"title": "Delayed lamp", "lad": [[{"contact": "#Start"},
                                                         {"box": "TON", "instance": "#T", "inputs": {"PT": "T#2s"}},
                                                         {"coil": "#Lamp"}]]}]}
"""A LAD FB with a TON, called from the motor program's OB1 with its instance "Lamp_DB"."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import tests.api.motor_plant as motor

    program = motor.MOTOR_SCL.replace('DATA_BLOCK "Motor1_DB"',
                                      'DATA_BLOCK "Lamp_DB"\n"FB_Lamp"\nBEGIN\nEND_DATA_BLOCK\n\n'
                                      'DATA_BLOCK "Motor1_DB"').replace(
        'BEGIN\n   "Motor1_DB"(', 'BEGIN\n   "Lamp_DB"(Start := "Start_PB");\n   "Motor1_DB"(')
    assert '"Lamp_DB"(Start' in program
    with live_server(Settings.from_env(data_dir=tmp_path_factory.mktemp("console-live"))) as server, \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr(motor, "MOTOR_SCL", program)
        h = server.headers("admin")
        with httpx.Client(base_url=server.base, timeout=HANG_GUARD_S) as api:
            data(api.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))
            data(api.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                          headers=h))
            data(api.post("/api/blockgeneration/generate-and-import", json={"spec": LAMP, "deviceName": "PLC_1"},
                          headers=h))
            prepare_motor_plant(api, h)
            data(api.post(f"{DEVICE}/actions/download-sync", json={"startAfterDownload": True}, headers=h))
            data(api.post("/api/simulation/connect", json={"instanceName": "Line1_PLC"}, headers=h))
        yield server


def _api(live: Live) -> httpx.Client:
    return httpx.Client(base_url=live.base, headers=live.headers("admin"), timeout=HANG_GUARD_S)


def test_monitoring_a_ton_shows_its_values_change(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with _api(live) as api:
        data(api.put("/api/simulation/tags/Guard_Closed", json={"value": True}))
        data(api.put("/api/simulation/tags/Start_PB", json={"value": True}))
        data(api.post(f"{INSTANCE}/actions/step", json={"milliseconds": 500}))
    sign_in(browser, live, "engineer")
    browser.get(f"{live.base}/console/devices/PLC_1/blocks/FB_Motor/monitor")
    value = "return document.querySelector('#n1-l1 .value').textContent"
    first = until("the first values", lambda: "#StartDelay.ET = T#" in (browser.execute_script(value) or "")
                  and browser.execute_script(value))
    assert "#Start = TRUE" in first
    with _api(live) as api:
        data(api.post(f"{INSTANCE}/actions/step", json={"milliseconds": 1000}))
    later = until("new values", lambda: browser.execute_script(value) != first and browser.execute_script(value))
    assert "#StartDelay.ET = T#" in later and later != first
    assert browser.find_element(By.ID, "monitor-status").text.startswith("live")
    browser.execute_script("document.getElementById('network-1').scrollIntoView()")
    browser.save_screenshot(str(SHOTS / "monitor.png"))
    assert not browser_errors(browser)


def test_monitoring_a_ton_in_lad_draws_the_power_flow(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with _api(live) as api:
        data(api.put("/api/simulation/tags/Start_PB", json={"value": True}))
        data(api.post(f"{INSTANCE}/actions/step", json={"milliseconds": 100}))
    sign_in(browser, live, "engineer")
    browser.get(f"{live.base}/console/devices/PLC_1/blocks/FB_Lamp/monitor")
    wires = "return [...document.querySelectorAll('#network-1 g.wire')].map(w => w.getAttribute('class'))"
    # the contact passes power, the timer's Q is still FALSE: flow up to the box, none after it
    until("the flow before the delay", lambda: "wire on" in browser.execute_script(wires)
          and "wire off" in browser.execute_script(wires))
    values = "return [...document.querySelectorAll('#network-1 svg text.value')].map(t => t.textContent)"
    assert "TRUE" in browser.execute_script(values)
    # the running TON shows its elapsed time at ET (its PT, T#2s, is the operand at PT)
    until("the TON's elapsed time", lambda: any(v.startswith("T#") for v in browser.execute_script(values)))
    # TRUE is a solid green line, FALSE a dashed blue one, as TIA draws them
    style = ("const p = document.querySelector('#network-1 g.wire.' + arguments[0] + ' path');"
             "const s = getComputedStyle(p); return [s.stroke, s.strokeDasharray];")
    assert browser.execute_script(style, "on") == ["rgb(29, 127, 54)", "none"]
    off = browser.execute_script(style, "off")
    assert off[0] == "rgb(31, 79, 191)" and off[1] != "none"
    # on the symbols too: the closed contact solid green, the coil behind the running delay dashed blue; a TRUE
    # value written green, not in the colour of FALSE
    symbol = ("const p = document.querySelector('#network-1 g.part.' + arguments[0] + ' .sym');"
              "const s = getComputedStyle(p); return [s.stroke, s.strokeDasharray];")
    until("the parts' states", lambda: browser.find_elements(By.CSS_SELECTOR, "#network-1 g.part.coil.off"))
    assert browser.execute_script(symbol, "contact.on") == ["rgb(29, 127, 54)", "none"]
    coil = browser.execute_script(symbol, "coil.off")
    assert coil[0] == "rgb(31, 79, 191)" and coil[1] != "none"
    true_fill = "return getComputedStyle(document.querySelector('#network-1 .value.true')).fill"
    assert browser.execute_script(true_fill) == "rgb(29, 127, 54)"
    with _api(live) as api:
        data(api.post(f"{INSTANCE}/actions/step", json={"milliseconds": 2500}))
    until("the flow after the delay", lambda: "wire off" not in browser.execute_script(wires))
    assert browser.find_elements(By.CSS_SELECTOR, "#network-1 g.wire.on")
    browser.execute_script("document.getElementById('network-1').scrollIntoView()")
    browser.save_screenshot(str(SHOTS / "monitor-lad.png"))
    assert not browser_errors(browser)


def test_stop_without_confirmation_is_refused_like_rest(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    sign_in(browser, live, "engineer")
    browser.get(f"{live.base}/console/plc")
    assert until("the state", lambda: browser.find_elements(By.ID, "state-PLC_1"))[0].text == "Run"
    browser.save_screenshot(str(SHOTS / "plc.png"))
    browser.execute_script("window.confirm = () => true;")  # the page's own dialog says yes; the checkbox does not
    browser.find_element(By.ID, "stop-PLC_1").click()
    until("the refusal", lambda: browser.find_elements(By.CSS_SELECTOR, "p.error[role=alert]"))
    with _api(live) as api:
        assert data(api.get(f"{DEVICE}/cpu/status"))["operatingState"] == "Run"


def test_a_diff_between_two_commits(live: Live, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with _api(live) as api:
        data(api.post(f"{SC}/init"))
        api.post(f"{SC}/commit-sync", json={"Message": "motor with a 3 s start delay"}).raise_for_status()
        motor = data(api.get(f"{DEVICE}/blocks/FB_Motor/source"))["sourceText"]
        changed = motor.replace("T#3s", "T#5s").replace("T#3S", "T#5S")
        assert changed != motor
        data(api.post(f"{DEVICE}/external-sources/import-and-generate",
                      json={"SourceName": "Motor2.scl", "SclContent": changed, "Overwrite": True}))
        api.post(f"{SC}/commit-sync", json={"Message": "start delay 5 s"}).raise_for_status()
    sign_in(browser, live, "viewer")
    browser.get(f"{live.base}/console/history")
    until("the commits", lambda: len(browser.find_elements(By.CSS_SELECTOR, "tr[data-sha]")) >= 2)
    browser.find_element(By.ID, "compare-button").click()
    block = until("the changed block", lambda: browser.find_elements(By.CSS_SELECTOR, "[data-object=FB_Motor]"))[0]
    assert not block.find_elements(By.CSS_SELECTOR, "[data-diff]")  # the summary draws nothing
    block.find_element(By.CSS_SELECTOR, "details[data-src] summary").click()  # opening loads the network
    until("the opened network", lambda: block.find_elements(By.CSS_SELECTOR, "[data-diff=removed]"))
    removed = [e.text for e in block.find_elements(By.CSS_SELECTOR, "[data-diff=removed]")]
    added = [e.text for e in block.find_elements(By.CSS_SELECTOR, "[data-diff=added]")]
    assert any("T#3" in line.upper() for line in removed) and any("T#5" in line.upper() for line in added)
    browser.save_screenshot(str(SHOTS / "diff.png"))
    assert not browser_errors(browser)
