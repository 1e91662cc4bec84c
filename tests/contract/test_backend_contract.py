"""The backend contract: every adapter honours the port's documented behaviour and errors.

Calls :class:`engineering_api.backend.port.EngineeringBackend` methods directly (no HTTP). The
``backend`` fixture is parametrised over adapters: the in-process fake, and the Openness ``bridge`` over the
C# stand-in under Mono, which runs every test except those in ``BRIDGE_PENDING`` (each with its reason).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend import models as m
from engineering_api.backend.port import EngineeringBackend
from tests.contract.conftest import CPU, DI, HMI, IM, UNKNOWN_ARTICLE
from tests.conftest import raises_code

DATA = Path(__file__).parent / "data"
"""SimaticML of a UDT, an FB and its instance DB as files, their ``{name}`` fields filled in by ``str.format``."""

BRIDGE_PENDING: dict[str, str] = {
    "test_open_a_project_of_another_version_is_a_validation_error": (
        "the stand-in plays one TIA version (V19), so no V18 portal can make the old project"
    ),
    "test_saved_project_is_a_readable_manifest": "fake only: checks the fake's own project file format (TIA's is not public)",
    "test_missing_type_makes_the_block_inconsistent": (
        "the bridge reads PlcBlock.IsConsistent, but Openness names no missing types "
        "(missing_types stays empty)"
    ),
}
"""Tests that do not run on the Openness bridge, with the reason (every other test here runs on both adapters)."""


@pytest.fixture
def portal(backend: EngineeringBackend) -> m.PortalInfo:
    return backend.launch_portal(with_ui=False, version=None)


@pytest.fixture
def project(backend: EngineeringBackend, portal: m.PortalInfo, root: Path) -> m.ProjectInfo:
    return backend.create_project(root, "Line1", author="contract", comment="")


@pytest.fixture
def plc(backend: EngineeringBackend, project: m.ProjectInfo) -> m.DeviceInfo:
    return backend.devices.add_device(CPU, None, "PLC_1")


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
    created = backend.create_project(root, "Line1", author="Ada", comment="c")
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


@pytest.mark.parametrize("name", ["a/b", "a\\b", "a:b", "a*", "a?", 'a"', "a<", "a>", "a|b", "end.", " x", "x ", "CON", "", "x" * 129])
def test_create_with_a_bad_name_is_a_validation_error(backend, portal, root, name):
    with pytest.raises(e.ValidationError):
        backend.create_project(root, name, author="", comment="")
    assert backend.open_projects() == []


def test_create_existing_folder_already_exists(backend, portal, root):
    (root / "Taken").mkdir()
    with pytest.raises(e.AlreadyExistsError):
        backend.create_project(root, "Taken", author="", comment="")


def test_a_file_in_the_way_is_a_validation_error(backend, portal, root):
    (root / "afile").write_text("x")
    with pytest.raises(e.ValidationError):
        backend.create_project(root / "afile", "P", author="", comment="")
    backend.create_project(root, "P", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    with pytest.raises(e.ValidationError):
        backend.archive_project(root / "afile" / "P.zap19")
    with pytest.raises(e.ValidationError):
        backend.devices.export_hardware("PLC_1", root / "afile" / "plc.aml")
    backend.save_project()  # TIA archives only a saved project
    backend.archive_project(root / "P.zap19")
    backend.close_project()
    with pytest.raises(e.ValidationError):
        backend.retrieve_project(root / "P.zap19", root / "afile")
    assert (root / "afile").read_text() == "x"


def test_create_while_a_project_is_open_conflicts(backend, project, root):
    with pytest.raises(e.ConflictError) as info:
        backend.create_project(root, "Second", author="", comment="")
    assert not isinstance(info.value, e.NoProjectOpenError)
    assert not (root / "Second").exists()


def test_open_errors(backend, project, root):
    path = _file(project)
    with pytest.raises(e.ConflictError):  # one open project per portal
        backend.create_project(root, "Other", author="", comment="")
    backend.close_project()
    with pytest.raises(e.NotFoundError):
        backend.open_project(root / "Missing" / "Missing.ap19")
    notes = root / "notes.txt"
    notes.write_text("x")
    with pytest.raises(e.ValidationError):
        backend.open_project(notes)
    backend.create_project(root, "Other", author="", comment="")
    with pytest.raises(e.ConflictError):
        backend.open_project(path)


def test_open_a_project_of_another_version_is_a_validation_error(backend, root):
    backend.launch_portal(with_ui=False, version="V18")
    old = backend.create_project(root, "Old", author="", comment="")
    backend.shutdown_portal()
    backend.launch_portal(with_ui=False, version="V19")
    err = raises_code(e.ValidationError, "PROJECT_VERSION_MISMATCH", backend.open_project, Path(old.path))
    assert "V18" in err.message and "V19" in err.message


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


def test_a_copied_and_renamed_project_file_is_that_project(backend, plc, root):
    import shutil

    backend.save_project()
    backend.close_project()
    shutil.copytree(root / "Line1", root / "Copy")
    (root / "Copy" / "Line1.ap19").rename(root / "Copy" / "Copy.ap19")
    opened = backend.open_project(root / "Copy" / "Copy.ap19")
    assert (opened.name, Path(opened.path)) == ("Copy", root / "Copy" / "Copy.ap19")
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]
    backend.save_project()
    assert sorted(p.name for p in (root / "Copy").glob("*.ap19")) == ["Copy.ap19"]


def test_close_discards_unsaved_changes(backend, project):
    backend.save_project()
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.set_simulation_support(True)
    backend.close_project()
    backend.open_project(_file(project))
    assert backend.devices.list_devices() == []
    assert backend.open_projects()[0].simulation_support is False


def test_archive_and_retrieve(backend, plc, root):
    backend.save_project()
    archive = backend.archive_project(root / "Line1.zap19")
    assert isinstance(archive, m.ArchiveInfo)
    assert Path(archive.archive_path).is_file() and archive.size_bytes > 0
    with pytest.raises(e.AlreadyExistsError):
        backend.archive_project(root / "Line1.zap19")
    with pytest.raises(e.ValidationError):
        backend.archive_project(root / "Line1.zap18")
    with pytest.raises(e.ConflictError):
        backend.retrieve_project(root / "Line1.zap19", root / "restored")
    backend.close_project()
    with pytest.raises(e.AlreadyExistsError):  # Line1 exists in the root
        backend.retrieve_project(root / "Line1.zap19", root)
    restored = backend.retrieve_project(root / "Line1.zap19", root / "restored")
    assert Path(restored.path) == root / "restored" / "Line1" / "Line1.ap19"
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]


def test_archive_holds_the_saved_state(backend, project, root):
    backend.devices.add_device(CPU, None, "Unsaved")
    if backend.name == "openness":
        # Project.Archive refuses while there are unsaved changes: the bridge says so instead of saving.
        raises_code(e.ConflictError, "UNSAVED_CHANGES", backend.archive_project, root / "saved.zap19")
        assert not (root / "saved.zap19").exists()
        return
    backend.archive_project(root / "saved.zap19", unsaved="allow")  # the default refuses (test_archive_unsaved_contract)
    backend.close_project()
    backend.retrieve_project(root / "saved.zap19", root / "r")
    assert backend.devices.list_devices() == []


def test_retrieve_errors(backend, portal, root, tmp_path):
    with pytest.raises(e.NotFoundError):
        backend.retrieve_project(root / "missing.zap19", root)
    slip = root / "slip.zap19"
    with zipfile.ZipFile(slip, "w") as z:
        z.writestr("P/P.ap19", "{}")
        z.writestr("../escape.txt", "x")
    with pytest.raises(e.ValidationError):
        backend.retrieve_project(slip, root / "out")
    assert not (root / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()
    assert not (root / "out").exists()
    junk = root / "junk.zap19"
    junk.write_bytes(b"not a zip")
    with pytest.raises(e.ValidationError):
        backend.retrieve_project(junk, root / "junk")
    assert backend.open_projects() == []


def test_history(backend, project, root):
    if backend.name == "openness":
        # Openness has no recently-opened list (Project.HistoryEntries is the project's own event log).
        for call in (backend.project_history, lambda: backend.remove_history_entry(project.path)):
            raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", call)
        return
    history = backend.project_history()
    assert [h.path for h in history] == [project.path]
    assert all(isinstance(h, m.HistoryEntry) for h in history)
    with pytest.raises(e.NotFoundError):
        backend.remove_history_entry(str(root / "nope.ap19"))
    assert backend.remove_history_entry(project.path) == []


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


# ----- devices --------------------------------------------------------------------------------
def test_add_get_list(backend, project):
    added = backend.devices.add_device(CPU, "V3.0", "PLC_1")
    assert isinstance(added, m.DeviceInfo)
    assert (added.order_number, added.firmware_version, added.type_identifier) == (CPU, "V3.0", f"OrderNumber:{CPU}/V3.0")
    assert backend.devices.get_device("PLC_1") == added
    assert backend.devices.list_devices() == [added]
    with pytest.raises(e.NotFoundError):
        backend.devices.get_device("Ghost")


def test_add_errors(backend, plc):
    with pytest.raises(e.NotFoundError):
        backend.devices.add_device(UNKNOWN_ARTICLE, None, "X")
    with pytest.raises(e.ValidationError):
        backend.devices.add_device(CPU, "V9.9", "X")  # unknown firmware
    with pytest.raises(e.ValidationError):
        backend.devices.add_device(DI, None, "X")  # a module, not a device
    with pytest.raises(e.ValidationError):
        backend.devices.add_device(CPU, None, "bad/name")
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.add_device(CPU, None, "PLC_1")
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.add_device(CPU, None, "plc_1")  # names are unique case-insensitively
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]


def test_rename(backend, plc):
    backend.devices.add_device(HMI, None, "HMI_1")
    assert backend.devices.rename_device("PLC_1", "PLC_A").name == "PLC_A"
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_A", "HMI_1"]
    with pytest.raises(e.NotFoundError):
        backend.devices.rename_device("PLC_1", "X")
    with pytest.raises(e.ValidationError):
        backend.devices.rename_device("PLC_A", "a|b")
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.rename_device("PLC_A", "HMI_1")
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_A", "HMI_1"]


def test_delete(backend, plc):
    backend.devices.delete_device("PLC_1")
    assert backend.devices.list_devices() == []
    with pytest.raises(e.NotFoundError):
        backend.devices.delete_device("PLC_1")


def _net(backend, name, ip, mask="255.255.255.0", interface=None, subnet=None, router=None):
    return backend.devices.configure_network(name, ip_address=ip, subnet_mask=mask, interface=interface, subnet=subnet,
                                     router_address=router)


def test_configure_network(backend, plc):
    device = _net(backend, "PLC_1", "10.1.2.3", "255.255.0.0", "PROFINET interface_2", "Cell", "10.1.0.1")
    x2 = device.interfaces[1]
    assert (x2.ip_address, x2.subnet_mask, x2.subnet_name, x2.router_address) == ("10.1.2.3", "255.255.0.0", "Cell", "10.1.0.1")
    with pytest.raises(e.NotFoundError):
        _net(backend, "Ghost", "10.0.0.1")
    with pytest.raises(e.NotFoundError):
        _net(backend, "PLC_1", "10.0.0.1", interface="X9")
    with pytest.raises(e.ValidationError):
        _net(backend, "PLC_1", "10.0.0.1", interface="DP interface_1")  # PROFIBUS: no IP address
    backend.devices.add_device("6AV2 123-2GA03-0AX0", None, "HMI_DP")  # KTP700 Basic DP: no Ethernet interface
    with pytest.raises(e.ValidationError):
        _net(backend, "HMI_DP", "10.0.0.2")
    for ip, mask in (("10.0.0.300", "255.0.0.0"), ("10.0.0.1", "255.0.255.0"), ("10.0.0.0", "255.255.255.0"),
                     ("10.0.0.255", "255.255.255.0"), ("x", "255.255.255.0")):
        with pytest.raises(e.ValidationError):
            _net(backend, "PLC_1", ip, mask)
    assert backend.devices.get_device("PLC_1").interfaces[0].ip_address is None


def test_configure_network_first_interface(backend, plc):
    """The first Ethernet interface is the default; errors leave the addressing as it was."""
    device = _net(backend, "PLC_1", "10.1.2.3", "255.255.0.0", None, "Cell", "10.1.0.1")
    first = device.interfaces[0]
    assert (first.ip_address, first.subnet_mask, first.subnet_name, first.router_address) == ("10.1.2.3", "255.255.0.0", "Cell", "10.1.0.1")
    assert backend.devices.get_device("PLC_1") == device
    assert [s.name for s in backend.project_infrastructure().subnets] == ["Cell"]
    with pytest.raises(e.NotFoundError):
        _net(backend, "Ghost", "10.0.0.1")
    with pytest.raises(e.NotFoundError):
        _net(backend, "PLC_1", "10.0.0.1", interface="X9")
    backend.devices.add_device("6AV2 123-2GA03-0AX0", None, "HMI_DP")  # KTP700 Basic DP: no Ethernet interface
    with pytest.raises(e.ValidationError):
        _net(backend, "HMI_DP", "10.0.0.2")
    for ip, mask in (("10.1.0.300", "255.255.0.0"), ("10.1.0.1", "255.0.255.0"), ("10.1.0.0", "255.255.0.0"), ("x", "255.255.0.0")):
        with pytest.raises(e.ValidationError):
            _net(backend, "PLC_1", ip, mask)
    assert backend.devices.get_device("PLC_1") == device


def test_compile_reports_duplicate_addresses(backend, plc):
    backend.devices.add_device(IM, None, "IO_1")
    _net(backend, "PLC_1", "192.168.0.1")
    _net(backend, "IO_1", "192.168.0.1")
    result = backend.devices.compile_hardware("IO_1")
    assert isinstance(result, m.CompileResult)
    assert result.state == "Error" and result.error_count >= 1
    assert any("192.168.0.1" in msg.description for msg in result.messages[0].messages)
    with pytest.raises(e.NotFoundError):
        backend.devices.compile_hardware("Ghost")


def test_parking_lot(backend, plc):
    backend.devices.add_device(IM, None, "IO_1")
    assert [d.name for d in backend.devices.parking_lot()] == ["IO_1"]
    _net(backend, "PLC_1", "192.168.0.1")
    _net(backend, "IO_1", "192.168.0.2")
    assert backend.devices.parking_lot() == []
    backend.devices.add_device(IM, None, "IO_2")
    assert backend.devices.clear_parking_lot() == ["IO_2"]
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1", "IO_1"]


def test_compatible_slots(backend, plc):
    slots = backend.devices.compatible_slots("PLC_1", DI)
    assert slots and all(isinstance(s, m.SlotOption) for s in slots)
    assert 1 not in [s.slot for s in slots]
    with pytest.raises(e.NotFoundError):
        backend.devices.compatible_slots("Ghost", DI)
    with pytest.raises(e.NotFoundError):
        backend.devices.compatible_slots("PLC_1", UNKNOWN_ARTICLE)


def test_export_import_round_trip(backend, plc, root):
    pytest.importorskip("fakes.aml", reason="fakes/aml.py is written by another helper")
    _net(backend, "PLC_1", "192.168.0.1")
    before = backend.devices.get_device("PLC_1")
    transfer = backend.devices.export_hardware("PLC_1", root / "plc.aml")
    assert isinstance(transfer, m.HardwareTransfer)
    assert transfer.devices == ["PLC_1"]
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.export_hardware("PLC_1", root / "plc.aml")
    with pytest.raises(e.NotFoundError):
        backend.devices.export_hardware("Ghost", root / "ghost.aml")
    backend.devices.delete_device("PLC_1")
    assert backend.devices.import_hardware(root / "plc.aml").devices == ["PLC_1"]
    assert backend.devices.get_device("PLC_1") == before


def test_hardware_round_trips_under_the_vendor_clients_xml_name(backend, plc, root):
    """T-IA Connect's client names the AutomationML file ``<device>_hardware.xml``."""
    pytest.importorskip("fakes.aml", reason="fakes/aml.py is written by another helper")
    backend.devices.export_hardware("PLC_1", root / "PLC_1_hardware.xml")
    backend.devices.delete_device("PLC_1")
    assert backend.devices.import_hardware(root / "PLC_1_hardware.xml").devices == ["PLC_1"]


