"""The fake's HMI library types beyond VB scripts: a faceplate type that arrived in the project library (as from a
library file written elsewhere) is listed as one, but the fake models no faceplate instances, so placing it is 501
``NOT_MODELLED`` and changes nothing, while it can still be deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import errors as e
from engineering_api.rules.library import RELEASED
from fakes.backend import FakeBackend
from fakes.library import LibraryType, TypeVersion
from simatic_xml import hmi as sx
from tests.contract.conftest import HMI, open_plc_project


def test_a_faceplate_type_is_listed_but_not_placed(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path / "state")
    (tmp_path / "root").mkdir()
    open_plc_project(backend, tmp_path / "root")
    backend.add_device(HMI, None, "HMI_1")
    screen = sx.to_bytes(sx.new_screen("Valve", 2, 800, 480, "V19"))
    with backend._change() as project:
        backend._lib(project, None).types["Valve"] = LibraryType(name="Valve", kind="Faceplate", folder="Motors", default="0.0.1",
                                                     versions=[TypeVersion(number="0.0.1", state=RELEASED, data=screen)])
    [listed] = backend.list_hmi_library_types()
    assert (listed.name, listed.kind, listed.folder, listed.versions, listed.instances) == (
        "Valve", "Faceplate", "Motors", ["0.0.1"], [])
    for call in (lambda: backend.instantiate_library_type("Valve", "HMI_1", version_number=None),
                 lambda: backend.edit_library_type("Valve", "HMI_1")):
        with pytest.raises(e.NotSupportedError) as refused:
            call()
        assert refused.value.code == "NOT_MODELLED"
    assert [s.name for s in backend.list_hmi_screens("HMI_1")] == ["Root screen"]
    assert backend.list_hmi_library_types()[0].in_work_version is None
    assert backend.delete_library_type("Valve").name == "Valve" and backend.list_hmi_library_types() == []
