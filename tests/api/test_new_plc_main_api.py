"""A PLC added over HTTP starts with the program cycle OB TIA creates with every CPU: ``Main`` [OB1], LAD, one empty
network, titled ``"Main Program Sweep (Cycle)"``. Importing a ``Main`` OB1 of one's own needs overwrite, as on TIA."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from engineering_api.config import Settings
from simatic_xml.generate import generate_xml
from simatic_xml.objects import OB
from tests.conftest import CPU, add_device, assert_error, data, served, simaticml_object

__all__: list[str] = []

B = "/api/devices/PLC_1/blocks"
OWN_MAIN = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL", "networks": [{"scl": "RETURN;"}]}


@pytest.fixture
def env(tmp_path) -> Iterator[tuple[TestClient, dict[str, str], Settings]]:
    settings = Settings.from_env(data_dir=tmp_path)
    with served(settings) as client:
        headers = {"X-API-Key": client.app.state.services.keys.create("eng", "engineer")[1]}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers=headers))
        add_device(client, headers, CPU, "PLC_1")
        yield client, headers, settings


def test_a_new_plc_lists_main_ob1_with_tias_title(env) -> None:
    client, headers, settings = env
    [main] = data(client.get(B, headers=headers))
    assert (main["name"], main["blockType"], main["number"], main["language"]) == ("Main", "OB", 1, "LAD")
    data(client.post(f"{B}/actions/export-sync", json={"blockName": "Main", "exportPath": "Main.xml"},
                     headers=headers))
    ob = simaticml_object((settings.roots[0] / "Main.xml").read_bytes(), OB)
    assert ob.secondary_type == "ProgramCycle" and len(ob.compile_units) == 1
    assert ob.title is not None
    assert [(t.culture, t.text) for t in ob.title.items] == [("en-US", '"Main Program Sweep (Cycle)"')]


def test_an_own_main_ob1_replaces_it_with_overwrite_only(env) -> None:
    client, headers, settings = env
    (settings.roots[0] / "Own_Main.xml").write_bytes(generate_xml(OWN_MAIN, "V19"))
    assert_error(client.post(f"{B}/actions/import-sync", json={"importFilePath": "Own_Main.xml"}, headers=headers),
                 409, "OBJECT_EXISTS")
    assert [(b["name"], b["language"]) for b in data(client.get(B, headers=headers))] == [("Main", "LAD")]
    data(client.post(f"{B}/actions/import-sync", json={"importFilePath": "Own_Main.xml", "overwrite": True},
                     headers=headers))
    assert [(b["name"], b["language"]) for b in data(client.get(B, headers=headers))] == [("Main", "SCL")]

