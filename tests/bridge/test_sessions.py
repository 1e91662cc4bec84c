"""Session rules: state re-read on each request, process handles never disposed, what detach/shutdown do."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import errors as e
from tests.lib.outcomes import raises_code


def test_a_project_opened_or_closed_in_the_ui_is_seen(bridge, machine, tmp_path: Path) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    created = bridge.create_project(tmp_path, "Line1", author="", comment="")
    bridge.close_project()
    pid = machine.StartInteractive()
    bridge.detach_portal()
    bridge.attach_portal(pid)
    assert bridge.session_status().project_open is False
    machine.OpenInUi(pid, created.path)
    status = bridge.session_status()
    assert (status.project_open, status.project_name) == (True, "Line1")
    assert [p.name for p in bridge.open_projects()] == ["Line1"]
    machine.CloseInUi(pid)
    assert bridge.session_status().project_open is False
    with pytest.raises(e.NoProjectOpenError):
        bridge.save_project()


def test_process_handles_are_disposed_only_to_shut_a_portal_down(bridge, machine) -> None:
    launched = bridge.launch_portal(with_ui=False, version=None)
    other = machine.StartInteractive()
    bridge.list_portals()
    bridge.detach_portal()
    bridge.attach_portal(other)
    bridge.portal_process_diagnostics()
    bridge.session_status()
    bridge.detach_portal()
    bridge.attach_portal(launched.pid)
    assert machine.ProcessHandleDisposals == 0  # V21 ends the instance when a GetProcesses() handle is disposed
    bridge.shutdown_portal()
    assert machine.ProcessHandleDisposals == 1
    assert [p.pid for p in bridge.list_portals()] == [other]


def test_detaching_an_attached_portal_leaves_it_running(bridge, machine) -> None:
    pid = machine.StartInteractive()
    assert bridge.attach_portal(pid).mode == "WithUserInterface"
    assert bridge.detach_portal().attached is False
    assert [(p.pid, p.attached) for p in bridge.list_portals()] == [(pid, False)]


def test_a_portal_started_by_a_user_can_be_shut_down_without_saving(bridge, machine, tmp_path: Path) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    created = bridge.create_project(tmp_path, "Line1", author="", comment="")
    bridge.close_project()
    bridge.detach_portal()
    pid = machine.StartInteractive()
    machine.OpenInUi(pid, created.path)
    bridge.attach_portal(pid)
    bridge.devices.add_device("6ES7 516-3AN02-0AB0", "V3.0", "Unsaved")
    assert bridge.shutdown_portal().pid == pid
    assert pid not in [p.pid for p in bridge.list_portals()]
    with pytest.raises(e.PortalUnavailableError):
        bridge.devices.list_devices()


def test_launching_another_version_needs_a_restart(bridge) -> None:
    raises_code(e.ValidationError, "VERSION_NOT_INSTALLED", bridge.launch_portal, with_ui=False, version="V18")


def test_device_added_without_version_keeps_the_bare_article(bridge, tmp_path: Path) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    bridge.create_project(tmp_path, "P", author="", comment="")
    device = bridge.devices.add_device("6ES7 516-3AN02-0AB0", None, "PLC_1")
    assert (device.type_identifier, device.firmware_version) == ("OrderNumber:6ES7 516-3AN02-0AB0", "")
    overview = bridge.project_overview()
    assert (overview.project_name, overview.device_count) == ("P", 1)
