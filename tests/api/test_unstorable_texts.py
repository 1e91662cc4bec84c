"""Every request that brings texts into a project refuses a character the project cannot store, at its field.

TIA keeps a project's texts in XML 1.0 (Openness writes them with .NET's ``XmlWriter``, whose ``CheckCharacters``
default refuses a character outside XML's ``Char`` production), and so does the fake: a comment holding U+000B
(a line break pasted from a spreadsheet cell) was stored, exported as XML no parser reads, and the project could not
be opened again (PROJECT_DAMAGED). The class: each mutating engineering operation with a JSON body, found in the
registry the OpenAPI document is built from, gets U+000B put into each string of its example body; the answer must
be a 4xx naming that field, and the project must still save, close and open. Runtime and simulation value writes
(PLC data, not project texts), git, pipelines, snapshots, the test harness, the farm and the portal's own calls are
outside the class. The rule is made where a change is given its input, so a read taking the same input (a device, a
block, an object by name) answers as for any other name, and no reply is ever checked.
"""

from __future__ import annotations

import copy
import json
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import msgspec
import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app, registry
from engineering_api.backend.errors import ValidationError
from engineering_api.config import Settings
from engineering_api.jobs.input_checks import refuse_unstorable_input
from engineering_api.jobs.operations import Operation
from engineering_api.rules.project_texts import (ProjectTexts, refuse_unstorable_texts, unstorable_reason,
                                                 unstorable_text)
from simatic_xml.safe import XmlSyntaxError, parse_untrusted
from tests.api.hmi_support import MTP700
from tests.conftest import data

CPU = "6ES7 516-3AN02-0AB0"
FB1 = {"blockType": "FB", "name": "FB1", "language": "SCL", "networks": [{"scl": "#Speed := 1;"}],
       "interface": {"Static": [{"name": "Speed", "dataType": "Int"}]}}
BAD = "\x0b"
MCP_HEADERS = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2026-07-28",
               "mcp-method": "tools/call", "mcp-name": "tags_create"}
MCP_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "texts", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}
OUTSIDE = ("simulation", "sourcecontrol", "snapshots", "testharness", "pipelines", "farm", "instances")
"""Modules of operations outside the class (see the module's docstring)."""
NO_TEXTS = {
    "projects.open", "projects.archive", "projects.retrieve", "projects.history.remove",
    "projects.simulation-support", "projects.credentials.set",
}
"""Operations that bring no text into a project: a project's file or archive, the recent list, a flag, the
credentials a protected project opens with (kept by the server, never in the project)."""
PATHS = {
    "deviceName": "PLC_1", "tableName": "T1", "tagName": "Start", "constantName": "Limit", "blockName": "FB1",
    "memberName": "Speed", "udtName": "U1", "typeName": "T", "sourceName": "Src.scl", "screenName": "Screen_1",
    "graphicName": "G",
}
"""The objects the path parameters name (made by :func:`served`)."""


def _routes(operation: Operation[Any, Any]) -> list[tuple[str, str]]:
    specs = [spec for spec in (operation.route, operation.async_route) if spec is not None]
    return [(spec.method, spec.path) for spec in specs if spec.method in ("POST", "PUT", "PATCH")]


def _in_the_class(operation: Operation[Any, Any]) -> bool:
    return (operation.mutating and not operation.is_inline_call and operation.input is not None
            and not any(part in operation.input.__module__ for part in OUTSIDE) and operation.name not in NO_TEXTS
            and bool(_routes(operation)))


OPERATIONS = sorted((op for op in registry()._by_name.values() if _in_the_class(op)), key=lambda op: op.name)


