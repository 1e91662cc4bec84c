"""What a client sees over HTTP when a real TIA Portal raises one of its specific exceptions (the stand-in raising the
real V19 assembly's subclasses): its own status and code, and a message that names the next step."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import assert_error, data


@pytest.fixture
def faulted(bridge_client: tuple[TestClient[Any], dict[str, str]]) -> tuple[TestClient[Any], dict[str, str], Any]:
    """The service over the bridge (stand-in), its admin key, and ``StandIn.Control.Faults``."""
    from StandIn.Control import Faults

    return (*bridge_client, Faults)


def test_opening_a_project_whose_products_are_missing_says_to_install_them(faulted: Any) -> None:
    client, h, faults = faulted
    data(client.post("/api/instance/actions/launch", json={}, headers=h))
    path = data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))["path"]
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    faults.ArmNext("ProjectComposition.Open", "MissingProductsException", "The project cannot be opened.",
                   "Missing products: SINAMICS Startdrive V19.", None)
    body = assert_error(client.post("/api/projects/actions/open-sync", json={"path": path}, headers=h), 409,
                        "MISSING_PRODUCTS")
    assert "install the products" in body["message"] and "SINAMICS Startdrive V19" in body["message"]
    faults.ArmNext("Import", "SimaticMLVersionNotSupportedException", "The document cannot be imported.",
                   "The document was created with a newer version.", None)
    data(client.post("/api/projects/actions/open-sync", json={"path": path}, headers=h))
    data(client.post("/api/projects/devices/actions/add-sync", json={"OrderNumber": "6ES7 516-3AN02-0AB0",
                                                                        "Name": "PLC_1"}, headers=h))
    spec = {"blockType": "GlobalDB", "name": "Data", "interface": {"Static": [{"name": "n", "dataType": "Int"}]}}
    body = assert_error(client.post("/api/blockgeneration/generate-and-import",
                                    json={"spec": spec, "deviceName": "PLC_1"}, headers=h), 422,
                        "SIMATICML_VERSION_NOT_SUPPORTED")
    assert "use an export of this TIA version" in body["message"]
