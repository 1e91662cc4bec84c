"""A WinCC Unified panel's text lists and graphic lists through HTTP: the list routes, the JSON document, TIA's
rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.hmi_graphics import png
from tests.conftest import Headers, add_device, assert_error, data

MTP700 = "6AV2 128-3GB06-0AX1"
TP700 = "6AV2 124-0GC01-0AX0"
HMI = "/api/devices/HMI_U/hmi"
STATES = {"name": "States", "listRange": "Decimal", "entries": [
    {"rangeFrom": "0", "text": "Stopped"}, {"rangeFrom": "1", "rangeTo": "9", "text": "Running"},
    {"default": True, "text": "Unknown"}]}
LAMP = {"name": "Lamp", "listRange": "Bit", "entries": [
    {"rangeFrom": "0", "graphic": "Lamp_off"}, {"rangeFrom": "1", "graphic": "Lamp_on"}]}


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any], workspace: Path) -> Headers:
    """Admin headers; an MTP700 Unified Comfort ``HMI_U`` and the project graphics Lamp_off and Lamp_on."""
    add_device(client, admin_headers, MTP700, "HMI_U")
    (workspace / "img").mkdir()
    for name in ("Lamp_off", "Lamp_on"):
        (workspace / "img" / f"{name}.png").write_bytes(png())
        data(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": f"img/{name}.png"},
                         headers=admin_headers))
    return admin_headers


def document(workspace: Path, name: str, **parts: Any) -> str:
    """A Unified exchange document with ``parts`` (``textLists``, ``graphicLists``…), written into the workspace."""
    body = {"format": "engineering-api.hmi-unified", "formatVersion": 1} | parts
    (workspace / name).write_text(json.dumps(body))
    return name


def load(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    data(client.post(f"{HMI}/unified/actions/import", json={"importFilePath": document(
        workspace, "lists.json", textLists=[STATES], graphicLists=[LAMP])}, headers=h))


def test_lists_from_the_model(client: TestClient[Any], h: Headers, viewer_headers: Headers, workspace: Path) -> None:
    load(client, h, workspace)
    texts = data(client.get(f"{HMI}/text-lists", headers=viewer_headers))
    assert texts == [{"name": "States", "listRange": "Decimal", "entryCount": 3, "entries": [
        {"rangeFrom": "0", "rangeTo": None, "default": False, "text": "Stopped"},
        {"rangeFrom": "1", "rangeTo": "9", "default": False, "text": "Running"},
        {"rangeFrom": None, "rangeTo": None, "default": True, "text": "Unknown"}]}]
    graphics = data(client.get(f"{HMI}/graphic-lists", headers=viewer_headers))
    assert [(g["name"], g["listRange"], [e["graphic"] for e in g["entries"]]) for g in graphics] == [
        ("Lamp", "Bit", ["Lamp_off", "Lamp_on"])]
    model = data(client.get(f"{HMI}/unified", headers=viewer_headers))
    assert [t["name"] for t in model["textLists"]] == ["States"] and model["graphicLists"][0]["name"] == "Lamp"
    one = json.loads(data(client.get(f"{HMI}/text-lists/states/xml", headers=viewer_headers)))
    assert (one["format"], one["textLists"], one["screens"]) == ("engineering-api.hmi-unified", model["textLists"], [])
    summary = data(client.get("/api/hmi/unified/summary", headers=viewer_headers))["devices"][0]
    assert (summary["textLists"], summary["graphicLists"]) == (1, 1)
    assert_error(client.get(f"{HMI}/text-lists/Nope/xml", headers=h), 404, "TEXT_LIST_NOT_FOUND")


def test_import_export_round_trip(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    load(client, h, workspace)
    (workspace / "out").mkdir()
    done = data(client.post(f"{HMI}/unified/actions/export", json={"exportPath": "out"}, headers=h))
    original = data(client.get(f"{HMI}/unified", headers=h))
    assert json.loads(Path(done["exportPath"]).read_text()) == original
    add_device(client, h, MTP700, "HMI_V")
    other = "/api/devices/HMI_V/hmi"
    data(client.post(f"{other}/unified/actions/import", json={"importFilePath": "out/HMI_U.json"}, headers=h))
    assert data(client.get(f"{other}/unified", headers=h)) | {"deviceName": "HMI_U"} == original
    # one list per file through the list routes: the text list's export imports again on its own route
    (workspace / "States.json").write_text(data(client.get(f"{HMI}/text-lists/States/xml", headers=h)))
    data(client.delete(f"{other}/text-lists/States", headers=h))
    made = data(client.post(f"{other}/text-lists/actions/import", json={"importFilePath": "States.json"}, headers=h))
    assert made == data(client.get(f"{HMI}/text-lists", headers=h))[0]
    data(client.delete(f"{other}/graphic-lists/lamp", headers=h))
    assert data(client.get(f"{other}/graphic-lists", headers=h)) == []
    made = data(client.post(f"{other}/graphic-lists/actions/import", json={"importFilePath": "out/HMI_U.json"},
                            headers=h))
    assert (made["name"], made["entryCount"]) == ("Lamp", 2)
    # a document without text lists is refused on the text-list route
    assert_error(client.post(f"{other}/text-lists/actions/import", json={"importFilePath": document(
        workspace, "none.json", graphicLists=[LAMP])}, headers=h), 422, "INVALID_UNIFIED_DOCUMENT")


def test_names_overwrite_and_dry_runs(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    load(client, h, workspace)
    renamed = STATES | {"name": "states", "entries": [{"rangeFrom": "5", "text": "Five"}]}
    path = document(workspace, "again.json", textLists=[renamed])
    assert_error(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": path}, headers=h), 409,
                 "TEXT_LIST_EXISTS")
    lamp = document(workspace, "lamp.json", graphicLists=[LAMP])
    assert_error(client.post(f"{HMI}/graphic-lists/actions/import", json={"importFilePath": lamp}, headers=h), 409,
                 "GRAPHIC_LIST_EXISTS")
    preview = data(client.post(f"{HMI}/text-lists/actions/import?dryRun=true",
                               json={"importFilePath": path, "overwrite": True}, headers=h))
    assert [(c["action"], c["kind"], c["name"]) for c in preview["changes"]] == [("overwrite", "textList", "states")]
    assert data(client.get(f"{HMI}/text-lists", headers=h))[0]["entryCount"] == 3  # a dry run changes nothing
    data(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": path, "overwrite": True}, headers=h))
    assert [(t["name"], t["entryCount"]) for t in data(client.get(f"{HMI}/text-lists", headers=h))] == [("states", 1)]
    preview = data(client.delete(f"{HMI}/graphic-lists/LAMP?dryRun=true", headers=h))
    assert [(c["action"], c["kind"], c["name"]) for c in preview["changes"]] == [("delete", "graphicList", "Lamp")]
    assert_error(client.delete(f"{HMI}/text-lists/Nope", headers=h), 404, "TEXT_LIST_NOT_FOUND")
    assert_error(client.delete(f"{HMI}/graphic-lists/Nope", headers=h), 404, "GRAPHIC_LIST_NOT_FOUND")


def entries(*rows: dict[str, Any], list_range: str = "Decimal") -> dict[str, Any]:
    return {"name": "Bad", "listRange": list_range, "entries": list(rows)}


@pytest.mark.parametrize(("part", "listed"), [
    ("textLists", entries({"rangeFrom": "1", "text": ""})),  # no text
    ("textLists", entries({"text": "no value"})),
    ("textLists", entries({"rangeFrom": "one", "text": "x"})),
    ("textLists", entries({"rangeFrom": "0", "rangeTo": "5", "text": "a"}, {"rangeFrom": "5", "text": "b"})),
    ("textLists", entries({"rangeFrom": "5", "rangeTo": "1", "text": "backwards"})),
    ("textLists", entries({"default": True, "text": "a"}, {"default": True, "text": "b"})),
    ("textLists", entries({"default": True, "rangeFrom": "1", "text": "a"})),
    ("textLists", entries({"rangeFrom": "2", "text": "x"}, list_range="Bit")),
    ("textLists", entries({"rangeFrom": "0", "rangeTo": "1", "text": "x"}, list_range="BitNumber")),
    ("textLists", entries({"rangeFrom": "32", "text": "x"}, list_range="BitNumber")),
    ("textLists", entries({"rangeFrom": "1", "text": "x"}, list_range="Hex")),
    ("textLists", [STATES, STATES | {"name": "STATES"}]),
    ("graphicLists", entries({"rangeFrom": "0", "graphic": ""})),
    ("textLists", {"name": " padded", "entries": []}),
    ("textLists", {"name": "NoEntries", "entries": [{"rangeFrom": 1, "text": "a number, not a string"}]}),
])
def test_bad_lists_change_nothing(client: TestClient[Any], h: Headers, workspace: Path, part: str,
                                  listed: Any) -> None:
    before = data(client.get(f"{HMI}/unified", headers=h))
    path = document(workspace, "bad.json", **{part: listed if isinstance(listed, list) else [listed]})
    assert_error(client.post(f"{HMI}/unified/actions/import", json={"importFilePath": path}, headers=h), 422,
                 "INVALID_UNIFIED_DOCUMENT")
    assert data(client.get(f"{HMI}/unified", headers=h)) == before


def test_a_graphic_the_project_lacks(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    missing = LAMP | {"entries": [{"rangeFrom": "0", "graphic": "Lamp_off"}, {"rangeFrom": "1", "graphic": "Nope"}]}
    path = document(workspace, "missing.json", textLists=[STATES], graphicLists=[missing])
    body = assert_error(client.post(f"{HMI}/unified/actions/import", json={"importFilePath": path}, headers=h), 422,
                        "GRAPHIC_NOT_FOUND")
    assert body["details"] == {"graphicList": "Lamp", "graphic": "Nope"}
    assert_error(client.post(f"{HMI}/graphic-lists/actions/import?dryRun=true", json={"importFilePath": path},
                             headers=h), 422, "GRAPHIC_NOT_FOUND")
    assert data(client.get(f"{HMI}/text-lists", headers=h)) == []  # the text list did not come in either


def test_classic_panels_keep_simaticml(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    add_device(client, h, TP700, "HMI_1")
    path = document(workspace, "lists.json", textLists=[STATES])
    assert_error(client.post("/api/devices/HMI_1/hmi/text-lists/actions/import", json={"importFilePath": path},
                             headers=h), 422, "INVALID_SIMATICML")
    assert_error(client.delete("/api/devices/HMI_1/hmi/text-lists/States", headers=h), 422, "NOT_A_UNIFIED_PANEL")
    assert data(client.get("/api/devices/HMI_1/hmi/text-lists", headers=h)) == []


def test_roles_audit_and_saved(client: TestClient[Any], h: Headers, viewer_headers: Headers, workspace: Path,
                               services: Any) -> None:
    load(client, h, workspace)
    assert_error(client.delete(f"{HMI}/text-lists/States", headers=viewer_headers), 403)
    before = data(client.get(f"{HMI}/unified", headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=h))
    assert data(client.get(f"{HMI}/unified", headers=h)) == before
    data(client.delete(f"{HMI}/text-lists/States", headers=h))
    paths = [row["path"] for row in services.db.all("SELECT * FROM audit")]
    assert f"{HMI}/text-lists/States" in paths and f"{HMI}/unified/actions/import" in paths
