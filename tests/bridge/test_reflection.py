"""The bridge's Openness reflection over the stand-in, and the drift check of the fake's snapshot.

The fake answers ``/api/diagnostic/*`` from ``fakes/data/openness_snapshot.json``; it must be exactly what
``python -m openness_bridge.snapshot`` writes now, or the two adapters would disagree.
"""

from __future__ import annotations

from typing import Any

from openness_bridge.reflection import member_table_words
from openness_bridge.snapshot import SNAPSHOT, generate, render
from tests.bridge.conftest import require_standin


def test_shipped_snapshot_matches_the_stand_in() -> None:
    require_standin()
    fresh = render(generate())
    shipped = SNAPSHOT.read_text(encoding="utf-8")
    assert fresh == shipped, (
        "fakes/data/openness_snapshot.json drifted from the stand-in or the bridge's reflection: "
        "run `.venv/bin/python -m openness_bridge.snapshot` and commit the file"
    )


def test_every_stand_in_type_is_indexed_with_its_shape(bridge: Any) -> None:
    from System.Reflection import Assembly

    index = bridge.reflection.openness_type_index()
    exported = {str(t.FullName) for t in Assembly.LoadFrom(bridge._api.assemblies[0]).GetExportedTypes()
                if str(t.Namespace).startswith("Siemens.Engineering")}
    assert {t.full_name for t in index.types} == exported  # no generic or nested names in the stand-in
    assert bridge.reflection.openness_type_index() is index  # built once: assemblies do not change
    assert not index.by_full_name["Siemens.Engineering.HW.DeviceItem"].members  # read when a search asks
    item = index.detailed(index.by_full_name["Siemens.Engineering.HW.DeviceItem"])
    signatures = {m.signature for m in item.members}
    assert "DeviceItemComposition DeviceItems { get; }" in signatures and "T GetService<T>()" in signatures
    options = index.by_full_name["Siemens.Engineering.Download.DownloadOptions"]
    assert options.is_flags and options.kind == "enum" and not options.members


def test_members_the_stand_in_writes_in_a_shared_base_are_the_type_s_own(bridge: Any) -> None:
    """Count, Find, Create and GetEnumerator live in StandIn.Control bases; reflection shows Openness' shape."""
    index = bridge.reflection.openness_type_index()
    groups = index.detailed(index.by_full_name["Siemens.Engineering.SW.Blocks.PlcBlockUserGroupComposition"])
    assert groups.base_type == "System.Object"
    assert {m.signature for m in groups.members} == {
        "Int32 Count { get; }", "PlcBlockUserGroup Find(String name)", "PlcBlockUserGroup Create(String name)",
        "IEnumerator<PlcBlockUserGroup> GetEnumerator()",
    }
    group = index.detailed(index.by_full_name["Siemens.Engineering.SW.Blocks.PlcBlockGroup"])
    assert group.base_type == "System.Object" and {m.name for m in group.members} == {"Blocks", "Groups", "Name"}


def test_used_by_bridge_follows_the_member_table() -> None:
    words = member_table_words("| `OnlineProvider` | online |")
    assert "OnlineProvider" in words and "CaxProvider" not in words
    assert "OnlineProvider" in member_table_words()  # the real member table names it


def test_a_service_the_object_does_not_offer_is_not_available(plc: Any) -> None:
    plc_side = plc.reflection.plc_services("PLC_1")
    cpu_side = plc.reflection.cpu_services("PLC_1")
    assert "Siemens.Engineering.Online.OnlineProvider" not in plc_side.available  # only on the CPU item
    assert "Siemens.Engineering.Online.OnlineProvider" in cpu_side.available
    assert plc_side.target_name == "PLC_1" and cpu_side.target_name == "PLC_1"
