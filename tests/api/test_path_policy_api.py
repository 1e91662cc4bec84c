"""Issue 12, failures 1, 2, 3 and 5 (first half): one path policy for every name that becomes a path.

Each test reproduces a failure the hardening run found: a block folder climbing out of the project, an empty
export path writing into the server's working directory, an empty import path answering 500, folder names that
damage the project, and an export overwriting the open project's own files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.config import Settings
from tests.conftest import CPU, add_device, assert_error, data, served

D = "/api/devices/PLC_1"
B = f"{D}/blocks"
S = f"{D}/external-sources"
U = f"{D}/udts"
WT = f"{D}/watch-tables"
FT = f"{D}/force-tables"


def fc(name: str = "FC_X") -> dict[str, Any]:
    """The reproduction's block spec, named ``name``."""
    return {"blockType": "FC", "name": name, "language": "SCL", "returnType": "Int",
            "networks": [{"scl": f"#{name} := 1;"}]}


FC = fc()
UDT = {"blockType": "UDT", "name": "UDT_A", "interface": {"None": [{"name": "Speed", "dataType": "Real"}]}}
SOURCE = 'FUNCTION "FC_Src" : Int\nVERSION : 0.1\nBEGIN\n\t#FC_Src := 1;\nEND_FUNCTION\n'


class Env:
    """A client with an engineer key, project ``P`` (at ``<workspace>/P``) and a CPU ``PLC_1``."""

    def __init__(self, client: TestClient[Any], headers: dict[str, str], workspace: Path) -> None:
        self.client, self.headers, self.workspace = client, headers, workspace

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, json=body, headers=self.headers)

    def save(self) -> None:
        data(self.post("/api/projects/actions/save-sync"))

    def files_below(self, folder: Path) -> set[Path]:
        return {p.relative_to(folder) for p in folder.rglob("*")}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # The server's working directory is an empty folder of its own, so a write into it shows.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    settings = Settings.from_env(data_dir=tmp_path / "data")
    with served(settings) as client:
        headers = {"X-API-Key": client.app.state.services.keys.create("eng", "engineer")[1]}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers=headers))
        add_device(client, headers, CPU, "PLC_1")
        yield Env(client, headers, settings.roots[0])
    assert not any(cwd.iterdir()), "nothing may be written into the server's working directory"


# ----- failure 1: a block folder climbing out of the project --------------------------------------------------
def _escape(tmp_path: Path) -> str:
    # The reproduction's folder: enough '..' to reach '/', then down to a folder outside every root.
    return "../" * 20 + (tmp_path / "escaped").as_posix().lstrip("/")


def test_block_folder_cannot_leave_the_project(env: Env, tmp_path: Path) -> None:
    escape = _escape(tmp_path)
    data(env.post("/api/blockgeneration/generate-only", {"spec": fc("FC_File"), "outputPath": "FC_File.xml"}))
    data(env.post(f"{S}/from-text", {"name": "Src.scl", "text": SOURCE}))
    attempts = {
        "blocks.create": (B, {**FC, "folder": escape}),
        "blocks.generate-and-import": (f"{B}/generate-and-import",
                                       {"BlockType": "FC", "Name": "FC_Gen", "Language": "SCL", "folder": escape}),
        "blocks.import": (f"{B}/actions/import-sync", {"importFilePath": "FC_File.xml", "folder": escape}),
        "external-sources.import-and-generate": (f"{S}/import-and-generate",
                                                 {"SclContent": SOURCE, "SourceName": "Other", "folder": escape}),
        "external-sources.generate": (f"{S}/Src.scl/generate", {"folder": escape}),
    }
    for name, (path, body) in attempts.items():
        error = assert_error(env.post(path, body), 422, "INVALID_FOLDER")
        assert "'..'" in error["message"], name
    env.save()
    assert not (tmp_path / "escaped").exists()
    assert not any(p.name.startswith("FC_") for p in env.files_below(env.workspace / "P") if ".." in p.parts)


@pytest.mark.parametrize("folder", ["CON", "C:\\x", "x:stream", "Sub.xml", "a/../b", "/a", "a/", ".tmp-x", "nul.txt"])
def test_import_target_folder_follows_the_folder_rule(env: Env, folder: str) -> None:
    assert_error(env.post(B, {**FC, "folder": folder}), 422, "INVALID_FOLDER")
    assert [b["name"] for b in data(env.client.get(B, headers=env.headers))] == ["Main"]  # only the PLC's OB1


