"""The PLC data types (UDT) area of the port: every adapter honours its documented behaviour and errors.

Calls :class:`engineering_api.backend.areas.types.TypesPort` methods directly; parametrised over adapters
as the main contract suite (only the fake today).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend import models as m
from engineering_api.backend.port import EngineeringBackend
from simatic_xml.generate import generate_xml
from tests.lib.outcomes import raises_code
from tests.contract.conftest import IM
from tests.contract.played import Played

BRIDGE_PENDING: dict[str, str] = {
    "test_a_successful_compile_makes_users_consistent_again": (
        "needs a compiler verdict: the Openness stand-in does not compile, so nothing becomes consistent again"),
}
"""Tests that cannot run on the bridge (test name -> reason); every other test runs on both adapters."""


def udt(tia: Played, name: str, *members: tuple[str, str], version: str | None = None) -> bytes:
    """A UDT's SimaticML as the played TIA version (or ``version``) exports it."""
    spec = {"blockType": "UDT", "name": name,
            "interface": {"None": [{"name": n, "dataType": t, "comment": f"{n} comment"} for n, t in members]}}
    return generate_xml(spec, version or tia.version)


def block(tia: Played, name: str, *members: tuple[str, str], number: int = 1) -> bytes:
    spec = {"blockType": "GlobalDB", "name": name, "number": number,
            "interface": {"Static": [{"name": n, "dataType": t} for n, t in members]}}
    return generate_xml(spec, tia.version)


def doc(name: str, data: bytes) -> m.ProgramDocument:
    return m.ProgramDocument(source=f"{name}.xml", data=data)


