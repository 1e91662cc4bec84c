"""Contract: Openness diagnostics on every adapter. The fake answers from the snapshot of the bridge's stand-in and
the bridge by reflection, so over the stand-in both must give the same answers (``source`` aside); on a real TIA
Portal (``--backend openness``) the reflection finds far more types, so the comparisons are of shape there.
"""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from engineering_api.backend.errors import NoProjectOpenError, NotFoundError, PortalUnavailableError, ValidationError
from engineering_api.backend.port import EngineeringBackend
from tests.lib.outcomes import raises_code
from tests.contract.conftest import HMI, IM, open_plc_project
from tests.contract.played import Played

BRIDGE_PENDING: dict[str, str] = {}

SERVICE = "Siemens.Engineering.IEngineeringService"


def _wire(value: object) -> object:
    return msgspec.to_builtins(value)


def _types(wire: object) -> list[dict]:
    """Every type description (a dict with ``fullName``) inside a wire answer."""
    if isinstance(wire, list):
        return [t for item in wire for t in _types(item)]
    if not isinstance(wire, dict):
        return []
    own = [wire] if isinstance(wire.get("fullName"), str) else []
    return own + [t for value in wire.values() for t in _types(value)]


def _present(mine: object) -> set[tuple[str, object]]:
    """(type, member or enum value) of every type in this adapter's answer."""
    return {(t["fullName"], m.get("name")) for t in _types(mine)
            for m in [*t.get("members", []), *t.get("enumValues", [])]}


def _as_played(theirs: object, present: set[tuple[str, object]], tia: Played,
               types_present: set[str] | None = None) -> object:
    """The fake's answer (the snapshot of the default stand-in) less the members, enum values and (with
    ``types_present``, the full names this adapter reports) whole types that the stand-in built as the played
    version lacks (V17: ``TiaPortal.HardwareCatalog``, ``WithPasswordAllDataProtection``, ``PlcSafetyUnit``), where
    the reference says that version lacks them; a list of types is counted again. Every other difference fails."""
    gone = {t["fullName"] for t in _types(theirs) if types_present is not None
            and t["fullName"] not in types_present and tia.lacks_type(str(t["name"]))}

    def strip(wire: object) -> object:
        if isinstance(wire, list):
            return [strip(item) for item in wire if not (isinstance(item, dict) and item.get("fullName") in gone)]
        if not isinstance(wire, dict):
            return wire
        full = wire.get("fullName")
        result = {}
        for key, value in wire.items():
            if isinstance(full, str) and key in ("members", "enumValues") and isinstance(value, list):
                value = [v for v in value if (full, v.get("name")) in present
                         or not tia.lacks(str(wire.get("name")), str(v.get("name")))]
            result[key] = strip(value)
        listed = result.get("types")
        if isinstance(listed, list) and "count" in result:
            result["count"] = len(listed)
        return result

    return strip(theirs)


def _without(wire: object, names: set[str]) -> object:
    """An answer less the types of those full names and the members whose signature names one of them (V21's
    ``HmiSoftware.HmiTextLists``), a list of types counted again."""
    if isinstance(wire, list):
        return [_without(item, names) for item in wire
                if not (isinstance(item, dict) and item.get("fullName") in names)]
    if not isinstance(wire, dict):
        return wire
    result = {key: _without(value, names) for key, value in wire.items()}
    simple = {name.rsplit(".", 1)[-1] for name in names}
    members = result.get("members")
    if simple and isinstance(members, list):
        result["members"] = [m for m in members
                             if not simple & set(re.findall(r"\w+", str(m.get("signature", ""))))]
    types = result.get("types")
    if isinstance(types, list) and "count" in result:
        result["count"] = len(types)
    return result


def _namespaces_as_played(theirs: dict, lacking: list[dict]) -> dict:
    """The fake's namespace report less the ``lacking`` types (their wire descriptions): the counts of their
    namespaces and kinds taken down, a namespace left empty dropped."""
    namespaces = []
    for entry in theirs["namespaces"]:
        entry = dict(entry)
        for t in (t for t in lacking if t["namespace"] == entry["name"]):
            entry["typeCount"] -= 1
            entry[f"{t['kind']}Count"] -= 1
        if entry["typeCount"]:
            namespaces.append(entry)
    return {**theirs, "namespaces": namespaces, "namespaceCount": len(namespaces),
            "typeCount": theirs["typeCount"] - len(lacking)}


def test_namespaces_count_every_type(backend: EngineeringBackend) -> None:
    report = backend.reflection.openness_namespaces()
    assert report.source in ("snapshot", "reflection") and report.assemblies
    assert report.type_count == sum(n.type_count
                                    for n in report.namespaces) == len(backend.reflection.openness_type_index().types)
    names = [n.name for n in report.namespaces]
    assert names == sorted(names) and all(n.startswith("Siemens.Engineering") for n in names)
    assert {"Siemens.Engineering", "Siemens.Engineering.HW", "Siemens.Engineering.Online"} <= set(names)


