"""One declaration rule set, every entry: generated mutants of the corpus (an integer start value one past its
type's range, a String of 255 characters, a Bool start value 2, an unknown type, 7 array dimensions, a static
Variant) are refused at the changed member's line, and the accept-controls at each boundary (the range's last value,
String[254], 6 dimensions) add nothing.

SimaticML exports are checked by the same rules as SCL sources (:func:`simatic_xml.generate.spec_members.
check_declaration`): before, a DB export with the declaration an SCL source is refused for passed. The language
server gives exactly ``scl check``'s diagnostics on every SCL mutant: before, the editor dropped the
``INVALID_DECLARATION`` findings (its merge of the workspace's pieces lost the parsed sources they are read from).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.lsp.project import Project
from engineering_api.rules.compiler.check import Source, check_sources, source_text
from tests.ci.cli_run import run_main
from tests.compiler.mutants import Mutant, run_mutants, scl_declaration_mutants, xml_declaration_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
XML = sorted((CORPUS / "simaticml").rglob("*.xml")) if (CORPUS / "simaticml").is_dir() else []
SCL = sorted(p for p in (CORPUS / "scl").rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []

pytestmark = READS_SHARED


def test_simaticml_declaration_mutants_are_refused_at_their_member() -> None:
    counts, problems = run_mutants({path: list(xml_declaration_mutants(path, per_family=8)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    refused = sum(n for (_, refused), n in counts.items() if refused)
    assert refused >= 200, counts
    for family in ("start value range", "start value type", "string length", "unknown type", "array dimensions",
                   "variant section"):
        assert counts[(family, True)] > 0, family
    for family in ("start value range", "start value type", "string length", "array dimensions"):
        assert counts[(family, False)] > 0, family


def test_scl_declaration_mutants_are_refused_alike_by_scl_check_and_the_editor() -> None:
    counts, problems = run_mutants({path: list(scl_declaration_mutants(path, source_text(path.read_bytes())))
                             for path in SCL})
    assert not problems, "\n".join(problems[:20])
    assert sum(n for (_, refused), n in counts.items() if refused) >= 300, counts
    assert counts[("reserved name", True)] >= 50 and counts[("reserved name", False)] >= 100, counts

    editor = Project(None)
    differ = []
    compared = 0
    for path in SCL[::3]:  # a third of the sources, each mutant through the editor's own entry
        for mutant in scl_declaration_mutants(path, source_text(path.read_bytes())):
            text = mutant.data.decode("utf-8")
            want = [(d.line, d.column, d.code, d.severity, d.message)
                    for d in check_sources([Source(str(path), mutant.data)], info=True)]
            got = [(d.line, d.column, d.code, d.severity, d.message) for d in editor.check(str(path), text)]
            compared += 1
            if sorted(got) != sorted(want):
                differ.append(f"{path.name} {mutant.family}: editor {sorted(set(got) ^ set(want))[:3]}")
            editor.closed(str(path))
    assert compared > 100 and not differ, "\n".join(differ[:10])


def _db_mutant() -> Mutant:
    for path in XML:
        for mutant in xml_declaration_mutants(path):
            if mutant.refused and mutant.family == "start value range" and b"SW.Blocks.GlobalDB" in mutant.data:
                return mutant
    raise AssertionError("no data block with an integer start value in the corpus")


@pytest.mark.parametrize("command", ["simaticml check", "plc check", "scl check"])
def test_every_command_refuses_a_db_export_with_a_start_value_out_of_range(command: str, tmp_path: Path) -> None:
    mutant = _db_mutant()
    path = tmp_path / mutant.path.name
    path.write_bytes(mutant.data)
    code, out = run_main(*command.split(), str(path), "--format", "json")
    found = [(d["line"], d["code"]) for d in json.loads(out)["diagnostics"] if d["code"] == "INVALID_DECLARATION"]
    assert found == [(mutant.line, "INVALID_DECLARATION")] and code == 1


def test_the_rest_compile_refuses_an_imported_db_with_a_start_value_out_of_range(
        client: Any, admin_headers: dict[str, str], cpu: dict[str, Any], workspace: Path) -> None:
    from tests.conftest import data

    mutant = _db_mutant()
    (workspace / "db.xml").write_bytes(mutant.data)
    imported = client.post("/api/devices/PLC_1/blocks/actions/import-sync", json={"importFilePath": "db.xml"},
                           headers=admin_headers)
    assert imported.status_code in (200, 201), imported.text
    # imported, as TIA imports a block its compile refuses; the answer says what the compile will refuse, at the
    # member's line of the document sent (before: no diagnostics)
    found = [(d["line"], d["code"]) for d in data(imported)["reports"][0]["diagnostics"]]
    assert found == [(mutant.line, "INVALID_DECLARATION")], imported.text
    result = data(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=admin_headers))

    def leaves(node: dict[str, Any]) -> list[str]:
        return [str(node.get("description"))] + [t for child in node.get("messages", []) for t in leaves(child)]

    texts = [t for node in result["messages"] for t in leaves(node)]
    assert result["errorCount"] >= 1
    # at the member's line of the object as the PLC stores it (the import writes it anew: its own lines)
    assert any(t.startswith("line ") and "is out of range for" in t for t in texts), texts