def _path(route: str, device: str) -> str:
    for name, value in {**PATHS, "deviceName": device}.items():
        route = route.replace("{" + name + "}", value.replace(" ", "%20"))
    return route


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(wire path, steps into the body) of each string in an example body."""
    if isinstance(value, str):
        yield path, ()
    elif isinstance(value, dict):
        for key, item in value.items():
            for where, steps in _texts(item, f"{path}.{key}" if path else key):
                yield where, (key, *steps)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for where, steps in _texts(item, f"{path}[{index}]"):
                yield where, (index, *steps)


def _with_bad(body: dict[str, Any], steps: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    holder: Any = changed
    for step in steps[:-1]:
        holder = holder[step]
    text = holder.get(steps[-1], "Text") if isinstance(holder, dict) else holder[steps[-1]]
    holder[steps[-1]] = f"{text[:1]}{BAD}{text[1:]}" if text else BAD
    return changed


def _named_apart(body: dict[str, Any], steps: tuple[Any, ...], number: int) -> dict[str, Any]:
    """``body`` with the name of the object it makes made unique, so that a case the project took (before the rule)
    does not make the next case of the operation fail for a name that exists."""
    for key in ("name", "Name"):
        if isinstance(body.get(key), str) and steps[:1] != (key,):
            stem, dot, extension = body[key].partition(".")
            return {**body, key: f"{stem}_{number}{dot}{extension}"}
    return body


def _optional_texts(operation: Operation[Any, Any], body: dict[str, Any], route: str) -> list[str]:
    """The input's own text fields the example leaves out (a tag's comment, a block's folder...)."""
    assert operation.input is not None
    sent = {key.lower() for key in body}
    return [field.encode_name for field in msgspec.structs.fields(operation.input)
            if field.type in (str, str | None) and field.encode_name.lower() not in sent
            and "{" + field.encode_name + "}" not in route]


def _cases(operation: Operation[Any, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """(wire path, steps into the body) of each text to put U+000B into: the example's and the left-out ones."""
    route = _routes(operation)[0][1]
    body = _body(operation, route)
    return [*_texts(body), *((name, (name,)) for name in _optional_texts(operation, body, route))]


def _body(operation: Operation[Any, Any], route: str) -> dict[str, Any]:
    """The operation's example body without its path parameters, or its required texts as ``X``."""
    if operation.example:
        return {k: v for k, v in operation.example.items() if "{" + k + "}" not in route}
    assert operation.input is not None
    return {field.encode_name: "X" for field in msgspec.structs.fields(operation.input)
            if field.required and field.type is str and "{" + field.encode_name + "}" not in route}


@dataclass
class Outcome:
    status: int
    code: str | None
    field: str | None
    message: str


@dataclass
class Served:
    outcomes: dict[tuple[str, str], Outcome]
    """(operation, field) -> the answer to the body with U+000B in that field."""
    reopened: list[int]
    """Statuses of save, close and open after every request."""
    kept: dict[str, str]
    """The texts of :data:`KEPT_AS_WRITTEN`, by the name they were kept under."""
    read_back: dict[str, str]
    """Those texts, read after reopening."""
    reported: dict[str, Any]
    """The reported case (:func:`_reported_case`), on the reopened project."""
    file_rows: dict[str, Any]
    """A tag table's CSV import and a Unified panel's document import with such a character in a text
    (:func:`_file_rows`)."""
    reads: dict[str, Any]
    """Reads and a change outside the project given such a character (:func:`_outside`)."""


def _reported_case(client: TestClient[Any], h: dict[str, str]) -> dict[str, Any]:
    """The case as it was reported: a tag comment holding U+000B was stored, the table's export was XML no parser
    reads, and the saved project answered PROJECT_DAMAGED when it was opened again."""
    table = "/api/devices/PLC_1/tag-tables/Default%20tag%20table"
    before = data(client.get(f"{table}/tags", headers=h))
    answer = client.post(f"{table}/tags", headers=h, json={"name": "Start", "dataType": "Bool",
                                                            "logicalAddress": "%I0.0", "comment": "a\u000bb"})
    tag = {"deviceName": "PLC_1", "tableName": "Default tag table", "name": "Start", "dataType": "Bool",
           "logicalAddress": "%I0.0", "comment": "a\u000bb"}
    executed = client.post("/api/jobs/execute-sync", json={"operation": "tags.create", "parameters": tag}, headers=h)
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "tags_create", "arguments": tag, "_meta": MCP_META}}
    tool = client.post("/mcp", json=call, headers={**h, **MCP_HEADERS})
    return {
        "executed": executed.json(), "tool": tool.json(),
        "answer": answer.json(), "status": answer.status_code, "unchanged": data(client.get(f"{table}/tags", headers=h))
        == before, "export": data(client.get(f"{table}/export-xml", headers=h)),
        "reopened": [client.post("/api/projects/actions/save-sync", headers=h).status_code,
                     client.post("/api/projects/actions/close-sync", json={}, headers=h).status_code,
                     client.post("/api/projects/actions/open-sync", json={"path": "P/P.ap19"}, headers=h).status_code],
    }


