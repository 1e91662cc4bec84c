"""Compile routes: a block (T-IA Connect's client), a device's software (sync and async)."""

from __future__ import annotations

from typing import Any

from tests.conftest import HMI, add_device, assert_error, data, run_job

D = "/api/devices/PLC_1"
UDT = {"blockType": "UDT", "name": "UDT_Motor",
       "interface": {"None": [{"name": "Speed", "dataType": "Real"}, {"name": "Running", "dataType": "Bool"}]}}
FB = {"blockType": "FB", "name": "FB_Motor", "language": "SCL", "number": 10,
      "interface": {"Input": [{"name": "Start", "dataType": "Bool"}], "Output": [{"name": "Run", "dataType": "Bool"}],
                    "Static": [{"name": "Data", "dataType": '"UDT_Motor"'}, {"name": "T", "dataType": "TON_TIME"}]},
      "networks": [{"scl": "#T(IN := #Start, PT := T#2s);\n#Run := #T.Q;\n#Data.Running := #Run;"}]}
# String into Int converts in no IEC-check mode (Real into Int does without the IEC check, TIA's default).
BROKEN = {"blockType": "FC", "name": "FC_Broken", "language": "SCL", "number": 3, "returnType": "Int",
          "interface": {"Input": [{"name": "r", "dataType": "String"}]},
          "networks": [{"scl": "#FC_Broken := 1;"}, {"scl": "#FC_Broken := #r;"}]}


def _import(client: Any, headers: dict[str, str], *specs: dict[str, Any]) -> None:
    for spec in specs:
        data(client.post("/api/blockgeneration/generate-and-import", json={"spec": spec, "deviceName": "PLC_1"},
                         headers=headers))


def test_compile_block(client, admin_headers, cpu):
    _import(client, admin_headers, UDT, FB)
    result = data(client.post(f"{D}/blocks/FB_Motor/actions/compile", headers=admin_headers))
    assert result["state"] == "Success" and result["errorCount"] == 0 and result["warningCount"] == 0
    block = result["messages"][0]["messages"][0]
    assert block["path"] == "PLC_1/Program blocks/FB_Motor"
    assert block["messages"][0]["description"] == "Block was successfully compiled."


def test_compile_block_with_errors_is_a_result_not_a_failure(client, admin_headers, cpu):
    _import(client, admin_headers, BROKEN)
    result = data(client.post(f"{D}/blocks/FC_Broken/actions/compile", headers=admin_headers))
    assert (result["state"], result["errorCount"]) == ("Error", 1)
    [leaf] = result["messages"][0]["messages"][0]["messages"]
    assert leaf["path"] == "PLC_1/Program blocks/FC_Broken/Network 2"
    assert leaf["state"] == "Error"
    assert leaf["description"] == ('Network 2, line 1, column 15: Implicit conversion of the data type "String" into '
                                   'the data type "Int" is not possible.')


def test_compile_block_errors(client, admin_headers, viewer_headers, cpu):
    assert_error(client.post(f"{D}/blocks/Nope/actions/compile", headers=admin_headers), 404, "BLOCK_NOT_FOUND")
    assert_error(client.post("/api/devices/NOPE/blocks/X/actions/compile", headers=admin_headers), 404,
                 "DEVICE_NOT_FOUND")
    add_device(client, admin_headers, HMI, "HMI_1")
    assert_error(client.post("/api/devices/HMI_1/blocks/X/actions/compile", headers=admin_headers), 422, "NOT_A_PLC")
    assert client.post(f"{D}/blocks/Nope/actions/compile", headers=viewer_headers).status_code == 403


def test_compile_needs_a_project(client, admin_headers):
    assert_error(client.post(f"{D}/blocks/FB_Motor/actions/compile", headers=admin_headers), 409, "NO_PROJECT_OPEN")
    assert_error(client.post(f"{D}/actions/compile-software-sync", headers=admin_headers), 409, "NO_PROJECT_OPEN")


