"""The fake's project folder after a crash, and the names it writes (issue 12, failures 1, 3, 9 and 10).

A committed journal is replayed on open (roll forward), stray staged files are ignored and removed (roll back),
staging folders of a killed retrieve are removed at start-up, and folder names (``..``, ``Sub.xml``, ``CON``)
are written inside the project and read back as they were.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from engineering_api.backend.models import ProgramDocument
from engineering_api.config import Settings
from engineering_api.lib import archives, staging
from engineering_api.lib.staging import SCRATCH_FOLDER
from fakes import project_commit
from fakes.backend import FakeBackend
from fakes.model import Project
from fakes.program import PlcSoftware
from fakes.project_commit import JOURNAL_NAME, STAGED_PREFIX
from fakes.project_files import load_project, save_project
from simatic_xml.generate import generate_xml
from tests.conftest import served
from tests.contract.conftest import CPU

BLOCKS = 10


def _fc(index: int | str, marker: int) -> bytes:
    name = f"FC_{index}" if isinstance(index, int) else index
    return generate_xml({"blockType": "FC", "name": name, "language": "SCL", "returnType": "Int",
                         "networks": [{"scl": f"#{name} := {marker};"}]})


def _plc_software(project: Project) -> PlcSoftware:
    """PLC_1's software (every project of these tests has it)."""
    software = project.devices["PLC_1"].software
    assert software is not None
    return software


def _marker(xml: bytes) -> int:
    """An FC's marker: the constant its one statement assigns."""
    found = re.search(rb"<ConstantValue[^>]*>(\d+)</ConstantValue>", xml)
    assert found is not None
    return int(found.group(1))


def _markers(project: Project) -> dict[str, int]:
    """Each FC's marker."""
    return {o.name: _marker(o.xml) for o in _plc_software(project).all() if o.name.startswith("FC_")}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(STAGED_PREFIX) or p.name == JOURNAL_NAME)


@pytest.fixture
def backend(tmp_path: Path) -> FakeBackend:
    fake = FakeBackend(tmp_path / "state")
    fake.launch_portal(with_ui=False, version=None)
    return fake