def _file_rows(client: TestClient[Any], h: dict[str, str], root: Path) -> dict[str, Any]:
    """Texts from a file, not the request: a tag import's rows (CSV, XLSX, JSON), where the second row's comment
    holds U+000B, as a cell with a line break in it does, and a Unified panel's exchange document."""
    (root / "tags.csv").write_text("Name,Data Type,Logical Address,Comment\nStop,Bool,%I0.1,ok\n"
                                   "Run,Bool,%Q0.0,motor\u000bruns\n", encoding="utf-8")
    table = "/api/devices/PLC_1/tag-tables/Default%20tag%20table"
    before = data(client.get(f"{table}/tags", headers=h))
    answer = client.post(f"{table}/actions/import-csv-sync", json={"filePath": "tags.csv"}, headers=h)
    hmi = "/api/devices/HMI_U/hmi"
    screen = {"name": "Imported", "items": [{"name": "Start", "type": "HmiButton", "text": "Start\u000bnow"}]}
    (root / "hmi.json").write_text(json.dumps({"format": "engineering-api.hmi-unified", "formatVersion": 1,
                                               "deviceName": "HMI_U", "screens": [screen]}), encoding="utf-8")
    screens = data(client.get(f"{hmi}/screens", headers=h))
    document = client.post(f"{hmi}/unified/actions/import", json={"importFilePath": "hmi.json"}, headers=h)
    return {"answer": answer.json(), "unchanged": data(client.get(f"{table}/tags", headers=h)) == before,
            "document": document.json(), "screens unchanged": data(client.get(f"{hmi}/screens", headers=h)) == screens}


def _outside(client: TestClient[Any], h: dict[str, str]) -> dict[str, Any]:
    """A search by a name no object has (a read stores nothing: not found, as for any other name), a block snapshot
    whose comment holds U+000B (kept by the server, not in the project), and a panel's tag tree."""
    route = registry()._by_name["history.blocks.snapshot"].route
    assert route is not None
    snapshot = client.post(_path(route.path, "PLC_1"), json={"comment": "line1\u000bline2"}, headers=h)
    return {"search": client.get("/api/devices/PLC_1/cross-references?objectName=Mo%0Btor", headers=h).json(),
            "snapshot": snapshot.json(), "snapshot status": snapshot.status_code,
            "tree": client.get("/api/devices/HMI_U/hmi/tags/tree", headers=h).status_code}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("texts")
    settings = Settings.from_env(data_dir=data_dir)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        h = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers=h))
        for order, name in ((CPU, "PLC_1"), (MTP700, "HMI_U")):
            data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": order, "name": name},
                             headers=h))
        data(client.post("/api/devices/PLC_1/tag-tables/actions/create-sync", json={"name": "T1"}, headers=h))
        data(client.post("/api/devices/PLC_1/blocks", json=FB1, headers=h))
        data(client.post("/api/devices/PLC_1/udts", json={"name": "U1", "members": [{"name": "A", "dataType": "Int"}]},
                         headers=h))
        outcomes: dict[tuple[str, str], Outcome] = {}
        kept: dict[str, str] = {}
        for operation in OPERATIONS:
            method, route = _routes(operation)[0]
            device = "HMI_U" if "/hmi" in route else "PLC_1"
            body = _body(operation, route)
            for number, (field, steps) in enumerate(_cases(operation)):
                sent = _with_bad(_named_apart(body, steps, number), steps)
                answer = client.request(method, _path(route, device), json=sent, headers=h)
                if (operation.name, field) in KEPT_AS_WRITTEN:
                    kept[sent["name"]] = sent["text"]
                try:
                    payload = answer.json()
                except ValueError:
                    payload = {}
                details = payload.get("details") if isinstance(payload, dict) else None
                outcomes[operation.name, field] = Outcome(
                    answer.status_code, payload.get("code") if isinstance(payload, dict) else None,
                    details.get("field") if isinstance(details, dict) else None,
                    str(payload.get("message", "")) if isinstance(payload, dict) else answer.text)
        reopened = [client.post("/api/projects/actions/save-sync", headers=h).status_code,
                    client.post("/api/projects/actions/close-sync", json={}, headers=h).status_code,
                    client.post("/api/projects/actions/open-sync", json={"path": "P/P.ap19"}, headers=h).status_code]
        blocks = client.app.state.services.backend.blocks
        read_back = {name: blocks.read_external_source("PLC_1", name) for name in kept} if reopened[-1] == 200 else {}
        opened = reopened[-1] == 200  # else each case still reports its own answer
        yield Served(outcomes, reopened, kept, read_back, _reported_case(client, h) if opened else {},
                     _file_rows(client, h, settings.roots[0]) if opened else {}, _outside(client, h) if opened else {})


