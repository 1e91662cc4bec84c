"""``_change``: ExclusiveAccess plus a Transaction, so a multi-step change that fails leaves nothing behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import ConflictError, EngineeringError
from tests.contract.conftest import CPU, IM


@pytest.fixture
def project(bridge: Any, tmp_path: Path) -> Any:
    bridge.launch_portal(with_ui=False, version=None)
    bridge.create_project(tmp_path, "Line", author="", comment="")
    return bridge


def test_a_failing_step_rolls_every_earlier_step_back(project: Any) -> None:
    def two_devices_then_fail() -> None:
        devices = project.link.project().Devices
        devices.CreateWithItem(f"OrderNumber:{CPU}", "PLC_1", "PLC_1")
        devices.CreateWithItem(f"OrderNumber:{IM}", "IO_1", "IO_1")
        raise ConflictError("step three refused", code="TEST")

    with pytest.raises(ConflictError):
        project._change("two devices", two_devices_then_fail)
    assert project.devices.list_devices() == []
    assert project.save_project().has_unsaved_changes is False


def test_a_committed_change_stays_and_the_access_is_released(project: Any) -> None:
    project.devices.add_device(CPU, None, "PLC_1")
    project.devices.add_device(IM, None, "IO_1")  # a second ExclusiveAccess: the first was disposed
    assert [d.name for d in project.devices.list_devices()] == ["PLC_1", "IO_1"]


def test_an_openness_failure_inside_rolls_back_with_its_cause(project: Any, faults: Any) -> None:
    def setting_then_device() -> None:
        project.link.project().IsSimulationDuringBlockCompilationEnabled = True
        project.link.project().Devices.CreateWithItem(f"OrderNumber:{CPU}", "PLC_1", "PLC_1")

    faults.ArmNext("DeviceComposition.CreateWithItem", "TargetInvocation", "Creating failed.", "Slot occupied.", None)
    with pytest.raises(EngineeringError) as info:
        project._change("setting and device", setting_then_device)
    assert "Slot occupied." in info.value.message
    assert project.devices.list_devices() == [] and not project.link.project().IsSimulationDuringBlockCompilationEnabled


@pytest.mark.parametrize("member", ["Save", "Close", "Archive"])
def test_what_tia_refuses_inside_a_transaction_is_refused_and_changes_nothing(project: Any, tmp_path: Path,
                                                                             member: str) -> None:
    """Project save, close and archive are not allowed while a transaction is active (the V21 manual, second-hand:
    openness_bridge/README.md, "All or nothing"): the stand-in refuses them as TIA does, and the step's refusal rolls
    the transaction back like any other."""
    engineering = project._api.engineering
    calls = {"Save": lambda p: p.Save(), "Close": lambda p: p.Close(),
             "Archive": lambda p: p.Archive(project._api.io.DirectoryInfo(str(tmp_path)), "A",
                                            engineering.ProjectArchivationMode.Compressed)}
    project.save_project()

    def device_then(step: str) -> None:
        project.link.project().Devices.CreateWithItem(f"OrderNumber:{CPU}", "PLC_1", "PLC_1")
        calls[step](project.link.project())

    with pytest.raises(EngineeringError) as info:
        project._change(f"a device, then {member}", lambda: device_then(member))
    assert "not allowed while a transaction is active" in info.value.message
    assert project.devices.list_devices() == [] and project.open_projects()[0].has_unsaved_changes is False
    assert not list(tmp_path.glob("A.zap*"))


def test_the_bridge_saves_archives_and_closes_outside_any_transaction(project: Any, tmp_path: Path) -> None:
    """The port methods that TIA refuses inside a transaction run outside ``_change``, after it is disposed."""
    project.devices.add_device(CPU, None, "PLC_1")
    archive = project.archive_project(tmp_path / f"Line.zap{project.version[1:]}", unsaved="save")
    assert Path(archive.archive_path).is_file() and not project.open_projects()[0].has_unsaved_changes
    project.close_project()
    assert project.open_projects() == []
