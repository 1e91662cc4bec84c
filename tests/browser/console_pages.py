"""Signing in to the console and collecting a page's problems, for the browser tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from tests.browser.conftest import until
from tests.mcp.conftest import Live

__all__ = ("BLOCKS", "BROKEN", "SHOTS", "browser_errors", "sign_in")

SHOTS = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tempfile.mkdtemp(prefix="console-shots-"))
"""Where the screenshots go: ``CONSOLE_SCREENSHOTS=docs/console`` refreshes the README's; a test run alone does not
touch the checkout."""

BLOCKS = {  # V18 exports: the fake's V19 portal refuses to upgrade STL and GRAPH networks, as TIA needs a migration
    "LED": "fc/nlanderCON_LED.xml", "FBD_Block": "fb/sitrainsh_FBD_Block.xml", "FC_LIST": "fc/Gildej31_FC_LIST_V18.xml",
    "GF7": "fb/Gildej31_GF7_V18.xml", "DB04_Conveyor": "db/fseenig_DB04_Conveyor.xml",
}

BROKEN = {"blockType": "FC", "name": "FC_Scale", "language": "SCL", "number": 30, "returnType": "Int",
          "interface": {"Input": [{"name": "raw", "dataType": "String"}]},
          "networks": [{"title": "Scale", "scl": "// scale the raw value\n#FC_Scale := 1;\n#FC_Scale := #raw;"}]}


def sign_in(browser: Any, live: Live, role: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get_log("browser")  # drain what earlier tests left (a refusal they provoked on purpose)
    browser.delete_all_cookies()
    browser.set_window_size(1400, 1000)
    browser.get(live.base + "/")
    field = until("the key field", lambda: browser.find_elements(By.ID, "apiKey"))[0]
    field.send_keys(live.keys[role])
    browser.find_element(By.CSS_SELECTOR, "#signin button[type=submit]").click()
    until("the project", lambda: browser.find_elements(By.ID, "project-title"))


def browser_errors(browser: Any) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
