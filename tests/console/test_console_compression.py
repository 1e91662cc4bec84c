"""The console's pages are gzip-compressed when the client asks for it, through Litestar's CompressionConfig; the
REST API's large answers too (issue 72: a block's content was 711 KB uncompressed); small REST answers and the
console's event streams are sent as they are (issue 49: a 44-network page is 401 KB)."""

from __future__ import annotations

import gzip
import json

from engineering_api.console.compression import REST_MINIMUM
from tests.console.conftest import corpus_file, csrf_of, sign_in
from tests.conftest import data

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
BLOCK = "/console/devices/PLC_1/blocks/Block_3"


def _block_page(client, admin_headers, make_key) -> None:
    lad = corpus_file("fc/mking2203_plcBlock_LAD_Block_3.xml").read_text(encoding="utf-8-sig")
    data(client.post("/api/devices/PLC_1/blocks", json={"rawXml": lad}, headers=admin_headers))
    sign_in(client, make_key("engineer")["X-API-Key"])


def test_the_block_page_is_gzipped_when_asked_for_and_plain_otherwise(client, admin_headers, cpu, make_key):
    _block_page(client, admin_headers, make_key)
    plain = client.get(BLOCK, headers=PLAIN)
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert '<article class="network"' in plain.text
    with client.stream("GET", BLOCK, headers=GZIP) as packed:
        raw = b"".join(packed.iter_raw())
        assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["vary"]
        assert packed.headers["content-security-policy"] == plain.headers["content-security-policy"]
    page = gzip.decompress(raw).decode()
    assert page.count('<article class="network"') == plain.text.count('<article class="network"') > 0
    assert len(raw) * 3 < len(plain.content), "SVG and HTML shrink several times over"
    css = client.get("/console/static/console.css", headers=GZIP)
    assert css.headers.get("content-encoding") == "gzip" and "body" in css.text


def test_a_large_rest_answer_is_gzipped_a_small_one_and_event_streams_are_not(client, admin_headers, cpu, make_key):
    _block_page(client, admin_headers, make_key)
    big = corpus_file("fc/fseenig_FC04_TechnoplatAlarm.xml").read_text(encoding="utf-8-sig")  # 100 KB
    data(client.post("/api/devices/PLC_1/blocks", json={"rawXml": big}, headers=admin_headers))
    content = "/api/devices/PLC_1/blocks/FC04_TechnoplatAlarm/content"
    plain = client.get(content, headers={**admin_headers, **PLAIN})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert len(plain.content) >= REST_MINIMUM, "the block's SimaticML is a large answer"
    with client.stream("GET", content, headers={**admin_headers, **GZIP}) as packed:
        raw = b"".join(packed.iter_raw())
        assert packed.headers["content-encoding"] == "gzip" and "Accept-Encoding" in packed.headers["vary"]
    assert json.loads(gzip.decompress(raw))["data"] == plain.json()["data"] and len(raw) * 3 < len(plain.content)
    small = client.get("/api/devices/PLC_1/blocks", headers={**admin_headers, **GZIP})
    assert small.status_code == 200 and len(small.content) < REST_MINIMUM and "content-encoding" not in small.headers
    token = csrf_of(client.get("/console/plc").text)
    job_id = client.post("/console/devices/PLC_1/compile", data={"_csrf_token": token},
                         follow_redirects=False).headers["location"].rsplit("/", 1)[-1]
    events = client.get(f"/console/jobs/{job_id}/events", headers=GZIP)  # the stream ends with the job
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "content-encoding" not in events.headers
    states = [json.loads(line[5:]) for line in events.text.splitlines() if line.startswith("data:")]
    assert states[-1]["terminal"] is True
