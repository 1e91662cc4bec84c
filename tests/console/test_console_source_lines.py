"""A block generated from an SCL source the client sent: REST counts its compile findings in that source, and the
console still marks them at the block's own line."""

from __future__ import annotations

from tests.api.source_lines import ONE_NUMBERING
from tests.console.conftest import csrf_of, sign_in
from tests.conftest import data


def test_the_console_marks_a_source_counted_finding_at_the_blocks_line(client, admin_headers, make_key) -> None:
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin_headers))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                    "name": "PLC_1"}, headers=admin_headers))
    data(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                     json={"SclContent": ONE_NUMBERING, "SourceName": "Lines"}, headers=admin_headers))
    sign_in(client, make_key("engineer")["X-API-Key"])
    page = client.get("/console/devices/PLC_1/blocks/FB_Lines")
    compiled = client.post("/console/devices/PLC_1/blocks/FB_Lines/compile", data={"_csrf_token": csrf_of(page.text)})
    assert compiled.status_code == 200
    assert 'class="line has-error" id="n1-l2"' in compiled.text  # the body's line 2, not the source's line 12