def test_import_errors_leave_the_project_as_it_was(backend, plc, root):
    pytest.importorskip("fakes.aml", reason="fakes/aml.py is written by another helper")
    backend.devices.add_device(IM, None, "IO_1")
    backend.devices.export_hardware("PLC_1", root / "plc.aml")
    backend.devices.export_hardware("IO_1", root / "io.aml")
    backend.save_project()
    # a file holding a new device and one that exists: nothing may be imported
    from lxml import etree

    caex = "{http://www.dke.de/CAEX}"
    both = etree.parse(str(root / "plc.aml"))
    io_tree = etree.parse(str(root / "io.aml"))
    target = both.getroot().find(f"{caex}InstanceHierarchy/{caex}InternalElement")
    source = io_tree.getroot().find(f"{caex}InstanceHierarchy/{caex}InternalElement")
    assert target is not None and source is not None
    plc_element = next(c for c in target.findall(f"{caex}InternalElement") if c.get("Name") == "PLC_1")
    io_element = next(c for c in source.findall(f"{caex}InternalElement") if c.get("Name") == "IO_1")
    plc_element.addprevious(io_element)  # the new device comes first, so it would be added before the clash
    both.write(str(root / "both.aml"))
    backend.devices.delete_device("IO_1")
    backend.save_project()
    snapshot = (backend.devices.list_devices(), backend.project_infrastructure(), backend.open_projects()[0].has_unsaved_changes)
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.import_hardware(root / "both.aml")  # PLC_1 exists, IO_1 would be new
    assert (backend.devices.list_devices(), backend.project_infrastructure(),
            backend.open_projects()[0].has_unsaved_changes) == snapshot
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]
    with pytest.raises(e.NotFoundError):
        backend.devices.import_hardware(root / "missing.aml")
    (root / "bad.aml").write_text("<x/>")
    with pytest.raises(e.ValidationError):
        backend.devices.import_hardware(root / "bad.aml")
    (root / "unknown.aml").write_text((root / "io.aml").read_text().replace(IM, UNKNOWN_ARTICLE))
    with pytest.raises(e.ValidationError):
        backend.devices.import_hardware(root / "unknown.aml")
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]


