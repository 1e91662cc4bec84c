"""The fake library's guard of write-protected instances, as the adapter hands it to other areas: not port methods,
public on the library object. A change of an instance of a released type version is refused and undone; a change
of anything else, or of the test instance of an in-work version, goes through; an instance is not renamed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend import models as m
from engineering_api.backend.port import port_method_names
from engineering_api.rules.program_objects import read_object
from fakes.backend import FakeBackend
from simatic_xml.generate import generate_xml
from tests.lib.outcomes import raises_code
from tests.contract.conftest import open_plc_project
from tests.contract.library_sources import FB, FB_V2, OB, UDT

if TYPE_CHECKING:
    from fakes.program import PlcSoftware


def _documents(*specs: dict[str, Any]) -> list[m.ProgramDocument]:
    return [m.ProgramDocument(source=f"{s['name']}.xml", data=generate_xml(s, "V19")) for s in specs]


@pytest.fixture
def backend(tmp_path: Path) -> FakeBackend:
    (tmp_path / "root").mkdir()
    made = FakeBackend(tmp_path / "state")
    open_plc_project(made, tmp_path / "root")
    made.program.import_program_documents("PLC_1", _documents(UDT, FB, OB), overwrite=True)
    made.library_types.create_library_type("PLC_1", "FB_Motor", folder="", comment="")
    return made


def _software(backend: FakeBackend) -> PlcSoftware:
    software = backend._project().devices["PLC_1"].software
    assert software is not None
    return software


def _replace(backend: FakeBackend, spec: dict[str, object]) -> None:
    """Replace a block in the model, as another area's writer would, inside the library's guard."""
    def change() -> None:
        obj = read_object(generate_xml(spec, "V19"), project_version="V19", source="test")
        _software(backend).add(obj, overwrite=True)

    backend.library.guarded("PLC_1", change)


def test_the_guard_is_no_port_method() -> None:
    assert not {"library.guarded", "library.refuse_instance_rename"} & port_method_names()


def test_a_released_instance_is_refused_and_left_as_it_was(backend: FakeBackend) -> None:
    before = _software(backend).blocks["FB_Motor"].xml
    refused = raises_code(e.ConflictError, "INSTANCE_WRITE_PROTECTED", _replace, backend, FB_V2)
    assert refused.details == {"name": "FB_Motor", "typeName": "FB_Motor", "versionNumber": "0.0.1"}
    assert _software(backend).blocks["FB_Motor"].xml == before
    assert backend.library.guarded("PLC_1", lambda: "ran") == "ran"  # a change that touches no instance


def test_the_test_instance_of_an_in_work_version_may_change(backend: FakeBackend) -> None:
    backend.library_types.edit_library_type("FB_Motor", "PLC_1")
    before = _software(backend).blocks["FB_Motor"].xml
    _replace(backend, FB_V2)
    assert _software(backend).blocks["FB_Motor"].xml != before


def test_an_instance_is_not_renamed(backend: FakeBackend) -> None:
    raises_code(e.ConflictError, "INSTANCE_WRITE_PROTECTED", backend.library.refuse_instance_rename, "PLC_1",
                "FB_Motor")
    backend.library.refuse_instance_rename("PLC_1", "Main")  # no instance: nothing to refuse
    with pytest.raises(e.ConflictError):
        backend.blocks.rename_block("PLC_1", "FB_Motor", "FB_Other")
    assert {b.name for b in backend.blocks.list_blocks("PLC_1")} >= {"FB_Motor", "Main"}