# ----- failure 2: an empty export path writes into the server's working directory -----------------------------
def test_empty_export_paths_are_refused(env: Env) -> None:
    data(env.post("/api/blockgeneration/generate-and-import", {"spec": UDT, "deviceName": "PLC_1"}))
    data(env.post(B, FC))
    data(env.post(WT, {"name": "W"}))
    data(env.post(FT, {"name": "F"}))
    exports = [
        (f"{U}/actions/export", {"udtName": "UDT_A"}),
        (f"{U}/UDT_A/actions/export", {}),
        (f"{B}/actions/export-sync", {"blockName": "FC_X"}),
        (f"{B}/FC_X/actions/export-source", {}),
        (f"{WT}/W/actions/export", {}),
        (f"{FT}/F/actions/export", {}),
        (f"{D}/tag-tables/Default tag table/actions/export-csv-sync", {}),
        (f"{D}/actions/export-hardware", {}),
    ]
    for path, body in exports:
        for empty in ("", "   "):
            error = assert_error(env.post(path, {**body, "exportPath": empty, "overwrite": True}), 422, "PATH_REJECTED")
            assert error["details"]["field"] == "exportPath" and "empty" in error["details"]["reason"], path
    # The env fixture checks that the working directory stayed empty.


# ----- failure 5 (first half): an empty import path answered 500 (IsADirectoryError) -------------------------
def test_empty_import_paths_are_refused(env: Env) -> None:
    imports: list[tuple[str, dict[str, Any]]] = [
        (f"{U}/actions/import", {"importFilePath": ""}),
        (f"{B}/actions/import-sync", {"importFilePath": ""}),
        (f"{D}/watch-force-tables/actions/import", {"importFilePath": ""}),
        ("/api/projects/devices/actions/import-hardware-sync", {"importFilePath": ""}),
        ("/api/blockgeneration/import-only", {"deviceName": "PLC_1", "filePath": ""}),
        ("/api/blockgeneration/bulk-import", {"deviceName": "PLC_1", "directory": ""}),
        ("/api/blockgeneration/bulk-import", {"deviceName": "PLC_1", "files": [""]}),
        (f"{S}/from-file", {"filePath": ""}),
        (f"{D}/tags/actions/import-sync", {"filePath": ""}),
        (f"{D}/tag-tables/T/actions/import-csv-sync", {"filePath": ""}),
    ]
    for path, body in imports:
        error = assert_error(env.post(path, body), 422, "PATH_REJECTED")
        assert "empty" in error["details"]["reason"], path


# ----- failure 3: names that damage the project --------------------------------------------------------------
FOLDER_ROUTES = [f"{B}/folders", f"{U}/folders", f"{S}/folders", f"{D}/watch-force-tables/folders",
                 f"{D}/tag-tables/folders"]
BAD_FOLDERS = ["CON", "com1", "nul.txt", "C:\\x", "C:", "x:stream", "Sub.xml", "a/Sub.XML", "..", ".", "a/../b",
               "/a", "a/", "a//b", "", " ", ".tmp-1", "a.", "a<b"]


@pytest.mark.parametrize("route", FOLDER_ROUTES)
def test_folder_routes_refuse_names_that_would_damage_the_project(env: Env, route: str) -> None:
    for folder in BAD_FOLDERS:
        body = {"path": folder} if route.endswith("tag-tables/folders") else {"folderPath": folder}
        assert_error(env.post(route, body), 422, "INVALID_FOLDER" if folder.strip() else None)
    body = {"path": "Motors/Pumps"} if route.endswith("tag-tables/folders") else {"folderPath": "Motors\\Pumps"}
    assert env.post(route, body).status_code == 200


def test_a_project_with_good_folders_saves_and_reopens(env: Env) -> None:
    data(env.post(f"{B}/folders", {"folderPath": "Motors/Pumps"}))
    assert_error(env.post(f"{B}/folders", {"folderPath": "Sub.xml"}), 422, "INVALID_FOLDER")
    data(env.post(B, {**FC, "folder": "Motors/Pumps"}))
    env.save()
    data(env.post("/api/projects/actions/close-sync"))
    data(env.post("/api/projects/actions/open-sync", {"path": "P/P.ap19"}))
    # "": the PLC's own Main [OB1], at the top
    assert [b["folder"] for b in data(env.client.get(B, headers=env.headers))] == ["Motors/Pumps", ""]


