"""One verdict, every entry: the REST import of a SimaticML block export reports exactly the errors ``simaticml
check`` finds in the file (:func:`~engineering_api.rules.compiler.check.check_sources`, a closed program, the entry of
every check command and the editor), the same codes and messages at the same lines, but for the objects a PLC may
hold (``MISSING_*``); it imports the document (200, each finding in its report) or refuses it (422
``IMPORT_REFUSED``, for what TIA's import refuses: each finding in ``details.files``).

Over every block export of the corpus and mutants generated from the rules' tables and families: every interface
section rule's context, a network whose UId names two elements (a wire and a part, two wires) or whose wire names a
UId no element has (every FlgNet: LAD, FBD, GRAPH transitions), an FB that contains itself, the declaration mutants
(an unquoted type TIA does not have among them), a start value inside a member's expanded interface. Before, the
REST import read documents with its own reader: it answered 500 to a network in which one UId names two elements or
a wire to nothing, refused an FB containing itself (``RECURSIVE_TYPE``) that both checkers passed, passed an FC with
a ``Static`` section, and reported nothing of a member of type ``Innt``, which ``simaticml check`` refuses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import TestClient
from lxml import etree

from engineering_api.config import Settings
from engineering_api.rules.compiler.check import Source, check_sources
from engineering_api.rules.program_objects import IMPORT_REFUSES
from tests.compiler.mutants import Mutant, local_name, xml_parser, serialised, flgnet_mutants, xml_declaration_mutants
from tests.compiler.mutants_expanded import LARGE, expanded_start_mutants
from tests.compiler.mutants_sections import interface_sections, xml_section_mutants
from tests.conftest import CPU, add_device, data, served
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
BLOCKS = sorted(p for kind in ("ob", "fb", "fc", "db") for p in (CORPUS / kind).glob("*.xml")) \
    if CORPUS.is_dir() else []
IMPORT = "/api/devices/PLC_1/blocks/actions/import-sync"
PER_FAMILY = 10
"""Mutants of each family sent through the REST import (the check alone runs them all: tests/compiler)."""
CONTEXT = {"INSTANCE_OF_MISSING": 0, "VERSION_CANNOT_EXPRESS": 0}
"""The refusals of a document for what the PLC or project lacks, which the check of the document alone cannot judge
(status 0: not compared): an instance DB of an FB the PLC does not hold (the corpus's instance DBs come without their
FBs), a V17 GRAPH export the fake cannot carry into a V21 project (its retarget's limit, named in the answer)."""

pytestmark = READS_SHARED


@pytest.fixture(scope="module")
def rest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Any], dict[str, str], Path]]:
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("one-verdict"), tia_version="V21")
    with served(settings) as client:
        headers = {"X-API-Key": client.app.state.services.keys.create("eng", "engineer")[1]}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers=headers))
        add_device(client, headers, CPU, "PLC_1")
        yield client, headers, settings.roots[0]


def _self_containing(path: Path) -> Iterator[Mutant]:
    """An FB export with a static member of the FB's own type added after its last one (nothing else changes)."""
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    if not any(local_name(el) == "SW.Blocks.FB" for el in root):
        return
    name = next((el.text for el in root.iter("Name")), None)
    for section in (el for el in interface_sections(root) if el.get("Name") == "Static"):
        members = [m for m in section if local_name(m) == "Member"]
        if members and name:
            added = etree.Element(members[-1].tag, {"Name": "Self_mutant", "Datatype": f'"{name}"'})
            added.tail = members[-1].tail
            members[-1].addnext(added)
            text = serialised(root, data)
            line = text[:text.index(b'Name="Self_mutant"')].count(b"\n") + 1
            yield Mutant("recursive type", path, text, line, "RECURSIVE_TYPE")
            return


def _two_wires(path: Path) -> Iterator[Mutant]:
    """The first network with two wires, its last wire given the UId of the one before."""
    data = path.read_bytes()
    if b"FlgNet" not in data:
        return
    root = etree.fromstring(data, xml_parser())
    for net in (el for el in root.iter() if local_name(el) == "FlgNet"):
        wires = [el for el in net.iter() if local_name(el) == "Wire" and el.get("UId")]
        if len(wires) >= 2:
            wires[-1].set("UId", wires[-2].get("UId", ""))
            yield Mutant("flgnet uid", path, serialised(root, data), wires[-1].sourceline or 0, "FLGNET_UID")
            return


