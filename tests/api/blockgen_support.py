"""What the Block Generation API tests share: the specs they send, one app for the tests that only generate,
and small helpers for the routes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from tests.conftest import CPU, add_device, data

__all__ = ("BOM", "DESIGN", "DESIGN_ONE", "FB_LAD", "FC_SCL", "GLOBAL_DB", "INSTANCE_DB", "OB_MAIN", "TEMPLATES",
           "UDT", "Shared", "assert_pump_imported", "generate", "new_portal", "post_import", "program_objects",
           "shared_app", "spec_with", "xml_of")

DATA = Path(__file__).parent / "data"
"""The design specs these tests use, as JSON files."""

BOM = b"\xef\xbb\xbf"
TEMPLATES = ("motor_starter", "valve", "pid_wrapper", "alarm", "state_machine", "graph_sequence")

FC_SCL = {
    "blockType": "FC", "name": "FC_Scale", "language": "SCL",
    "interface": {"Input": [{"name": "Raw", "dataType": "Int"}], "Output": [{"name": "Scaled", "dataType": "Real"}]},
    "networks": [{"title": "Scale", "scl": "#Scaled := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}],
}
UDT = {
    "blockType": "UDT", "name": "UDT_Motor",
    "interface": {"None": [{"name": "Speed", "dataType": "Real"}, {"name": "Running", "dataType": "Bool"}]},
}
FB_LAD = {
    "blockType": "FB", "name": "FB_Motor", "language": "LAD", "number": 10,
    "interface": {
        "Input": [{"name": "Start", "dataType": "Bool"}, {"name": "Stop", "dataType": "Bool"}],
        "Output": [{"name": "Run", "dataType": "Bool"}],
        "Static": [{"name": "Data", "dataType": '"UDT_Motor"'}, {"name": "T1", "dataType": "TON_TIME"}],
    },
    "networks": [
        {"title": "Run", "lad": [[{"parallel": [[{"contact": "#Start"}], [{"contact": "#Run"}]]},
                                  {"contact": "#Stop", "negated": True}, {"coil": "#Run"}]]},
        {"lad": [[{"contact": "#Run"}, {"box": "TON", "instance": "#T1", "inputs": {"PT": "T#5s"}}]]},
    ],
}
GLOBAL_DB = {
    "blockType": "GlobalDB", "name": "DB_Data",
    "interface": {"Static": [{"name": "Count", "dataType": "Int", "startValue": 5},
                             {"name": "Buf", "dataType": "Array[0..9] of Int", "retain": True}]},
}
INSTANCE_DB = {"blockType": "InstanceDB", "name": "DB_Motor", "instanceOf": "FB_Motor"}
OB_MAIN = {
    "blockType": "OB", "name": "Main", "number": 1, "language": "SCL", "secondaryType": "ProgramCycle",
    "networks": [{"scl": '"DB_Motor"();', "calls": {"DB_Motor": {"blockType": "FB", "block": "FB_Motor"}}}],
}

DESIGN = json.loads((DATA / "pump_and_valve_design.json").read_text(encoding="utf-8"))


class Shared:
    """One app for the tests that only generate (creating an app per test costs ~0.2 s)."""

    def __init__(self, client: TestClient, headers: dict[str, str], viewer: dict[str, str]) -> None:
        self.client, self.headers, self.viewer = client, headers, viewer


def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """One app with an engineer's and a viewer's key, for a test module's ``shared`` fixture."""
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("blockgen"))
    with TestClient(create_app(settings)) as client:
        keys = client.app.state.services.keys
        yield Shared(client, {"X-API-Key": keys.create("shared-engineer", "engineer")[1]},
                     {"X-API-Key": keys.create("shared-viewer", "viewer")[1]})


DESIGN_ONE = {**DESIGN, "modules": DESIGN["modules"][:1]}



def generate(client, headers, body, route="generate-only"):
    return client.post(f"/api/blockgeneration/{route}", json=body, headers=headers)


def post_import(client, headers, body, route="generate-and-import"):
    return client.post(f"/api/blockgeneration/{route}", json=body, headers=headers)


def program_objects(services, device="PLC_1"):
    """The program objects of ``device`` the test brought: all but the ``Main`` [OB1] TIA created with the PLC,
    while it is that block (LAD); a ``Main`` the test imported over it is listed."""
    return {o.name: o for o in services.backend.program.list_program_objects(device)
            if (o.kind, o.name, o.number, o.language) != ("OB", "Main", 1, "LAD")}


def assert_pump_imported(services, documents, tag_table: str) -> None:
    """PLC_1 holds the generated pump, consistent: the tag table, FB_Motor, its instance DB Pump1 and Main, each
    exported as the document generated for it."""
    objects = program_objects(services)
    assert {n: o.kind for n, o in objects.items()} == {tag_table: "TagTable", "FB_Motor": "FB", "Pump1": "InstanceDB",
                                                       "Main": "OB"}
    assert objects["Pump1"].instance_of == "FB_Motor"
    assert all(o.consistent for o in objects.values())
    for document in documents:
        assert services.backend.program.export_program_object("PLC_1",
                                                              document["name"]) == BOM + document["xml"].encode("utf-8")


def xml_of(client, headers, spec, version="V19") -> bytes:
    """Generated XML bytes, as TIA would write the file (with the UTF-8 BOM)."""
    block = data(generate(client, headers, {"spec": spec, "targetVersion": version}))
    return BOM + block["xml"].encode("utf-8")


def new_portal(client, headers, version, *, device=True):
    """Detach the default V19 portal, launch one of ``version`` and create a project in it (with PLC_1)."""
    data(client.post("/api/instance/actions/detach", headers=headers))
    data(client.post("/api/instance/actions/launch", json={"version": version}, headers=headers))
    project = data(client.post("/api/projects/actions/create-sync", json={"name": f"P{version}"}, headers=headers))
    assert project["version"] == version
    if device:
        add_device(client, headers, CPU, "PLC_1")



def spec_with(spec: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of ``spec`` with ``changes``."""
    return {**copy.deepcopy(spec), **changes}