def test_external_source_names_follow_the_file_name_rule(env: Env) -> None:
    for name in ("CON", "con.scl", "x:stream.scl", "a.", "..", ".hidden.scl", "a/b.scl"):
        assert_error(env.post(f"{S}/from-text", {"name": name, "text": SOURCE}), 422, "INVALID_NAME")
    assert data(env.client.get(S, headers=env.headers)) == []


def test_exports_cannot_overwrite_the_open_project(env: Env) -> None:
    data(env.post("/api/blockgeneration/generate-and-import", {"spec": UDT, "deviceName": "PLC_1"}))
    data(env.post(B, FC))
    env.save()
    project = env.workspace / "P"
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and p.suffix != ".lock"}
    inside = ["P/P.ap19", "P", "P/new/FC_X.xml", f"{project.as_posix()}/UDT_A.xml"]
    for target in inside:
        for path, body in ((f"{U}/UDT_A/actions/export", {}), (f"{B}/actions/export-sync", {"blockName": "FC_X"}),
                           (f"{B}/FC_X/actions/export-source", {})):
            error = assert_error(env.post(path, {**body, "exportPath": target, "overwrite": True}), 422,
                                 "PATH_REJECTED")
            assert "open project's folder" in error["message"]
    for target in ("P/FC_X.xml", "P/new/FC_X.xml"):
        assert_error(env.post("/api/blockgeneration/generate-only", {"spec": FC, "outputPath": target}),
                     422, "PATH_REJECTED")
    assert {p: p.read_bytes() for p in before} == before
    data(env.post("/api/projects/actions/close-sync"))
    data(env.post("/api/projects/actions/open-sync", {"path": "P/P.ap19"}))
    # Beside the project is fine.
    data(env.post(f"{U}/UDT_A/actions/export", {"exportPath": "exports/UDT_A.xml"}))
    assert (env.workspace / "exports" / "UDT_A.xml").is_file()


def test_the_data_directory_stays_private_inside_a_root(tmp_path: Path) -> None:
    # An operator made the data directory's parent a file root: the database and keys are still out of reach.
    settings = Settings.from_env(data_dir=tmp_path / "var", file_roots=(tmp_path,))
    with served(settings) as client:
        headers = {"X-API-Key": client.app.state.services.keys.create("eng", "engineer")[1]}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P", "directory": "projects"},
                         headers=headers))
        add_device(client, headers, CPU, "PLC_1")
        data(client.post(WT, json={"name": "W"}, headers=headers))
        for target in ("var/api.secret", "var/engineering-api.sqlite3", "var", "var/new/W.xml"):
            error = assert_error(client.post(f"{WT}/W/actions/export", json={"exportPath": target, "overwrite": True},
                                             headers=headers), 422, "PATH_REJECTED")
            assert "data directory" in error["details"]["reason"]
        assert_error(client.post(f"{D}/watch-force-tables/actions/import",
                                 json={"importFilePath": "var/api.secret"}, headers=headers), 422, "PATH_REJECTED")
        data(client.post(f"{WT}/W/actions/export", json={"exportPath": "exports/W.xml"}, headers=headers))


def test_objects_named_like_devices_never_become_device_files(env: Env) -> None:
    for name in ("CON", "NUL"):
        data(env.post(B, fc(name)))
    data(env.post(WT, {"name": "COM1"}))
    env.save()
    data(env.post("/api/projects/actions/close-sync"))
    data(env.post("/api/projects/actions/open-sync", {"path": "P/P.ap19"}))
    assert sorted(b["name"] for b in data(env.client.get(B, headers=env.headers))) == ["CON", "Main", "NUL"]
    (env.workspace / "exports").mkdir()
    written = data(env.post(f"{B}/actions/export-sync", {"blockName": "CON", "exportPath": "exports"}))
    assert Path(written["path"]).name == "_CON.xml"
    files = [p.name for p in (env.workspace / "P").rglob("*")] + [p.name for p in (env.workspace / "exports").iterdir()]
    assert not [name for name in files if name.partition(".")[0].upper() in ("CON", "NUL", "COM1")]