def test_type_queries(backend: EngineeringBackend) -> None:
    found = backend.reflection.openness_types("provider")
    assert {"Siemens.Engineering.Online.OnlineProvider", "Siemens.Engineering.Download.DownloadProvider"} <= {
        t.full_name for t in found.types}
    [match] = backend.reflection.openness_type_search("Siemens.Engineering.Online.OnlineProvider").matches
    assert match.is_service and SERVICE in match.interfaces
    assert {"GoOnline", "GoOffline", "State"} <= {m.name for m in match.members}
    state = backend.reflection.openness_enum_values("OnlineState")
    assert [v.name for v in state.values][:3] == ["Offline", "Connecting", "Online"]
    providers = backend.reflection.openness_providers()
    assert {"OnlineProvider", "DownloadProvider", "SoftwareContainer",
            "ICompilable"} <= {p.name for p in providers.providers}
    categories = {c.category: c for c in backend.reflection.openness_online_download_types().categories}
    assert "OnlineProvider" in {t.name for t in categories["online"].types}


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201])
def test_bad_queries(backend: EngineeringBackend, bad: str) -> None:
    raises_code(ValidationError, "INVALID_FILTER", backend.reflection.openness_types, bad)
    raises_code(ValidationError, "INVALID_TYPE_NAME", backend.reflection.openness_type_search, bad)


def test_unknown_types(backend: EngineeringBackend) -> None:
    raises_code(NotFoundError, "TYPE_NOT_FOUND", backend.reflection.openness_type_search, "NoSuchOpennessType")
    err = raises_code(NotFoundError, "TYPE_NOT_FOUND", backend.reflection.openness_enum_values, "OnlineStat")
    assert "OnlineState" in err.details["suggestions"]
    raises_code(ValidationError, "NOT_AN_ENUM", backend.reflection.openness_enum_values, "DeviceItem")


def test_device_services(backend: EngineeringBackend, tmp_path: Path) -> None:
    with pytest.raises((PortalUnavailableError, NoProjectOpenError)):  # nothing attached yet
        backend.reflection.plc_services("PLC_1")
    device = open_plc_project(backend, tmp_path)
    plc = backend.reflection.plc_services(device)
    cpu = backend.reflection.cpu_services(device)
    assert (plc.target, cpu.target) == ("PlcSoftware", "DeviceItem")
    assert "Siemens.Engineering.Compiler.ICompilable" in plc.available
    assert {"Siemens.Engineering.Online.OnlineProvider", "Siemens.Engineering.Download.DownloadProvider",
            "Siemens.Engineering.HW.Features.SoftwareContainer"} <= set(cpu.available)
    assert [s.full_name for s in cpu.services] == [p.full_name
                                                   for p in backend.reflection.openness_providers().providers]
    backend.devices.add_device(HMI, None, "HMI_1")
    backend.devices.add_device(IM, None, "IO_1")
    for method in (backend.reflection.plc_services, backend.reflection.cpu_services):
        raises_code(NotFoundError, "DEVICE_NOT_FOUND", method, "NOPE")
        for other in ("HMI_1", "IO_1"):
            raises_code(ValidationError, "NOT_A_PLC", method, other)


def test_fake_and_bridge_agree_over_the_stand_in(backend: EngineeringBackend, tmp_path: Path, request,
                                                 tia: Played) -> None:
    """Every answer of this adapter equals the fake's (the snapshot), ``source`` aside and less what the played
    version lacks; not on a real TIA."""
    if request.node.callspec.params["backend"] == "openness":
        pytest.skip("a real TIA Portal has far more types than the stand-in the fake's snapshot was made from")
    from fakes.backend import FakeBackend

    fake = FakeBackend(tmp_path / "fake-state")
    fake.on_worker_thread_started()
    try:
        mine_index, their_index = backend.reflection.openness_type_index(), fake.reflection.openness_type_index()
        snapshot = {t.full_name for t in their_index.types}
        # Types the played version has beyond the snapshot's (V21's Unified text lists, which no V17-V19 has by the
        # real assemblies' metadata): left out of this adapter's answers, as the snapshot cannot hold them.
        beyond = {t.full_name for t in mine_index.types
                  if t.full_name not in snapshot and Played("V19", gated=True).lacks_type(t.name)}
        beyond_wire = [t for t in _types(_wire(mine_index.types)) if t["fullName"] in beyond]
        types_present = {t.full_name for t in mine_index.types} - beyond
        lacking = [t for t in _types(_wire(their_index.types)) if t["fullName"] not in types_present]
        assert all(tia.lacks_type(str(t["name"])) for t in lacking), f"types the bridge does not report: {lacking}"
        for name, args in (("openness_types", ("a",)), ("openness_type_search", ("PlcBlock",)),
                           ("openness_enum_values", ("DownloadOptions",)), ("openness_providers", ()),
                           ("openness_online_download_types", ())):
            answer = _without(_wire(getattr(backend.reflection, name)(*args)), beyond)
            theirs_played = _as_played(_wire(getattr(fake.reflection, name)(*args)), _present(answer), tia,
                                       types_present)
            assert answer == theirs_played, name
        mine, theirs = _wire(backend.reflection.openness_namespaces()), _wire(fake.reflection.openness_namespaces())
        assert isinstance(mine, dict) and isinstance(theirs, dict)  # a report: an object on the wire
        mine = _namespaces_as_played(mine, beyond_wire)
        assert {**mine, "source": None} == {**_namespaces_as_played(theirs, lacking), "source": None}
        details = [_without(_wire(mine_index.detailed(t)), beyond) for t in mine_index.types
                   if t.full_name not in beyond]
        present = _present(details)
        assert details == [_as_played(_wire(their_index.detailed(t)), present, tia) for t in their_index.types
                           if t.full_name in types_present]
        open_plc_project(backend, tmp_path / "a")
        open_plc_project(fake, tmp_path / "b")
        for method in ("plc_services", "cpu_services"):
            assert _wire(getattr(backend.reflection,
                                 method)("PLC_1")) == _wire(getattr(fake.reflection, method)("PLC_1")), method
    finally:
        fake.close()
