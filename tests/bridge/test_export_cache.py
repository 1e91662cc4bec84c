"""What the types area exports over the stand-in, counted: a UDT's users are every block of the PLC, each read
from its export (in TIA a file written through the portal's process, tens to hundreds of milliseconds), so what
an export says of an object's uses is kept while its ``InterfaceModifiedDate`` stays
(:class:`openness_bridge.types_index.AnalysisCache`). ``StandIn.Control.Calls`` counts ``PlcBlock.Export`` and
``PlcType.Export``; the cache itself (project change, size bound) is checked without the stand-in at the end.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from engineering_api.backend.models import ProgramDocument
from openness_bridge.types import BridgeTypes
from openness_bridge.types_index import Analysis, AnalysisCache, Entry, ExportReader
from simatic_xml.generate import generate_xml

BLOCKS = 50
"""Global DBs of ``PLC_1``: ``DB_0`` ... ``DB_49``."""
USERS = ("DB_0", "DB_1")
"""The DBs whose interface names ``UDT_Motor``; the others hold an Int."""


def _udt(name: str, *members: tuple[str, str]) -> bytes:
    spec = {"blockType": "UDT", "name": name, "interface": {"None": [{"name": n, "dataType": t} for n, t in members]}}
    return generate_xml(spec, "V19")


def _db(index: int, datatype: str) -> ProgramDocument:
    spec = {"blockType": "GlobalDB", "name": f"DB_{index}", "number": index + 1,
            "interface": {"Static": [{"name": "X", "dataType": datatype}]}}
    return ProgramDocument(source=f"DB_{index}.xml", data=generate_xml(spec, "V19"))


@pytest.fixture
def calls(plc: Any) -> Any:
    """``PLC_1`` with ``UDT_Motor`` (two members), ``UDT_Valve`` and :data:`BLOCKS` DBs, :data:`USERS` using
    ``UDT_Motor``; returns ``StandIn.Control.Calls``, cleared."""
    import StandIn.Control as control

    plc.types.import_type("PLC_1", _udt("UDT_Motor", ("Speed", "Int"), ("On", "Bool")), folder="", overwrite=False,
                          source="motor")
    plc.types.import_type("PLC_1", _udt("UDT_Valve", ("Open", "Bool")), folder="", overwrite=False, source="valve")
    documents = [_db(i, '"UDT_Motor"' if f"DB_{i}" in USERS else "Int") for i in range(BLOCKS)]
    plc.program.import_program_documents("PLC_1", documents, overwrite=False)
    control.Calls.Clear()
    return control.Calls


def _exports(calls: Any) -> tuple[int, int]:
    """(block exports, UDT exports) since the last clear; cleared."""
    counted = calls.Of("PlcBlock.Export"), calls.Of("PlcType.Export")
    calls.Clear()
    return counted


def test_a_second_get_exports_only_the_udt_itself(plc: Any, calls: Any) -> None:
    first = plc.types.get_type("PLC_1", "UDT_Motor")
    assert sorted(u.name for u in first.used_by) == sorted(USERS)
    # Every block, for the users; the UDTs' uses were read (and kept) by the import of UDT_Valve, which lists the
    # users of what it imported: UDT_Motor only for its members, comment and title
    assert _exports(calls) == (BLOCKS, 1)
    again = plc.types.get_type("PLC_1", "UDT_Motor")
    # No block again (the old code exported all 50 on every request); the UDT for its members, comment and title
    assert _exports(calls) == (0, 1)
    assert again == first
    assert [(t.name, t.member_count) for t in plc.types.list_types("PLC_1")] == [("UDT_Motor", 2), ("UDT_Valve", 1)]
    assert _exports(calls) == (0, 0)


def test_a_block_whose_interface_changed_is_exported_again_alone(plc: Any, calls: Any) -> None:
    plc.types.get_type("PLC_1", "UDT_Motor")
    plc.program.import_program_documents("PLC_1", [_db(7, '"UDT_Motor"')], overwrite=True)
    calls.Clear()
    details = plc.types.get_type("PLC_1", "UDT_Motor")
    assert sorted(u.name for u in details.used_by) == sorted([*USERS, "DB_7"])
    assert _exports(calls) == (1, 1)  # DB_7, whose interface date moved; UDT_Motor for its members
    # A document with the same interface keeps the date: nothing to export again
    plc.program.import_program_documents("PLC_1", [_db(7, '"UDT_Motor"')], overwrite=True)
    calls.Clear()
    assert sorted(u.name for u in plc.types.get_type("PLC_1", "UDT_Motor").used_by) == sorted([*USERS, "DB_7"])
    assert _exports(calls) == (0, 1)


def test_a_changed_udt_is_read_again_and_its_users_consistency_live(plc: Any, calls: Any) -> None:
    plc.types.list_types("PLC_1")
    calls.Clear()
    result = plc.types.update_type("PLC_1", "UDT_Motor", _udt("UDT_Motor", ("Speed", "Int")))
    assert result.interface_changed
    assert sorted((u.name, u.is_consistent) for u in result.affected_users) == [("DB_0", False), ("DB_1", False)]
    # Before the import: UDT_Motor's interface digest (always exported); after it: UDT_Motor, whose date moved
    assert calls.Of("PlcType.Export") == 2
    calls.Clear()
    listed = {t.name: t.member_count for t in plc.types.list_types("PLC_1")}
    assert listed == {"UDT_Motor": 1, "UDT_Valve": 1}
    assert _exports(calls) == (0, 0)  # the count read after the import is kept
    # Nothing cached is used for an inconsistent block: its export is tried (TIA refuses it, so its uses are
    # unknown and it is no user), as without the cache
    assert plc.types.get_type("PLC_1", "UDT_Motor").used_by == []
    assert _exports(calls) == (len(USERS), 1)


def test_after_closing_without_saving_and_reopening_each_object_has_its_saved_uses(plc: Any, calls: Any) -> None:
    plc.types.get_type("PLC_1", "UDT_Valve")
    path = Path(plc.save_project().path)
    plc.program.import_program_documents("PLC_1", [_db(9, '"UDT_Valve"')], overwrite=True)
    assert [u.name for u in plc.types.get_type("PLC_1", "UDT_Valve").used_by] == ["DB_9"]
    plc.close_project()  # the change to DB_9 is lost
    plc.open_project(path)
    calls.Clear()
    assert plc.types.get_type("PLC_1", "UDT_Valve").used_by == []
    # DB_9's date is its saved one again, whose analysis (an Int, no use) is still right: nothing stale, no export
    assert _exports(calls) == (0, 1)


def test_another_project_drops_every_analysis() -> None:
    cache = AnalysisCache()
    cache.open("C:/Projects/Line1/Line1.ap19")
    cache.put(("PLC_1", "FB", "FB_Main", 1), Analysis(("UDT_A",), 0))
    cache.open("C:/Projects/Line1/Line1.ap19")
    assert cache.get(("PLC_1", "FB", "FB_Main", 1)) == Analysis(("UDT_A",), 0)
    cache.open("C:/Projects/Line2/Line2.ap19")
    assert (len(cache), cache.get(("PLC_1", "FB", "FB_Main", 1))) == (0, None)


def test_the_cache_keeps_the_most_recently_used_within_its_limit() -> None:
    cache = AnalysisCache(limit=2)
    cache.open("Line1")
    first, second, third = (("PLC_1", "FB", name, 1) for name in ("A", "B", "C"))
    cache.put(first, Analysis((), 0))
    cache.put(second, Analysis((), 0))
    assert cache.get(first) is not None  # A used last: B goes first
    cache.put(third, Analysis((), 0))
    assert [cache.get(key) is not None for key in (first, second, third)] == [True, False, True]


@pytest.mark.parametrize(("date", "exports"), [(None, 2), (638_000_000_000_000_000, 1)])
def test_an_object_is_cached_only_with_a_readable_date(date: int | None, exports: int) -> None:
    exported: list[str] = []

    def export(proxy: str) -> bytes:
        exported.append(proxy)
        return _udt("UDT_A", ("B", '"UDT_B"'))

    reader = ExportReader(export, lambda proxy, kind: date, AnalysisCache(), "PLC_1", "V19")
    for _ in range(2):  # two requests: two indexes, each with an entry of its own
        assert Entry("UDT_A", "UDT", "", "UDT_A", True, reader).analysis == Analysis(("UDT_B",), 1)
    assert (len(exported), len(reader.cache)) == (exports, 2 - exports)


def test_a_version_without_the_date_is_not_asked_again() -> None:
    types = BridgeTypes(cast(Any, SimpleNamespace(version="V19")))
    assert types._interface_date(object(), "FB") is None  # pythonnet: no such attribute on this object
    assert types._interface_date(SimpleNamespace(InterfaceModifiedDate=SimpleNamespace(Ticks=5)), "FB") is None
    assert types._interface_date(SimpleNamespace(InterfaceModifiedDate=SimpleNamespace(Ticks=5)), "UDT") == 5
