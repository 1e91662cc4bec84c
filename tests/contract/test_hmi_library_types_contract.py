"""HMI library types on every adapter: a classic panel's VB script made a VBScript type, versioned as PLC types are.

The fake makes the type (:mod:`fakes.library_hmi`); Openness makes no type of a project object, so the bridge
answers 501 ``NO_OPENNESS_EQUIVALENT`` for a panel's script as for a block (tested here on both adapters), and the
tests that change a type skip on it (``BRIDGE_PENDING``). How a type is listed is held on both: the stand-in's
project library is given the type as TIA's UI would make it (``StandIn.Control.LibraryTypes``). A screen whose
faceplate instance names a type version the project library lacks is refused on both; the bridge, whose stand-in
can hold a faceplate type, also takes one that names an existing version.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl
from tests.lib.outcomes import raises_code
from tests.contract.conftest import HMI, IM
from tests.contract.played import Played
from tests.contract.conftest import MTP700
from tests.contract.faceplate import faceplate_screen

_BRIDGE = ("makes and changes a VBScript type: Openness cannot make one of a project object (create_library_type "
           "answers 501 NO_OPENNESS_EQUIVALENT, tested below) and the stand-in's seeded types are read-only")
BRIDGE_PENDING: dict[str, str] = {"test_a_script_becomes_a_type": _BRIDGE, "test_script_type_versions": _BRIDGE,
                                  "test_script_types_are_saved": _BRIDGE}
"""Tests that cannot run on the bridge (test name -> reason)."""

V1 = "Sub Reset()\r\n  SmartTags(\"Counter\") = 0\r\nEnd Sub"
V2 = "Sub Reset()\r\n  SmartTags(\"Counter\") = 0\r\n  SmartTags(\"Done\") = 1\r\nEnd Sub"


def script(tia: Played, code: str = V1, name: str = "Reset") -> bytes:
    return sx.to_bytes(hl.new_vb_script(name, tia.version, code))


def code_in(backend: EngineeringBackend, panel: str) -> str:
    return hl.script_code(sx.read_hmi(backend.hmi_resources.export_hmi_script(panel, "Reset").data).root)


@pytest.fixture
def panels(backend: EngineeringBackend, plc: str, tia: Played) -> tuple[str, str]:
    """Two TP700 Comfort panels beside PLC_1; ``HMI_1`` has the VB script ``Reset``."""
    backend.devices.add_device(HMI, None, "HMI_1")
    backend.devices.add_device(HMI, None, "HMI_2")
    backend.hmi_resources.import_hmi_script("HMI_1", script(tia))
    return "HMI_1", "HMI_2"


def _type_with_a_version_in_work(backend: EngineeringBackend) -> None:
    """``Reset``: a VBScript type with 0.0.1 released (the default) and 0.0.2 in work."""
    if backend.name == "fake":
        backend.library_types.create_library_type("HMI_1", "Reset", folder="", comment="")
        backend.library_types.edit_library_type("Reset", "HMI_1")
        return
    from StandIn.Control import LibraryTypes

    LibraryTypes.Add("VBScriptLibraryType", "Reset", "0.0.1,0.0.2*")


def test_hmi_types_are_listed_alike(backend: EngineeringBackend, panels: tuple[str, str]) -> None:
    _type_with_a_version_in_work(backend)
    [listed] = backend.hmi_resources.list_hmi_library_types()
    assert (listed.name, listed.kind, listed.folder, listed.versions, listed.default_version,
            listed.in_work_version) == ("Reset", "VBScript", "", ["0.0.1", "0.0.2"], "0.0.1", "0.0.2")
    # the library's own list names it by its kind too (over Openness: by its class, not taken for a block)
    [typed] = backend.library_types.list_library_types()
    assert (typed.kind, typed.default_version, typed.in_work_version) == ("VBScript", "0.0.1", "0.0.2")
    assert [(v.version_number, v.state) for v in typed.versions] == [("0.0.1", "Released"), ("0.0.2", "InWork")]


def test_versions_of_an_hmi_type_are_named_alike(backend: EngineeringBackend, panels: tuple[str, str],
                                                 tia: Played) -> None:
    _type_with_a_version_in_work(backend)
    for number, error, code, message in (
            ("0.0.2", e.ValidationError, "VERSION_IN_WORK",
             "Reset 0.0.2 is in work; only a released version can be the default."),
            ("0.0.9", e.NotFoundError, "VERSION_NOT_FOUND",
             "The type 'Reset' has no version 0.0.9 (it has 0.0.1, 0.0.2).")):
        with pytest.raises(error) as refused:
            backend.library_types.set_default_library_type_version("Reset", number)
        assert (refused.value.code, str(refused.value)) == (code, message)
    with pytest.raises(e.ValidationError) as refused:
        backend.library_types.instantiate_library_type("Reset", "HMI_2", version_number="0.0.2")
    assert (refused.value.code, str(refused.value)) == (
        "VERSION_IN_WORK", "Reset 0.0.2 is in work; only released versions are instantiated (its test instance is the "
        "one instance it has).")
    if tia.lacks("LibraryTypeVersion", "Release"):
        tia.refuses(backend.library_types.release_library_type, "Reset", version_number="0.0.1", comment="")
    else:
        with pytest.raises(e.ValidationError) as refused:
            backend.library_types.release_library_type("Reset", version_number="0.0.1", comment="")
        assert (refused.value.code, str(refused.value), refused.value.details) == (
            "INVALID_VERSION", "0.0.1 is not above the type's highest version 0.0.1.", {"field": "versionNumber"})
    if backend.name == "fake":
        assert backend.library_types.compare_library_type("Reset", "0.0.1", right_version="0.0.2",
                                                          device=None).identical
        return
    raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.library_types.compare_library_type, "Reset",
                "0.0.1", right_version="0.0.2", device=None)  # versions are exported from V21 on


def test_an_hmi_type_goes_to_a_classic_panel(backend: EngineeringBackend, panels: tuple[str, str],
                                             tia: Played) -> None:
    _type_with_a_version_in_work(backend)
    backend.devices.add_device(MTP700, None, "HMI_U")
    for device, code in (("PLC_1", "NOT_AN_HMI"), ("HMI_U", "NOT_A_CLASSIC_PANEL")):
        raises_code(e.ValidationError, code, backend.library_types.instantiate_library_type, "Reset", device,
                    version_number="0.0.1")
    if backend.name == "fake":
        made = backend.library_types.instantiate_library_type("Reset", "HMI_2", version_number="0.0.1")
        assert (made.created, code_in(backend, "HMI_2")) == (["Reset"], V1)
        return
    raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.library_types.instantiate_library_type, "Reset",
                "HMI_2", version_number="0.0.1")  # no member puts a type version on a panel
    if tia.lacks("LibraryTypeVersion", "Edit"):  # nor, before V21's evidence, edits a type at all
        tia.refuses(backend.library_types.edit_library_type, "Reset", "HMI_2")
    else:
        raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.library_types.edit_library_type, "Reset",
                    "HMI_2")
    assert backend.hmi_resources.list_hmi_scripts("HMI_2") == []


def test_making_a_type_of_a_script(backend: EngineeringBackend, panels: tuple[str, str]) -> None:
    raises_code(e.NotFoundError, "OBJECT_NOT_FOUND", backend.library_types.create_library_type, "HMI_1", "Nope",
                folder="", comment="")
    backend.devices.add_device(MTP700, None, "HMI_U")
    backend.devices.add_device(IM, None, "IO_1")
    for device, code in (("HMI_U", "NOT_A_CLASSIC_PANEL"), ("IO_1", "NOT_A_PLC")):
        raises_code(e.ValidationError, code, backend.library_types.create_library_type, device, "Reset", folder="",
                    comment="")  # a Unified panel runs JavaScript, not VB scripts
    if backend.name == "fake":
        assert backend.library_types.create_library_type("HMI_1", "Reset", folder="", comment="").kind == "VBScript"
        return
    raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.library_types.create_library_type, "HMI_1",
                "Reset", folder="", comment="")
    assert (
        backend.hmi_resources.list_hmi_library_types() == []
        and backend.hmi_resources.list_hmi_scripts("HMI_1")[0].name == "Reset"
    )


def test_a_script_becomes_a_type(backend: EngineeringBackend, panels: tuple[str, str]) -> None:
    made = backend.library_types.create_library_type("HMI_1", "reset", folder="Scripts/Panel", comment="first")
    assert (made.name, made.kind, made.folder, made.default_version) == ("Reset", "VBScript", "Scripts/Panel", "0.0.1")
    assert [(i.device_name, i.name, i.write_protected) for i in made.instances] == [("HMI_1", "Reset", True)]
    [listed] = backend.hmi_resources.list_hmi_library_types()
    assert (listed.name, listed.kind, listed.folder, listed.versions, listed.default_version,
            listed.in_work_version) == ("Reset", "VBScript", "Scripts/Panel", ["0.0.1"], "0.0.1", None)
    assert [i.device_name for i in listed.instances] == ["HMI_1"]
    for device, name, error, code in (("HMI_1", "Reset", e.AlreadyExistsError, "TYPE_EXISTS"),
                                      ("HMI_1", "Root screen", e.ValidationError, "NOT_TYPEABLE"),
                                      ("PLC_1", "Reset", e.NotFoundError, "OBJECT_NOT_FOUND")):
        raises_code(error, code, backend.library_types.create_library_type, device, name, folder="", comment="")
    assert [t.name for t in backend.library_types.list_library_types()] == ["Reset"]


def test_script_type_versions(backend: EngineeringBackend, panels: tuple[str, str], tia: Played) -> None:
    backend.library_types.create_library_type("HMI_1", "Reset", folder="", comment="")
    refused = raises_code(e.ConflictError, "INSTANCE_WRITE_PROTECTED", backend.hmi_resources.import_hmi_script, "HMI_1",
                          script(tia, V2), overwrite=True)  # an instance of a released version is write-protected
    assert code_in(backend, "HMI_1") == V1
    made = backend.library_types.instantiate_library_type("Reset", "HMI_2", version_number=None)
    assert (made.version_number, made.created) == ("0.0.1", ["Reset"]) and code_in(backend, "HMI_2") == V1
    raises_code(e.ValidationError, "NOT_AN_HMI", backend.library_types.instantiate_library_type, "Reset", "PLC_1",
                version_number=None)

    assert backend.library_types.edit_library_type("Reset", "HMI_1").in_work_version == "0.0.2"
    raises_code(e.ConflictError, "IN_WORK_VERSION_EXISTS", backend.library_types.edit_library_type, "Reset", "HMI_2")
    backend.hmi_resources.import_hmi_script("HMI_1", script(tia, V2), overwrite=True)  # the test instance can change
    with pytest.raises(e.ConflictError):
        backend.hmi_resources.import_hmi_script("HMI_2", script(tia, V2), overwrite=True)  # the other instance cannot
    diff = backend.library_types.compare_library_type("Reset", "0.0.1", right_version=None, device="HMI_1")
    assert (diff.identical, diff.kind) == (False, "code")
    released = backend.library_types.release_library_type("Reset", version_number="1.0.0", comment="done flag")
    assert (released.default_version, released.in_work_version) == ("1.0.0", None)
    assert code_in(backend, "HMI_2") == V2  # releasing updates every instance
    [listed] = backend.hmi_resources.list_hmi_library_types()
    assert listed.versions == ["0.0.1", "1.0.0"]
    assert {(i.device_name, i.version_number) for i in listed.instances} == {("HMI_1", "1.0.0"), ("HMI_2", "1.0.0")}
    assert backend.library_types.compare_library_type("Reset", "0.0.1", right_version="0.0.1", device=None).identical

    backend.library_types.edit_library_type("Reset", "HMI_2")
    backend.hmi_resources.import_hmi_script("HMI_2", script(tia, V1), overwrite=True)
    # the test instance goes back to the default version
    discarded = backend.library_types.discard_library_type("Reset")
    assert discarded.in_work_version is None and code_in(backend, "HMI_2") == V2

    refused = raises_code(e.ConflictError, "TYPE_HAS_INSTANCES", backend.library_types.delete_library_type, "Reset")
    assert {i["deviceName"] for i in refused.details["instances"]} == {"HMI_1", "HMI_2"}
    backend.devices.delete_device("HMI_2")
    backend.devices.delete_device("HMI_1")
    assert (
        backend.library_types.delete_library_type("Reset").name == "Reset"
        and backend.hmi_resources.list_hmi_library_types() == []
    )


def test_script_types_are_saved(backend: EngineeringBackend, panels: tuple[str, str]) -> None:
    backend.library_types.create_library_type("HMI_1", "Reset", folder="", comment="")
    backend.library_types.edit_library_type("Reset", "HMI_1")
    project = backend.save_project()
    backend.close_project()
    backend.open_project(Path(project.path))
    [listed] = backend.hmi_resources.list_hmi_library_types()
    assert (listed.versions, listed.in_work_version) == (["0.0.1", "0.0.2"], "0.0.2")
    assert [(i.device_name, i.write_protected) for i in listed.instances] == [("HMI_1", False)]
    raises_code(e.ConflictError, "IN_WORK_VERSION_EXISTS", backend.library_types.edit_library_type, "Reset", "HMI_2")


def test_a_faceplate_instance_needs_its_type(backend: EngineeringBackend, panels: tuple[str, str], tia: Played) -> None:
    for reference, code in (("Valve V 0.0.1", "FACEPLATE_TYPE_NOT_FOUND"), (None, "INVALID_SIMATICML"),
                            ("Valve", "INVALID_SIMATICML")):
        raises_code(e.ValidationError, code, backend.hmi.import_hmi_screen, "HMI_1",
                    faceplate_screen(reference, tia.version))
    assert [s.name for s in backend.hmi.list_hmi_screens("HMI_1")] == ["Root screen"]
    if backend.name == "fake":
        return  # the fake makes no faceplate types, so it takes no screen with a faceplate instance
    from StandIn.Control import LibraryTypes

    LibraryTypes.Add("FaceplateLibraryType", "Valve", "0.0.1")
    refused = raises_code(e.ValidationError, "FACEPLATE_TYPE_NOT_FOUND", backend.hmi.import_hmi_screen, "HMI_1",
                          faceplate_screen("Valve V 0.0.2", tia.version))
    assert refused.details["versionNumber"] == "0.0.2"
    assert backend.hmi.import_hmi_screen("HMI_1", faceplate_screen("Valve V 0.0.1", tia.version)).name == "Valves"
    assert [(t.name, t.kind) for t in backend.hmi_resources.list_hmi_library_types()] == [("Valve", "Faceplate")]