CASES = [(op.name, field) for op in OPERATIONS for field, _ in _cases(op)]
OWN_ANSWERS = {"SCL_SYNTAX_ERROR", "INVALID_SPEC", "INVALID_SIMATICML"}
"""The answers of an SCL source's, a block spec's and a SimaticML document's own readers (at the line and
column, at the field, naming rawXml)."""
SECRETS = {"password", "newPassword", "passwords.FullAccess", "plcMasterSecretPassword"}
"""Passwords: the project keeps a protection or user password's scrypt hash (fakes/security_ops.py), never its
text, and a download's are answers to the CPU, never stored; any answer of the call's own rules is right, as long
as the project reopens."""
KEPT_AS_WRITTEN = {("external-sources.from-text", "text")}
"""An external source is a file the project keeps as it is, not XML (TIA generates blocks from it, where an SCL
source's own check refuses the character at its line and column): it reads back unchanged after reopening."""


@pytest.mark.parametrize(("operation", "field"), CASES, ids=[f"{o}:{f}" for o, f in CASES])
def test_a_text_the_project_cannot_store_is_refused_at_its_field(served: Served, operation: str, field: str) -> None:
    outcome = served.outcomes[operation, field]
    if field in SECRETS:  # the call's own answer, never a failure of the server, and the text is not repeated
        assert outcome.status < 500 and BAD not in outcome.message, outcome
        return
    if (operation, field) in KEPT_AS_WRITTEN:
        assert outcome.status == 200 and served.kept and served.read_back == served.kept
        return
    assert 400 <= outcome.status < 500, outcome
    assert outcome.code in {"UNSTORABLE_CHARACTER", *OWN_ANSWERS}, outcome
    if outcome.code == "UNSTORABLE_CHARACTER":  # the canonical spelling of the field a client sent in any case
        assert (outcome.field or "").lower() == field.lower() and "U+000B" in outcome.message, outcome


def test_the_project_still_saves_closes_and_opens(served: Served) -> None:
    assert served.reopened == [200, 200, 200]


def test_the_reported_tag_comment_is_refused_and_the_project_opens_again(served: Served) -> None:
    reported = served.reported
    assert reported["status"] == 422 and reported["answer"]["code"] == "UNSTORABLE_CHARACTER", reported
    assert reported["answer"]["details"] == {"field": "comment", "character": "U+000B", "position": 2}
    assert reported["unchanged"] and reported["reopened"] == [200, 200, 200]
    parse_untrusted(reported["export"].encode("utf-8"))  # XML a parser reads
    assert reported["executed"]["code"] == "UNSTORABLE_CHARACTER", reported["executed"]  # the same rule by name
    assert reported["tool"]["result"]["isError"], reported["tool"]  # and for an MCP client
    assert "UNSTORABLE_CHARACTER" in reported["tool"]["result"]["content"][0]["text"], reported["tool"]