def test_failed_changes_leave_the_project_unchanged(backend, plc):
    backend.save_project()
    before = (backend.devices.list_devices(), backend.project_infrastructure())
    failing = [
        lambda: backend.devices.add_device(CPU, None, "PLC_1"),
        lambda: backend.devices.add_device(CPU, "V0.1", "New"),
        lambda: backend.devices.rename_device("PLC_1", "a*b"),
        lambda: _net(backend, "PLC_1", "192.168.0.0"),
        lambda: _net(backend, "PLC_1", "192.168.0.5", subnet="New", router="10.0.0.1"),
        lambda: backend.devices.delete_device("Ghost"),
    ]
    for call in failing:
        with pytest.raises(e.EngineeringError):
            call()
        assert (backend.devices.list_devices(), backend.project_infrastructure()) == before
        assert backend.open_projects()[0].has_unsaved_changes is False


# ----- catalog --------------------------------------------------------------------------------
def test_catalog(backend):
    if backend.name == "openness":
        backend.launch_portal(with_ui=False, version=None)  # Openness' catalog is TiaPortal.HardwareCatalog
    item = backend.catalog.catalog_find(CPU.lower().replace(" ", ""))
    assert isinstance(item, m.CatalogItem) and item.order_number == CPU
    with pytest.raises(e.NotFoundError):
        backend.catalog.catalog_find(UNKNOWN_ARTICLE)
    hits = backend.catalog.catalog_search("1516", 5)
    assert hits and len(hits) <= 5 and all(isinstance(h, m.CatalogMatch) for h in hits)
    with pytest.raises(e.ValidationError):
        backend.catalog.catalog_search("  ", 5)
    if backend.name == "openness":
        # TIA keeps its catalog itself (no cache to load or build) and CatalogEntry has no image.
        for call in (backend.catalog.catalog_cache_load, backend.catalog.catalog_cache_build, backend.catalog.catalog_cache_status,
                     lambda: backend.catalog.catalog_image(CPU)):
            raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", call)
        return
    assert backend.catalog.catalog_cache_load().loaded is True
    status = backend.catalog.catalog_cache_build()
    assert isinstance(status, m.CatalogCacheStatus) and status.entry_count >= 60
    assert backend.catalog.catalog_cache_status().entry_count == status.entry_count
    image, media_type = backend.catalog.catalog_image(CPU)
    assert image and media_type.startswith("image/")
    with pytest.raises(e.NotFoundError):
        backend.catalog.catalog_image(UNKNOWN_ARTICLE)