@pytest.fixture
def project_file(backend: FakeBackend, tmp_path: Path) -> Path:
    """A saved, closed project with ``BLOCKS`` FCs (marker 1), an FC ``Sub`` and the PLC's own ``Main`` [OB1]."""
    (tmp_path / "ws").mkdir()
    backend.create_project(tmp_path / "ws", "P", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.program.import_program_documents(
        "PLC_1", [ProgramDocument(source=f"FC_{i}.xml", data=_fc(i, 1)) for i in range(BLOCKS)], overwrite=False)
    backend.program.import_program_documents("PLC_1", [ProgramDocument(source="Sub.xml", data=_fc("Sub", 1))],
                                             overwrite=False)
    backend.save_project()
    backend.close_project()
    return tmp_path / "ws" / "P" / "P.ap19"


class _Records(logging.Handler):
    """A logging handler that keeps the records it is given."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even ``except Exception`` clean-up."""


def _kill_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the journal's rename (the commit point) happen, then "kill" the process before anything else runs."""
    rename = os.replace

    def replace_then_die(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        rename(source, target)
        if Path(target).name == JOURNAL_NAME:
            raise Killed

    monkeypatch.setattr(os, "replace", replace_then_die)


def _change_all(file: Path) -> Project:
    project = load_project(file)
    software = _plc_software(project)
    for obj in software.all():
        if obj.name.startswith("FC_"):
            software.blocks[obj.name] = replace(obj, xml=_fc(int(obj.name[3:]), 2))  # objects are values
    return project


def _save_killed_after_commit(project_file: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Save every block changed, "killed" right after the commit point; returns the new state's markers."""
    changed = _change_all(project_file)
    _kill_after_commit(monkeypatch)
    with pytest.raises(Killed):
        save_project(changed)
    monkeypatch.undo()
    return dict.fromkeys(_markers(changed), 2)


def test_a_committed_journal_is_replayed_on_open(project_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = _save_killed_after_commit(project_file, monkeypatch)
    assert (project_file.parent / JOURNAL_NAME).is_file()
    assert _markers(load_project(project_file)) == new
    assert _leftovers(project_file.parent) == []


def test_a_half_applied_journal_is_finished(project_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = _save_killed_after_commit(project_file, monkeypatch)
    journal = (project_file.parent / JOURNAL_NAME).read_text(encoding="utf-8")
    for staged, target in json.loads(journal)["renames"][:3]:  # the kill came half-way through applying it
        os.replace(project_file.parent / staged, project_file.parent / target)
    assert _markers(load_project(project_file)) == new
    assert _leftovers(project_file.parent) == []


def test_stray_staged_files_are_ignored_and_removed(project_file: Path) -> None:
    """The old writer's leftover, a 0-byte ``Program blocks/.tmp-*.xml``, made the project refuse to open."""
    old = _markers(load_project(project_file))
    blocks = project_file.parent / "Devices" / "PLC_1" / "PLC" / "Program blocks"
    (blocks / ".tmp-k2j3h4g5.xml").write_bytes(b"")
    (blocks / ".tmp-partial").write_bytes(b"<?xml")
    (project_file.parent / ".tmp-journal").write_text("{", encoding="utf-8")
    assert _markers(load_project(project_file)) == old
    assert _leftovers(project_file.parent) == []


def test_a_failed_save_leaves_the_old_state(project_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _markers(load_project(project_file))
    changed = _change_all(project_file)

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_commit, "_fsync_dir", disk_full)  # fails after staging, before the commit point
    with pytest.raises(OSError):
        save_project(changed)
    monkeypatch.undo()
    assert _leftovers(project_file.parent) == []
    assert _markers(load_project(project_file)) == old


FOLDERS = ["..", "/".join([".."] * 10) + "/tmp/x", ".", "Sub.xml", "CON", "a/./b", ".tmp-x", "x:stream", "V1.2", "100%"]
"""Folder names the API refuses now (helper A's INVALID_FOLDER) or allows; the writer is safe for all of them."""


def test_folder_names_stay_inside_the_project_and_read_back(project_file: Path, tmp_path: Path) -> None:
    project = load_project(project_file)
    software = _plc_software(project)
    # The block "Sub" stays at the top, beside the folder "Sub.xml": its file "Sub.xml" would clash with it.
    for obj, folder in zip((software.blocks[f"FC_{i}"] for i in range(BLOCKS)), FOLDERS, strict=True):
        software.blocks[obj.name] = replace(obj, folder=folder)
    software.folders["blocks"].update(FOLDERS)
    before = {o.name: o.folder for o in software.all()}
    outside = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(project_file.parent))
    save_project(project)
    assert sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(project_file.parent)) == outside
    program_blocks = project_file.parent / "Devices" / "PLC_1" / "PLC" / "Program blocks"
    assert len([p for p in program_blocks.rglob("*.xml") if p.is_file()]) == BLOCKS + 2  # Sub and Main too
    reopened = _plc_software(load_project(project_file))
    assert {o.name: o.folder for o in reopened.all()} == before
    assert FOLDERS[0] in reopened.folders["blocks"] and "Sub.xml" in reopened.folders["blocks"]
    names = {p.name for p in (project_file.parent / "Devices").rglob("*")}
    assert {"%2E%2E", "Sub%2Exml", "%43ON", "%2Etmp-x"} <= names
    assert not {"..", ".", "CON", ".tmp-x"} & names


def test_a_folder_saved_by_the_old_writer_still_loads(project_file: Path) -> None:
    """The old writer kept dots: ``V1.2`` was a directory ``V1.2``; it loads, and the next save renames it."""
    blocks = project_file.parent / "Devices" / "PLC_1" / "PLC" / "Program blocks"
    (blocks / "V1.2").mkdir()
    (blocks / "FC_1.xml").rename(blocks / "V1.2" / "FC_1.xml")
    project = load_project(project_file)
    assert _plc_software(project).blocks["FC_1"].folder == "V1.2"
    save_project(project)
    assert not (blocks / "V1.2").exists() and (blocks / "V1%2E2" / "FC_1.xml").is_file()
    assert _plc_software(load_project(project_file)).blocks["FC_1"].folder == "V1.2"


def test_a_killed_retrieve_is_cleaned_up_at_start_up_and_a_live_ones_folder_is_not(
    backend: FakeBackend, project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings.from_env(data_dir=tmp_path / "data")
    workspace = settings.roots[0]
    workspace.mkdir(parents=True)
    backend.open_project(project_file)
    backend.archive_project(workspace / "P.zap19")
    backend.close_project()

    def killed(*_: object) -> None:
        raise Killed

    with monkeypatch.context() as patch:  # a kill while the archive is being extracted: no clean-up runs
        patch.setattr(shutil, "rmtree", lambda *_a, **_k: None)
        patch.setattr(staging, "remove_tree", lambda *_a, **_k: None)
        patch.setattr(Path, "unlink", lambda *_a, **_k: None)
        patch.setattr(archives.os, "rename", killed)
        with pytest.raises(Killed):
            backend.retrieve_project(workspace / "P.zap19", workspace / "restored")
    left = sorted(p.name for p in (workspace / "restored").iterdir())
    assert len(left) == 2 and left[0].startswith(".retrieve-") and left[1] == left[0] + ".owner"
    mark = workspace / "restored" / left[1]
    owner = json.loads(mark.read_text(encoding="utf-8"))
    assert {key: owner[key] for key in ("host", "pid", "run")} == {
        "host": socket.gethostname(), "pid": os.getpid(), "run": staging._run}
    mark.write_text(json.dumps({**owner, "pid": dead_pid()}), encoding="utf-8")  # its process was killed
    # a version before the marks made folders without marks: removed once unchanged for the grace
    unmarked = [workspace / "restored" / f"..retrieve-{'b' * 32}.k2j3h4g5.tmp",  # extract_zip's
                workspace / f".retrieve-{'a' * 32}",  # killed after extracting
                workspace / SCRATCH_FOLDER / "export-k2j3h4g5"]  # the bridge's scratch
    for folder in unmarked:
        folder.mkdir(parents=True)
        os.utime(folder, (1e9, 1e9))
    working_unmarked = workspace / ".archive-k2j3h4g5"  # that version archiving on another node now: kept
    working_unmarked.mkdir()
    old_archive = workspace / ".P.zap19.k2j3h4g5.tmp"
    old_archive.write_bytes(b"PK")  # killed while writing an archive, long ago
    os.utime(old_archive, (1e9, 1e9))
    (workspace / ".Q.zap19.k2j3h4g5.tmp").write_bytes(b"PK")  # being written by a live node now
    keep = [workspace / ".retrieve-notes", workspace / "retrieve-1.tmp", workspace / ".P.zap19.tmp",
            workspace / "restored" / "..retrieve-x.tmp"]
    for path in keep:
        path.write_text("the user's", encoding="utf-8")

    # A handler on the staging logger itself: the app's logging set-up replaces the root's handlers.
    handler = _Records(logging.WARNING)
    staging.logger.addHandler(handler)
    try:
        # another node on this host archives into the shared workspace while this one starts
        with staging.staging_folder(workspace, "archive") as live, staging.staging_folder(
                workspace / SCRATCH_FOLDER, "export") as live_scratch:
            (live / "half-written.zip").write_bytes(b"PK")
            with served(settings):
                pass
            assert (live / "half-written.zip").is_file() and live_scratch.is_dir()
    finally:
        staging.logger.removeHandler(handler)
    logged = "\n".join(record.getMessage() for record in handler.records)
    assert sorted(p.name for p in (workspace / "restored").iterdir()) == ["..retrieve-x.tmp"]
    assert not (workspace / f".retrieve-{'a' * 32}").exists() and not old_archive.exists()
    assert (workspace / ".Q.zap19.k2j3h4g5.tmp").is_file()
    assert list((workspace / SCRATCH_FOLDER).iterdir()) == []
    assert all(path.is_file() for path in keep) and working_unmarked.is_dir()
    assert "left by an interrupted run" in logged and left[0] in logged


_TEMP_CREATORS = {"mkdtemp": ("suffix", "prefix"), "mkstemp": ("suffix", "prefix"),
                  "TemporaryDirectory": ("suffix", "prefix"), "NamedTemporaryFile": ("mode", "buffering")}
"""tempfile's creators and their leading positional parameters (a creator named elsewhere is read by keyword)."""


def _temp_creators() -> list[tuple[str, str, str, str]]:
    """Every ``tempfile`` creator the service's code calls: (place, creator, prefix, suffix), each f-string field
    filled with a sample name."""
    repo = Path(__file__).resolve().parents[2]
    found: list[tuple[str, str, str, str]] = []

    def text(node: ast.expr | None, default: str) -> str:
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            return default
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(str(part.value) if isinstance(part, ast.Constant) else "Project1" for part in node.values)
        return "Project1"  # a name computed elsewhere: a sample

    for package in ("engineering_api", "fakes", "openness_bridge"):
        for source in sorted((repo / package).rglob("*.py")):
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in _TEMP_CREATORS):
                    continue
                given = dict(zip(_TEMP_CREATORS[node.func.attr], node.args, strict=False))
                given.update({k.arg: k.value for k in node.keywords if k.arg is not None})
                found.append((f"{source.relative_to(repo)}:{node.lineno}", node.func.attr,
                              text(given.get("prefix"), "tmp"), text(given.get("suffix"), "")))
    return found


def test_every_temporary_folder_the_service_makes_is_one_the_cleanup_leaves_or_names_its_owner() -> None:
    """The class of the unmarked staging folder: a starting node takes a folder matching the staging names that
    has no owner mark for one a killed version before the marks left. So no ``tempfile`` creator in the service
    may make such a name (with any random part): a staging folder comes from ``staging.staging_folder``, which
    writes its mark first. Temporary *files* may match the temporary-file names (their writer keeps them fresh)."""
    creators = _temp_creators()
    assert any(place.startswith("engineering_api/lib/archives.py") for place, *_ in creators)  # the scan reads
    randoms = ("k2j3h4g5", "ab12cd_3", "________", "00000000")
    taken = [(place, f"{prefix}{random}{suffix}") for place, _creator, prefix, suffix in creators
             for random in randoms if staging.is_stale_staging(f"{prefix}{random}{suffix}", folder=True)]
    assert taken == []


def dead_pid() -> int:
    """The pid of a process that ran on this host and has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_plcs_retain_setting_survives_a_reopen(project_file: Path) -> None:
    """The retentive bit memory bytes from MB0 (docs/simulated-plc.md, operating states) are saved with the PLC."""
    project = load_project(project_file)
    assert _plc_software(project).retentive_marker_bytes == 0
    _plc_software(project).retentive_marker_bytes = 64
    save_project(project)
    assert _plc_software(load_project(project_file)).retentive_marker_bytes == 64
