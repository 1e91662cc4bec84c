"""The OPC UA source keeps one session per connection, counted where the server creates them: reads and writes
through the runtime API reuse it (before, each bulk call opened one and closed it), a changed connection gets a new
one, and a session the server dropped is replaced within the call that finds it gone."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from asyncua.server.internal_server import InternalServer

from tests.api.partner_servers import CONN
from tests.api.runtime_users import RT, login, make_user
from tests.conftest import data

if TYPE_CHECKING:
    import pytest
    from litestar.testing import TestClient

    from asyncua.server.internal_session import InternalSession
    from tests.api.partner_servers import OpcUaTestServer

Headers = dict[str, str]


def test_reads_and_writes_reuse_one_session_per_connection(
    client: TestClient[Any], admin_headers: Headers, opcua_server: OpcUaTestServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[InternalSession] = []
    create_session = InternalServer.create_session

    def counted(self: InternalServer, *args: Any, **kwargs: Any) -> InternalSession:
        session = create_session(self, *args, **kwargs)
        if kwargs.get("external"):  # a client's session (the server makes one of its own at start)
            opened.append(session)
        return session

    monkeypatch.setattr(InternalServer, "create_session", counted)
    body = {"name": "UA", "kind": "opcua", "endpointUrl": opcua_server.url}
    made = data(client.post(CONN, json=body, headers=admin_headers), 201)
    tags = [{"name": "Speed", "nodeId": "ns=2;s=Speed", "dataType": "Real", "writable": True},
            {"name": "Count", "nodeId": "ns=2;s=Count", "dataType": "Int"}]
    data(client.put(f"{CONN}/{made['connectionId']}/tags", json={"tags": tags}, headers=admin_headers))
    data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=admin_headers))
    make_user(client, admin_headers, "mes", ["read", "write"])
    mes = login(client, "mes")

    def read() -> list[Any]:
        return [r["value"] for r in data(client.post(f"{RT}/tags/values", json={"tagNames": ["Speed", "Count"]},
                                                     headers=mes))]

    assert read() == [1.5, 7] and read() == [1.5, 7]
    written = data(client.put(f"{RT}/tags/values", json={"values": [{"name": "Speed", "value": 2.5}]}, headers=mes))
    assert written[0]["value"] == 2.5 and read() == [2.5, 7]
    assert len(opened) == 1, f"4 calls opened {len(opened)} sessions"

    # the server drops the session (a PLC restarting its server does): the next call opens another and succeeds
    asyncio.run_coroutine_threadsafe(opened[0].close_session(), opcua_server._loop).result()
    assert read() == [2.5, 7] and len(opened) == 2

    # another timeout is another connection: a new session, the old one closed
    data(client.put(f"{CONN}/{made['connectionId']}", json={**body, "timeoutSeconds": 7}, headers=admin_headers))
    assert read() == [2.5, 7] and len(opened) == 3
