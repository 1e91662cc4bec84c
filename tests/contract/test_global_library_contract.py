"""Global libraries on every adapter: create, open read-only or read-write, save, close, archive; a read-only
library refuses changes; the library methods with ``library=<name>``; types copied between a global library and
the project library (instantiating brings the types a type uses).

The through-HTTP tests (tests/api/test_global_library_api.py) cover the wire, the library a call means, roles and
bad paths; here the port's documented behaviour and error codes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU, open_plc_project
from tests.contract.played import Played
from tests.contract.library_sources import FB, OB, UDT, import_sources

_NO_TYPES = ("the test makes its types with create_library_type, which Openness does not offer before V21 (501 "
             "NO_OPENNESS_EQUIVALENT, tested below); the bridge's version calls on types seeded into the stand-in are "
             "covered by tests/contract/test_hmi_library_types_contract.py")
BRIDGE_PENDING: dict[str, str] = {"test_types_between_project_and_global_library": _NO_TYPES}
"""Tests that cannot run on the bridge yet (test name -> reason)."""


@pytest.fixture
def plc(backend: EngineeringBackend, root: Path) -> str:
    name = open_plc_project(backend, root, "Lib")
    import_sources(backend, UDT, FB, OB)
    return name


def test_lifecycle(backend: EngineeringBackend, plc: str, root: Path, tia: Played) -> None:
    assert backend.global_library.list_global_libraries() == []
    made = backend.global_library.create_global_library(root / "libs", "Motors", author="ci", comment="drives")
    file = root / "libs" / "Motors" / f"Motors{tia.library}"
    assert (made.name, made.is_open, made.read_only, Path(made.path)) == ("Motors", True, False, file)
    assert file.is_file()
    with pytest.raises(e.AlreadyExistsError):
        backend.global_library.create_global_library(root / "other", "Motors", author="", comment="")
    assert backend.library.library_info(library="Motors").kind == "Global"
    assert backend.library.create_master_copy_folder("Drives", library="Motors") == "Drives"
    mc = backend.library.create_master_copy(plc, "FB_Motor", name=None, folder="Drives", library="Motors")
    assert mc.path == "Drives/FB_Motor"
    assert backend.library.list_master_copies() == []  # the project library is another one
    assert [x.has_unsaved_changes for x in backend.global_library.list_global_libraries()] == [True]
    raises_code(e.ConflictError, "UNSAVED_CHANGES", backend.global_library.close_global_library, "Motors",
                discard_changes=False)
    assert backend.global_library.save_global_library("Motors").has_unsaved_changes is False
    archive = backend.global_library.archive_global_library("Motors", root / "out" / f"Motors{tia.library_archive}",
                                                           save_first=False)
    written = Path(archive.archive_path)  # TIA's archive format is its own; the fake writes a zip (API tests)
    assert written.is_file() and written.stat().st_size == archive.size_bytes > 0
    raises_code(e.ValidationError, "ARCHIVE_EXTENSION", backend.global_library.archive_global_library, "Motors",
                root / "out" / "Motors.zip", save_first=False)
    assert backend.global_library.close_global_library("Motors", discard_changes=False).name == "Motors"
    raises_code(e.NotFoundError, "LIBRARY_NOT_FOUND", backend.library.list_master_copies, library="Motors")

    opened = backend.global_library.open_global_library(file, read_only=True)
    assert (opened.read_only, opened.master_copy_count) == (True, 1)
    assert [x.path for x in backend.library.list_master_copies(library="Motors")] == ["Drives/FB_Motor"]
    for change in (lambda: backend.library.create_master_copy_folder("More", library="Motors"),
                   lambda: backend.library.delete_master_copy("Drives/FB_Motor", library="Motors"),
                   lambda: backend.global_library.save_global_library("Motors")):
        raises_code(e.ConflictError, "LIBRARY_READ_ONLY", change)
    backend.devices.add_device(CPU, None, "PLC_2")
    pasted = backend.library.instantiate_master_copy("FB_Motor", "PLC_2", library="Motors")
    assert [c.name for c in pasted.created] == ["FB_Motor"]
    backend.global_library.close_global_library("Motors", discard_changes=False)
    with pytest.raises(e.NotFoundError):
        backend.global_library.open_global_library(root / "libs" / "Nope" / f"Nope{tia.library}", read_only=True)


def test_discarding_changes_on_close(backend: EngineeringBackend, plc: str, root: Path, tia: Played) -> None:
    backend.global_library.create_global_library(root / "libs", "Valves", author="", comment="")
    backend.library.create_master_copy_folder("Kit", library="Valves")
    backend.global_library.close_global_library("Valves", discard_changes=True)
    reopened = backend.global_library.open_global_library(root / "libs" / "Valves" / f"Valves{tia.library}",
                                                          read_only=False)
    assert reopened.read_only is False
    assert backend.library.library_info(library="Valves").master_copy_folders == []


def test_types_between_project_and_global_library(backend: EngineeringBackend, plc: str, root: Path) -> None:
    backend.library_types.create_library_type(plc, "FB_Motor", folder="", comment="first")
    backend.global_library.create_global_library(root / "libs", "Motors", author="", comment="")
    raises_code(e.ValidationError, "EDIT_IN_PROJECT_LIBRARY", backend.library_types.create_library_type, plc, "OB_Main",
                folder="", comment="", library="Motors")
    assert backend.global_library.update_global_library("Motors", ["FB_Motor"]) == ["UDT_Motor", "FB_Motor"]
    assert backend.global_library.update_global_library("Motors", ["FB_Motor"]) == []  # the same versions: nothing new
    raises_code(e.ConflictError, "TYPE_IS_DEPENDENCY", backend.library_types.delete_library_type, "UDT_Motor",
                library="Motors")
    backend.global_library.save_global_library("Motors")

    backend.close_project()
    backend.create_project(root, "Other", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_9")
    made = backend.library_types.instantiate_library_type("FB_Motor", "PLC_9", version_number=None, library="Motors")
    assert (made.created, made.version_number) == (["UDT_Motor", "FB_Motor"], "0.0.1")
    assert {t.name for t in backend.library_types.list_library_types()} == {"FB_Motor", "UDT_Motor"}
    assert backend.library_types.list_library_types(library="Motors")[0].instances == []


def test_a_read_write_library_is_exclusive_to_its_portal(backend: EngineeringBackend, plc: str, root: Path,
                                                         tia: Played) -> None:
    backend.global_library.create_global_library(root / "libs", "Motors", author="", comment="")
    file = root / "libs" / "Motors" / f"Motors{tia.library}"
    backend.detach_portal()
    backend.launch_portal(with_ui=False, version=None)
    then = {True: "close it there first.",
            False: "close it there first, or open it read-only (readOnly: true) while that portal only reads it."}
    for read_only in (True, False):
        locked = raises_code(e.LockedError, "LIBRARY_LOCKED", backend.global_library.open_global_library, file,
                             read_only=read_only)
        assert str(locked) == (f"The global library 'Motors' is open {'read-write ' if read_only else ''}in "
                               f"another TIA Portal: {then[read_only]}")
        assert locked.details["libraryName"] == "Motors"
    other = backend.list_portals()[0].pid
    backend.detach_portal()
    backend.attach_portal(other)
    backend.global_library.close_global_library("Motors", discard_changes=False)
    backend.global_library.open_global_library(file, read_only=True)
    backend.detach_portal()
    backend.attach_portal(max(p.pid for p in backend.list_portals()))
    # read-only opens share it
    assert backend.global_library.open_global_library(file, read_only=True).read_only is True


def test_another_versions_library_is_refused(backend: EngineeringBackend, plc: str, root: Path, tia: Played) -> None:
    backend.global_library.create_global_library(root / "libs", "Motors", author="", comment="")
    backend.global_library.close_global_library("Motors", discard_changes=False)
    older = root / "libs" / "Motors" / f"Motors.al{tia.number - 1}"
    older.write_bytes((root / "libs" / "Motors" / f"Motors{tia.library}").read_bytes())
    raises_code(e.ValidationError, "LIBRARY_VERSION_MISMATCH", backend.global_library.open_global_library, older,
                read_only=True)


def test_opening_refusals_read_alike(backend: EngineeringBackend, plc: str, root: Path, tia: Played) -> None:
    """The same mistake gets the same code, message and details on every adapter."""
    backend.global_library.create_global_library(root / "libs", "Motors", author="", comment="")
    with pytest.raises(e.AlreadyExistsError) as named:
        backend.global_library.create_global_library(root / "other", "Motors", author="", comment="")
    assert (named.value.code, str(named.value), named.value.details) == (
        "LIBRARY_ALREADY_OPEN", "A global library named 'Motors' is already open; close it first.",
        {"libraryName": "Motors"})
    with pytest.raises(e.AlreadyExistsError) as other_mode:
        backend.global_library.open_global_library(root / "libs" / "Motors" / f"Motors{tia.library}", read_only=True)
    assert (other_mode.value.code, str(other_mode.value)) == (
        "LIBRARY_ALREADY_OPEN", "A global library named 'Motors' is already open read-write; close it first.")
    with pytest.raises(e.ValidationError) as dotted:
        backend.global_library.create_global_library(root / "libs", ".Hidden", author="", comment="")
    assert (dotted.value.code, str(dotted.value)) == ("INVALID_NAME", "'.Hidden' cannot start with a dot.")
    with pytest.raises(e.AlreadyExistsError) as there:
        backend.global_library.create_global_library(root, "libs", author="", comment="")
    assert (there.value.code,
            str(there.value)) == ("LIBRARY_EXISTS", f"The library folder '{root / 'libs'}' already exists.")
    backend.global_library.close_global_library("Motors", discard_changes=False)
    for version, hint in ((f"V{tia.number - 1}", "Openness upgrades it with GlobalLibraries.OpenWithUpgrade; open a "
                                                  "copy of it that way in TIA Portal."),
                          (tia.newer, f"Open it with TIA Portal {tia.newer}.")):
        other = root / "libs" / "Motors" / f"Motors.al{version[1:]}"
        other.write_bytes((root / "libs" / "Motors" / f"Motors{tia.library}").read_bytes())
        with pytest.raises(e.ValidationError) as refused:
            backend.global_library.open_global_library(other, read_only=True)
        assert (refused.value.code, str(refused.value), refused.value.details) == (
            "LIBRARY_VERSION_MISMATCH", f"The library '{other.name}' is a TIA Portal {version} library; this portal is "
            f"{tia.version}. {hint}", {"libraryVersion": version, "portalVersion": tia.version})
