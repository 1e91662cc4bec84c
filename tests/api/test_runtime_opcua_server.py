"""A running simulated PLC served over OPC UA, driven by the real ``asyncua`` client: S7-1500 node ids in namespace
3, released tags only, writes only where released writable, values shared with the runtime API (same CPU)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from asyncua import Client, ua

from tests.api.runtime_tag_program import SIM, value_path
from tests.conftest import assert_error, data
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar.testing import TestClient

Headers = dict[str, str]
SERVERS = "/api/runtime/opcua-servers"


def node(name: str) -> str:
    return f"ns=3;s={name}"


async def _session(url: str, work: Any) -> Any:
    async with Client(url, timeout=HANG_GUARD_S) as opc:
        return await work(opc)


def with_client(url: str, work: Any) -> Any:
    return asyncio.run(_session(url, work))


@pytest.fixture
def server(client: TestClient[Any], admin_headers: Headers, running_plc: str) -> Iterator[dict[str, Any]]:
    started = client.put(f"{SERVERS}/{running_plc}", json={}, headers=admin_headers)
    info = data(started, 201)
    assert started.json()["message"] == f"OPC UA server of {info['instance']} listening on {info['endpointUrl']}"
    yield info
    client.delete(f"{SERVERS}/{running_plc}", headers=admin_headers)


def test_asyncua_client_reads_and_writes_a_running_instance(
    client: TestClient[Any], admin_headers: Headers, engineer_headers: Headers, server: dict[str, Any],
    users: dict[str, Headers],
) -> None:
    assert server["endpointUrl"].startswith("opc.tcp://127.0.0.1:") and server["namespaceIndex"] == 3
    assert server["tagCount"] == 5  # the released ones: speed, running, count, limit, Start
    data(client.post(f"{SIM}/instances/Rt/actions/step", json={"cycles": 3}, headers=engineer_headers))

    async def work(opc: Client) -> dict[str, Any]:
        out: dict[str, Any] = {"ns": await opc.get_namespace_index("http://www.siemens.com/simatic-s7-opcua")}
        count = await opc.get_node(node('"Motor_DB"."count"')).read_data_value()
        out["count"] = (count.Value.Value, count.Value.VariantType, count.StatusCode.is_good())
        speed = opc.get_node(node('"Motor_DB"."speed"'))
        await speed.write_value(ua.DataValue(ua.Variant(12.5, ua.VariantType.Float)))
        out["speed"] = await speed.read_value()
        out["start_type"] = (await opc.get_node(node('"Start"')).read_data_value()).Value.VariantType
        limit = opc.get_node(node('"Motor_DB"."limit"'))
        out["limit"] = await limit.read_value()
        out["limit_access"] = await limit.read_attribute(ua.AttributeIds.AccessLevel)
        try:
            await limit.write_value(ua.DataValue(ua.Variant(7, ua.VariantType.Int16)))
        except ua.UaStatusCodeError as exc:
            out["limit_write"] = exc.code
        try:  # another attribute of a variable (its WriteMask is 0)
            await limit.write_attribute(ua.AttributeIds.DisplayName,
                                        ua.DataValue(ua.Variant(ua.LocalizedText("x"), ua.VariantType.LocalizedText)))
        except ua.UaStatusCodeError as exc:
            out["limit_name_write"] = exc.code
        try:
            await opc.get_node(node('"Motor_DB"."secret"')).read_value()
        except ua.UaStatusCodeError as exc:
            out["secret"] = exc.code
        out["root"] = (await opc.get_node("ns=3;s=PLC").read_browse_name()).Name
        db = opc.get_node(node('"Motor_DB"'))
        out["members"] = sorted([(await child.read_browse_name()).Name for child in await db.get_children()])
        return out

    seen = with_client(server["endpointUrl"], work)
    assert seen["ns"] == 3
    assert seen["count"] == (3, ua.VariantType.Int16, True)
    assert seen["speed"] == 12.5 and seen["start_type"] == ua.VariantType.Boolean
    assert seen["limit"] == 100 and seen["limit_access"].Value.Value & ua.AccessLevel.CurrentWrite.mask == 0
    # OPC 10000-4 5.10.4.4: the AccessLevel does not allow writing -> Bad_NotWritable (not Bad_UserAccessDenied,
    # which is for a user the UserAccessLevel refuses; this server has anonymous sessions only)
    assert seen["limit_write"] == ua.StatusCodes.BadNotWritable
    assert seen["limit_name_write"] == ua.StatusCodes.BadNotWritable
    assert seen["secret"] == ua.StatusCodes.BadNodeIdUnknown
    assert seen["members"] == ["count", "limit", "running", "speed"] and seen["root"] == "Rt"
    # The OPC UA write went into the CPU's DB: the runtime API reads it, and a write there is what OPC UA reads.
    assert data(client.get(value_path('"Motor_DB".speed'), headers=users["reader"]))["value"] == 12.5
    assert data(client.get(value_path('"Motor_DB".limit'), headers=users["reader"]))["value"] == 100
    data(client.put(value_path('"Motor_DB".count'), json={"value": 42}, headers=users["writer"]))

    async def count(opc: Client) -> Any:
        return await opc.get_node(node('"Motor_DB"."count"')).read_value()

    assert with_client(server["endpointUrl"], count) == 42


def test_servers_are_listed_restarted_and_stopped(client: TestClient[Any], admin_headers: Headers,
                                                  server: dict[str, Any], engineer_headers: Headers) -> None:
    listed = data(client.get(SERVERS, headers=admin_headers))
    assert [s["instance"] for s in listed] == ["Rt"] and listed[0]["endpointUrl"] == server["endpointUrl"]
    again = client.put(f"{SERVERS}/rt", json={}, headers=admin_headers)  # already listening: 200, said so
    assert data(again)["port"] == server["port"]
    assert again.json()["message"] == f"OPC UA server of Rt already listening on {server['endpointUrl']}"
    assert_error(client.get(SERVERS, headers=engineer_headers), 403)
    stopped = data(client.delete(f"{SERVERS}/Rt", headers=admin_headers))
    assert stopped["instance"] == "Rt" and data(client.get(SERVERS, headers=admin_headers)) == []
    with pytest.raises((OSError, asyncio.TimeoutError, ua.UaError)):
        with_client(server["endpointUrl"], lambda opc: asyncio.sleep(0))
    assert_error(client.delete(f"{SERVERS}/Rt", headers=admin_headers), 404, "OPCUA_SERVER_NOT_FOUND")


def test_start_refuses_unknown_and_powered_off_instances(client: TestClient[Any], admin_headers: Headers,
                                                        engineer_headers: Headers) -> None:
    assert_error(client.put(f"{SERVERS}/Nope", json={}, headers=admin_headers), 404, "SIM_INSTANCE_NOT_FOUND")
    data(client.post(f"{SIM}/instances/create", json={"name": "Off"}, headers=engineer_headers))
    try:
        assert_error(client.put(f"{SERVERS}/Off", json={}, headers=admin_headers), 409, "INSTANCE_OFF")
        assert_error(client.put(f"{SERVERS}/Off", json={"port": 80}, headers=admin_headers), 422)
    finally:
        client.app.state.services.backend.plcsim.delete("Off")


class _Changes:
    """asyncua subscription handler: the values reported for one node, and an event per report."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.arrived = asyncio.Event()

    def datachange_notification(self, _node: Any, value: Any, _data: Any) -> None:
        self.values.append(value)
        self.arrived.set()


def test_a_subscription_reports_values_the_program_changes(client: TestClient[Any], engineer_headers: Headers,
                                                           server: dict[str, Any]) -> None:
    async def work(opc: Client) -> list[Any]:
        changes = _Changes()
        subscription = await opc.create_subscription(50, changes)
        await subscription.subscribe_data_change(opc.get_node(node('"Motor_DB"."count"')))
        await asyncio.wait_for(changes.arrived.wait(), HANG_GUARD_S)  # the initial value
        changes.arrived.clear()
        data(client.post(f"{SIM}/instances/Rt/actions/step", json={"cycles": 5}, headers=engineer_headers))
        while 5 not in changes.values:  # reported within a sampling interval (SAMPLE_SECONDS) plus publishing
            await asyncio.wait_for(changes.arrived.wait(), HANG_GUARD_S)
            changes.arrived.clear()
        return changes.values

    values = with_client(server["endpointUrl"], work)
    assert values[0] == 0 and values[-1] == 5
