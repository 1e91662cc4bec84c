"""Generating blocks from a source in farm mode: one port call the caller's agent runs whole (issue 18)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import CPU, assert_error, data

pytestmark = pytest.mark.xdist_group("farm-2")

SOURCE = "".join(
    f'FUNCTION "Calc{i}" : Int\nVAR_INPUT\n  a : Int;\nEND_VAR\nBEGIN\n  #Calc{i} := #a + {i};\nEND_FUNCTION\n'
    for i in range(3)
) + 'FUNCTION "UsesType" : Void\nVAR_INPUT\n  u : "NotThere";\nEND_VAR\nBEGIN\n  RETURN;\nEND_FUNCTION\n'
S = "/api/devices/PLC_1/external-sources"


def _home(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    agents = data(client.get("/api/farm/agents", headers=headers))["agents"]
    return next(a for a in agents if a["heldByYou"])


def test_the_agent_generates_and_imports_in_one_call(client, farm_key, workspace):
    caller = farm_key("generator")
    data(client.post("/api/projects/actions/create-sync", json={"name": "Gen", "path": str(workspace)}, headers=caller))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                     headers=caller))
    before = _home(client, caller)["callsDone"]
    result = data(client.post(f"{S}/import-and-generate", json={"SclContent": SOURCE, "SourceName": "Calc"},
                              headers=caller))
    assert result["blocks"] == ["Calc0", "Calc1", "Calc2", "UsesType"]
    assert [r["status"] for r in result["reports"]] == ["Imported"] * 4
    assert [(d["code"], d["block"], d["file"])
            for d in result["diagnostics"]] == [("MISSING_TYPE", "UsesType", "Calc.scl")]
    # The project's version, the generation with its import, the source kept: not a call per block read or written.
    assert _home(client, caller)["callsDone"] - before == 3
    before = _home(client, caller)["callsDone"]
    assert "<SW.Blocks.FC" in data(client.get("/api/devices/PLC_1/blocks/Calc1/export-xml", headers=caller))
    assert _home(client, caller)["callsDone"] - before == 1  # a block's export is one call, not a lookup and an export
    blocks = {b["name"]: b for b in data(client.get("/api/devices/PLC_1/blocks", headers=caller))}
    assert {"Calc0", "Calc1", "Calc2", "UsesType"} <= set(blocks)
    assert blocks["UsesType"]["consistent"] is False  # kept inconsistent until it compiles, on the agent too

    # A source with an error: the agent's 422 arrives whole (every diagnostic), and nothing was imported.
    broken = 'FUNCTION "Broken" : Void\nBEGIN\n  #x := ;\nEND_FUNCTION\n'
    error = assert_error(client.post(f"{S}/import-and-generate", json={"SclContent": broken, "SourceName": "Broken"},
                                     headers=caller), 422)
    assert error["details"]["source"] == "Broken.scl"
    assert error["details"]["diagnostics"][0]["line"] == 3
    assert "Broken" not in {b["name"] for b in data(client.get("/api/devices/PLC_1/blocks", headers=caller))}

    # Without overwrite the agent refuses the source whose blocks exist, naming them.
    again = assert_error(client.post(f"{S}/import-and-generate", json={
        "SclContent": SOURCE, "SourceName": "Calc", "Overwrite": False}, headers=caller), 409, "OBJECT_EXISTS")
    assert again["details"]["names"] == ["Calc0", "Calc1", "Calc2", "UsesType"]
