"""Consistency after a compile (issue 13): a block whose compile fails is inconsistent, and so are its callers,
in the block listing, the block details and the tree, until a compile of it succeeds (TIA, "Compiling blocks")."""

from __future__ import annotations

from typing import Any

from tests.conftest import data

__all__: list[str] = []

D = "/api/devices/PLC_1"
B = f"{D}/blocks"
_RETURN_STRING = "#FC_Calc := #s;"  # String into Int: no implicit conversion in either IEC-check mode
CALLEE = {"blockType": "FC", "name": "FC_Calc", "language": "SCL", "number": 3, "returnType": "Int",
          "interface": {"Input": [{"name": "s", "dataType": "String"}]}, "networks": [{"scl": _RETURN_STRING}]}
FIXED = {**CALLEE, "networks": [{"scl": "#FC_Calc := LEN(#s);"}]}
CALLER = {"blockType": "FC", "name": "FC_User", "language": "SCL", "number": 4, "returnType": "Int",
          "networks": [{"scl": '#FC_User := "FC_Calc"(s := \'abc\');'}]}
TOP = {"blockType": "OB", "name": "Main", "language": "SCL", "number": 1,
       "interface": {"Temp": [{"name": "n", "dataType": "Int"}]},
       "networks": [{"scl": '#n := "FC_User"();'}]}
ALONE = {"blockType": "FC", "name": "FC_Alone", "language": "SCL", "number": 5, "returnType": "Int",
         "networks": [{"scl": "#FC_Alone := 1;"}]}


def _import(client: Any, headers: dict[str, str], *specs: dict[str, Any], overwrite: bool = False) -> None:
    for spec in specs:
        data(client.post("/api/blockgeneration/generate-and-import",
                         json={"spec": spec, "deviceName": "PLC_1", "overwrite": overwrite}, headers=headers))


def _listed(client: Any, headers: dict[str, str]) -> dict[str, bool]:
    return {b["name"]: b["consistent"] for b in data(client.get(B, headers=headers))}


def _tree(client: Any, headers: dict[str, str]) -> dict[str, bool]:
    root = data(client.get(f"{B}/tree", headers=headers))
    return {c["name"]: c["isConsistent"] for c in root["children"] if not c["isFolder"]}


def _needs_compile(client: Any, headers: dict[str, str], name: str) -> bool:
    return data(client.get(f"{B}/{name}/content", headers=headers))["needsCompilation"]


def test_a_failed_compile_leaves_the_block_and_its_callers_inconsistent(client, admin_headers, cpu):
    h = admin_headers
    _import(client, h, CALLEE, CALLER)
    _import(client, h, TOP, overwrite=True)  # over the PLC's own Main [OB1]
    _import(client, h, ALONE)
    assert set(_listed(client, h).values()) == {True}  # never compiled: built against what is there
    result = data(client.post(f"{D}/actions/compile-software-sync", headers=h))
    assert result["state"] == "Error"
    expected = {"FC_Calc": False, "FC_User": False, "Main": False, "FC_Alone": True}
    assert _listed(client, h) == expected
    assert _tree(client, h) == expected
    assert [_needs_compile(client, h, n) for n in expected] == [True, True, True, False]

    # Replacing the block does not compile it: it stays inconsistent until a compile succeeds.
    _import(client, h, FIXED, overwrite=True)
    assert _listed(client, h)["FC_Calc"] is False
    fixed = data(client.post(f"{B}/FC_Calc/actions/compile", headers=h))
    assert fixed["state"] == "Success"
    assert _listed(client, h) == dict.fromkeys(expected, True)
    assert _tree(client, h) == dict.fromkeys(expected, True)
    assert not any(_needs_compile(client, h, n) for n in expected)


def test_a_failed_compile_of_one_block_marks_its_callers_too(client, admin_headers, cpu):
    h = admin_headers
    _import(client, h, CALLEE, CALLER)
    _import(client, h, TOP, overwrite=True)  # over the PLC's own Main [OB1]
    _import(client, h, ALONE)
    result = data(client.post(f"{B}/FC_Calc/actions/compile", headers=h))
    assert result["state"] == "Error"
    assert _listed(client, h) == {"FC_Calc": False, "FC_User": False, "Main": False, "FC_Alone": True}
    again = data(client.post(f"{D}/actions/compile-software-sync", headers=h))  # still broken: still inconsistent
    assert again["state"] == "Error" and _listed(client, h)["Main"] is False


def test_consistency_survives_save_and_reopen(client, admin_headers, project, cpu):
    """TIA saves the compile state with the project: a block that failed stays inconsistent after a reopen."""
    h = admin_headers
    _import(client, h, CALLEE, CALLER)
    _import(client, h, TOP, overwrite=True)  # over the PLC's own Main [OB1]
    _import(client, h, ALONE)
    data(client.post(f"{D}/actions/compile-software-sync", headers=h))
    before = _listed(client, h)
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=h))
    assert _listed(client, h) == before == {"FC_Calc": False, "FC_User": False, "Main": False, "FC_Alone": True}
    assert _needs_compile(client, h, "FC_Calc") is True
