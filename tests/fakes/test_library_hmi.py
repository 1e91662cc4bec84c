"""The fake's HMI library types beyond VB scripts: a faceplate type that arrived in the project library (as from a
library file written elsewhere) is listed as one and screens may then hold instances of it (which keep it from being
deleted), but the fake does not place it: instantiate and edit are 501 ``NOT_MODELLED`` and change nothing."""

from __future__ import annotations

from pathlib import Path

from engineering_api.backend import errors as e
from engineering_api.rules.library import RELEASED
from fakes.backend import FakeBackend
from fakes.library import LibraryType, TypeVersion
from simatic_xml import hmi as sx
from tests.lib.outcomes import raises_code
from tests.contract.conftest import HMI, open_plc_project
from tests.contract.faceplate import faceplate_screen


def test_a_faceplate_type_is_listed_but_not_placed(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path / "state")
    (tmp_path / "root").mkdir()
    open_plc_project(backend, tmp_path / "root")
    backend.devices.add_device(HMI, None, "HMI_1")
    screen = sx.to_bytes(sx.new_screen("Valve", 2, 800, 480, "V19"))
    with backend._change() as project:
        backend.library._libraries.lib(project, None).types["Valve"] = LibraryType(
            name="Valve", kind="Faceplate", folder="Motors", default="0.0.1",
            versions=[TypeVersion(number="0.0.1", state=RELEASED, data=screen)])
    [listed] = backend.hmi_resources.list_hmi_library_types()
    assert (listed.name, listed.kind, listed.folder, listed.versions, listed.instances) == (
        "Valve", "Faceplate", "Motors", ["0.0.1"], [])
    for call in (lambda: backend.library_types.instantiate_library_type("Valve", "HMI_1", version_number=None),
                 lambda: backend.library_types.edit_library_type("Valve", "HMI_1")):
        raises_code(e.NotSupportedError, "NOT_MODELLED", call)
    assert [s.name for s in backend.hmi.list_hmi_screens("HMI_1")] == ["Root screen"]
    assert backend.hmi_resources.list_hmi_library_types()[0].in_work_version is None

    # a screen may now hold an instance of it, which counts as one: the type is not deleted while it is there
    backend.hmi.import_hmi_screen("HMI_1", faceplate_screen("Motors@$@Valve V 0.0.1"))
    assert [(i.device_name, i.name, i.version_number)
            for i in backend.hmi_resources.list_hmi_library_types()[0].instances] == [
        ("HMI_1", "Valves/Valve_1", "0.0.1")]
    in_use = raises_code(e.ConflictError, "TYPE_HAS_INSTANCES", backend.library_types.delete_library_type, "Valve")
    assert "HMI_1/Valves/Valve_1" in in_use.message
    backend.devices.delete_device("HMI_1")
    assert (
        backend.library_types.delete_library_type("Valve").name == "Valve"
        and backend.hmi_resources.list_hmi_library_types() == []
    )
