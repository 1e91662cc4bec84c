"""Devices and networks over the stand-in: device groups walked, rename/delete, interface device items found below the
head module, NetworkInterface nodes (Ethernet vs PROFIBUS), IO systems per interface,
hardware compile on a device item, rollback of a failed multi-step change, Openness errors surfaced, CAx transfers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU, DI, IM

HMI_DP = "6AV2 123-2GA03-0AX0"


@pytest.fixture
def pid(bridge: Any, tmp_path: Path) -> int:
    info = bridge.launch_portal(with_ui=False, version=None)
    bridge.create_project(tmp_path, "Line1", author="", comment="")
    bridge.devices.add_device(CPU, "V3.0", "PLC_1")
    return int(info.pid)


@pytest.fixture
def groups(bridge: Any) -> Any:
    """``StandIn.Control.DeviceGroups``: moves devices in the project tree as a user would."""
    from StandIn.Control import DeviceGroups

    return DeviceGroups


def _net(bridge: Any, name: str, ip: str, subnet: str | None = None, router: str | None = None) -> Any:
    return bridge.devices.configure_network(
        name, ip_address=ip, subnet_mask="255.255.255.0", interface=None, subnet=subnet, router_address=router
    )


def test_devices_in_groups_and_ungrouped_are_found(bridge: Any, pid: int, groups: Any) -> None:
    bridge.devices.add_device(IM, None, "IO_1")
    bridge.devices.add_device(CPU, None, "PLC_2")
    groups.Move(pid, "IO_1", "")  # "Ungrouped devices"
    groups.Move(pid, "PLC_2", "Line A/Cell 1")  # a nested device user group
    # Devices.Find is one level deep: only the walk over all three places finds them.
    assert [d.name for d in bridge.devices.list_devices()] == ["PLC_1", "IO_1", "PLC_2"]
    assert bridge.devices.get_device("PLC_2").device_kind == "plc"
    assert bridge.project_overview().device_count == 3
    assert bridge.devices.rename_device("PLC_2", "PLC_B").name == "PLC_B"
    with pytest.raises(e.AlreadyExistsError):
        bridge.devices.add_device(CPU, None, "io_1")  # names are unique across groups, without regard to case
    bridge.devices.delete_device("IO_1")
    assert [d.name for d in bridge.devices.list_devices()] == ["PLC_1", "PLC_B"]


def test_groups_survive_save_and_reopen(bridge: Any, pid: int, groups: Any) -> None:
    groups.Move(pid, "PLC_1", "Line A")
    path = bridge.save_project().path
    bridge.close_project()
    bridge.open_project(Path(path))
    assert bridge.devices.get_device("PLC_1").name == "PLC_1"


def test_configure_network_creates_the_subnet_and_an_io_system(bridge: Any, pid: int) -> None:
    bridge.devices.add_device(IM, None, "IO_1")
    assert [d.name for d in bridge.devices.parking_lot()] == ["IO_1"]  # an IO device without IO controller
    _net(bridge, "IO_1", "192.168.0.2")  # first the IO device: no IO system on the subnet yet
    plc = _net(bridge, "PLC_1", "192.168.0.1", router="192.168.0.254")
    x1 = plc.interfaces[0]
    assert (x1.ip_address, x1.subnet_name, x1.router_address) == ("192.168.0.1", "PN/IE_1", "192.168.0.254")
    infra = bridge.project_infrastructure()
    assert [(s.name, s.type, s.network_address) for s in infra.subnets] == [("PN/IE_1", "Ethernet", "192.168.0.0/24")]
    assert [(s.name, s.controller, s.devices)
            for s in infra.io_systems] == [("PROFINET IO-System (100)", "PLC_1", ["IO_1"])]
    assert bridge.devices.parking_lot() == []
    moved = _net(bridge, "IO_1", "10.0.0.2", subnet="Cell")  # another subnet: the assignment goes
    assert moved.interfaces[0].subnet_name == "Cell" and moved.parked
    assert [s.name for s in bridge.project_infrastructure().subnets] == ["PN/IE_1", "Cell"]


def test_a_failed_multi_step_change_is_rolled_back(bridge: Any, pid: int, faults: Any) -> None:
    bridge.save_project()
    before = (bridge.devices.list_devices(), bridge.project_infrastructure())
    # The subnet is created and the address written before ConnectToSubnet fails: the transaction undoes both.
    faults.ArmNext("Node.ConnectToSubnet", "TargetInvocation", "The node cannot be connected.", "Subnet is full.", None)
    err = raises_code(e.ValidationError, "OPENNESS_REFUSED", _net, bridge, "PLC_1", "192.168.0.1", subnet="New")
    assert "Subnet is full" in err.message
    assert (bridge.devices.list_devices(), bridge.project_infrastructure()) == before
    assert bridge.open_projects()[0].has_unsaved_changes is False


def test_openness_errors_carry_detail_and_inner_exception(bridge: Any, pid: int, faults: Any) -> None:
    faults.ArmNext("Device.Delete", "TargetInvocation", "The device cannot be deleted.", "It is in use.",
                   "locked by HMI")
    with pytest.raises(e.ConflictError) as info:
        bridge.devices.delete_device("PLC_1")
    openness = info.value.details["openness"]
    assert (openness["text"], openness["detailText"], openness["inner"]["message"]) == (
        "The device cannot be deleted.", "It is in use.", "locked by HMI",
    )
    assert [d.name for d in bridge.devices.list_devices()] == ["PLC_1"]


def test_a_stale_device_proxy_is_resolved_again(bridge: Any, pid: int, faults: Any) -> None:
    faults.ArmNext("Device.Name", "ObjectDisposed", "The device object has been disposed.", "", None)
    assert bridge.devices.rename_device("PLC_1", "PLC_A").name == "PLC_A"  # retried once with fresh objects


def test_rename_keeps_the_network_and_tia_refusals_are_checked_first(bridge: Any, pid: int) -> None:
    _net(bridge, "PLC_1", "192.168.0.1")
    renamed = bridge.devices.rename_device("PLC_1", "PLC_A")
    assert renamed.interfaces[0].ip_address == "192.168.0.1"
    assert bridge.project_infrastructure().io_systems[0].controller == "PLC_A"
    raises_code(e.ValidationError, "INVALID_NAME", bridge.devices.rename_device, "PLC_A", "bad/name")


def test_deleting_a_controller_unassigns_its_io_devices(bridge: Any, pid: int) -> None:
    bridge.devices.add_device(IM, None, "IO_1")
    _net(bridge, "PLC_1", "192.168.0.1")
    _net(bridge, "IO_1", "192.168.0.2")
    bridge.devices.delete_device("PLC_1")
    assert [d.name for d in bridge.devices.parking_lot()] == ["IO_1"]
    assert [s.name for s in bridge.project_infrastructure().subnets] == ["PN/IE_1"]  # the subnet stays
    assert bridge.devices.clear_parking_lot() == ["IO_1"]
    assert bridge.devices.list_devices() == []


def test_a_device_without_ethernet_has_no_interface(bridge: Any, pid: int) -> None:
    bridge.devices.add_device(HMI_DP, None, "HMI_DP")
    # Its one interface item is an MPI/DP interface: listed, but no IP address to give.
    assert [(i.name, i.type, i.ip_address) for i in bridge.devices.get_device("HMI_DP").interfaces] == [
        ("MPI/DP interface_1", "MPI/PROFIBUS", None)
    ]
    raises_code(e.ValidationError, "NO_INTERFACE", _net, bridge, "HMI_DP", "10.0.0.2")


def test_interfaces_are_device_items_below_the_head_module(bridge: Any, pid: int) -> None:
    # CPU 1516-3 PN/DP: rack -> CPU -> X1, X2 (PROFINET) and X3 (DP), each a device item offering NetworkInterface.
    interfaces = bridge.devices.get_device("PLC_1").interfaces
    assert [(i.name, i.type) for i in interfaces] == [
        ("PROFINET interface_1", "PROFINET"), ("PROFINET interface_2", "PROFINET"), ("DP interface_1", "PROFIBUS"),
    ]
    plc = bridge.devices.configure_network(
        "PLC_1", ip_address="10.1.2.3", subnet_mask="255.255.0.0", interface="profinet interface_2", subnet="Cell",
        router_address=None,
    )  # found by name at any depth, without regard to case (as the fake)
    assert [(i.ip_address, i.subnet_name) for i in plc.interfaces] == [(None, None), ("10.1.2.3", "Cell"), (None, None)]
    raises_code(e.ValidationError, "NOT_AN_ETHERNET_INTERFACE", bridge.devices.configure_network, "PLC_1",
                ip_address="10.0.0.1", subnet_mask="255.0.0.0", interface="DP interface_1", subnet=None,
                router_address=None)  # a PROFIBUS node has no IP address attributes
    assert bridge.devices.get_device("PLC_1") == plc


def test_each_profinet_interface_controls_its_own_io_system(bridge: Any, pid: int) -> None:
    bridge.devices.add_device(IM, None, "IO_1")
    bridge.devices.add_device(IM, None, "IO_2")
    _net(bridge, "PLC_1", "192.168.0.1")  # X1 on PN/IE_1
    bridge.devices.configure_network(
        "PLC_1", ip_address="10.0.0.1", subnet_mask="255.255.255.0", interface="PROFINET interface_2", subnet="Cell",
        router_address=None,
    )
    _net(bridge, "IO_1", "192.168.0.2")
    _net(bridge, "IO_2", "10.0.0.2", subnet="Cell")
    systems = {s.subnet: (s.controller, s.devices) for s in bridge.project_infrastructure().io_systems}
    assert systems == {"PN/IE_1": ("PLC_1", ["IO_1"]), "Cell": ("PLC_1", ["IO_2"])}
    path = Path(bridge.save_project().path)
    before = (bridge.devices.list_devices(), bridge.project_infrastructure())
    bridge.close_project()
    bridge.open_project(path)  # the nodes and the IO systems come back on the interfaces they belong to
    assert (bridge.devices.list_devices(), bridge.project_infrastructure()) == before


def test_online_sees_the_ethernet_addresses_in_interface_order(bridge: Any, pid: int) -> None:
    def addresses() -> list[str]:
        # What online binding reads: the configured addresses of the CPU's PLCSIM target interface.
        return bridge._call("ConfigurationTargetInterface.Addresses",
                            lambda: bridge.online._binding.device_addresses(
                                bridge.online._binding.online_provider(bridge.link.project(), "PLC_1"), "PLC_1"))

    bridge.devices.configure_network(
        "PLC_1", ip_address="10.0.0.1", subnet_mask="255.255.255.0", interface="PROFINET interface_2", subnet="Cell",
        router_address=None,
    )
    assert addresses() == ["10.0.0.1"]
    _net(bridge, "PLC_1", "192.168.0.1")  # X1 comes first, though addressed last
    assert addresses() == ["192.168.0.1", "10.0.0.1"]


def test_a_duplicate_address_on_the_second_interface_is_reported_there(bridge: Any, pid: int) -> None:
    bridge.devices.add_device(IM, None, "IO_1")
    bridge.devices.configure_network(
        "PLC_1", ip_address="10.0.0.1", subnet_mask="255.255.255.0", interface="PROFINET interface_2", subnet="Cell",
        router_address=None,
    )
    _net(bridge, "IO_1", "10.0.0.1", subnet="Cell")
    result = bridge.devices.compile_hardware("PLC_1")
    assert result.state == "Error"
    (finding,) = result.messages[0].messages
    assert finding.path == "PLC_1/PROFINET interface_2" and "IO_1" in finding.description


def test_hardware_compile_runs_on_a_device_item(bridge: Any, pid: int) -> None:
    from StandIn.Control import CompilerScript

    # A scripted software result must not be used: the hardware compile is the device item's, not PlcSoftware's.
    CompilerScript.ArmNext("Error\t9\t9")
    result = bridge.devices.compile_hardware("PLC_1")
    assert (result.state, result.messages[0].description) == ("Success", "Hardware configuration")
    bridge.devices.add_device(IM, None, "IO_1")
    _net(bridge, "PLC_1", "192.168.0.1")
    _net(bridge, "IO_1", "192.168.0.1")
    result = bridge.devices.compile_hardware("PLC_1")
    assert (result.state, result.error_count) == ("Error", 1)
    assert "IO_1" in result.messages[0].messages[0].description
    CompilerScript.Clear()


def test_network_survives_save_and_reopen_and_close_discards(bridge: Any, pid: int) -> None:
    bridge.devices.add_device(IM, None, "IO_1")
    _net(bridge, "PLC_1", "192.168.0.1")
    _net(bridge, "IO_1", "192.168.0.2")
    path = Path(bridge.save_project().path)
    before = (bridge.devices.list_devices(), bridge.project_infrastructure())
    bridge.devices.rename_device("IO_1", "IO_X")
    bridge.close_project()  # discards the rename
    bridge.open_project(path)
    assert (bridge.devices.list_devices(), bridge.project_infrastructure()) == before


def test_export_leaves_no_staging_files_and_import_lands_io_devices_unassigned(bridge: Any, pid: int,
                                                                               tmp_path: Path) -> None:
    bridge.devices.add_device(IM, None, "IO_1")
    _net(bridge, "PLC_1", "192.168.0.1")
    _net(bridge, "IO_1", "192.168.0.2")
    out = tmp_path / "out"
    bridge.devices.export_hardware("IO_1", out / "io.aml")
    assert sorted(p.name for p in out.iterdir()) == ["io.aml"]  # the staging folder and the .log are gone
    bridge.devices.delete_device("IO_1")
    assert bridge.devices.import_hardware(out / "io.aml").devices == ["IO_1"]
    io = bridge.devices.get_device("IO_1")
    assert (io.interfaces[0].ip_address, io.interfaces[0].subnet_name, io.parked) == ("192.168.0.2", "PN/IE_1", True)


def test_an_import_refused_by_tia_reports_its_log(bridge: Any, pid: int, tmp_path: Path) -> None:
    bridge.devices.export_hardware("PLC_1", tmp_path / "plc.aml")
    bridge.devices.delete_device("PLC_1")
    text = (tmp_path / "plc.aml").read_text()
    (tmp_path / "v9.aml").write_text(text.replace("<Value>OrderNumber:6ES7 516-3AN02-0AB0/V3.0</Value>",
                                                  "<Value>OrderNumber:6ES7 516-3AN02-0AB0/V9.9</Value>"))
    with pytest.raises(e.ValidationError) as info:
        bridge.devices.import_hardware(tmp_path / "v9.aml")  # the article is known; TIA refuses the firmware
    assert "V9.9" in info.value.message
    assert bridge.devices.list_devices() == []


def test_compatible_slots_asks_tia_slot_by_slot(plc: Any, faults: Any) -> None:
    slots = plc.devices.compatible_slots("PLC_1", DI)
    assert [s.slot for s in slots] == list(range(2, 32))  # the stand-in rack: CPU in 1, modules in 2..31
    assert plc.devices.compatible_slots("PLC_1", CPU) == []  # a CPU is no module
    faults.ArmNext("DeviceItem.CanPlugNew", "TargetInvocation", "Plug check failed.", "The rack is locked.", None)
    with pytest.raises(e.EngineeringError) as refused:
        plc.devices.compatible_slots("PLC_1", DI)
    assert "The rack is locked." in refused.value.message