def test_catalog_needs_no_portal(backend):
    if backend.name == "openness":
        with pytest.raises(e.PortalUnavailableError):  # the catalog is TiaPortal.HardwareCatalog
            backend.catalog.catalog_find(CPU)
        return
    assert backend.catalog.catalog_find(CPU).order_number == CPU


def test_saved_project_is_a_readable_manifest(backend, plc, root):
    """The project folder is designed to diff well: a JSON manifest and one file per device."""
    backend.save_project()
    manifest = json.loads((root / "Line1" / "Line1.ap19").read_text())
    assert manifest["devices"] == ["PLC_1"]
    assert (root / "Line1" / "Devices" / "PLC_1" / "device.json").is_file()


# ----- PLC software ---------------------------------------------------------------------------
_UDT = (DATA / "udt_template.xml").read_text(encoding="utf-8")

_FB = (DATA / "fb_template.xml").read_text(encoding="utf-8")

_IDB = (DATA / "instance_db_template.xml").read_text(encoding="utf-8")


def _doc(text: str, source: str) -> m.ProgramDocument:
    return m.ProgramDocument(source=source, data=text.encode("utf-8"))


def _fb(name: str = "FB_Motor", number: int = 1, udt: str = "UDT_State", version: str = "V19") -> m.ProgramDocument:
    return _doc(_FB.format(name=name, number=number, udt=udt, version=version), f"{name}.xml")


