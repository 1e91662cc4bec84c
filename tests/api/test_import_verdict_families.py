"""One verdict, from outside: for each family issue 89 names, the REST import (HTTP, the app's test client) answers
with the findings ``engineering-api simaticml check`` (the command line's ``main``) gives the same file: the same codes
at the same lines, a 4xx (never a 500) where the import refuses the document.

The families: a member of an unquoted type TIA does not have (``Innt``); a network in which one UId names two
elements, in the three shapes the issue lists (two FBD wires, a LAD wire and an Access, a GRAPH transition's wire and
a part); a type that contains itself (a UDT with a member of its own type, an FB with a static instance of itself:
TIA refuses recursive data types, ``RECURSIVE_TYPE``); a document the reader cannot take (not well-formed, a block
with no name), which the import refuses with the check's finding, not one of its own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import TestClient
from lxml import etree

from engineering_api.rules.program_objects import IMPORT_REFUSES
from tests.api.import_verdicts import CORPUS, Findings, cli_errors, refused_findings, served_project
from tests.compiler.mutants import flgnet_mutants, local_name, serialised, xml_declaration_mutants, xml_parser
from tests.compiler.mutants_sections import xml_section_mutants
from tests.conftest import data
from tests.lib.shared_corpus import READS_SHARED

BLOCKS = "/api/devices/PLC_1/blocks/actions/import-sync"
UDTS = "/api/devices/PLC_1/udts/actions/import"

pytestmark = READS_SHARED


@pytest.fixture(scope="module")
def rest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Any], dict[str, str], Path]]:
    with served_project(tmp_path_factory.mktemp("families")) as served:
        yield served


def rest_import(rest: tuple[TestClient[Any], dict[str, str], Path], name: str, text: bytes,
                route: str = BLOCKS) -> tuple[int, str | None, Findings]:
    """The REST import of ``text`` (as the file ``name``): its status, its error code (None: imported) and the
    findings it reports (an imported object is deleted again, so each import meets the same empty PLC)."""
    client, headers, root = rest
    target = root / "families" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text)
    answer = client.post(route, json={"importFilePath": str(target), "overwrite": True}, headers=headers)
    body = answer.json()
    if answer.status_code != 200:
        return answer.status_code, body["code"], refused_findings(body)
    got = body["data"]
    if route == UDTS:
        data(client.delete(f"/api/devices/PLC_1/udts/{quote(got['name'], safe='')}", headers=headers))
        return 200, None, sorted((d["code"], d["line"]) for d in got["diagnostics"])
    data(client.delete(f"/api/devices/PLC_1/blocks/{quote(got['block']['name'], safe='')}", headers=headers))
    return 200, None, sorted((d["code"], d["line"]) for r in got["reports"] for d in r["diagnostics"])


def both(rest: tuple[TestClient[Any], dict[str, str], Path], tmp_path: Path, name: str, text: bytes,
         route: str = BLOCKS) -> tuple[int, str | None, Findings, Findings]:
    """The REST import's status, code and findings, and ``simaticml check``'s errors, of one file."""
    path = tmp_path / name
    path.write_bytes(text)
    _, checked = cli_errors(path)
    status, code, got = rest_import(rest, name, text, route)
    return status, code, got, checked


# ------------------------------------------------------------------------------------------------- mutations
def _mutated(path: Path, change: Callable[[etree._Element], etree._Element | None]) -> tuple[bytes, int]:
    """``path`` with ``change`` applied to its tree: the bytes and the line of the element ``change`` returns."""
    raw = path.read_bytes()
    root = etree.fromstring(raw, xml_parser())
    changed = change(root)
    assert changed is not None, f"{path.name} has no element to change"
    return serialised(root, raw), changed.sourceline or 0


def _elements(net: etree._Element, *names: str) -> list[etree._Element]:
    return [el for el in net.iter() if local_name(el) in names and el.get("UId")]


def _two_fbd_wires(root: etree._Element) -> etree._Element | None:
    for net in (el for el in root.iter() if local_name(el) == "FlgNet"):
        wires = _elements(net, "Wire")
        if len(wires) >= 2:
            wires[-1].set("UId", wires[-2].get("UId", ""))
            return wires[-1]
    return None


def _lad_wire_and_access(root: etree._Element) -> etree._Element | None:
    for net in (el for el in root.iter() if local_name(el) == "FlgNet"):
        wires, accesses = _elements(net, "Wire"), _elements(net, "Access")
        if wires and accesses:
            wires[-1].set("UId", accesses[0].get("UId", ""))
            return wires[-1]
    return None


def _graph_transition_wire(root: etree._Element) -> etree._Element | None:
    for transition in (el for el in root.iter() if local_name(el) == "Transition"):
        for net in (el for el in transition.iter() if local_name(el) == "FlgNet"):
            wires, parts = _elements(net, "Wire"), _elements(net, "Part", "Access")
            if wires and parts:
                wires[0].set("UId", parts[0].get("UId", ""))
                return wires[0]
    return None


def _member_typed(old: str, new: str) -> Callable[[etree._Element], etree._Element | None]:
    def change(root: etree._Element) -> etree._Element | None:
        member = next((el for el in root.iter() if local_name(el) == "Member" and el.get("Datatype") == old), None)
        if member is not None:
            member.set("Datatype", new)
        return member
    return change


def _own_type(root: etree._Element) -> etree._Element | None:
    """The object's first leaf member (no members of its own) given the object's own type."""
    name = next(el.text for el in root.iter() if local_name(el) == "Name")
    member = next(el for el in root.iter() if local_name(el) == "Member"
                  and not any(local_name(c) == "Member" for c in el))
    member.set("Datatype", f'"{name}"')
    return member


def _own_instance(root: etree._Element) -> etree._Element | None:
    """A static instance of the FB itself added after the first member of its Static section."""
    name = next(el.text for el in root.iter() if local_name(el) == "Name")
    static = next(el for el in root.iter() if local_name(el) == "Section" and el.get("Name") == "Static")
    first = next(el for el in static if local_name(el) == "Member")
    added = etree.Element(first.tag, {"Name": "Self_instance", "Datatype": f'"{name}"'})
    added.tail = first.tail
    first.addnext(added)
    return added


# ------------------------------------------------------------------------------------------------------ tests
@pytest.mark.parametrize("file, old, new", [("db/Czarnak_Alarms_DB.xml", "Bool", "Boool"),
                                            ("fb/Czarnak_StateMachine.xml", "Int", "Innt")])
def test_an_unknown_type_is_reported_by_the_import_as_by_simaticml_check(rest, tmp_path: Path, file: str, old: str,
                                                                          new: str) -> None:
    text, line = _mutated(CORPUS / file, _member_typed(old, new))
    status, code, got, checked = both(rest, tmp_path, Path(file).name, text)
    assert checked == [("UNKNOWN_TYPE", line)]
    assert (status, code, got) == (200, None, checked)  # TIA imports it; its compile refuses it


@pytest.mark.parametrize("file, change", [("fc/Czarnak_FC_Seguridad.xml", _two_fbd_wires),
                                          ("fc/Czarnak_deviceState.xml", _lad_wire_and_access),
                                          ("fb/Czarnak_StateMachine.xml", _graph_transition_wire)],
                         ids=["two FBD wires", "a LAD wire and an Access", "a GRAPH transition's wire"])
def test_a_uid_naming_two_elements_is_refused_at_its_line_by_every_entry(rest, tmp_path: Path, file: str,
                                                                          change: Callable[..., Any]) -> None:
    """Before, the REST import answered 500: its renumbering raised and nothing mapped it."""
    text, line = _mutated(CORPUS / file, change)
    status, code, got, checked = both(rest, tmp_path, Path(file).name, text)
    assert ("FLGNET_UID", line) in checked
    assert (status, code, got) == (422, "IMPORT_REFUSED", checked)


def test_a_udt_containing_itself_is_refused_at_its_line_by_every_entry(rest, tmp_path: Path) -> None:
    """Before, the UDT import refused it with a message of its own reader and no finding at a line."""
    text, line = _mutated(CORPUS / "udt" / "Czarnak_AnalogInputSettings.xml", _own_type)
    status, code, got, checked = both(rest, tmp_path, "UDT_Self.xml", text, UDTS)
    assert checked == [("RECURSIVE_TYPE", line)]
    assert (status, code, got) == (422, "IMPORT_REFUSED", checked)


def test_an_fb_containing_an_instance_of_itself_is_refused_at_its_line_by_every_entry(rest, tmp_path: Path) -> None:
    text, _ = _mutated(CORPUS / "fb" / "Czarnak_AnalogInput.xml", _own_instance)
    line = text[:text.index(b'Name="Self_instance"')].count(b"\n") + 1  # an added element has no source line
    status, code, got, checked = both(rest, tmp_path, "FB_Self.xml", text)
    assert checked == [("RECURSIVE_TYPE", line)]
    assert (status, code, got) == (422, "IMPORT_REFUSED", checked)


def test_the_udt_import_reports_the_checks_errors(rest, tmp_path: Path) -> None:
    """A UDT whose member's type TIA does not have: imported, and reported as ``simaticml check`` reports it (before,
    the UDT import reported nothing); the block import refuses it for its route, not for its contents."""
    text, line = _mutated(CORPUS / "udt" / "Czarnak_AnalogInputSettings.xml", _member_typed("Real", "Reall"))
    status, code, got, checked = both(rest, tmp_path, "UDT_Typo.xml", text, UDTS)
    assert checked == [("UNKNOWN_TYPE", line)]
    assert (status, code, got) == (200, None, checked)
    assert rest_import(rest, "UDT_Typo.xml", text, BLOCKS)[:2] == (422, "NOT_A_BLOCK")


@pytest.mark.parametrize("shape", ["not well-formed", "no name"])
def test_a_document_the_reader_cannot_take_is_a_4xx_with_the_checks_finding(rest, tmp_path: Path,
                                                                            shape: str) -> None:
    """Before, the REST import refused it with a message of its own reader (``INVALID_SIMATICML``, no finding), and
    ``simaticml check`` passed a block with no name."""
    raw = (CORPUS / "fc" / "Czarnak_deviceState.xml").read_bytes()
    text = raw[:len(raw) // 2] if shape == "not well-formed" else re.sub(rb"<Name>[^<]*</Name>", b"", raw, count=1)
    status, code, got, checked = both(rest, tmp_path, "FC_Broken.xml", text)
    assert [c for c, _ in checked] == ["INVALID_SIMATICML"] and checked[0][1] > 0, checked
    assert (status, code, got) == (422, "INVALID_SIMATICML", checked)  # the code the routes have always answered


# ------------------------------------------------------------------------------------------- the differential
PER_FAMILY = 6
"""Mutants of each family through both entries (the check alone runs them all: tests/compiler)."""
CONTEXT = frozenset({"INSTANCE_OF_MISSING", "VERSION_CANNOT_EXPRESS"})
"""What the REST import knows and a check of the file alone cannot: an instance DB of an FB the PLC does not hold
(the corpus's instance DBs come without their FBs), a V17 GRAPH export the fake cannot carry into the V21 project
(its retarget's limit, named in the answer). Such a file and its mutants are not compared."""


def _documents() -> Iterator[tuple[str, Path, bytes]]:
    made: Counter[tuple[str, ...]] = Counter()
    for path in sorted(p for kind in ("ob", "fb", "fc", "db", "udt") for p in (CORPUS / kind).glob("*.xml")):
        yield "corpus", path, path.read_bytes()
        for mutant in [*xml_section_mutants(path, made, per_context=1), *flgnet_mutants(path, per_family=1),
                       *xml_declaration_mutants(path, per_family=1)]:
            if made[(mutant.family,)] < PER_FAMILY:
                made[(mutant.family,)] += 1
                yield mutant.family, path, mutant.data


def test_every_export_and_mutant_gets_the_same_findings_from_simaticml_check_and_the_rest_import(
        rest, tmp_path: Path) -> None:
    """For every block and UDT export of the corpus and a sample of each mutant family: the set of (code, line) of
    ``simaticml check``'s errors is the REST import's, and the import refuses (422) exactly when one of them is what
    TIA's import refuses outright (:data:`~engineering_api.rules.program_objects.IMPORT_REFUSES`)."""
    seen: Counter[str] = Counter()
    differ: list[str] = []
    unjudged: set[Path] = set()
    for family, path, text in _documents():
        if path in unjudged:
            continue
        route = UDTS if path.parent.name == "udt" else BLOCKS
        status, code, got, checked = both(rest, tmp_path, path.name, text, route)
        if code in CONTEXT:
            unjudged.add(path)
            seen["context"] += 1
            continue
        want = 422 if any(c in IMPORT_REFUSES for c, _ in checked) else 200
        if (status, set(got)) != (want, set(checked)):
            differ.append(f"{family} {path.name}: REST {status} {code} {sorted(got)[:4]}; check {sorted(checked)[:4]}")
        seen[family] += 1
    assert not differ, "\n".join(differ[:20])
    assert seen["corpus"] + seen["context"] >= 90 and seen["context"] <= 20, seen
    assert all(seen[family] >= PER_FAMILY // 2 for family in ("interface section", "flgnet uid", "flgnet wire end",
                                                               "unknown type")), seen


def test_a_udt_update_with_xml_is_judged_as_its_import(rest, tmp_path: Path) -> None:
    """``udts.update`` with xml (``PUT …/udts/{name}``): before, the port's reading was its only verdict, so a UDT
    naming itself came back with no finding at a line and a member of a type TIA does not have with nothing said."""
    client, headers, _ = rest
    source = CORPUS / "udt" / "Czarnak_AnalogInputSettings.xml"
    target = rest[2] / "families" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    data(client.post(UDTS, json={"importFilePath": str(target)}, headers=headers))
    root = etree.fromstring(source.read_bytes(), xml_parser())
    name = next(el.text for el in root.iter() if local_name(el) == "Name")
    route = f"/api/devices/PLC_1/udts/{quote(name or '', safe='')}"
    for change, want in ((_own_type, (422, "IMPORT_REFUSED")), (_member_typed("Real", "Reall"), (200, None))):
        text, line = _mutated(source, change)
        path = tmp_path / "UDT_Update.xml"
        path.write_bytes(text)
        _, checked = cli_errors(path)
        answer = client.put(route, json={"xml": text.decode("utf-8-sig")}, headers=headers)
        body = answer.json()
        got = refused_findings(body) if answer.status_code != 200 else sorted(
            (d["code"], d["line"]) for d in body["data"]["diagnostics"])
        assert len(checked) == 1 and checked[0][1] == line, checked
        assert (answer.status_code, body.get("code"), got) == (*want, checked)
    data(client.delete(route, headers=headers))
