"""The .NET names the bridge builds at run time, checked against the real metadata per version, as
``test_api_reference`` checks the names it spells.

Built names the literal check cannot see: a WinCC Unified screen item class found by the name an exchange document
gives (``engineering_api.rules.hmi_unified.SCREEN_ITEM_TYPES``, searched in ``hmi_unified._ITEM_NAMESPACES``), its
``<Type>EventType`` enum (looked up only for an item with events), and PLCSIM Advanced enumerations and members
passed by string to ``PlcsimApi.enum``/``enum_names``. ``reference_build.built_type_names`` keeps these types in the
reference, so what a version lacks reads as absent there.

And every name built by ``getattr(obj, variable)`` (``hasattr``, ``setattr``) or given to a version gate in a
variable, resolved by :mod:`tools.built_names`: each resolves or is listed with its reason, each value is a name the
real metadata has, and (through :func:`tools.bridge_names.bridge_uses`) the per-version check of
``test_api_reference`` sees every value as it sees a literal ``obj.Name``.
"""

from __future__ import annotations

import ast
import shutil
import textwrap
from pathlib import Path

import pytest

from engineering_api.rules.hmi_unified import SCREEN_ITEM_TYPES
from openness_bridge.api_reference import reference
from openness_bridge.hmi_unified import _ENUMS, _ITEM_NAMESPACES
from openness_bridge.reference_build import built_type_names
from tools.bridge_members import PAGE_VERSIONS, bridge_contradictions, used_names
from tools.built_names import UNRESOLVED, BuiltSite, built_sites

_PACKAGE = Path(__file__).resolve().parents[2] / "openness_bridge"


def test_the_reference_keeps_every_built_type_name() -> None:
    """A name is in the reference for some version, or for none only where no version has it (no row then)."""
    ref = reference()
    kept = {r.type for r in ref.rows if r.kind == "type"}
    assert {"HmiScreenWindow", "HmiLabel", "HmiButtonEventType"} <= kept & built_type_names()


@pytest.mark.parametrize("version", ["V17", "V18", "V19", "V21"])
def test_every_screen_item_class_a_version_has_is_in_a_searched_namespace(version: str) -> None:
    ref = reference()
    unsearched = {name: sorted({r.namespace for r in ref.type_rows(version, name)})
                  for name in SCREEN_ITEM_TYPES if ref.type_rows(version, name)}
    unsearched = {name: spaces for name, spaces in unsearched.items() if not set(spaces) & set(_ITEM_NAMESPACES)}
    assert unsearched == {}, f"{version}: item classes the bridge would refuse with 501"


def test_the_event_enums_the_real_versions_lack() -> None:
    """``<Type>EventType`` is looked up only for an item with events: these classes have none in the real metadata
    (asking for their events answers 501), every other one has its enum in ``UI.Enum``."""
    ref = reference()
    for version in ("V17", "V18", "V19"):
        present = [name for name in sorted(SCREEN_ITEM_TYPES) if ref.type_rows(version, name)]
        without = [name for name in present
                   if not any(r.namespace == _ENUMS for r in ref.type_rows(version, f"{name}EventType"))]
        assert without == ["HmiLabel"], version
        assert ref.type_status(version, "HmiLabelEventType") == "absent"


def _string_values(function: ast.AST, node: ast.expr) -> set[str] | None:
    """The strings ``node`` may be: a constant, or a local name assigned constants (``a if c else b``) in
    ``function``; None when the value is computed (checked against the installed enum at run time)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if not isinstance(node, ast.Name):
        return None
    values: set[str] = set()
    for assign in ast.walk(function):
        if isinstance(assign, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in assign.targets):
            branches = [assign.value.body, assign.value.orelse] if isinstance(assign.value, ast.IfExp) else [
                assign.value]
            if not all(isinstance(b, ast.Constant) and isinstance(b.value, str) for b in branches):
                return None
            values |= {b.value for b in branches if isinstance(b, ast.Constant) and isinstance(b.value, str)}
    return values or None


def _plcsim_enum_uses() -> list[tuple[str, int, str, set[str] | None]]:
    found = []
    for path in sorted(_PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr in {"enum", "enum_names"} and call.args
                        and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
                    values = _string_values(function, call.args[1]) if len(call.args) > 1 else None
                    found.append((f"{path.name}:{call.lineno}", call.lineno, call.args[0].value, values))
    return found


def test_every_plcsim_enum_named_by_string_is_in_the_real_api() -> None:
    ref = reference()
    uses = _plcsim_enum_uses()
    assert {u[2] for u in uses} >= {"ECPUType", "EOperatingMode", "ECommunicationInterface", "ETagListDetails"}
    wrong = []
    for where, _, enum, values in uses:
        if ref.type_status("PLCSIM", enum) != "present":
            wrong.append(f"{where}: {enum}")
        wrong += [f"{where}: {enum}.{v}" for v in sorted(values or ())
                  if ref.member_status("PLCSIM", enum, v) != "present"]
    assert wrong == [], "names PLCSIM Advanced 50.42.10.0 does not have:\n" + "\n".join(wrong)


LOOKED_UP_ABSENT = {
    "HmiLabelEventType": "an HmiLabel has no events in any version's metadata: looked up (with a default) only for an "
                         "item given events, which then answers 501",
}
"""Built names no version has, each looked up with a default on purpose, with why."""


def _unresolved(sites: list[BuiltSite]) -> list[str]:
    return [f"{s.file}:{s.line}: {s.expression}" for s in sites
            if s.values is None and (s.file, s.function, s.expression) not in UNRESOLVED]


def _unknown(sites: list[BuiltSite]) -> list[str]:
    """Built names no version's metadata has as a type, a member or an enum value (a gate's pair: that type's)."""
    ref = reference()
    names = {r.type if r.kind == "type" else r.member for r in ref.rows}
    found = [f"{s.file}:{s.line}: {value}" for s in sites for value in sorted(s.values or ())
             if value[:1].isupper() and value not in names and not (s.guarded and value in LOOKED_UP_ABSENT)]
    for site in sites:
        if site.role == "member" and site.gate_member:
            found += [f"{site.file}:{site.line}: {owner}.{member}" for owner in sorted(site.gate_type)
                      for member in sorted(site.gate_member)
                      if all(ref.member_status(v, owner, member) == "absent" for v in ref.versions)]
    return found