_TAG_TABLES = Path("/work/shared/corpus/simaticml/tagtable")
"""Real tag-table exports: ``fseenig_Falhas.xml`` (V16, 6 tags), ``Amadeusz97_LSql_UserConstants.xml`` (V18, 3 constants)."""


def _corpus_table(file: str) -> m.ProgramDocument:
    return m.ProgramDocument(source=file, data=(_TAG_TABLES / file).read_bytes())


def _objects(backend: EngineeringBackend) -> list[m.ProgramObjectInfo]:
    """PLC_1's program objects but the "Default tag table": TIA gives every PLC one, the fake makes it on first use."""
    return [o for o in backend.program.list_program_objects("PLC_1") if (o.kind, o.name) != ("TagTable", "Default tag table")]


def test_import_list_and_export_program_objects(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    reports = backend.program.import_program_documents(
        "PLC_1",
        [_doc(_UDT.format(name="UDT_State"), "UDT_State.xml"), _fb(), _doc(_IDB.format(name="Motor1", fb="FB_Motor", number=1), "Motor1.xml"),
         _corpus_table("fseenig_Falhas.xml"), _corpus_table("Amadeusz97_LSql_UserConstants.xml")],
        overwrite=False,
    )
    assert [r.status for r in reports] == ["Imported"] * 5
    assert [(r.name, r.kind) for r in reports[3:]] == [("Falhas", "TagTable"), ("LSql_UserConstants", "TagTable")]
    listed = {o.name: o for o in _objects(backend)}
    assert listed["FB_Motor"].kind == "FB" and listed["FB_Motor"].number == 1 and listed["FB_Motor"].consistent
    assert listed["FB_Motor"].language == "SCL"
    assert listed["Motor1"].instance_of == "FB_Motor"
    assert [(o.name, o.kind, o.folder) for o in _objects(backend) if o.kind == "TagTable"] == [
        ("Falhas", "TagTable", ""), ("LSql_UserConstants", "TagTable", "")]
    exported = backend.program.export_program_object("PLC_1", "FB_Motor")
    assert b"<Name>FB_Motor</Name>" in exported and exported.startswith(b"\xef\xbb\xbf<?xml")
    table = backend.program.export_program_object("PLC_1", "Falhas")
    assert table.startswith(b"\xef\xbb\xbf<?xml") and b"<SW.Tags.PlcTagTable" in table and b"<Name>Falhas</Name>" in table
    # The export imports again (overwrite replaces the table) and exports the same.
    backend.program.import_program_documents("PLC_1", [m.ProgramDocument(source="again.xml", data=table)], overwrite=True)
    assert backend.program.export_program_object("PLC_1", "Falhas") == table
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", backend.program.import_program_documents, "PLC_1",
                [_corpus_table("fseenig_Falhas.xml")], overwrite=False)


