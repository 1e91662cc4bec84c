"""Every entry that sees a declaration or a tag runs the one rule written for it: the declaration rule
(:func:`simatic_xml.generate.spec_members.check_declaration`) for ``scl check``, ``simaticml check``, ``plc check``,
the language server, the REST import and the REST compile; the tag rule (:func:`engineering_api.rules.tags.check_tag`)
for a tag table's check and the REST tag import. Each place that imports the rule holds the one function (no copy),
and a spy standing in for it everywhere sees each entry call it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import engineering_api.rules.compiler.tag_tables as tag_tables
import engineering_api.rules.tag_import as tag_import
import engineering_api.rules.tags as tags
import simatic_xml.generate.declarations as declarations
import simatic_xml.generate.spec_members as spec_members
from engineering_api.lsp.project import Project
from tests.ci.cli_run import run_main
from tests.conftest import data
from tests.lib.shared_corpus import SHARED

SCL = 'DATA_BLOCK "Mut_DB"\nVERSION : 0.1\n   VAR \n      n : Int := 7;\n   END_VAR\nBEGIN\nEND_DATA_BLOCK\n'
CORPUS = SHARED / "corpus" / "simaticml"


def _spy(monkeypatch: pytest.MonkeyPatch, modules: list[Any], name: str) -> list[object]:
    calls: list[object] = []
    rule = getattr(modules[0], name)
    assert all(getattr(m, name) is rule for m in modules), f"a copy of {name}"

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(args[:2])
        return rule(*args, **kwargs)

    for module in modules:
        monkeypatch.setattr(module, name, spy)
    return calls


@pytest.fixture
def declaration_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    return _spy(monkeypatch, [spec_members, declarations], "check_declaration")


@pytest.fixture
def tag_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    return _spy(monkeypatch, [tags, tag_tables, tag_import], "check_tag")


def _corpus(folder: str, holding: bytes = b"") -> Path:
    found = [p for p in sorted((CORPUS / folder).glob("*.xml")) if holding in p.read_bytes()] \
        if CORPUS.is_dir() else []
    if not found:
        pytest.skip("../shared/corpus is not there")
    return found[0]


def _entries() -> Iterator[tuple[str, Callable[[Path], object]]]:
    yield "scl check", lambda tmp: run_main("scl", "check", str(_write(tmp / "db.db", SCL.encode())))
    yield "simaticml check", lambda tmp: run_main("simaticml", "check", str(_corpus("db")))
    yield "plc check", lambda tmp: run_main("plc", "check", "--allow-missing", str(_corpus("db")))
    yield "language server", lambda tmp: Project(None).check(str(tmp / "db.db"), SCL)


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("entry", [name for name, _ in _entries()])
def test_each_command_runs_the_declaration_rule(entry: str, declaration_calls: list[object], tmp_path: Path) -> None:
    dict(_entries())[entry](tmp_path)
    assert declaration_calls, entry


def test_the_rest_import_and_compile_run_the_declaration_rule(
        declaration_calls: list[object], client: Any, admin_headers: dict[str, str], cpu: dict[str, Any],
        workspace: Path) -> None:
    (workspace / "db.xml").write_bytes(_corpus("db").read_bytes())
    imported = client.post("/api/devices/PLC_1/blocks/actions/import-sync", json={"importFilePath": "db.xml"},
                           headers=admin_headers)
    assert imported.status_code in (200, 201), imported.text
    assert declaration_calls, "import"
    declaration_calls.clear()
    data(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=admin_headers))
    assert declaration_calls, "compile"


def test_the_tag_table_check_and_the_rest_tag_import_run_the_tag_rule(
        tag_calls: list[object], client: Any, admin_headers: dict[str, str], cpu: dict[str, Any]) -> None:
    run_main("simaticml", "check", str(_corpus("tagtable", b"<SW.Tags.PlcTag ")))
    assert tag_calls, "simaticml check of a tag table"
    tag_calls.clear()
    body = {"TableName": "Json", "Tags": [{"Name": "J1", "DataType": "Bool", "LogicalAddress": "%I0.0"}]}
    data(client.post("/api/devices/PLC_1/tags/actions/import-sync", json=body, headers=admin_headers))
    assert tag_calls, "REST tag import"
