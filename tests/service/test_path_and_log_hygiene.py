"""Control characters in a request path are refused before routing, and can never start a line in the log.

Issue 48 item 5: ``/console/static/%00`` answered 500 (a NUL reached ``stat``), and
``/console/static/x%00%0AINFO - forged`` wrote a second, forged line into the server log."""

from __future__ import annotations

import logging

import pytest
from litestar.testing import TestClient

from engineering_api.lib.log_escape import escape_controls
from engineering_api.lib.observability import configure_logging

FORGED = "INFO - 2026-11-25 12:00:00,000 - engineering_api - app - forged"


@pytest.mark.parametrize("path", [
    "/console/static/%00", "/console/static/x%00%0A" + FORGED.replace(" ", "%20"), "/api/projects/x%0Ay",
    "/api/source-control/branches/a%00b",
])
def test_a_control_character_in_the_path_is_a_400(client: TestClient, admin: dict[str, str], path: str) -> None:
    response = client.get(path, headers=admin)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_PATH"
    assert "\n" not in response.text and "\x00" not in response.text


def test_a_slash_inside_a_segment_is_shown_as_the_client_sent_it(client: TestClient, admin: dict[str, str]) -> None:
    """A name holding ``/`` (sent as ``%2F``) routes as one segment through a stand-in character; the error body's
    ``instance`` and the audit row show ``%2F``, never that character (they held ``\x1f``)."""
    path = "/api/devices/N%2FO/blocks/X%2FY"
    refused = client.delete(path, headers=admin)
    assert refused.status_code == 409, refused.text  # no project is open
    assert refused.json()["instance"] == path
    records = client.get("/api/audit", headers=admin).json()["data"]["records"]
    assert [r["path"] for r in records if r["method"] == "DELETE"] == [path]
    assert "\\u001f" not in client.get("/api/audit", headers=admin).text


def test_a_static_file_is_still_served(client: TestClient) -> None:
    assert client.get("/console/static/console.css").status_code == 200
    assert client.get("/console/static/no-such%20file").status_code == 404


def test_no_logged_value_starts_a_line(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    """A value with line breaks, logged through any logger, stays on its record's line (the traceback excepted)."""
    value = "x\x00\nINFO - forged\r\u2028end"
    with caplog.at_level(logging.INFO):
        logging.getLogger("engineering_api.test").warning("unhandled error on GET %s", value)
        logging.getLogger("litestar").error(f"f-string {value}")
    messages = [record.getMessage() for record in caplog.records if "forged" in record.getMessage()]
    assert messages == ["unhandled error on GET x\\x00\\nINFO - forged\\r\\u2028end",
                        "f-string x\\x00\\nINFO - forged\\r\\u2028end"]
    assert not any(line.startswith("INFO - forged") for line in caplog.text.splitlines())


def test_the_server_log_line_is_escaped(client: TestClient) -> None:
    """The server's log handler (``--log-level``: lib/observability.configure_logging) writes one escaped line."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    configure_logging("ERROR")
    try:
        handler = next(h for h in root.handlers if getattr(h, "engineering_api_log", False))
        record = logging.getLogger("engineering_api").makeRecord(
            "engineering_api", logging.ERROR, __file__, 1, "unhandled error on GET %s", ("/x\x00\n" + FORGED,), None)
        line = handler.format(record)
    finally:  # the test process's logging as it was
        for added in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(added)
        root.setLevel(level)
    assert "\n" not in line and FORGED in line and "\\x00\\n" in line


def test_escape_controls_keeps_tabs_and_text() -> None:
    assert escape_controls("a\tb ü €") == "a\tb ü €"
    assert escape_controls("a\x1b[31mb\x7f") == "a\\x1b[31mb\\x7f"