def test_program_objects_survive_save_and_reopen(backend: EngineeringBackend, plc: m.DeviceInfo, project: m.ProjectInfo) -> None:
    backend.program.import_program_documents("PLC_1", [_doc(_UDT.format(name="UDT_State"), "u.xml"), _fb()], overwrite=False)
    before = backend.program.export_program_object("PLC_1", "FB_Motor")
    backend.save_project()
    backend.close_project()
    backend.open_project(_file(project))
    assert backend.program.export_program_object("PLC_1", "FB_Motor") == before


def test_unsaved_program_changes_are_discarded_on_close(backend: EngineeringBackend, plc: m.DeviceInfo, project: m.ProjectInfo) -> None:
    backend.save_project()
    backend.program.import_program_documents("PLC_1", [_doc(_UDT.format(name="UDT_State"), "u.xml")], overwrite=False)
    backend.close_project()
    backend.open_project(_file(project))
    assert _objects(backend) == []


def test_missing_type_makes_the_block_inconsistent(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    backend.program.import_program_documents("PLC_1", [_fb(udt="UDT_Nowhere")], overwrite=False)
    (info,) = _objects(backend)
    assert not info.consistent and info.missing_types == ["UDT_Nowhere"]


def test_existing_name_needs_overwrite(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    backend.program.import_program_documents("PLC_1", [_fb()], overwrite=False)
    with pytest.raises(e.AlreadyExistsError):
        backend.program.import_program_documents("PLC_1", [_fb()], overwrite=False)
    backend.program.import_program_documents("PLC_1", [_fb()], overwrite=True)


def _manual(doc: m.ProgramDocument) -> m.ProgramDocument:
    """The block numbered by hand (``<AutoNumber>false``), as an export with default values left out writes it."""
    data = doc.data.replace(b"<MemoryLayout>", b"<AutoNumber>false</AutoNumber>\n      <MemoryLayout>", 1)
    return m.ProgramDocument(source=doc.source, data=data)


def test_block_number_used_once_per_block_type(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    backend.program.import_program_documents("PLC_1", [_fb()], overwrite=False)
    with pytest.raises(e.ConflictError):
        backend.program.import_program_documents("PLC_1", [_manual(_fb(name="FB_Other", number=1))], overwrite=False)
    # A DB may have the number of an FB: block types have their own number spaces.
    backend.program.import_program_documents("PLC_1", [_doc(_IDB.format(name="DB1", fb="FB_Motor", number=1), "db.xml")], overwrite=False)


def test_an_automatically_numbered_block_gets_a_free_number(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    # A V19 export without <AutoNumber> (default values left out) is numbered automatically: TIA's default.
    udt = _doc(_UDT.format(name="UDT_State"), "UDT_State.xml")
    backend.program.import_program_documents("PLC_1", [udt, _fb(), _fb(name="FB_Two", number=2)], overwrite=False)
    backend.program.import_program_documents("PLC_1", [_fb(name="FB_Other", number=1)], overwrite=False)
    numbers = {o.name: o.number for o in _objects(backend) if o.kind == "FB"}
    assert numbers == {"FB_Motor": 1, "FB_Two": 2, "FB_Other": 3}
    assert b"<Number>3</Number>" in backend.program.export_program_object("PLC_1", "FB_Other")


def test_importing_the_same_automatically_numbered_blocks_again_keeps_their_numbers(
        backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    """Blocks generated from a source all carry a placeholder number with AutoNumber: importing them again with
    overwrite gives each the lowest free number where the block it replaces holds none, so a pipeline that
    regenerates the same source does not renumber the program (and churn every export in its repository)."""
    docs = [_fb(name=f"FB_Gen{i}", number=1) for i in range(4)]
    backend.program.import_program_documents("PLC_1", docs, overwrite=False)
    first = {o.name: o.number for o in _objects(backend) if o.kind == "FB"}
    assert sorted(number or 0 for number in first.values()) == [1, 2, 3, 4]  # no number fails as 0
    for _ in range(2):
        backend.program.import_program_documents("PLC_1", docs, overwrite=True)
        assert {o.name: o.number for o in _objects(backend) if o.kind == "FB"} == first


def test_instance_db_needs_its_fb(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    raises_code(e.ValidationError, "INSTANCE_OF_MISSING", backend.program.import_program_documents, "PLC_1",
                [_doc(_IDB.format(name="DB1", fb="FB_Missing", number=1), "db.xml")], overwrite=False)


def test_newer_documents_and_garbage_are_refused(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    raises_code(e.ValidationError, "NEWER_VERSION", backend.program.import_program_documents, "PLC_1",
                [_fb(version="V21")], overwrite=False)
    # An older TIA's document is taken, also one of a version no export in the corpus has shown (V15).
    backend.program.import_program_documents("PLC_1", [_fb(name="FB_Old", version="V15")], overwrite=False)
    assert "FB_Old" in {o.name for o in _objects(backend)}
    raises_code(e.ValidationError, "INVALID_SIMATICML", backend.program.import_program_documents, "PLC_1",
                [_doc("<nope", "x.xml")], overwrite=False)
    with pytest.raises(e.ValidationError):
        backend.program.import_program_documents(
            "PLC_1", [_doc('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>', "xxe.xml")],
            overwrite=False,
        )


def test_a_failed_batch_imports_nothing_and_reports_per_file(backend: EngineeringBackend, plc: m.DeviceInfo) -> None:
    caught = raises_code(e.ValidationError, "IMPORT_FAILED", backend.program.import_program_documents, "PLC_1",
                         [_doc(_UDT.format(name="UDT_State"), "u.xml"), _doc("<broken", "b.xml")], overwrite=False)
    assert [f["status"] for f in caught.details["files"]] == ["NotImported", "Failed"]
    assert _objects(backend) == []


def test_only_plcs_have_software(backend: EngineeringBackend, project: m.ProjectInfo) -> None:
    backend.devices.add_device(HMI, None, "HMI_1")
    raises_code(e.ValidationError, "NOT_A_PLC", backend.program.list_program_objects, "HMI_1")
    with pytest.raises(e.NotFoundError):
        backend.program.export_program_object("HMI_1x", "x")
