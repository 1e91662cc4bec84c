"""The backend contract: every adapter honours the port's documented behaviour and errors (the errors every
method shares, the portal, projects; devices and PLC software are in ``test_devices_program_contract``).

Calls :class:`engineering_api.backend.port.EngineeringBackend` methods directly (no HTTP). The
``backend`` fixture is parametrised over adapters: the in-process fake, and the Openness ``bridge`` over the
C# stand-in under Mono, which runs every test except those in ``BRIDGE_PENDING`` (each with its reason).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend import models as m
from engineering_api.backend.port import EngineeringBackend
from tests.contract.conftest import CPU, DI, IM
from tests.lib.outcomes import raises_code

BRIDGE_PENDING: dict[str, str] = {
    "test_an_older_project_needs_an_upgrade_asked_for": (
        "the stand-in plays one TIA version per process (V19 by default), so no V18 portal can make the old project "
        "(tests/bridge/test_project_opening.py plays the older TIA with StandIn.Control.Machine.Version)"
    ),
}
"""Tests that do not run on the Openness bridge, with the reason (every other test here runs on both adapters)."""


def _file(project: m.ProjectInfo) -> Path:
    return Path(project.path)


# ----- errors common to all methods -----------------------------------------------------------
NEEDS_PORTAL: list[tuple[str, Callable[[EngineeringBackend, Path], Any]]] = [
    ("detach_portal", lambda b, r: b.detach_portal()),
    ("shutdown_portal", lambda b, r: b.shutdown_portal()),
    ("portal_process_diagnostics", lambda b, r: b.portal_process_diagnostics()),
    ("open_projects", lambda b, r: b.open_projects()),
    ("create_project", lambda b, r: b.create_project(r, "P", author="", comment="")),
    ("open_project", lambda b, r: b.open_project(r / "P" / "P.ap19")),
    ("save_project", lambda b, r: b.save_project()),
    ("close_project", lambda b, r: b.close_project()),
    ("archive_project", lambda b, r: b.archive_project(r / "a.zap19")),
    ("retrieve_project", lambda b, r: b.retrieve_project(r / "a.zap19", r)),
    ("project_overview", lambda b, r: b.project_overview()),
    ("project_infrastructure", lambda b, r: b.project_infrastructure()),
    ("set_simulation_support", lambda b, r: b.set_simulation_support(True)),
    ("index_project", lambda b, r: b.index_project()),
    ("list_devices", lambda b, r: b.devices.list_devices()),
    ("get_device", lambda b, r: b.devices.get_device("PLC_1")),
    ("add_device", lambda b, r: b.devices.add_device(CPU, None, "PLC_1")),
    ("rename_device", lambda b, r: b.devices.rename_device("PLC_1", "PLC_2")),
    ("delete_device", lambda b, r: b.devices.delete_device("PLC_1")),
    ("configure_network", lambda b, r: b.devices.configure_network(
        "PLC_1", ip_address="192.168.0.1", subnet_mask="255.255.255.0", interface=None, subnet=None,
        router_address=None)),
    ("compile_hardware", lambda b, r: b.devices.compile_hardware("PLC_1")),
    ("parking_lot", lambda b, r: b.devices.parking_lot()),
    ("clear_parking_lot", lambda b, r: b.devices.clear_parking_lot()),
    ("compatible_slots", lambda b, r: b.devices.compatible_slots("PLC_1", DI)),
    ("export_hardware", lambda b, r: b.devices.export_hardware("PLC_1", r / "x.aml")),
    ("import_program_documents", lambda b, r: b.program.import_program_documents("PLC_1", [], overwrite=False)),
    ("list_program_objects", lambda b, r: b.program.list_program_objects("PLC_1")),
    ("export_program_object", lambda b, r: b.program.export_program_object("PLC_1", "FB_Motor")),
]

NEEDS_PROJECT = [item for item in NEEDS_PORTAL if item[0] not in {
    "detach_portal", "shutdown_portal", "portal_process_diagnostics", "open_projects", "create_project",
    "open_project", "retrieve_project",
}]


@pytest.mark.parametrize(("name", "call"), NEEDS_PORTAL, ids=[n for n, _ in NEEDS_PORTAL])
def test_methods_needing_a_portal_raise_portal_unavailable(backend, root, name, call):
    with pytest.raises(e.PortalUnavailableError):
        call(backend, root)


@pytest.mark.parametrize(("name", "call"), NEEDS_PROJECT, ids=[n for n, _ in NEEDS_PROJECT])
def test_methods_needing_a_project_raise_no_project_open(backend, portal, root, name, call):
    with pytest.raises(e.NoProjectOpenError):
        call(backend, root)


def test_no_project_open_is_a_conflict():
    assert issubclass(e.NoProjectOpenError, e.ConflictError)
    assert issubclass(e.LockedError, e.BusyError)


# ----- health and portal management -----------------------------------------------------------
def test_installed_versions(backend):
    versions = backend.installed_versions()
    assert versions and all(isinstance(v, m.InstalledVersion) for v in versions)
    assert all(v.version.startswith("V") for v in versions)


def test_diagnostics_and_status_never_raise_without_a_portal(backend):
    assert isinstance(backend.diagnostics(), dict)
    status = backend.session_status()
    assert isinstance(status, m.SessionStatus)
    assert status.connected is False
    assert status.project_open is False
    assert status.backend == backend.name


def test_launch_attach_detach_shutdown(backend):
    assert backend.list_portals() == []
    first = backend.launch_portal(with_ui=True, version=None)
    assert isinstance(first, m.PortalInfo)
    assert (first.attached, first.mode) == (True, "WithUserInterface")
    status = backend.session_status()
    assert (status.connected, status.pid, status.version) == (True, first.pid, first.version)
    with pytest.raises(e.ConflictError):
        backend.launch_portal(with_ui=False, version=None)
    detached = backend.detach_portal()
    assert (detached.pid, detached.attached) == (first.pid, False)
    assert backend.session_status().connected is False
    second = backend.launch_portal(with_ui=False, version=None)
    assert second.pid != first.pid
    with pytest.raises(e.ConflictError):
        backend.attach_portal(first.pid)
    assert {p.pid: p.attached for p in backend.list_portals()} == {first.pid: False, second.pid: True}
    assert backend.attach_portal(second.pid).pid == second.pid  # attaching to the attached one is a no-op
    assert backend.shutdown_portal().pid == second.pid
    assert [p.pid for p in backend.list_portals()] == [first.pid]
    assert backend.attach_portal(first.pid).attached is True
    assert backend.portal_process_diagnostics()["pid"] == first.pid


def test_attach_unknown_pid_is_not_found(backend):
    with pytest.raises(e.NotFoundError):
        backend.attach_portal(424242)


def test_launch_unknown_version_is_a_validation_error(backend):
    with pytest.raises(e.ValidationError):
        backend.launch_portal(with_ui=False, version="V12")
    assert backend.session_status().connected is False


def test_whitelist(backend, tmp_path):
    app = tmp_path / "client.exe"
    app.write_bytes(b"MZ")
    entry = backend.whitelist_application(str(app))
    assert isinstance(entry, m.WhitelistEntry)
    assert entry.application_path == str(app)
    with pytest.raises(e.NotFoundError):
        backend.whitelist_application(str(tmp_path / "missing.exe"))


def test_shutdown_closes_the_project_without_saving(backend, project, root):
    backend.devices.add_device(CPU, None, "Unsaved")
    backend.shutdown_portal()
    backend.launch_portal(with_ui=False, version=None)
    backend.open_project(_file(project))
    assert backend.devices.list_devices() == []


# ----- projects -------------------------------------------------------------------------------
def test_create_open_save_close(backend, portal, root):
    created = backend.create_project(root, "Line1", author="", comment="c")
    assert isinstance(created, m.ProjectInfo)
    assert Path(created.path) == root / "Line1" / f"Line1.ap{portal.version[1:]}"
    assert Path(created.path).is_file()
    assert [p.name for p in backend.open_projects()] == ["Line1"]
    backend.devices.add_device(CPU, None, "PLC_1")
    assert backend.open_projects()[0].has_unsaved_changes is True
    assert backend.save_project().has_unsaved_changes is False
    assert backend.close_project().name == "Line1"
    assert backend.open_projects() == []
    reopened = backend.open_project(Path(created.path))
    assert reopened.name == "Line1"
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]


@pytest.mark.parametrize("name",
                         ["a/b", "a\\b", "a:b", "a*", "a?", 'a"', "a<", "a>", "a|b", "end.", " x", "x ", "CON", "",
                          "x" * 129])
def test_create_with_a_bad_name_is_a_validation_error(backend, portal, root, name):
    with pytest.raises(e.ValidationError):
        backend.create_project(root, name, author="", comment="")
    assert backend.open_projects() == []


def test_create_existing_folder_already_exists(backend, portal, root):
    (root / "Taken").mkdir()
    with pytest.raises(e.AlreadyExistsError):
        backend.create_project(root, "Taken", author="", comment="")


def test_a_file_in_the_way_is_a_validation_error(backend, portal, root, tia):
    (root / "afile").write_text("x")
    with pytest.raises(e.ValidationError):
        backend.create_project(root / "afile", "P", author="", comment="")
    backend.create_project(root, "P", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    with pytest.raises(e.ValidationError):
        backend.archive_project(root / "afile" / f"P{tia.archive}")
    with pytest.raises(e.ValidationError):
        backend.devices.export_hardware("PLC_1", root / "afile" / "plc.aml")
    backend.save_project()  # TIA archives only a saved project
    backend.archive_project(root / f"P{tia.archive}")
    backend.close_project()
    with pytest.raises(e.ValidationError):
        backend.retrieve_project(root / f"P{tia.archive}", root / "afile")
    assert (root / "afile").read_text() == "x"


def test_create_while_a_project_is_open_conflicts(backend, project, root):
    with pytest.raises(e.ConflictError) as info:
        backend.create_project(root, "Second", author="", comment="")
    assert not isinstance(info.value, e.NoProjectOpenError)
    assert not (root / "Second").exists()


def test_open_errors(backend, project, root, tia):
    path = _file(project)
    with pytest.raises(e.ConflictError):  # one open project per portal
        backend.create_project(root, "Other", author="", comment="")
    backend.close_project()
    with pytest.raises(e.NotFoundError):
        backend.open_project(root / "Missing" / f"Missing{tia.project}")
    notes = root / "notes.txt"
    notes.write_text("x")
    with pytest.raises(e.ValidationError):
        backend.open_project(notes)
    backend.create_project(root, "Other", author="", comment="")
    with pytest.raises(e.ConflictError):
        backend.open_project(path)


def test_an_older_project_needs_an_upgrade_asked_for(backend, root):
    backend.launch_portal(with_ui=False, version="V18")
    old = backend.create_project(root, "Old", author="", comment="")
    backend.shutdown_portal()
    backend.launch_portal(with_ui=False, version="V19")
    err = raises_code(e.ConflictError, "PROJECT_UPGRADE_REQUIRED", backend.open_project, Path(old.path))
    assert "V18" in err.message and "V19" in err.message and '"upgrade": true' in err.message


def test_a_project_open_in_another_portal_is_locked(backend, project, root):
    holder = backend.session_status().pid
    backend.save_project()
    backend.detach_portal()
    backend.launch_portal(with_ui=False, version=None)
    with pytest.raises(e.LockedError) as info:
        backend.open_project(_file(project))
    assert str(holder) in info.value.message
    backend.detach_portal()
    backend.attach_portal(holder)
    backend.shutdown_portal()
    portals = backend.list_portals()
    backend.attach_portal(portals[0].pid)
    assert backend.open_project(_file(project)).name == "Line1"


def test_two_sessions_sharing_a_machine_see_each_others_locks(tmp_path, root):
    """Two backends on one portal table model two servers on one workstation (fake only)."""
    from fakes.backend import FakeBackend
    from fakes.portal import PortalTable

    table = PortalTable()
    one, two = FakeBackend(tmp_path / "s1", portals=table), FakeBackend(tmp_path / "s2", portals=table)
    one.launch_portal(with_ui=False, version=None)
    created = one.create_project(root, "Shared", author="", comment="")
    two.launch_portal(with_ui=False, version=None)
    with pytest.raises(e.LockedError):
        two.open_project(Path(created.path))
    one.close_project()
    assert two.open_project(Path(created.path)).name == "Shared"


def test_long_non_ascii_names_are_saved_or_refused_cleanly(backend, project, root):
    long_name = "Ölpumpe_" + "€" * 120  # 128 characters, 369 bytes in UTF-8
    backend.devices.add_device(CPU, None, long_name)
    backend.save_project()
    backend.close_project()
    backend.open_project(_file(project))
    assert [d.name for d in backend.devices.list_devices()] == [long_name]
    backend.close_project()
    with pytest.raises(e.ValidationError):
        backend.create_project(root, "Ä" * 128, author="", comment="")  # 261 bytes as a file name


def test_saved_settings_of_a_project_survive_reopening(backend, project):
    backend.set_simulation_support(True)
    backend.save_project()
    backend.close_project()
    assert backend.open_project(_file(project)).simulation_support is True


def test_a_copied_and_renamed_project_file_is_that_project(backend, plc, root, tia):
    import shutil

    backend.save_project()
    backend.close_project()
    shutil.copytree(root / "Line1", root / "Copy")
    copy = root / "Copy" / f"Copy{tia.project}"
    (root / "Copy" / f"Line1{tia.project}").rename(copy)
    opened = backend.open_project(copy)
    assert (opened.name, Path(opened.path)) == ("Copy", copy)
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]
    backend.save_project()
    assert sorted(p.name for p in (root / "Copy").glob(f"*{tia.project}")) == [copy.name]


def test_close_discards_unsaved_changes(backend, project):
    backend.save_project()
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.set_simulation_support(True)
    backend.close_project()
    backend.open_project(_file(project))
    assert backend.devices.list_devices() == []
    assert backend.open_projects()[0].simulation_support is False


def test_archive_and_retrieve(backend, plc, root, tia):
    backend.save_project()
    target = root / f"Line1{tia.archive}"
    archive = backend.archive_project(target)
    assert isinstance(archive, m.ArchiveInfo)
    assert Path(archive.archive_path).is_file() and archive.size_bytes > 0
    with pytest.raises(e.AlreadyExistsError):
        backend.archive_project(target)
    with pytest.raises(e.ValidationError):  # another version's extension
        backend.archive_project(root / f"Line1.zap{tia.number - 1}")
    with pytest.raises(e.ConflictError):
        backend.retrieve_project(target, root / "restored")
    backend.close_project()
    with pytest.raises(e.AlreadyExistsError):  # Line1 exists in the root
        backend.retrieve_project(target, root)
    restored = backend.retrieve_project(target, root / "restored")
    assert Path(restored.path) == root / "restored" / "Line1" / f"Line1{tia.project}"
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]


def test_archive_holds_the_saved_state(backend, project, root, tia):
    backend.devices.add_device(CPU, None, "Unsaved")
    target = root / f"saved{tia.archive}"
    if backend.name == "openness":
        # Project.Archive refuses while there are unsaved changes: the bridge says so instead of saving.
        raises_code(e.ConflictError, "UNSAVED_CHANGES", backend.archive_project, target)
        assert not target.exists()
        return
    backend.archive_project(target, unsaved="allow")  # the default refuses (test_archive_unsaved_contract)
    backend.close_project()
    backend.retrieve_project(target, root / "r")
    assert backend.devices.list_devices() == []


def test_retrieve_errors(backend, portal, root, tmp_path, tia):
    with pytest.raises(e.NotFoundError):
        backend.retrieve_project(root / f"missing{tia.archive}", root)
    slip = root / f"slip{tia.archive}"
    with zipfile.ZipFile(slip, "w") as z:
        z.writestr(f"P/P{tia.project}", "{}")
        z.writestr("../escape.txt", "x")
    with pytest.raises(e.ValidationError):
        backend.retrieve_project(slip, root / "out")
    assert not (root / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()
    assert not (root / "out").exists()
    junk = root / f"junk{tia.archive}"
    junk.write_bytes(b"not a zip")
    with pytest.raises(e.ValidationError):
        backend.retrieve_project(junk, root / "junk")
    assert backend.open_projects() == []


def test_history(backend, project, root):
    if backend.name == "openness":
        # Openness has no recently-opened list (Project.HistoryEntries is the project's own event log).
        for call in (backend.recent_projects, lambda: backend.forget_recent_project(project.path)):
            raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", call)
        return
    history = backend.recent_projects()
    assert [h.path for h in history] == [project.path]
    assert all(isinstance(h, m.HistoryEntry) for h in history)
    with pytest.raises(e.NotFoundError):
        backend.forget_recent_project(str(root / "nope.ap19"))
    assert backend.forget_recent_project(project.path) == []


def test_overview_infrastructure_simulation_index(backend, plc):
    backend.devices.add_device(IM, None, "IO_1")
    for name, ip in (("PLC_1", "192.168.0.1"), ("IO_1", "192.168.0.2")):
        backend.devices.configure_network(name, ip_address=ip, subnet_mask="255.255.255.0", interface=None, subnet=None,
                                  router_address=None)
    overview = backend.project_overview()
    assert isinstance(overview, m.ProjectOverview)
    assert overview.device_count == 2
    infra = backend.project_infrastructure()
    assert isinstance(infra, m.ProjectInfrastructure)
    assert [s.controller for s in infra.io_systems] == ["PLC_1"]
    assert backend.set_simulation_support(True).simulation_support is True
    index = backend.index_project()
    assert isinstance(index, m.IndexResult)
    assert index.counts["devices"] == 2
