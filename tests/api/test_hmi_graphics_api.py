"""Project graphics through HTTP: import with type sniffing and size limit, export, delete, saved with the project."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.hmi_support import HMI, MTP700
from tests.conftest import Headers, add_device, assert_error, data
from tests.api.hmi_graphics import SVG, png


def emf() -> bytes:
    """An EMF header record ([MS-EMF] 2.3.4.2: type 1, size, bounds, frame, " EMF" at byte 40) and EMR_EOF."""
    header = struct.pack("<II4i4iI", 1, 88, 0, 0, 10, 10, 0, 0, 100, 100, 0x464D4520) + bytes(88 - 44)
    return header + struct.pack("<IIIII", 14, 20, 0, 16, 20)


def put(workspace: Path, name: str, content: bytes) -> str:
    (workspace / "img").mkdir(exist_ok=True)
    (workspace / "img" / name).write_bytes(content)
    return f"img/{name}"


def test_import_list_export_delete(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                   workspace: Path) -> None:
    for file, content in (("Lamp_on.png", png()), ("Valve.svg", SVG), ("Logo.emf", emf())):
        made = data(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": put(
            workspace, file, content)}, headers=h))
        assert (made["name"], made["size"]) == (Path(file).stem, len(content))
    listed = data(client.get(f"{HMI}/project-graphics", headers=viewer_headers))["graphics"]
    assert [(g["name"], g["format"]) for g in listed] == [("Lamp_on", "png"), ("Valve", "svg"), ("Logo", "emf")]
    # every panel of the project sees the project's graphics, a Unified one too
    add_device(client, h, MTP700, "HMI_U")
    assert len(data(client.get("/api/devices/HMI_U/hmi/project-graphics", headers=h))["graphics"]) == 3
    (workspace / "out").mkdir()
    done = data(client.post(f"{HMI}/project-graphics/lamp_on/actions/export", json={"exportPath": "out"}, headers=h))
    assert Path(done["exportPath"]).name == "Lamp_on.png" and Path(done["exportPath"]).read_bytes() == png()
    assert_error(client.post(f"{HMI}/project-graphics/Lamp_on/actions/export", json={"exportPath": "out"},
                             headers=h), 409, "FILE_EXISTS")
    data(client.delete(f"{HMI}/project-graphics/Valve", headers=h))
    assert_error(client.delete(f"{HMI}/project-graphics/Valve", headers=h), 404, "GRAPHIC_NOT_FOUND")
    assert [g["name"] for g in data(client.get(f"{HMI}/project-graphics", headers=h))["graphics"]] == [
        "Lamp_on", "Logo"]


def test_overwrite_and_names(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    path = put(workspace, "a.png", png())
    data(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": path, "name": "Lamp"},
                     headers=h))
    assert_error(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": path, "name": "lamp"},
                             headers=h), 409, "GRAPHIC_EXISTS")
    bigger = put(workspace, "b.png", png(4, 4))
    made = data(client.post(f"{HMI}/project-graphics/actions/import",
                            json={"importFilePath": bigger, "name": "lamp", "overwrite": True}, headers=h))
    assert (made["name"], made["size"]) == ("Lamp", len(png(4, 4)))  # replaced under its stored name
    assert_error(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": path, "name": "a/b"},
                             headers=h), 422, "INVALID_NAME")


@pytest.mark.parametrize(("file", "content", "code"), [
    ("fake.png", b"GIF89a" + bytes(40), "UNSUPPORTED_GRAPHIC"),
    ("empty.png", b"", "UNSUPPORTED_GRAPHIC"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "UNSUPPORTED_GRAPHIC"),
    ("note.svg", b"<html><body/></html>", "UNSUPPORTED_GRAPHIC"),
    ("entity.svg", b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>', "UNSUPPORTED_GRAPHIC"),
    ("renamed.svg", png(), "GRAPHIC_TYPE_MISMATCH"),
    ("huge.png", png() + bytes(8 * 1024 * 1024), "GRAPHIC_TOO_LARGE"),
])
def test_bad_images_change_nothing(client: TestClient[Any], h: Headers, workspace: Path, file: str, content: bytes,
                                   code: str) -> None:
    assert_error(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": put(workspace, file,
                                                                                                   content)},
                             headers=h), 422, code)
    assert data(client.get(f"{HMI}/project-graphics", headers=h))["graphics"] == []


def test_other_files_and_devices(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    assert_error(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": put(
        workspace, "x.gif", b"GIF89a")}, headers=h), 422)
    assert_error(client.post("/api/devices/PLC_1/hmi/project-graphics/actions/import",
                             json={"importFilePath": put(workspace, "p.png", png())}, headers=h), 422, "NOT_AN_HMI")
    assert_error(client.get("/api/devices/PLC_1/hmi/project-graphics", headers=h), 422, "NOT_AN_HMI")


def test_roles_dry_run_and_saved(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                 engineer_headers: Headers, workspace: Path) -> None:
    path = put(workspace, "Lamp.png", png())
    assert_error(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": path},
                             headers=viewer_headers), 403)
    preview = data(client.post(f"{HMI}/project-graphics/actions/import?dryRun=true", json={"importFilePath": path},
                               headers=engineer_headers))
    assert preview["changes"][0]["action"] == "create"
    assert data(client.get(f"{HMI}/project-graphics", headers=h))["graphics"] == []
    data(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": path}, headers=engineer_headers))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    assert (workspace / "Line1" / "Graphics" / "Lamp.png").read_bytes() == png()
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=h))
    assert data(client.get(f"{HMI}/project-graphics", headers=h))["graphics"] == [
        {"name": "Lamp", "format": "png", "size": len(png())}]
    data(client.delete(f"{HMI}/project-graphics/Lamp", headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    assert not (workspace / "Line1" / "Graphics" / "Lamp.png").exists()
