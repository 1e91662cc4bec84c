"""The REST compile checks through the one check entry (:func:`engineering_api.rules.compiler.check.check`): what
that means on the wire, through HTTP (issue 53)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CPU, add_device, assert_error, data

D = "/api/devices/PLC_1"
UNIT = Path(__file__).resolve().parents[1] / "realcode" / "cases" / "software_unit_namespace"
UDT = {"blockType": "UDT", "name": "Motor", "interface": {"None": [{"name": "Speed", "dataType": "Real"}]}}
FB = {"blockType": "FB", "name": "Motor", "language": "SCL", "number": 10,
      "interface": {"Input": [{"name": "Start", "dataType": "Bool"}]}, "networks": [{"scl": ";"}]}
FC = {"blockType": "FC", "name": "FC_Ok", "language": "SCL", "number": 3, "returnType": "Int",
      "networks": [{"scl": "#FC_Ok := 1;"}]}


def _generate(client: Any, headers: dict[str, str], spec: dict[str, Any], **extra: Any) -> Any:
    return client.post("/api/blockgeneration/generate-and-import", json={"spec": spec, "deviceName": "PLC_1", **extra},
                       headers=headers)


def _v20_plc(client: Any, headers: dict[str, str]) -> None:
    """A V20 project (software units need it) with a CPU ``PLC_1``."""
    data(client.post("/api/instance/actions/detach", headers=headers))
    data(client.post("/api/instance/actions/launch", json={"version": "V20"}, headers=headers))
    data(client.post("/api/projects/actions/create-sync", json={"name": "P20"}, headers=headers))
    add_device(client, headers, CPU, "PLC_1")


def test_a_software_unit_block_is_compiled(client, admin_headers):
    """A V20 software unit's block, stored under its qualified name (Plant.Pump), is checked by the compile of the
    software and of the block: its error is reported (a mutated copy of the case: the coil's operand is a local
    the FB does not declare)."""
    _v20_plc(client, admin_headers)
    broken = (UNIT / "Pump.xml").read_text(encoding="utf-8").replace('<Component Name="running" />',
                                                                        '<Component Name="stopped" />')
    for xml in ((UNIT / "Data.xml").read_text(encoding="utf-8"), broken):
        data(client.post(f"{D}/blocks", json={"rawXml": xml}, headers=admin_headers))
    software = data(client.post(f"{D}/actions/compile-software-sync", headers=admin_headers))
    assert [b["description"] for b in software["messages"][0]["messages"]] == ["Plant.Pump", "Plant.Data", "Main"]
    assert (software["state"], software["errorCount"]) == ("Error", 1)
    [found] = software["diagnostics"]
    assert (found["block"], found["severity"], found["network"], found["file"]) == ("Plant.Pump", "Error", 1, None)
    assert "stopped" in found["message"]
    block = data(client.post(f"{D}/blocks/Plant.Pump/actions/compile", headers=admin_headers))
    assert [d["block"] for d in block["diagnostics"]] == ["Plant.Pump"]
    assert block["messages"][0]["messages"][0]["path"] == "PLC_1/Program blocks/Plant.Pump"


def test_a_type_and_a_block_of_one_name_never_meet_in_a_compile(client, admin_headers, cpu):
    """PLC data types and blocks share one namespace in a PLC: the import refuses a block named like a type (and an
    overwrite replaces it), so the compile's ``DUPLICATE_BLOCK`` rule never sees a stored pair: a compile of what
    the import leaves reports no duplicate."""
    data(_generate(client, admin_headers, UDT))
    assert_error(_generate(client, admin_headers, FB), 409, "OBJECT_EXISTS")
    assert data(client.post(f"{D}/actions/compile-software-sync", headers=admin_headers))["state"] == "Success"
    data(_generate(client, admin_headers, FB, overwrite=True))
    result = data(client.post(f"{D}/actions/compile-software-sync", headers=admin_headers))
    assert [b["description"] for b in result["messages"][0]["messages"]] == ["Motor", "Main"]  # Main: the PLC's OB1
    assert (result["state"], result["diagnostics"]) == ("Success", [])


def test_a_checker_crash_is_a_finding_not_a_server_error(client, admin_headers, cpu, monkeypatch):
    """A defect of the checker on one block is a Warning ``CHECKER_FAILED`` on that block, as in ``scl check``
    (the checker's defect must not fail the user's valid code, nor hide the other blocks' findings): the answer is
    a compile result, not a 500."""
    from engineering_api.rules.compiler import checker, project

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    data(_generate(client, admin_headers, FC))
    monkeypatch.setattr(checker, "check_block", crash)
    monkeypatch.setattr(project, "check_block", crash, raising=False)
    response = client.post(f"{D}/actions/compile-software-sync", headers=admin_headers)
    assert response.status_code in (200, 201), response.text
    result = data(response)
    # one CHECKER_FAILED each for the FC and for the PLC's own Main [OB1]
    assert (result["state"], result["errorCount"], result["warningCount"]) == ("Warning", 0, 2)
    assert [(d["block"], d["severity"], d["code"]) for d in result["diagnostics"]] == [
        ("FC_Ok", "Warning", "CHECKER_FAILED"), ("Main", "Warning", "CHECKER_FAILED")]
    found = result["diagnostics"][0]
    assert "RuntimeError: boom" in found["message"]
    [leaf] = result["messages"][0]["messages"][0]["messages"]
    assert leaf["state"] == "Warning" and "could not check this block" in leaf["description"]


@pytest.mark.parametrize("route", [f"{D}/actions/compile-software-sync", f"{D}/blocks/FC_Bad/actions/compile"])
def test_compile_diagnostics_name_no_file(client, admin_headers, cpu, route):
    """A stored object is no file: the compile's diagnostics carry ``file`` null, as before the one entry."""
    bad = {**FC, "name": "FC_Bad", "interface": {"Input": [{"name": "r", "dataType": "String"}]},
           "networks": [{"scl": "#FC_Bad := #r;"}]}  # String into Int: no implicit conversion
    data(_generate(client, admin_headers, bad))
    result = data(client.post(route, headers=admin_headers))
    assert result["diagnostics"] and all(d["file"] is None for d in result["diagnostics"])


def test_a_checker_crash_on_a_caller_of_a_failed_block_is_no_server_error(client, admin_headers, cpu, monkeypatch):
    """A one-block compile that fails walks the other blocks to find its callers: a defect of the checker on one of
    them is logged, and the compile still answers with the asked block's findings."""
    from engineering_api.rules.compiler import checker

    for name, number, callee in (("FC_Gone", 3, None), ("FC_Bad", 4, "FC_Gone"), ("FC_Caller", 5, "FC_Bad")):
        code = f'#{name} := "{callee}"();' if callee else f"#{name} := 1;"
        data(_generate(client, admin_headers, {**FC, "name": name, "number": number, "networks": [{"scl": code}]}))
    data(client.delete(f"{D}/blocks/FC_Gone", headers=admin_headers))  # FC_Bad now calls a block that is not there
    real = checker.check_block

    def crash_on_caller(program: Any, block: Any, *args: Any, **kwargs: Any) -> Any:
        if block.name == "FC_Caller":
            raise RuntimeError("boom")
        return real(program, block, *args, **kwargs)

    monkeypatch.setattr(checker, "check_block", crash_on_caller)
    result = data(client.post(f"{D}/blocks/FC_Bad/actions/compile", headers=admin_headers))
    assert result["state"] == "Error" and [d["block"] for d in result["diagnostics"]] == ["FC_Bad"]
