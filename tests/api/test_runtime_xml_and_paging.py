"""Seed 002's asks of the runtime API through HTTP: XML request bodies, and raw history answered in pages with a
continuation point (the same name the alarm archive and the tag browse use)."""

from __future__ import annotations

from typing import Any

from tests.api.alarm_plant import LEVEL, step_cycles
from tests.api.runtime_users import RT, login
from tests.conftest import assert_error, data

Headers = dict[str, str]
XML = {"Content-Type": "application/xml"}


def test_xml_request_bodies_write_and_read_tags(client: Any, line: Headers) -> None:
    operator = {**login(client, "operator"), **XML}
    written = data(client.put(f"{RT}/tags/{LEVEL}/value", content=b"<write><value>42.5</value></write>",
                              headers=operator))
    assert written["value"] == 42.5
    body = (b'<?xml version="1.0"?><Write><Values><Item><Name>"Line_DB".Level</Name><Value>7</Value></Item>'
            b"</Values></Write>")
    assert data(client.put(f"{RT}/tags/values", content=body, headers=operator))[0]["value"] == 7.0
    read = data(client.post(f"{RT}/tags/values", content=f"<read><tagNames>{LEVEL}</tagNames>"
                            "<tagNames>\"Line_DB\".Count</tagNames></read>".encode(), headers=operator))
    assert [r["name"] for r in read] == [LEVEL, '"Line_DB".Count'] and read[0]["value"] == 7.0
    wrapped = data(client.post(f"{RT}/tags/values", content=f"<read><tagNames><name>{LEVEL}</name></tagNames></read>"
                               .encode(), headers={**operator, "Content-Type": "text/xml; charset=utf-8"}))
    assert [r["value"] for r in wrapped] == [7.0]
    # hostile or malformed XML is a clear 400, and nothing is written
    xxe = b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><write><value>&x;</value></write>'
    assert_error(client.put(f"{RT}/tags/{LEVEL}/value", content=xxe, headers=operator), 400, "INVALID_XML")
    assert_error(client.put(f"{RT}/tags/{LEVEL}/value", content=b"<write><value>1", headers=operator), 400,
                 "INVALID_XML")
    assert data(client.get(f"{RT}/tags/{LEVEL}/value", headers=operator))["value"] == 7.0


def test_raw_history_is_answered_in_pages_with_a_continuation_point(client: Any, line: Headers) -> None:
    h = line
    data(client.put(f"{RT}/history/settings", headers=h, json={"tag": LEVEL, "mode": "cyclic", "periodMs": 1000}))
    operator = login(client, "operator")
    data(client.put(f"{RT}/tags/{LEVEL}/value", json={"value": 1.0}, headers=operator))
    step_cycles(client, h, 25)
    window = {"tags": LEVEL, "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}
    whole = data(client.get(f"{RT}/history", headers=operator, params=window))[0]
    assert whole["continuationPoint"] is None and len(whole["values"]) >= 25
    pages, point = [], None
    while True:
        params = {**window, "limit": 10, **({"continuationPoint": point} if point else {})}
        series = data(client.get(f"{RT}/history", headers=operator, params=params))
        assert len(series) == 1 and len(series[0]["values"]) <= 10
        pages.append(series[0]["values"])
        point = series[0]["continuationPoint"]
        if point is None:
            break
    assert [v for page in pages for v in page] == whole["values"] and len(pages) == -(-len(whole["values"]) // 10)
    # a point of another query, a forged one, or on aggregates: 422, not a wrong page
    first = data(client.get(f"{RT}/history", headers=operator, params={**window, "limit": 10}))[0]["continuationPoint"]
    for params in ({**window, "from": "2001-01-01T00:00:00Z", "continuationPoint": first},
                   {**window, "tags": '"Line_DB".Count', "continuationPoint": first},
                   {**window, "continuationPoint": "not-a-point"},
                   {**window, "aggregation": "avg", "interval": "1h", "continuationPoint": first}):
        assert_error(client.get(f"{RT}/history", headers=operator, params=params), 422, "INVALID_CONTINUATION_POINT")