def test_a_file_row_holding_it_is_refused_at_its_row_and_column(served: Served) -> None:
    answer = served.file_rows["answer"]
    assert answer["code"] == "IMPORT_ROWS_INVALID", answer
    assert [(row["row"], row["column"]) for row in answer["details"]["rows"]] == [(3, "Comment")]
    assert "U+000B" in answer["details"]["rows"][0]["reason"] and served.file_rows["unchanged"]


def test_a_unified_document_holding_it_is_refused_at_its_field(served: Served) -> None:
    """The routes that make a Unified panel's objects refuse such a text; its exchange document does too."""
    answer = served.file_rows["document"]
    assert answer["code"] == "UNSTORABLE_CHARACTER", answer
    assert answer["details"]["field"] == "screens[0].items[0].text" and served.file_rows["screens unchanged"]


def _struct_types(tp: Any) -> Iterator[type[msgspec.Struct]]:
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        yield tp
    for arg in typing.get_args(tp):
        yield from _struct_types(arg)


def _request_inputs_in(tp: Any, seen: set[Any]) -> Iterator[str]:
    """The ProjectTexts types ``tp`` holds at any depth."""
    for inner in _struct_types(tp):
        if inner in seen:
            continue
        seen.add(inner)
        if issubclass(inner, ProjectTexts):
            yield inner.__name__
        for field in msgspec.structs.fields(inner):
            yield from _request_inputs_in(field.type, seen)


ALL_OPERATIONS = sorted(registry()._by_name.values(), key=lambda op: op.name)


def test_no_operation_answers_with_a_request_input() -> None:
    """A reply is never checked: no output holds a ProjectTexts at any depth (a panel's tag tree once did, and a
    saved tag holding U+000B made the tree answer 422)."""
    assert [(op.name, name) for op in ALL_OPERATIONS for name in _request_inputs_in(op.output, set())] == []


def _with_bad_texts(input_type: type[Any] | None) -> Any:
    """``input_type`` with U+000B in each required text, or None when it needs more than texts (or is none)."""
    if input_type is None:
        return None
    try:
        return msgspec.convert({field.encode_name: BAD for field in msgspec.structs.fields(input_type)
                                if field.required}, input_type)
    except msgspec.ValidationError:
        return None


def test_a_read_input_is_left_alone_and_a_change_is_refused() -> None:
    """The rule is where a change is given its input, not in the input's class: a read taking the same input (a
    device, a block by name) is left alone."""
    reads = [(op, given) for op in ALL_OPERATIONS if not op.mutating and op.input is not None
             and issubclass(op.input, ProjectTexts) and (given := _with_bad_texts(op.input)) is not None]
    assert len(reads) > 40  # the DeviceRef, HmiDeviceRef and library families
    for op, given in reads:
        refuse_unstorable_input(op, given)  # no error
    changes = [(op, given) for op in OPERATIONS if (given := _with_bad_texts(op.input)) is not None
               and unstorable_text(given) is not None]
    assert len(changes) > 40
    for op, given in changes:
        with pytest.raises(ValidationError) as raised:
            refuse_unstorable_input(op, given)
        assert raised.value.code == "UNSTORABLE_CHARACTER", op.name


def test_a_read_answers_as_for_any_name_and_a_snapshot_keeps_its_comment(served: Served) -> None:
    reads = served.reads
    assert reads["search"]["code"] == "OBJECT_NOT_FOUND", reads
    assert reads["snapshot status"] == 200 and reads["snapshot"]["data"]["comment"] == "line1\u000bline2", reads
    assert reads["tree"] == 200


