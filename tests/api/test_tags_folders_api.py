"""Tag table folders through HTTP: paths in either separator style, as block and UDT folders take them.

The general folder and tree behaviour is in ``test_tags_api.py``.
"""

from __future__ import annotations

from tests.conftest import assert_error, data

D = "/api/devices/PLC_1"
DEFAULT = "Default tag table"
FOLDERS = f"{D}/tag-tables/folders"


def _tables(client, headers):
    return sorted(t["name"] for t in data(client.get(f"{D}/tag-tables", headers=headers)))


def _create_table(client, headers, name, folder):
    return data(client.post(f"{D}/tag-tables/actions/create-sync", json={"name": name, "folder": folder},
                            headers=headers))


def test_delete_nested_folder_with_backslashes(client, admin_headers, cpu):
    data(client.post(FOLDERS, json={"path": "Line1/Motors/IO"}, headers=admin_headers))
    _create_table(client, admin_headers, "Drives", "Line1/Motors")
    _create_table(client, admin_headers, "Inputs", "Line1/Motors/IO")
    _create_table(client, admin_headers, "Valves", "Line1")
    deleted = data(client.delete(FOLDERS, params={"path": "Line1\\Motors"}, headers=admin_headers))
    assert sorted(deleted) == ["Drives", "Inputs"]
    assert _tables(client, admin_headers) == [DEFAULT, "Valves"]
    tree = data(client.get(f"{D}/tag-tables/tree", headers=admin_headers))
    line1 = next(node for node in tree["children"] if node["name"] == "Line1")
    assert [child["name"] for child in line1["children"]] == ["Valves"]
    assert_error(client.delete(FOLDERS, params={"path": "Line1\\Motors"}, headers=admin_headers), 404,
                 "FOLDER_NOT_FOUND")


def test_delete_folder_spelled_loosely(client, admin_headers, cpu):
    data(client.post(FOLDERS, json={"path": "Line2/Pumps"}, headers=admin_headers))
    assert data(client.delete(FOLDERS, params={"path": "\\Line2 \\ Pumps\\"}, headers=admin_headers)) == []
    assert data(client.delete(FOLDERS, params={"path": "/Line2/"}, headers=admin_headers)) == []
    assert_error(client.delete(FOLDERS, params={"path": "Line2"}, headers=admin_headers), 404, "FOLDER_NOT_FOUND")


def test_table_in_existing_folder_named_with_backslashes(client, admin_headers, cpu):
    data(client.post(FOLDERS, json={"path": "Line3/Motors"}, headers=admin_headers))
    created = _create_table(client, admin_headers, "M3", "Line3\\Motors")
    assert created["folder"] == "Line3/Motors"

