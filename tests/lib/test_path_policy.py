"""Unit tests of the issue-12 path policy: request paths (engineering_api.lib.paths), file fields of operations
(engineering_api.jobs.operations) and folder and file names of the project tree (engineering_api.rules.folders)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest

from engineering_api.backend.errors import EngineeringError, PortalUnavailableError, ValidationError
from engineering_api.backend.models import ProjectInfo
from engineering_api.errors import codes
from engineering_api.jobs.input_checks import confine_files, refuse_project_targets, refuse_unstorable_input
from engineering_api.jobs.operations import FileRule, Operation
from engineering_api.lib.paths import PathPolicy, PathRejectedError, is_device_name, safe_file_stem
from engineering_api.rules.folders import check_file_name, folder_parts, target_folder
from engineering_api.rules.project_texts import ProjectTexts
from tests.lib.outcomes import raises_code


# ----- request paths -----------------------------------------------------------------------------------------
@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "var"
    (folder / "workspace").mkdir(parents=True)
    (folder / "api.secret").write_text("key")
    return folder


def reason(policy: PathPolicy, user_path: str) -> str:
    with pytest.raises(PathRejectedError) as caught:
        policy.resolve(user_path)
    return caught.value.reason


@pytest.mark.parametrize("user_path", ["", " ", "\t"])
def test_empty_paths_are_refused(data_dir: Path, user_path: str) -> None:
    policy = PathPolicy.for_data_dir(data_dir)
    assert "empty" in reason(policy, user_path)


@pytest.mark.parametrize("user_path", [".tmp-1.xml", "a/.retrieve-x/b", "..archive-1", ".git/config"])
def test_names_beginning_with_a_dot_are_reserved(data_dir: Path, user_path: str) -> None:
    assert "dot" in reason(PathPolicy.for_data_dir(data_dir), user_path)


def test_default_policy_root_is_the_workspace_and_the_rest_of_the_data_dir_is_private(data_dir: Path) -> None:
    policy = PathPolicy.for_data_dir(data_dir)
    assert policy.resolve("out/x.xml") == (data_dir / "workspace" / "out" / "x.xml").resolve()
    assert "escapes" in reason(policy, (data_dir / "api.secret").as_posix())


@pytest.mark.parametrize("target", ["var/api.secret", "var/engineering-api.sqlite3", "var", "var/x/y.xml"])
def test_data_dir_stays_private_inside_a_wider_root(data_dir: Path, target: str) -> None:
    policy = PathPolicy.for_data_dir(data_dir, roots=(data_dir.parent,))
    assert "data directory" in reason(policy, target)


def test_a_root_inside_the_data_dir_stays_usable(data_dir: Path) -> None:
    policy = PathPolicy.for_data_dir(data_dir, roots=(data_dir.parent, data_dir / "workspace"))
    assert policy.resolve("var/workspace/x.xml") == (data_dir / "workspace" / "x.xml").resolve()
    assert policy.resolve("beside/x.xml") == (data_dir.parent / "beside" / "x.xml").resolve()


def test_a_root_equal_to_the_data_dir_does_not_open_it(data_dir: Path) -> None:
    policy = PathPolicy.for_data_dir(data_dir, roots=(data_dir,))
    assert "data directory" in reason(policy, "api.secret")


@pytest.mark.parametrize(("name", "plain", "escaped"), [
    ("CON", "_CON", "%43ON"), ("nul.a", "_nul.a", "%6Eul.a"), ("COM1", "_COM1", "%43OM1"),
    ("CONSOLE", "CONSOLE", "CONSOLE"),
])
def test_safe_file_stem_never_names_a_device(name: str, plain: str, escaped: str) -> None:
    assert safe_file_stem(name) == plain and safe_file_stem(name, escape=True) == escaped
    assert not is_device_name(safe_file_stem(name) + ".xml")
    assert not is_device_name(safe_file_stem(name, escape=True) + ".xml")


# ----- file fields of operations -----------------------------------------------------------------------------
class ExportInput(msgspec.Struct, rename="camel"):
    export_path: str | None = None
    files: list[str] = []


def _operation(**files: FileRule) -> Operation[Any, Any]:
    return Operation(name="t.export", summary="t", section="t", handler=lambda ctx, d: None, input=ExportInput,
                     output=None, files=files)


def test_confine_files_refuses_empty_and_keeps_omitted(data_dir: Path) -> None:
    policy = PathPolicy.for_data_dir(data_dir)
    operation = _operation(export_path=FileRule(writes=True), files=FileRule())
    assert confine_files(operation, ExportInput(), policy) == ExportInput()
    for bad in (ExportInput(export_path=""), ExportInput(files=["a.xml", ""])):
        caught = raises_code(ValidationError, "PATH_REJECTED", confine_files, operation, bad, policy)
        assert "empty" in caught.details["reason"]
    assert caught.details["field"] == "files[1]"


class _TextsInput(ProjectTexts):
    comment: str = ""
    export_path: str | None = None


@pytest.mark.parametrize("exported", ["export/ok.xml", "../outside.xml", "export/\u000b.xml"])
def test_a_text_is_refused_before_a_path_whether_or_not_the_next_step_checks_the_texts(
        data_dir: Path, exported: str) -> None:
    """With ``texts_checked_next`` (a REST route handing the input to the job manager, which checks the texts), the
    texts are checked here only when a path is refused: the text's refusal still comes first, and a good path leaves
    the one check to the manager."""
    policy = PathPolicy.for_data_dir(data_dir)
    operation = Operation(name="t.export", summary="t", section="t", handler=lambda ctx, d: None, input=_TextsInput,
                          output=None, files={"export_path": FileRule(writes=True)}, mutating=True)
    bad = _TextsInput(comment="a\u000bb", export_path=exported)
    raises_code(ValidationError, codes.UNSTORABLE_CHARACTER, confine_files, operation, bad, policy)
    if exported == "export/ok.xml":
        confined = confine_files(operation, bad, policy, texts_checked_next=True)
        assert confined.export_path == str(data_dir / "workspace" / "export" / "ok.xml")
        raises_code(ValidationError, codes.UNSTORABLE_CHARACTER, refuse_unstorable_input, operation, confined)
    else:
        raises_code(ValidationError, codes.UNSTORABLE_CHARACTER, confine_files, operation, bad, policy,
                    texts_checked_next=True)
        # the path alone: refused as a path, or as a text where the path's own text cannot be stored
        raises_code(ValidationError, "PATH_REJECTED" if exported.isascii() and exported.isprintable()
                    else codes.UNSTORABLE_CHARACTER, confine_files, operation, _TextsInput(export_path=exported),
                    policy, texts_checked_next=True)


class _Backend:
    """Stands for the port: only ``open_projects`` is asked."""

    def __init__(self, project_file: Path | None, error: Exception | None = None) -> None:
        self.project_file, self.error = project_file, error

    def open_projects(self) -> list[ProjectInfo]:
        if self.error is not None:
            raise self.error
        return [ProjectInfo(name="P", path=str(self.project_file), version="V19")] if self.project_file else []


def test_writes_into_the_open_project_are_refused(data_dir: Path) -> None:
    project = data_dir / "workspace" / "P" / "P.ap19"
    writes, reads = _operation(export_path=FileRule(writes=True)), _operation(export_path=FileRule())
    for inside in (project, project.parent, project.parent / "Program blocks" / "x.xml"):
        caught = raises_code(ValidationError, "PATH_REJECTED", refuse_project_targets, writes,
                             ExportInput(export_path=str(inside)), _Backend(project))
        assert caught.details["field"] == "exportPath"
        refuse_project_targets(reads, ExportInput(export_path=str(inside)), _Backend(project))
    beside = ExportInput(export_path=str(data_dir / "workspace" / "P2" / "x.xml"))
    refuse_project_targets(writes, beside, _Backend(project))
    refuse_project_targets(writes, ExportInput(export_path=str(project)), _Backend(None))
    no_portal = _Backend(project, PortalUnavailableError("no portal"))
    refuse_project_targets(writes, ExportInput(export_path=str(project)), no_portal)
    # Any other failure to read the open projects leaves the target's safety unknown: the write does not happen.
    failing = _Backend(project, EngineeringError("the Openness call GetProjects failed", code="OPENNESS_ERROR"))
    raises_code(EngineeringError, "OPENNESS_ERROR", refuse_project_targets, writes, beside, failing)


# ----- folder and file names of the project tree -------------------------------------------------------------
@pytest.mark.parametrize(("path", "parts"), [
    ("a", ["a"]), ("Motors/Pumps", ["Motors", "Pumps"]), ("Motors\\Pumps", ["Motors", "Pumps"]),
    (" a / b ", ["a", "b"]), ("Sub.xml2", ["Sub.xml2"]), ("CONSOLE", ["CONSOLE"]), ("a.b", ["a.b"]),
])
def test_folder_parts_accepts(path: str, parts: list[str]) -> None:
    assert folder_parts(path) == parts


@pytest.mark.parametrize(("path", "words"), [
    ("", "empty"), ("  ", "empty"), ("/a", "separator"), ("a/", "separator"), ("a//b", "separator"),
    ("..", "'..'"), ("a/./b", "'.'"), ("CON", "device"), ("com1.txt", "device"), ("C:\\x", "drive"),
    ("C:", "drive"), ("x:stream", "':'"), ("Sub.xml", "'.xml'"), ("a/SUB.XML", "'.xml'"), (".tmp-1", "dot"),
    ("a.", "dot or space"), ("a<b", "not allowed"), ("a\x01b", "control"), ("x" * 256, "longer"),
])
def test_folder_parts_refuses(path: str, words: str) -> None:
    caught = raises_code(ValidationError, "INVALID_FOLDER", folder_parts, path, field="folder")
    assert caught.details["field"] == "folder"
    assert words in caught.details["reason"]


def test_target_folder_is_the_top_level_when_blank() -> None:
    assert target_folder("") == "" and target_folder("  ") == ""
    assert target_folder("a\\b") == "a/b"
    with pytest.raises(ValidationError):
        target_folder("../x")


@pytest.mark.parametrize("name", ["", "CON", "con.scl", "x:y.scl", "a/b.scl", "a.", "..", ".hidden.scl"])
def test_check_file_name_refuses(name: str) -> None:
    raises_code(ValidationError, "INVALID_NAME", check_file_name, name, kind="external source")


def test_check_file_name_accepts_source_names() -> None:
    assert check_file_name("Pump.scl", kind="external source") == "Pump.scl"
    assert check_file_name("Motor (v2).xml", kind="external source") == "Motor (v2).xml"