def _documents() -> Iterator[tuple[str, Path, bytes]]:
    made: Counter[tuple[str, ...]] = Counter()
    for path in BLOCKS:
        yield "corpus", path, path.read_bytes()
        mutants = [*xml_section_mutants(path, made, per_context=1), *flgnet_mutants(path, per_family=1),
                   *_two_wires(path), *_self_containing(path), *xml_declaration_mutants(path, per_family=1),
                   *(expanded_start_mutants(path, per_type=1) if path.stat().st_size < LARGE else ())]
        for mutant in mutants:
            if made[(mutant.family,)] < PER_FAMILY:
                made[(mutant.family,)] += 1
                yield mutant.family, path, mutant.data


def _rest_findings(rest: tuple[TestClient[Any], dict[str, str], Path], path: Path, text: bytes,
                   keep: bool = False) -> tuple[int, list[tuple[str, int, str]]]:
    client, headers, root = rest
    target = root / "one-verdict" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text)
    answer = client.post(IMPORT, json={"importFilePath": str(target), "overwrite": True}, headers=headers)
    body = answer.json()
    assert answer.status_code in (200, 422), (path.name, answer.status_code, body)
    if answer.status_code == 422 and body["code"] in CONTEXT:
        return CONTEXT[body["code"]], []
    if answer.status_code == 422:
        assert body["code"] == "IMPORT_REFUSED", (path.name, body)
        reports = body["details"]["files"]
    else:
        reports = body["data"]["reports"]
        if not keep:  # each into the same empty PLC
            name = quote(body["data"]["block"]["name"], safe="")
            data(client.delete(f"/api/devices/PLC_1/blocks/{name}", headers=headers))
    return answer.status_code, [(d["code"], d["line"], d["message"]) for r in reports for d in r["diagnostics"]]


def test_the_rest_import_reports_the_checks_errors_of_every_export_and_mutant(rest) -> None:
    seen: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    differ = []
    unjudged: set[Path] = set()
    for family, path, text in _documents():
        if path in unjudged:
            continue  # a mutant of an export the PLC cannot take (CONTEXT): its verdict is not the document's
        # simaticml check's verdict on the file (a closed program) but for what a PLC may hold (MISSING_*)
        checked = [(d.code, d.line, d.message) for d in check_sources([Source(path.name, text)])
                   if d.severity == "Error" and not str(d.code).startswith("MISSING_")]
        status, got = _rest_findings(rest, path, text)
        if status == 0:
            seen["context"] += 1
            unjudged.add(path)
            continue
        want_status = 422 if any(code in IMPORT_REFUSES for code, _, _ in checked) else 200
        if (status, sorted(got)) != (want_status, sorted(checked)):
            differ.append(f"{family} {path.name}: REST {status} only {sorted(set(got) - set(checked))[:4]}; "
                          f"check only {sorted(set(checked) - set(got))[:4]}; {len(got)} vs {len(checked)}")
        seen[family] += 1
        refused[family] += status == 422
    assert not differ, "\n".join(differ[:20])
    assert seen["corpus"] + seen["context"] >= len(BLOCKS) and seen["corpus"] >= 60 and refused["corpus"] == 0, seen
    for family in ("flgnet uid", "flgnet wire end"):
        assert refused[family] == seen[family] >= PER_FAMILY // 2, (family, seen, refused)
    assert refused["recursive type"] == seen["recursive type"] >= 5, (seen, refused)
    assert seen["interface section"] >= PER_FAMILY // 2, seen


def _compile_messages(node: dict[str, Any]) -> list[str]:
    return [node.get("description", ""), *(m for child in node.get("messages", []) for m in _compile_messages(child))]


@pytest.mark.parametrize("old, new", [('Datatype="Int"', 'Datatype="Innt"'), ('Datatype="Bool"', 'Datatype="Boool"')])
def test_the_compile_refuses_what_the_import_reported(rest, old: str, new: str) -> None:
    """An unquoted type TIA does not have (``Innt``): the import reports it, and the PLC's compile refuses it with the
    same message (before, the import and the compile both passed it, though ``simaticml check`` refused it)."""
    client, headers, _ = rest
    for path in BLOCKS:  # the first global DB whose member of that type the check judges
        text = path.read_bytes().replace(old.encode(), new.encode(), 1)
        found = [d for d in check_sources([Source(path.name, text)]) if d.code == "UNKNOWN_TYPE"]
        if b"SW.Blocks.GlobalDB" in text and found:
            break
    else:
        pytest.fail(f"no global DB export with a judged {old}")
    status, got = _rest_findings(rest, path, text, keep=True)
    assert status == 200 and [m for code, _, m in got if code == "UNKNOWN_TYPE"] == [d.message for d in found]
    compiled = data(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=headers))
    assert compiled["state"] == "Error" and any(found[0].message in m for m in _compile_messages(compiled)), compiled
    data(client.delete(f"/api/devices/PLC_1/blocks/{quote(str(found[0].block), safe='')}", headers=headers))