def test_every_operation_of_the_class_has_texts_checked_before_it_runs() -> None:
    """The class is closed by its rule, not one route at a time: each input is a ProjectTexts."""
    assert [op.name for op in OPERATIONS if op.input is None or not issubclass(op.input, ProjectTexts)] == []


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"],
                         ids=lambda c: f"U+{ord(c):04X}")
def test_every_character_outside_xml_is_found_at_any_depth(character: str) -> None:
    value = {"a": ["ok", {"b\tc": f"x{character}"}]}
    assert unstorable_text(value) == ("a[1].b\tc", 2, character)
    with pytest.raises(ValidationError) as raised:
        refuse_unstorable_texts(value)
    assert raised.value.code == "UNSTORABLE_CHARACTER"


@pytest.mark.parametrize("text", ["plain", "tab\there", "line\nbreak\r\n", "é€😀", "\ud7ff\ue000\ufffd"])
def test_texts_xml_carries_pass(text: str) -> None:
    assert unstorable_text({"k": [text]}) is None


def test_the_rule_refuses_exactly_what_an_xml_parser_refuses() -> None:
    """libxml2 (the parser the fake reads its project with) is the outside reference: every code point of the Basic
    Multilingual Plane outside the surrogates, and a sample above it, is refused by the rule exactly when a
    document holding it as text does not parse."""
    refused_by_parser, refused_by_rule = [], []
    for code_point in [*range(0xD800), *range(0xE000, 0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        character = chr(code_point)
        try:
            parse_untrusted(f"<a>{escape(character)}</a>".encode())  # & and < as markup writes them
        except XmlSyntaxError:
            refused_by_parser.append(code_point)
        if unstorable_reason(character) is not None:
            refused_by_rule.append(code_point)
    assert refused_by_rule == refused_by_parser
    assert len(refused_by_rule) == 31  # U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF


BLOCK_ACTIONS = "/api/devices/PLC_1/blocks/actions"
BAD_TAG = {"deviceName": "PLC_1", "tableName": "Default tag table", "name": "Start", "dataType": "Bool",
           "logicalAddress": "%I0.0", "comment": f"a{BAD}b"}
BLANK_KEY_CALLS = {
    "import-sync": (f"{BLOCK_ACTIONS}/import-sync", {}, {"importFilePath": "b.xml", "folder": f"a{BAD}b"}),
    "import (async)": (f"{BLOCK_ACTIONS}/import", {}, {"importFilePath": "b.xml", "folder": f"a{BAD}b"}),
    "execute-sync": ("/api/jobs/execute-sync", {}, {"operation": "tags.create", "parameters": BAD_TAG}),
    "export-sync download to a folder": (f"{BLOCK_ACTIONS}/export-sync", {"download": "true"},
                                         {"blockName": f"F{BAD}B", "exportPath": "out"}),
}
"""Calls that would run with their paths fine, each with a text the project cannot store."""


@pytest.mark.parametrize("call", list(BLANK_KEY_CALLS))
def test_a_text_is_refused_before_a_blank_idempotency_key(client: TestClient[Any], admin_headers: dict[str, str],
                                                          cpu: dict[str, Any], workspace: Path, call: str) -> None:
    """What the input holds is refused first, as for a refused path: the header is the request's, not the change's
    (a blank key alone answers 400 ``INVALID_IDEMPOTENCY_KEY``)."""
    (workspace / "b.xml").write_text("<x/>", encoding="utf-8")
    (workspace / "out").mkdir()
    path, params, body = BLANK_KEY_CALLS[call]
    answer = client.post(path, params=params, json=body, headers={**admin_headers, "Idempotency-Key": " "})
    assert answer.status_code == 422 and answer.json()["code"] == "UNSTORABLE_CHARACTER", answer.text
    fine = json.loads(json.dumps(body).replace("\\u000b", ""))
    answer = client.post(path, params=params, json=fine, headers={**admin_headers, "Idempotency-Key": " "})
    assert answer.status_code == 400 and answer.json()["code"] == "INVALID_IDEMPOTENCY_KEY", answer.text
