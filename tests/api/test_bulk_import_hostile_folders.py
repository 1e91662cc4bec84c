"""A bulk import reads a folder as the command line does (:mod:`engineering_api.lib.file_walk`): regular files only,
no recursion. Before, a FIFO named ``*.xml`` blocked the TIA worker for good (``read_bytes`` never returned), and a
tree deeper than the recursion limit answered 500 (``rglob`` of Python 3.11 recursed once per level)."""

from __future__ import annotations

import os

import pytest

from engineering_api.lib.file_walk import MAX_FOLDER_DEPTH
from tests.api.blockgen_support import UDT, post_import, program_objects, xml_of
from tests.conftest import assert_error, data
from tests.deep_trees import DEEP_LEVELS, deep_chain

__all__ = ()

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _bulk(client, headers, body):
    return post_import(client, headers, {"deviceName": "PLC_1", **body}, "bulk-import")


def test_a_fifo_among_the_files_is_named_and_nothing_is_imported(client, engineer_headers, cpu, services, workspace):
    (workspace / "prog").mkdir()
    (workspace / "prog" / "UDT_Motor.xml").write_bytes(xml_of(client, engineer_headers, UDT))
    os.mkfifo(workspace / "prog" / "Waiting.xml")
    body = assert_error(_bulk(client, engineer_headers, {"directory": "prog"}), 422, "FILES_NOT_READ")
    assert body["details"]["files"] == [{"path": "Waiting.xml", "reason": "a FIFO, not a regular file"}]
    assert "'Waiting.xml' was not read: a FIFO, not a regular file" in body["detail"]
    body = assert_error(_bulk(client, engineer_headers, {"files": ["prog/UDT_Motor.xml", "prog/Waiting.xml"]}), 422,
                        "FILES_NOT_READ")
    assert body["details"]["files"] == [{"path": "Waiting.xml", "reason": "a FIFO, not a regular file"}]
    assert program_objects(services) == {}
    (workspace / "prog" / "Waiting.xml").unlink()  # the folder as it should be imports
    result = data(_bulk(client, engineer_headers, {"directory": "prog"}))
    assert [r["status"] for r in result["reports"]] == ["Imported"]


def test_a_tree_deeper_than_the_recursion_limit_is_refused_with_its_folder(client, engineer_headers, cpu, services,
                                                                            workspace):
    (workspace / "deep").mkdir()
    (workspace / "deep" / "UDT_Motor.xml").write_bytes(xml_of(client, engineer_headers, UDT))
    with deep_chain(workspace / "deep", DEEP_LEVELS):
        body = assert_error(_bulk(client, engineer_headers, {"directory": "deep"}), 422, "FILES_NOT_READ")
    [refused] = body["details"]["files"]
    assert refused["path"] == "/".join(["d"] * (MAX_FOLDER_DEPTH + 1))
    assert refused["reason"] == (f"a folder nested more than {MAX_FOLDER_DEPTH} levels below the folder walked: "
                                 "not entered")
    assert program_objects(services) == {}
