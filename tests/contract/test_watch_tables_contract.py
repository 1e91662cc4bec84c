"""The watch and force tables area of the port: documented behaviour and errors of every adapter.

Calls :class:`engineering_api.backend.areas.watch_tables.WatchTablesPort` methods directly; parametrised over
adapters as the main contract suite (the fake and the Openness bridge). Live values and forcing need an online
CPU and are covered through HTTP (``tests/api/test_watch_forcing_api.py``, ``test_watch_e2e.py``); the bridge
has no Openness equivalent for forcing and says so.
"""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend import models as m
from engineering_api.backend.areas.watch_tables import FORCE_TABLE, WATCH_TABLE, EntrySpec
from engineering_api.backend.port import EngineeringBackend
from simatic_xml.generate import generate_xml
from simatic_xml.watchtables import WatchForceTable, table_to_bytes
from tests.lib.outcomes import raises_code
from tests.contract.conftest import IM
from tests.contract.played import Played

BRIDGE_PENDING: dict[str, str] = {}
"""Every test here runs on the Openness bridge too (forcing asserts NO_OPENNESS_EQUIVALENT there)."""


@pytest.fixture
def program(backend: EngineeringBackend, plc: str, tia: Played) -> str:
    """PLC_1 with a global DB ``Data`` (``Speed`` Int, ``On`` Bool)."""
    spec = {"blockType": "GlobalDB", "name": "Data", "number": 1,
            "interface": {"Static": [{"name": "Speed", "dataType": "Int"}, {"name": "On", "dataType": "Bool"}]}}
    backend.program.import_program_documents(
        plc, [m.ProgramDocument(source="d.xml", data=generate_xml(spec, tia.version))], overwrite=False)
    return plc


def test_tables_entries_and_errors(backend: EngineeringBackend, program: str) -> None:
    made = backend.watch_tables.create_watch_force_table(program, WATCH_TABLE, "W",
                                                         entries=[EntrySpec(name='"Data".Speed')])
    assert (made.name, made.kind, made.entry_count, made.online,
            made.is_consistent) == ("W", WATCH_TABLE, 1, False, True)
    assert made.entries[0].data_type == "Int" and made.entries[0].display_format == "DEC+/-"
    with pytest.raises(e.AlreadyExistsError):
        backend.watch_tables.create_watch_force_table(program, FORCE_TABLE, "w")
    bad = raises_code(e.ValidationError, "INVALID_OPERAND", backend.watch_tables.add_watch_force_entries, program,
                      WATCH_TABLE, "W", [EntrySpec(name='"Data".On'), EntrySpec(name='"X"')])
    assert bad.details["operands"][0]["operand"] == '"X"'
    assert backend.watch_tables.get_watch_force_table(program, WATCH_TABLE, "W").entry_count == 1
    added = backend.watch_tables.add_watch_force_entries(program, WATCH_TABLE, "W", [EntrySpec(name='"X"')],
                                                         allow_invalid=True)
    assert added.is_consistent is False and added.entries[-1].is_valid is False
    raises_code(e.NotFoundError, "ENTRY_NOT_FOUND", backend.watch_tables.remove_watch_force_entries, program,
                WATCH_TABLE, "W", ['"Data".On'])
    assert backend.watch_tables.remove_watch_force_entries(program, WATCH_TABLE, "W", ['"x"']).entry_count == 1
    assert backend.watch_tables.clear_watch_force_entries(program, WATCH_TABLE, "W").entries == []
    assert [t.name for t in backend.watch_tables.list_watch_force_tables(program, WATCH_TABLE)] == ["W"]
    assert backend.watch_tables.list_watch_force_tables(program, FORCE_TABLE) == []
    raises_code(e.NotFoundError, "FORCE_TABLE_NOT_FOUND", backend.watch_tables.get_watch_force_table, program,
                FORCE_TABLE, "W")
    assert backend.watch_tables.delete_watch_force_table(program, WATCH_TABLE, "W").name == "W"
    with pytest.raises(e.NotFoundError):
        backend.watch_tables.delete_watch_force_table(program, WATCH_TABLE, "W")


def test_force_tables_one_per_plc_inputs_and_outputs_only(backend: EngineeringBackend, program: str) -> None:
    table = backend.watch_tables.create_watch_force_table(program, FORCE_TABLE, "Force table",
                                             entries=[EntrySpec(name="%Q0.0:P", force_value=True)])
    assert table.entries[0].force_intention is True and table.entries[0].force_value == "TRUE"
    raises_code(e.ConflictError, "FORCE_TABLE_EXISTS", backend.watch_tables.create_watch_force_table, program,
                FORCE_TABLE, "Other")
    raises_code(e.ValidationError, "NOT_FORCEABLE", backend.watch_tables.add_watch_force_entries, program, FORCE_TABLE,
                "Force table", [EntrySpec(name='"Data".On')])
    if backend.name == "openness":
        # Openness edits force tables offline only: it has no member that forces operands in a CPU.
        raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.watch_tables.start_forcing, program,
                    "Force table", confirm=True)
        raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.watch_tables.stop_forcing, program,
                    "Force table")
        return
    raises_code(e.ConflictError, "DEVICE_OFFLINE", backend.watch_tables.start_forcing, program, "Force table",
                confirm=True)