def test_compile_software_sync_and_async(client, admin_headers, cpu):
    _import(client, admin_headers, UDT, FB, BROKEN)
    result = data(client.post(f"{D}/actions/compile-software-sync", headers=admin_headers))
    assert result["state"] == "Error" and result["errorCount"] == 1
    software = result["messages"][0]
    assert software["path"] == "PLC_1"
    # Main: the PLC's own OB1, compiled with the rest
    assert [b["description"] for b in software["messages"]] == ["UDT_Motor", "FB_Motor", "FC_Broken", "Main"]
    assert [b["state"] for b in software["messages"]] == ["Success", "Success", "Error", "Success"]
    job = run_job(client, "POST", f"{D}/actions/compile-software", admin_headers)
    assert job["status"] == "Completed"
    assert job["result"]["errorCount"] == 1


def test_compile_software_async_failure(client, admin_headers, cpu):
    add_device(client, admin_headers, HMI, "HMI_1")
    job = run_job(client, "POST", "/api/devices/HMI_1/actions/compile-software", admin_headers)
    assert job["status"] == "Failed"
    assert_error(client.post("/api/devices/HMI_1/actions/compile-software-sync", headers=admin_headers), 422,
                 "NOT_A_PLC")


WIRE_KEYS = ["file", "block", "network", "line", "column", "severity", "code", "message"]


# Real into Bool converts in no IEC-check mode (Bool converts implicitly only into bit strings).
WRONG_TYPE = {"blockType": "FC", "name": "FC_WrongType", "language": "SCL", "number": 4, "returnType": "Bool",
              "interface": {"Input": [{"name": "r", "dataType": "Real"}]},
              "networks": [{"scl": "#FC_WrongType := TRUE;"}, {"scl": "#FC_WrongType := #r;"}]}


def test_compile_answers_carry_structured_diagnostics(client, admin_headers, cpu):
    """Issue 13: a compile answer lists every finding as data (the CLI's JSON shape), beside TIA's tree."""
    _import(client, admin_headers, UDT, FB, WRONG_TYPE)
    block = data(client.post(f"{D}/blocks/FC_WrongType/actions/compile", headers=admin_headers))
    [diagnostic] = block["diagnostics"]
    assert list(diagnostic) == WIRE_KEYS
    assert diagnostic == {"file": None, "block": "FC_WrongType", "network": 2, "line": 1, "column": 18,
                          "severity": "Error", "code": "TYPE_MISMATCH",
                          "message": 'Implicit conversion of the data type "Real" into the data type "Bool" is not '
                                     "possible."}
    assert block["messages"][0]["messages"][0]["messages"][0]["state"] == "Error"  # the tree stays
    software = data(client.post(f"{D}/actions/compile-software-sync", headers=admin_headers))
    assert [(d["block"], d["code"]) for d in software["diagnostics"]] == [("FC_WrongType", "TYPE_MISMATCH")]
    clean = data(client.post(f"{D}/blocks/FB_Motor/actions/compile", headers=admin_headers))
    assert clean["diagnostics"] == []


def test_compile_result_schema_documents_diagnostics(client):
    schema = client.get("/schema/openapi.json").json()["components"]["schemas"]
    result = schema["CompileResult"]["properties"]["diagnostics"]
    assert result["type"] == "array"
    info = schema["DiagnosticInfo"]
    assert set(info["properties"]) == set(WIRE_KEYS)
    assert set(info["required"]) == {"code", "message"}


def test_download_refusal_carries_structured_diagnostics(client, admin_headers, engineer_headers, plc):
    """A download refused for compile errors lists them as data in details.compileResult.diagnostics."""
    from tests.api.download_sources import BAD, import_scl

    import_scl(client, admin_headers, BAD, "bad.scl")
    body = assert_error(client.post(f"{D}/actions/download-sync", headers=engineer_headers), 409,
                        "DOWNLOAD_COMPILE_FAILED")
    diagnostics = body["details"]["compileResult"]["diagnostics"]
    assert diagnostics and all(list(d) == WIRE_KEYS for d in diagnostics)
    assert {(d["block"], d["severity"]) for d in diagnostics} == {("Bad", "Error")}
    assert all(d["code"].startswith("MISSING_") for d in diagnostics)  # "Nope" is not in the project
