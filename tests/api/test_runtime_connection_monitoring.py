"""Alarms, history and subscriptions over a real PLC connection (an asyncua test server): with the tag source
switched to the connections, the monitor polls the monitored tags at every pump and applies the same rules as on a
simulated CPU (an analog alarm with hysteresis, on-change logging with a deadband, cyclic logging, value events)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.api.runtime_users import RT, login, make_user
from tests.api.partner_servers import CONN, OpcUaTestServer
from tests.conftest import data

Headers = dict[str, str]


def _history(client: Any, who: Headers, tag: str) -> list[Any]:
    now = dt.datetime.now(dt.timezone.utc)
    window = {"from": (now - dt.timedelta(hours=1)).isoformat(), "to": (now + dt.timedelta(hours=1)).isoformat()}
    return [p["value"] for p in data(client.get(f"{RT}/history", headers=who, params={"tags": tag, **window}))[0]
            ["values"]]


def test_a_real_plc_connection_feeds_alarms_history_and_subscriptions(
    client: Any, admin_headers: Headers, opcua_server: OpcUaTestServer,
) -> None:
    h = admin_headers
    made = data(client.post(CONN, json={"name": "UA", "kind": "opcua", "endpointUrl": opcua_server.url}, headers=h),
                201)
    data(client.put(f"{CONN}/{made['connectionId']}/tags", headers=h, json={"tags": [
        {"name": "Speed", "nodeId": "ns=2;s=Speed", "dataType": "Real", "writable": True},
        {"name": "Count", "nodeId": "ns=2;s=Count", "dataType": "Int"}]}))
    data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=h))
    data(client.post(f"{RT}/alarm-definitions", headers=h, json={
        "name": "SpeedHigh", "kind": "analog", "tag": "Speed", "limit": 40.0, "hysteresis": 1.0,
        "alarmClass": "Warnings", "text": "Speed above 40"}), 201)
    data(client.put(f"{RT}/history/settings", headers=h, json={"tag": "Speed", "mode": "onChange", "deadband": 0.5}))
    data(client.put(f"{RT}/history/settings", headers=h, json={"tag": "Count", "mode": "cyclic", "periodMs": 3600000}))
    make_user(client, h, "operator", ["read", "write", "alarmAck"])
    operator = login(client, "operator")
    sub = data(client.post(f"{RT}/subscriptions", headers=operator, json={"tags": ["Speed"], "alarms": True}), 201)

    assert data(client.get(f"{RT}/alarms/current", headers=operator)) == []  # 1.5: below the limit
    data(client.put(f"{RT}/tags/values", headers=operator, json={"values": [{"name": "Speed", "value": 42.25}]}))
    current = data(client.get(f"{RT}/alarms/current", headers=operator))
    assert [(a["name"], a["state"], a["value"]) for a in current] == [("SpeedHigh", "incoming", 42.25)]
    data(client.put(f"{RT}/tags/values", headers=operator, json={"values": [{"name": "Speed", "value": 42.5}]}))
    data(client.get(f"{RT}/alarms/current", headers=operator))  # a pump: a move of 0.25, inside the deadband
    data(client.put(f"{RT}/tags/values", headers=operator, json={"values": [{"name": "Speed", "value": 30.0}]}))
    assert data(client.get(f"{RT}/alarms/current", headers=operator)) == []  # a warning needs no acknowledgement
    archive = data(client.get(f"{RT}/alarms/archive", headers=operator))["entries"]
    assert [(e["name"], e["event"]) for e in archive] == [("SpeedHigh", "incoming"), ("SpeedHigh", "outgoing")]

    assert _history(client, operator, "Speed") == [1.5, 42.25, 30.0]
    assert _history(client, operator, "Count") == [7]  # cyclic, one period of an hour: logged once
    events = client.get(f"{RT}/subscriptions/{sub['subscriptionId']}/events", headers=operator,
                        params={"maxEvents": 20, "waitSeconds": 0}).text
    assert '"value":42.25' in events and '"value":30.0' in events and '"state":"incoming"' in events