def test_export_import_folders(backend: EngineeringBackend, program: str) -> None:
    assert backend.watch_tables.create_watch_force_folder(program, "A/B") == "A/B"
    with pytest.raises(e.AlreadyExistsError):
        backend.watch_tables.create_watch_force_folder(program, "A/B")
    # empty folders are listed too (dry runs)
    assert {"A", "A/B"} <= set(backend.watch_tables.watch_force_folders(program))
    backend.watch_tables.create_watch_force_table(program, WATCH_TABLE, "W", folder="A/B",
                                                  entries=[EntrySpec(name="%MW2")])
    xml = backend.watch_tables.export_watch_force_table(program, WATCH_TABLE, "W")
    raises_code(e.ValidationError, "INVALID_SIMATICML", backend.watch_tables.import_watch_force_table, program,
                xml[:-20])
    with pytest.raises(e.AlreadyExistsError):
        backend.watch_tables.import_watch_force_table(program, xml)
    replaced = backend.watch_tables.import_watch_force_table(program, xml, overwrite=True, folder="A")
    assert (replaced.folder, replaced.entries[0].name) == ("A", "%MW2")
    assert backend.watch_tables.delete_watch_force_folder(program, "A").removed == ["W"]
    with pytest.raises(e.NotFoundError) as gone:
        backend.watch_tables.delete_watch_force_folder(program, "A")
    assert (gone.value.code, str(gone.value)) == ("FOLDER_NOT_FOUND",
                                                  "The folder 'A' does not exist in Watch and force tables.")


def test_non_plc_devices_are_refused(backend: EngineeringBackend, program: str) -> None:
    backend.devices.add_device(IM, None, "IO_1")
    raises_code(e.ValidationError, "NOT_A_PLC", backend.watch_tables.list_watch_force_tables, "IO_1", WATCH_TABLE)
    with pytest.raises(e.NotFoundError):
        backend.watch_tables.list_watch_force_tables("Nope", WATCH_TABLE)


@pytest.mark.parametrize("name", ["", " W", "W ", 'Say "hi"', "Tab\there", "x" * 129])
def test_table_names_tia_refuses(backend: EngineeringBackend, program: str, name: str) -> None:
    with pytest.raises(e.ValidationError) as bad:
        backend.watch_tables.create_watch_force_table(program, WATCH_TABLE, name)
    assert (bad.value.code, bad.value.details) == ("INVALID_NAME", {"field": "name"})
    assert backend.watch_tables.create_watch_force_table(program, WATCH_TABLE, "x" * 128).name == "x" * 128


def _refused(call: Any) -> tuple[str, str, dict[str, Any]]:
    with pytest.raises(e.EngineeringError) as refused:
        call()
    return refused.value.code, str(refused.value), refused.value.details


def test_refusals_read_alike(backend: EngineeringBackend, program: str, tia: Played) -> None:
    """The same mistake gets the same code, message and details on every adapter."""
    tables = backend.watch_tables
    tables.create_watch_force_table(program, WATCH_TABLE, "W", entries=[EntrySpec(name="%MW2")])
    tables.create_watch_force_table(program, FORCE_TABLE, "F", entries=[EntrySpec(name="%Q0.0:P", force_value=True)])
    assert _refused(lambda: tables.create_watch_force_table(program, WATCH_TABLE, "w")) == (
        "TABLE_EXISTS", "A watch table named 'W' already exists.", {})
    assert _refused(lambda: tables.create_watch_force_table(program, FORCE_TABLE, "Other")) == (
        "FORCE_TABLE_EXISTS", "The PLC already has its force table 'F'; a CPU has exactly one force table. Add entries "
        "to it, or delete it first.", {})
    assert _refused(lambda: tables.create_watch_force_table(program, WATCH_TABLE, "X", folder="Nope")) == (
        "FOLDER_NOT_FOUND", "The folder 'Nope' does not exist in Watch and force tables; create it first.",
        {"field": "folderPath"})
    assert _refused(lambda: tables.add_watch_force_entries(program, WATCH_TABLE, "W", [])) == (
        "NO_ENTRIES", "No entries were sent; send at least one.", {})
    assert _refused(lambda: tables.remove_watch_force_entries(program, WATCH_TABLE, "W", [])) == (
        "NO_ENTRIES", "No operands were sent; name the entries to remove by their operands.", {})
    assert _refused(lambda: tables.remove_watch_force_entries(program, WATCH_TABLE, "W", ["%mw4"])) == (
        "ENTRY_NOT_FOUND", "The watch table 'W' has no entries %mw4; nothing was removed.", {"operands": ["%mw4"]})
    xml = tables.export_watch_force_table(program, WATCH_TABLE, "W")
    code, message, _ = _refused(lambda: tables.import_watch_force_table(program, xml[:-20], source="w.xml"))
    assert (code, message.split(":")[0]) == ("INVALID_SIMATICML", "w.xml is not a SimaticML watch or force table")
    for version in (tia.newer, f"{tia.version} SP1"):
        newer = table_to_bytes(WatchForceTable("WatchTable", "N", version=version))
        assert _refused(lambda: tables.import_watch_force_table(program, newer, source="n.xml")) == (
            "NEWER_VERSION", f"n.xml was exported by TIA Portal {version}; a {tia.version} project cannot import "
            "documents of a newer version.", {})
    older = table_to_bytes(WatchForceTable("WatchTable", "Old", version="V15"))  # an older TIA's table is taken
    assert tables.import_watch_force_table(program, older, source="old.xml").name == "Old"
