"""What real TIA demands when a project is opened or retrieved, modelled in the stand-in (``standin/Opening.cs``)
and answered by the bridge (``openness_bridge/project_opening.py``): an older project opens only through
``OpenWithUpgrade``/``RetrieveWithUpgrade``, asked for by the client; a UMAC-protected one only when the
``UmacDelegate`` names a user who may open it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import ConflictError, PermissionDeniedError, ValidationError
from engineering_api.backend.models import ProjectCredentials
from tests.lib.outcomes import raises_code

SECRET = "Sup3r-Secret!"


@pytest.fixture
def older(bridge: Any, machine: Any, tmp_path: Path) -> Path:
    """A saved project ``Old`` made by a TIA Portal V17 (the stand-in plays V17 for it), its portal then V19 again."""
    bridge.launch_portal(with_ui=False, version=None)
    machine.Version = 17
    try:
        path = Path(bridge.create_project(tmp_path, "Old", author="", comment="").path)
        bridge.close_project()
    finally:
        machine.Version = 19
    assert path.suffix == ".ap17"
    return path


def test_an_older_project_is_refused_with_a_409_that_names_the_upgrade_option(bridge: Any, older: Path) -> None:
    before = older.read_bytes()
    refused = raises_code(ConflictError, "PROJECT_UPGRADE_REQUIRED", bridge.open_project, older)
    assert '"upgrade": true' in str(refused)
    assert refused.details["option"] == "upgrade"
    assert (bridge.open_projects(), older.read_bytes()) == ([], before)


def test_an_asked_upgrade_opens_the_upgraded_project_and_keeps_the_old_one(bridge: Any, older: Path) -> None:
    before = older.read_bytes()
    info = bridge.open_project(older, upgrade=True)  # ProjectComposition.OpenWithUpgrade
    assert Path(info.path) == older.with_suffix(".ap19")
    assert (info.version, older.read_bytes()) == ("V19", before)


def test_a_newer_project_cannot_be_opened_even_when_an_upgrade_is_asked(bridge: Any, tmp_path: Path) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    newer = tmp_path / "New" / "New.ap21"
    newer.parent.mkdir()
    newer.write_text("stand-in TIA project\n", encoding="utf-8")
    raises_code(ValidationError, "PROJECT_VERSION_MISMATCH", bridge.open_project, newer, upgrade=True)


def test_an_older_archive_is_retrieved_only_with_an_upgrade(bridge: Any, machine: Any, tmp_path: Path) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    machine.Version = 17
    try:
        bridge.create_project(tmp_path / "made", "Old", author="", comment="")
        bridge.archive_project(tmp_path / "Old.zap19")  # the bridge names it for its own version; V17 wrote it
        bridge.close_project()
    finally:
        machine.Version = 19
    archive = (tmp_path / "Old.zap19").rename(tmp_path / "Old.zap17")
    raises_code(ConflictError, "PROJECT_UPGRADE_REQUIRED", bridge.retrieve_project, archive, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
    info = bridge.retrieve_project(archive, tmp_path / "restored", upgrade=True)  # RetrieveWithUpgrade
    assert Path(info.path) == tmp_path / "restored" / "Old" / "Old.ap19"


@pytest.fixture
def protected(bridge: Any, tmp_path: Path) -> Path:
    """A saved project whose user management (UMAC) protects it; the project user ``alice`` may open it."""
    from StandIn.Control import ProjectProtection

    bridge.launch_portal(with_ui=False, version=None)
    path = Path(bridge.create_project(tmp_path, "Safe", author="", comment="").path)
    bridge.security.create_umac_user("alice", SECRET, ["ES Administrator"], "")
    bridge.save_project()
    bridge.close_project()
    ProjectProtection.Protect(str(path))
    return path


def test_a_protected_project_without_credentials_says_which_option_opens_it(bridge: Any, protected: Path) -> None:
    refused = raises_code(PermissionDeniedError, "PROJECT_CREDENTIALS_REQUIRED", bridge.open_project, protected)
    assert '"credentials"' in str(refused)
    assert bridge.open_projects() == []


def test_wrong_credentials_are_refused_without_echoing_the_password(bridge: Any, protected: Path) -> None:
    wrong = ProjectCredentials(user="alice", password="not-" + SECRET)
    refused = raises_code(PermissionDeniedError, "PROJECT_CREDENTIALS_REFUSED", bridge.open_project, protected,
                          credentials=wrong)
    assert wrong.password not in f"{refused} {refused.details} {wrong!r}"
    assert bridge.open_projects() == []


def test_a_project_user_opens_the_protected_project(bridge: Any, protected: Path) -> None:
    info = bridge.open_project(protected, credentials=ProjectCredentials(user="alice", password=SECRET))
    assert Path(info.path) == protected


def test_a_protected_archive_is_retrieved_with_credentials(bridge: Any, protected: Path, tmp_path: Path) -> None:
    bridge.open_project(protected, credentials=ProjectCredentials(user="alice", password=SECRET))
    bridge.archive_project(tmp_path / "Safe.zap19")
    bridge.close_project()
    raises_code(PermissionDeniedError, "PROJECT_CREDENTIALS_REQUIRED", bridge.retrieve_project,
                tmp_path / "Safe.zap19", tmp_path / "restored")
    info = bridge.retrieve_project(tmp_path / "Safe.zap19", tmp_path / "again",
                                   credentials=ProjectCredentials(user="alice", password=SECRET))
    assert info.name == "Safe"
