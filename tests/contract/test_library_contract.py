"""The library area of the port on every adapter: master copies and types with TIA's version rules.

The through-HTTP tests (tests/api/test_library_api.py) cover the wire, roles and dry runs; here the port's
documented behaviour and error codes are held on the fake and on the bridge over the stand-in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from simatic_xml.generate import generate_xml
from tests.contract.conftest import CPU, open_plc_project
from tests.contract.played import Played, played
from tests.lib.outcomes import raises_code
from tests.contract.library_sources import FB, FB_V2, OB, UDT, import_sources

_BRIDGE = ("the test makes its types with create_library_type, which Openness does not offer before V21 (501 "
           "NO_OPENNESS_EQUIVALENT, tested below); the bridge's version calls on types seeded into the stand-in are "
           "covered by tests/contract/test_hmi_library_types_contract.py")
BRIDGE_PENDING: dict[str, str] = {
    "test_type_versions_and_rules": _BRIDGE, "test_discard_returns_the_test_instance": _BRIDGE,
}
"""Tests that cannot run on the bridge yet (test name -> reason)."""


@pytest.fixture
def plc(backend: EngineeringBackend, root: Path) -> str:
    name = open_plc_project(backend, root, "Lib")
    import_sources(backend, UDT, FB, OB)
    backend.devices.add_device(CPU, None, "PLC_2")
    return name


def test_master_copies(backend: EngineeringBackend, plc: str) -> None:
    assert backend.library.library_info().master_copy_count == 0
    assert backend.library.create_master_copy_folder("Drives/Motors") == "Drives/Motors"
    with pytest.raises(e.AlreadyExistsError):
        backend.library.create_master_copy_folder("Drives/Motors")
    with pytest.raises(e.NotFoundError):
        backend.library.create_master_copy(plc, "Nope", name=None, folder="")
    mc = backend.library.create_master_copy(plc, "UDT_Motor", name=None, folder="Drives")
    assert (mc.name, mc.path) == ("UDT_Motor", "Drives/UDT_Motor")
    assert [c.name for c in mc.contents] == ["UDT_Motor"]
    with pytest.raises(e.AlreadyExistsError):
        backend.library.create_master_copy(plc, "UDT_Motor", name=None, folder="Drives")
    assert [x.path for x in backend.library.list_master_copies()] == ["Drives/UDT_Motor"]
    made = backend.library.instantiate_master_copy("UDT_Motor", "PLC_2")
    assert [c.name for c in made.created] == ["UDT_Motor"]
    with pytest.raises(e.AlreadyExistsError):
        backend.library.instantiate_master_copy("Drives/UDT_Motor", "PLC_2")
    raises_code(e.NotFoundError, "MASTER_COPY_NOT_FOUND", backend.library.delete_master_copy, "Drives/Nope")
    assert backend.library.delete_master_copy("Drives\\UDT_Motor").name == "UDT_Motor"
    assert backend.library.list_master_copies() == []
    raises_code(e.NotFoundError, "LIBRARY_NOT_FOUND", backend.library.list_master_copies, library="Other")


def test_a_master_copy_is_not_pasted_over_an_object_of_another_kind(backend: EngineeringBackend, plc: str) -> None:
    """MasterCopyMode.ThrowIfExists: a pasted PLC data type whose name a block of the PLC has is refused, and
    nothing is pasted."""
    backend.library.create_master_copy(plc, "UDT_Motor", name=None, folder="")
    import_sources(backend, {"blockType": "FC", "name": "udt_motor", "language": "SCL", "networks": [{"scl": ";"}]},
                   device="PLC_2")
    before = sorted((o.name, o.kind) for o in backend.program.list_program_objects("PLC_2"))
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", backend.library.instantiate_master_copy, "UDT_Motor", "PLC_2")
    assert sorted((o.name, o.kind) for o in backend.program.list_program_objects("PLC_2")) == before


def test_master_copy_refusals_read_alike(backend: EngineeringBackend, plc: str) -> None:
    """The same mistake with master copies gets the same code, message and details on every adapter."""
    def refused(call: Any) -> tuple[str, str, dict[str, Any]]:
        with pytest.raises(e.EngineeringError) as error:
            call()
        return error.value.code, str(error.value), error.value.details

    library = backend.library
    library.create_master_copy_folder("Drives/Motors")
    assert refused(lambda: library.create_master_copy_folder("Drives/Motors")) == (
        "FOLDER_EXISTS", "The folder 'Drives/Motors' already exists.", {})
    assert refused(lambda: library.create_master_copy(plc, "UDT_Motor", name=None, folder="Nope")) == (
        "FOLDER_NOT_FOUND", "The master copy folder 'Nope' does not exist; create it first.", {})
    library.create_master_copy(plc, "UDT_Motor", name=None, folder="Drives")
    library.create_master_copy(plc, "UDT_Motor", name=None, folder="Drives/Motors")
    assert refused(lambda: library.create_master_copy(plc, "UDT_Motor", name=None, folder="Drives")) == (
        "MASTER_COPY_EXISTS", "The master copy 'UDT_Motor' already exists in 'Drives'.", {})
    assert refused(lambda: library.instantiate_master_copy("UDT_Motor", "PLC_2")) == (
        "AMBIGUOUS_MASTER_COPY", "Several master copies are named 'UDT_Motor' (Drives/UDT_Motor, "
        "Drives/Motors/UDT_Motor); name one by its path (Folder/Name).",
        {"paths": ["Drives/UDT_Motor", "Drives/Motors/UDT_Motor"]})
    assert refused(lambda: library.delete_master_copy("Drives/Nope")) == (
        "MASTER_COPY_NOT_FOUND", "The master copy 'Drives/Nope' was not found.", {})
    assert refused(lambda: library.instantiate_master_copy("Drives/UDT_Motor", plc)) == (
        "OBJECT_EXISTS", f"'{plc}' already has an object named 'UDT_Motor'; rename or delete it first.", {})


def test_editing_a_type_in_work_is_refused_alike(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    """``FB_Motor`` with 0.0.2 in work (made by the fake, seeded into the stand-in): a second edit is refused with
    the same code, message and details on every adapter (by the version, where its Openness cannot edit a type)."""
    if tia.lacks("LibraryTypeVersion", "Edit"):
        from StandIn.Control import LibraryTypes

        LibraryTypes.Add("LibraryType", "FB_Motor", "0.0.1,0.0.2*")
        tia.refuses(backend.library_types.edit_library_type, "FB_Motor", "PLC_2")
        return
    if backend.name == "fake":
        backend.library_types.create_library_type(plc, "FB_Motor", folder="", comment="")
        backend.library_types.edit_library_type("FB_Motor", plc)
    else:
        from StandIn.Control import LibraryTypes

        LibraryTypes.Add("LibraryType", "FB_Motor", "0.0.1,0.0.2*")
    with pytest.raises(e.ConflictError) as refused:
        backend.library_types.edit_library_type("FB_Motor", "PLC_2")
    assert (refused.value.code, str(refused.value), refused.value.details) == (
        "IN_WORK_VERSION_EXISTS", "The type 'FB_Motor' already has the in-work version 0.0.2; release or discard it "
        "first.", {"versionNumber": "0.0.2"})


def test_type_versions_and_rules(backend: EngineeringBackend, plc: str) -> None:
    created = backend.library_types.create_library_type(plc, "FB_Motor", folder="", comment="first")
    assert created.created_dependencies == ["UDT_Motor"] and created.default_version == "0.0.1"
    assert {t.name for t in backend.library_types.list_library_types()} == {"FB_Motor", "UDT_Motor"}
    raises_code(e.ValidationError, "NOT_TYPEABLE", backend.library_types.create_library_type, plc, "Main", folder="",
                comment="")
    raises_code(e.ConflictError, "INSTANCE_WRITE_PROTECTED", import_sources, backend, FB_V2)
    # the UDT became a type along with the FB: the UDT area's import and update are guarded too, and change nothing
    before = backend.types.export_type(plc, "UDT_Motor")
    udt_v2 = generate_xml({**UDT,
                           "interface": {"None": [*UDT["interface"]["None"], {"name": "Load", "dataType": "Int"}]}},
                          played(backend).version)
    for change in (lambda: backend.types.update_type(plc, "UDT_Motor", udt_v2),
                   lambda: backend.types.import_type(plc, udt_v2, folder="", overwrite=True, source="u.xml")):
        raises_code(e.ConflictError, "INSTANCE_WRITE_PROTECTED", change)
        assert backend.types.export_type(plc, "UDT_Motor") == before

    edited = backend.library_types.edit_library_type("FB_Motor", plc)
    assert edited.in_work_version == "0.0.2"
    raises_code(e.ConflictError, "IN_WORK_VERSION_EXISTS", backend.library_types.edit_library_type, "FB_Motor", "PLC_2")
    raises_code(e.ValidationError, "VERSION_IN_WORK", backend.library_types.set_default_library_type_version,
                "FB_Motor", "0.0.2")
    import_sources(backend, FB_V2)  # the test instance can change
    released = backend.library_types.release_library_type("FB_Motor", version_number=None, comment="speed")
    assert (released.default_version, released.in_work_version) == ("0.0.2", None)
    diff = backend.library_types.compare_library_type("FB_Motor", "0.0.1", right_version="0.0.2", device=None)
    assert not diff.identical and diff.networks_changed
    assert backend.library_types.compare_library_type("FB_Motor", "0.0.2", right_version=None, device=plc).identical

    backend.library_types.set_default_library_type_version("FB_Motor", "0.0.1")
    made = backend.library_types.instantiate_library_type("FB_Motor", "PLC_2", version_number=None)
    assert (made.version_number, made.created) == ("0.0.1", ["UDT_Motor", "FB_Motor"])
    raises_code(e.ConflictError, "TYPE_HAS_INSTANCES", backend.library_types.delete_library_type, "FB_Motor")
    fb = next(t for t in backend.library_types.list_library_types() if t.name == "FB_Motor")
    assert {(i.device_name, i.version_number) for i in fb.instances} == {("PLC_1", "0.0.2"), ("PLC_2", "0.0.1")}


def test_discard_returns_the_test_instance(backend: EngineeringBackend, plc: str) -> None:
    backend.library_types.create_library_type(plc, "UDT_Motor", folder="Base", comment="")
    backend.library_types.edit_library_type("UDT_Motor", plc)
    info = backend.library_types.discard_library_type("UDT_Motor")
    assert [v.version_number for v in info.versions] == ["0.0.1"] and info.in_work_version is None
    raises_code(e.ConflictError, "NO_IN_WORK_VERSION", backend.library_types.discard_library_type, "UDT_Motor")
    tree = backend.library.library_tree()
    assert [c.name for c in tree.children] == ["Master copies", "Types"]
    assert tree.children[1].children[0].name == "Base"


def test_type_creation_and_an_empty_type_folder(backend: EngineeringBackend, plc: str) -> None:
    raises_code(e.NotFoundError, "OBJECT_NOT_FOUND", backend.library_types.create_library_type, plc, "Nope", folder="",
                comment="")
    if backend.name == "fake":
        assert backend.library_types.create_library_type(plc, "UDT_Motor", folder="",
                                                         comment="").default_version == "0.0.1"
        return
    raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.library_types.create_library_type, plc,
                "FB_Motor", folder="", comment="")
    assert backend.library_types.list_library_types() == [] and backend.library.library_info().type_count == 0
    raises_code(e.NotFoundError, "TYPE_NOT_FOUND", backend.library_types.delete_library_type, "FB_Motor")
