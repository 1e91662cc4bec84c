"""Contract: archive_project with unsaved changes refuses, saves first, or (the fake only) archives the saved state.

TIA Portal archives only a saved project (``Project.Archive`` throws while ``Project.IsModified``), so on the bridge
``unsaved="allow"`` is refused with the same code and a message that says why.
"""

from __future__ import annotations

import pytest

from engineering_api.backend import errors as e
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU


@pytest.fixture
def dirty(backend, root):
    """A saved project ``P`` with one device added since the save."""
    backend.launch_portal(with_ui=False, version=None)
    backend.create_project(root, "P", author="", comment="")
    backend.save_project()
    backend.devices.add_device(CPU, None, "PLC_1")
    assert backend.open_projects()[0].has_unsaved_changes
    return backend


def _restored_devices(backend, root, archive) -> list[str]:
    backend.close_project()
    backend.retrieve_project(archive, root / f"r-{archive.stem}")
    return [d.name for d in backend.devices.list_devices()]


def test_unsaved_changes_are_refused_by_default(dirty, root, tia):
    target = root / f"a{tia.archive}"
    raises_code(e.ConflictError, "UNSAVED_CHANGES", dirty.archive_project, target)
    assert not target.exists() and dirty.open_projects()[0].has_unsaved_changes


def test_save_first_archives_the_changes(dirty, root, tia):
    info = dirty.archive_project(root / f"s{tia.archive}", unsaved="save")
    assert info.warnings == [] and not dirty.open_projects()[0].has_unsaved_changes
    assert _restored_devices(dirty, root, root / f"s{tia.archive}") == ["PLC_1"]


def test_save_first_checks_the_target_before_saving(dirty, root, tia):
    (root / f"there{tia.archive}").write_bytes(b"x")
    with pytest.raises(e.AlreadyExistsError):
        dirty.archive_project(root / f"there{tia.archive}", unsaved="save")
    assert dirty.open_projects()[0].has_unsaved_changes


def test_allow_archives_the_saved_state_with_a_warning_or_is_refused_on_tia(dirty, root, tia):
    target = root / f"w{tia.archive}"
    if dirty.name != "fake":
        refused = raises_code(e.ConflictError, "UNSAVED_CHANGES", dirty.archive_project, target, unsaved="allow")
        assert "saveFirst" in refused.message
        assert not target.exists()
        return
    info = dirty.archive_project(target, unsaved="allow")
    assert len(info.warnings) == 1 and dirty.open_projects()[0].has_unsaved_changes
    assert _restored_devices(dirty, root, target) == []