def test_import_list_get(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    details = backend.types.import_type(plc, udt(tia, "UDT_A", ("Speed", "Real"), ("On", "Bool")), folder="Motors",
                                  overwrite=False, source="a.xml")
    assert details.name == "UDT_A" and details.folder == "Motors" and details.is_consistent
    assert [(x.name, x.data_type, x.comment) for x in details.members] == [
        ("Speed", "Real", "Speed comment"), ("On", "Bool", "On comment")]
    assert [t.name for t in backend.types.list_types(plc)] == ["UDT_A"]
    assert backend.types.get_type(plc, "UDT_A").member_count == 2
    tree = backend.types.type_tree(plc)
    assert tree.is_folder and tree.children[0].name == "Motors" and tree.children[0].children[0].name == "UDT_A"


def test_import_refuses_existing_unless_overwrite(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.types.import_type(plc, udt(tia, "UDT_A", ("A", "Int")), folder="", overwrite=False, source="a")
    with pytest.raises(e.AlreadyExistsError):
        backend.types.import_type(plc, udt(tia, "UDT_A", ("B", "Int")), folder="", overwrite=False, source="a")
    assert backend.types.get_type(plc, "UDT_A").members[0].name == "A"
    backend.types.import_type(plc, udt(tia, "UDT_A", ("B", "Int")), folder="", overwrite=True, source="a")
    assert backend.types.get_type(plc, "UDT_A").members[0].name == "B"


def test_import_refuses_non_udt_documents(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    raises_code(e.ValidationError, "NOT_A_UDT", backend.types.import_type, plc, block(tia, "DB_A", ("A", "Int")),
                folder="",
                overwrite=False, source="db")
    with pytest.raises(e.ValidationError):
        backend.types.import_type(plc, b"<not xml", folder="", overwrite=False, source="x")


def test_recursion_is_refused_directly_and_through_other_udts(backend: EngineeringBackend, plc: str,
                                                              tia: Played) -> None:
    backend.types.import_type(plc, udt(tia, "UDT_B", ("A", "Int")), folder="", overwrite=False, source="b")
    backend.types.import_type(plc, udt(tia, "UDT_A", ("B", '"UDT_B"')), folder="", overwrite=False, source="a")
    raises_code(e.ValidationError, "RECURSIVE_TYPE", backend.types.update_type, plc, "UDT_B",
                udt(tia, "UDT_B", ("Back", '"UDT_A"')))
    assert backend.types.get_type(plc, "UDT_B").members[0].name == "A"  # unchanged


def test_update_marks_users_inconsistent(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.types.import_type(plc, udt(tia, "UDT_In", ("A", "Int")), folder="", overwrite=False, source="i")
    backend.types.import_type(plc, udt(tia, "UDT_Out", ("In", '"UDT_In"')), folder="", overwrite=False, source="o")
    backend.program.import_program_documents(plc, [doc("DB_Out", block(tia, "DB_Out", ("X", '"UDT_Out"')))],
                                             overwrite=False)
    backend.program.import_program_documents(plc, [doc("DB_In", block(tia, "DB_In", ("X", '"UDT_In"'), number=2))],
                                             overwrite=False)
    assert backend.types.get_type(plc, "UDT_Out").is_consistent
    result = backend.types.update_type(plc, "UDT_In", udt(tia, "UDT_In", ("A", "Int"), ("B", "Real")))
    assert result.interface_changed
    affected = {u.name: u.is_consistent for u in result.affected_users}
    assert affected == {"UDT_Out": False, "DB_In": False, "DB_Out": False}
    assert not backend.types.get_type(plc, "UDT_Out").is_consistent
    assert backend.types.get_type(plc, "UDT_In").is_consistent


def test_update_without_interface_change_affects_nobody(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.types.import_type(plc, udt(tia, "UDT_In", ("A", "Int")), folder="", overwrite=False, source="i")
    backend.types.import_type(plc, udt(tia, "UDT_Out", ("In", '"UDT_In"')), folder="", overwrite=False, source="o")
    result = backend.types.update_type(plc, "UDT_In", udt(tia, "UDT_In", ("A", "Int")))
    assert not result.interface_changed and result.affected_users == []
    assert backend.types.get_type(plc, "UDT_Out").is_consistent


def test_update_errors(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    with pytest.raises(e.NotFoundError):
        backend.types.update_type(plc, "UDT_X", udt(tia, "UDT_X", ("A", "Int")))
    backend.types.import_type(plc, udt(tia, "UDT_A", ("A", "Int")), folder="", overwrite=False, source="a")
    raises_code(e.ValidationError, "NAME_MISMATCH", backend.types.update_type, plc, "UDT_A",
                udt(tia, "UDT_Other", ("A", "Int")))


def test_delete_refuses_used_types_unless_forced(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.types.import_type(plc, udt(tia, "UDT_In", ("A", "Int")), folder="", overwrite=False, source="i")
    backend.types.import_type(plc, udt(tia, "UDT_Out", ("In", '"UDT_In"')), folder="", overwrite=False, source="o")
    raises_code(e.ConflictError, "TYPE_IN_USE", backend.types.delete_type, plc, "UDT_In", force=False)
    result = backend.types.delete_type(plc, "UDT_In", force=True)
    assert result.deleted == ["UDT_In"] and [u.name for u in result.orphaned_users] == ["UDT_Out"]
    out = backend.types.get_type(plc, "UDT_Out")
    assert not out.is_consistent and out.missing_types == ["UDT_In"]
    with pytest.raises(e.NotFoundError):
        backend.types.delete_type(plc, "UDT_In", force=False)


def test_export_gives_the_document(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.types.import_type(plc, udt(tia, "UDT_A", ("A", "Int")), folder="", overwrite=False, source="a")
    data = backend.types.export_type(plc, "UDT_A")
    assert b"SW.Types.PlcStruct" in data and b"UDT_A" in data
    with pytest.raises(e.NotFoundError):
        backend.types.export_type(plc, "UDT_B")


def test_folders(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    assert backend.types.add_type_folder(plc, "Motors/Pumps") == "Motors/Pumps"
    with pytest.raises(e.AlreadyExistsError):
        backend.types.add_type_folder(plc, "Motors/Pumps")
    with pytest.raises(e.ValidationError):
        backend.types.add_type_folder(plc, "a//b")
    backend.types.import_type(plc, udt(tia, "UDT_P", ("A", "Int")), folder="Motors/Pumps", overwrite=False, source="p")
    backend.types.import_type(plc, udt(tia, "UDT_User", ("P", '"UDT_P"')), folder="", overwrite=False, source="u")
    with pytest.raises(e.ConflictError):
        backend.types.delete_type_folder(plc, "Motors", force=False)
    result = backend.types.delete_type_folder(plc, "Motors", force=True)
    assert result.deleted == ["UDT_P"]
    assert [c.name for c in backend.types.type_tree(plc).children] == ["UDT_User"]
    with pytest.raises(e.NotFoundError):
        backend.types.delete_type_folder(plc, "Motors", force=False)


CALLS: list[tuple[str, Callable[[EngineeringBackend, str], Any]]] = [
    ("list_types", lambda b, d: b.types.list_types(d)),
    ("type_tree", lambda b, d: b.types.type_tree(d)),
    ("get_type", lambda b, d: b.types.get_type(d, "UDT_A")),
    ("add_type_folder", lambda b, d: b.types.add_type_folder(d, "F")),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_unknown_device_is_not_found(backend: EngineeringBackend, plc: str, name: str, call: Any) -> None:
    with pytest.raises(e.NotFoundError):
        call(backend, "PLC_9")


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_a_device_without_software_is_refused(backend: EngineeringBackend, plc: str, name: str, call: Any) -> None:
    backend.devices.add_device(IM, None, "IO_1")
    raises_code(e.ValidationError, "NOT_A_PLC", call, backend, "IO_1")


def test_a_successful_compile_makes_users_consistent_again(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.types.import_type(plc, udt(tia, "UDT_In", ("A", "Int")), folder="", overwrite=False, source="i")
    backend.types.import_type(plc, udt(tia, "UDT_Out", ("In", '"UDT_In"')), folder="", overwrite=False, source="o")
    backend.program.import_program_documents(plc, [doc("DB_In", block(tia, "DB_In", ("X", '"UDT_In"')))],
                                             overwrite=False)
    backend.types.update_type(plc, "UDT_In", udt(tia, "UDT_In", ("A", "Int"), ("B", "Real")))
    assert not backend.types.get_type(plc, "UDT_Out").is_consistent
    result = backend.compile.compile_software(plc)
    assert result.state != "Error"
    assert backend.types.get_type(plc, "UDT_Out").is_consistent
    assert all(u.is_consistent for u in backend.types.get_type(plc, "UDT_In").used_by)
