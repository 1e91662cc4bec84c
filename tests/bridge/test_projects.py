"""Project extras over the stand-in: Project.Archive / Projects.Retrieve, the simulation-support property, index,
and the history methods that have no Openness equivalent."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.lib.staging import remove_stale_staging
from tests.lib.outcomes import raises_code

CPU = "6ES7 516-3AN02-0AB0"


@pytest.fixture
def project(bridge: Any, tmp_path: Path) -> Any:
    bridge.launch_portal(with_ui=False, version=None)
    info = bridge.create_project(tmp_path / "projects", "Line1", author="", comment="")
    bridge.devices.add_device(CPU, None, "PLC_1")
    bridge.save_project()
    return info


def test_archive_goes_through_a_fresh_folder_and_is_not_overwritten(bridge: Any, project: Any, tmp_path: Path) -> None:
    target = tmp_path / "archives" / "Line1.zap19"
    info = bridge.archive_project(target)
    assert (Path(info.archive_path), info.size_bytes) == (target, target.stat().st_size)
    assert sorted(p.name for p in target.parent.iterdir()) == ["Line1.zap19"]  # no staging folder left
    with pytest.raises(e.AlreadyExistsError):
        bridge.archive_project(target)
    raises_code(e.ValidationError, "ARCHIVE_TARGET", bridge.archive_project, Path(project.path).parent / "x.zap19")


def test_another_nodes_start_while_tia_archives_keeps_the_staging_folder(bridge: Any, project: Any, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder TIA archives into names its owner: a node starting on the shared workspace just as TIA begins
    (between the folder and ``Project.Archive``) leaves it, and the archive completes."""
    target = tmp_path / "archives" / "Line1.zap19"
    api = bridge.projects._session.api
    io = api.io
    cleaned: list[list[Path]] = []

    def another_node_starts(path: str) -> Any:
        cleaned.append(remove_stale_staging([target.parent]))
        return io.DirectoryInfo(path)

    monkeypatch.setattr(api, "io", SimpleNamespace(DirectoryInfo=another_node_starts, FileInfo=io.FileInfo))
    info = bridge.archive_project(target)
    assert cleaned == [[]]  # the cleanup ran while the staging folder existed, and took nothing
    assert Path(info.archive_path) == target and target.stat().st_size == info.size_bytes
    assert sorted(p.name for p in target.parent.iterdir()) == ["Line1.zap19"]  # folder and its mark gone


def test_archive_with_unsaved_changes_is_refused_as_tia_does(bridge: Any, project: Any, tmp_path: Path) -> None:
    bridge.devices.add_device(CPU, None, "PLC_2")
    raises_code(e.ConflictError, "UNSAVED_CHANGES", bridge.archive_project, tmp_path / "a.zap19")
    assert not (tmp_path / "a.zap19").exists()


def test_archive_failure_from_tia_leaves_nothing(bridge: Any, project: Any, tmp_path: Path, faults: Any) -> None:
    faults.ArmNext("Project.Archive", "TargetInvocation", "The project cannot be archived.", "Disk full.", None)
    with pytest.raises(e.ConflictError) as info:
        bridge.archive_project(tmp_path / "out" / "a.zap19")
    assert "Disk full" in info.value.message
    assert list((tmp_path / "out").iterdir()) == []


def test_retrieve_opens_the_project_and_a_refused_archive_leaves_nothing(bridge: Any, project: Any,
                                                                         tmp_path: Path) -> None:
    bridge.set_simulation_support(True)
    bridge.save_project()
    bridge.archive_project(tmp_path / "Line1.zap19")
    bridge.close_project()
    restored = bridge.retrieve_project(tmp_path / "Line1.zap19", tmp_path / "restored")
    assert Path(restored.path) == tmp_path / "restored" / "Line1" / "Line1.ap19"
    assert restored.simulation_support is True
    assert [d.name for d in bridge.devices.list_devices()] == ["PLC_1"]
    bridge.close_project()
    (tmp_path / "junk.zap19").write_bytes(b"PK\x03\x04 not an archive")
    raises_code(e.ValidationError, "OPENNESS_REFUSED", bridge.retrieve_project, tmp_path / "junk.zap19",
                tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()
    (tmp_path / "old.zap18").write_bytes(b"x")
    raises_code(e.ConflictError, "PROJECT_UPGRADE_REQUIRED", bridge.retrieve_project, tmp_path / "old.zap18",
                tmp_path / "fresh")


def test_simulation_support_is_the_project_property_and_rolls_back_on_close(bridge: Any, project: Any) -> None:
    assert bridge.set_simulation_support(True).simulation_support is True
    assert bridge.open_projects()[0].has_unsaved_changes is True
    bridge.close_project()
    assert bridge.open_project(Path(project.path)).simulation_support is False


def test_index_counts_what_openness_shows(bridge: Any, project: Any) -> None:
    bridge.devices.configure_network("PLC_1", ip_address="10.0.0.1", subnet_mask="255.0.0.0", interface=None,
                                     subnet=None,
                             router_address=None)
    index = bridge.index_project()
    assert index.project_name == "Line1"
    assert index.counts == {"devices": 1, "deviceItems": 5, "interfaces": 3, "subnets": 1}  # rack, CPU, X1, X2, X3
    assert index.object_count == 10


def test_history_has_no_openness_equivalent(bridge: Any, project: Any) -> None:
    for call in (bridge.recent_projects, lambda: bridge.forget_recent_project(project.path)):
        err = raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", call)
        assert "HistoryEntries" in err.message


def test_an_author_is_refused_before_anything_is_created(bridge: Any, tmp_path: Path) -> None:
    """Project.Author is read-only in the real API: the bridge refuses before Projects.Create, not half-way."""
    bridge.launch_portal(with_ui=False, version=None)
    raises_code(e.NotSupportedError, "AUTHOR_READ_ONLY", bridge.create_project, tmp_path / "p", "Line1",
                author="Ada", comment="")
    assert bridge.open_projects() == [] and not (tmp_path / "p" / "Line1").exists()
    created = bridge.create_project(tmp_path / "p", "Line1", author="", comment="")  # nothing left to clash with
    assert created.created_at  # read from Project.CreationTime