def test_every_built_name_resolves_or_is_listed_with_its_reason() -> None:
    sites = built_sites(_PACKAGE)
    assert _unresolved(sites) == [], "names built from values not known statically and not in UNRESOLVED"
    listed = {(s.file, s.function, s.expression) for s in sites}
    assert sorted(set(UNRESOLVED) - listed) == [], "UNRESOLVED entries no site of the bridge matches any more"
    resolved = {value for s in sites for value in s.values or ()}
    # one of each kind of resolution: a table's value, a parameter by its calls, a loop over a table's items,
    # a port model's Literal field, a rules tuple, a gate's variable type
    assert {"WatchTables", "MasterCopies", "PlcMasterSecretPassword", "StopPlcAndReinitialize", "HMIAccess",
            "PlcType"} <= resolved


def test_every_built_name_is_in_the_real_metadata() -> None:
    sites = built_sites(_PACKAGE)
    assert _unknown(sites) == [], "built names no TIA version's metadata has"
    built = {value for s in sites if s.guarded for value in s.values or ()}
    ref = reference()
    assert all(name in built and all(ref.type_status(v, name) == "absent" for v in ref.versions)
               for name in LOOKED_UP_ABSENT), "LOOKED_UP_ABSENT names one no longer looked up, or one a version has"


_PLANTED = textwrap.dedent('''
    from openness_bridge.api_reference import require_member

    _PARTS = {"screens": "ScreenGroups", "typo": "ScreenGrups"}


    def planted(software, kind):
        return getattr(software, _PARTS[kind])


    def gated(version, software, member):
        require_member(version, "HmiSoftware", member, "planting")
        return getattr(software, member)


    def gate_caller(version, software):
        return gated(version, software, "TagTablGroups")


    def opaque(software, source):
        return getattr(software, source.read())


    def ungated_type(session):
        return session.namespace("Siemens.Engineering.Library.Types").CreateOrReleaseDependenciesMode
    ''')


def test_a_planted_built_name_fails_each_check(tmp_path: Path) -> None:
    """A copy of the bridge with a module that builds a name four ways: a table value absent from V17, a misspelt
    one, a gate's misspelt member passed by its caller, and one from a run-time value; and names, ungated, a type no
    version has (the bridge names it only after the gate of ``LibraryTypeVersion.Release``)."""
    for module in _PACKAGE.glob("*.py"):
        shutil.copy(module, tmp_path / module.name)
    (tmp_path / "planted.py").write_text(_PLANTED, encoding="utf-8")
    sites = [s for s in built_sites(tmp_path) if s.file == "planted.py"]
    assert _unresolved(sites) == ["planted.py:21: source.read()"]
    assert sorted(_unknown(sites)) == ["planted.py:12: HmiSoftware.TagTablGroups", "planted.py:12: TagTablGroups",
                                       "planted.py:13: TagTablGroups", "planted.py:8: ScreenGrups"]
    v17 = [f for f in bridge_contradictions(reference(), "V17", tmp_path) if f.startswith("planted.py")]
    assert sorted(v17) == ["planted.py:25: Siemens.Engineering.Library.Types.CreateOrReleaseDependenciesMode is not "
                           "in V17's API", "planted.py:8: .ScreenGroups is on none of ['HmiSoftware'] in V17"]


def test_the_page_gives_each_name_its_status_per_version() -> None:
    """What docs/openness-members.md's last section says of names the real metadata settles: a Unified member V17
    lacks (gated), members no version has behind their gate, a member of a type V17 lacks (reached through a gated
    one), a PLCSIM enum (PLCSIM only), a built table value (present), a screen item class built from a document."""
    names, others = used_names()
    status = {(n.namespace, n.name): dict(zip(PAGE_VERSIONS, n.statuses, strict=True)) for n in names}
    assert status[("", "ScreenGroups")] == {"V17": "gated", "V18": "present", "V19": "present",
                                            "V20": "unconfirmed", "V21": "present", "PLCSIM": "-"}
    assert {status[("", m)]["V19"] for m in ("Edit", "Release", "Discard")} == {"gated"}
    assert status[("", "ArticleNumber")]["V17"] == "no type"
    assert status[("Siemens.Simatic.Simulation.Runtime", "ECPUType")]["PLCSIM"] == "present"
    assert status[("Siemens.Simatic.Simulation.Runtime", "ECPUType")]["V19"] == "-"
    assert status[("", "WatchTables")]["V17"] == "present"  # only built: getattr(group, _COMPOSITION[kind])
    assert not any("missing" in s.values() for s in status.values())
    # a screen item class the bridge finds by a document's name, in the namespace the real metadata puts it
    assert status[("Siemens.Engineering.HmiUnified.UI.Screens", "HmiScreenWindow")]["V17"] == "present"
    assert "GetClrType" in others and "HmiLabelEventType" in others and "ScreenGroups" not in others
