"""The stand-ins and the bridge against the reference of the real Openness API (no Mono needed: always runs).

``openness_bridge/reference/openness_api.tsv`` holds the real API per version, read from the real assemblies'
metadata for V15.1-V19 and PLCSIM Advanced, best evidence for V20/V21 (``openness_bridge/reference_build.py``). Here:

* every public type and member the C# stand-ins declare, as built for each version they play (V17, V18, V19, V21;
  PLCSIM), must not be contradicted by the reference of that version: a type or member the version lacks, a setter
  on a read-only property, another namespace, another parameter list, an enum value with another number or none;
* every (namespace, type) pair, every .NET member and every assigned property the bridge's Python names must exist
  (with a setter) in each claimed version, V17 to V21, unless the use is guarded (``getattr`` with a default,
  ``hasattr``, or the version gates ``require_member``/``has_member``). V20 and V21 fail closed: a member neither
  their evidence nor the V19 metadata shows is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engineering_api.backend.errors import NotSupportedError
from openness_bridge.api_reference import ApiReference, reference, require_member
from tools.bridge_members import CHECKED_VERSIONS, PLAYED, PLUMBING, STANDIN, bridge_contradictions, standin
from tools.csharp_decls import Declared, standin_declarations

ROOT = Path(__file__).resolve().parents[2]

_CS_TO_STUB = {"string": "str", "object": "object", "bool": "bool", "int": "int", "long": "Int64", "double": "float",
               "uint": "UInt32", "byte": "Byte", "short": "Int16", "ushort": "UInt16", "ulong": "UInt64",
               "float": "Single", "String": "str", "Boolean": "bool", "Int32": "int", "Object": "object",
               "Double": "float", "sbyte": "SByte", "char": "Char"}
DISPUTED = {
    ("PlcUserConstant", "Name"): "setter",
    ("PlcUserConstant", "DataTypeName"): "setter",
    ("PlcUserConstant", "Value"): "setter",
}
"""Where two public sources disagree, each entry says which difference is let through and why. The stubs list
no properties of ``PlcUserConstant`` itself, only ``PlcConstant``'s read-only ``Name``/``DataTypeName``/``Value``;
the stand-in follows Siemens' 15.1 API reference, which gives ``PlcUserConstant`` setters for them (``Tags.cs``).
A ``new`` property with a setter would show in the stubs, so one of the two is wrong: a real TIA settles it."""


def _norm(type_text: str) -> str:
    """A parameter type as both sources can agree on it: simple names, [] for generic arguments, an array's element
    type normalised, a by-reference (``out``) parameter as its type."""
    text = type_text.strip().replace("<", "[").replace(">", "]").replace(" ", "").removesuffix("&")
    text = re.sub(r"\b[\w]+\.", "", text)  # drop namespaces
    if text.endswith("[]"):
        return _norm(text[:-2]) + "[]"
    return _CS_TO_STUB.get(text, text)


def _signature_params(signature: str) -> tuple[str, ...]:
    inner = signature.split(" -> ")[0].strip()[1:-1]
    if not inner:
        return ()
    parts, depth, current = [], 0, ""
    for char in inner:
        depth += (char in "[<") - (char in "]>")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return tuple(_norm(p) for p in parts)


def contradictions(ref: ApiReference, version: str, declared: list[Declared]) -> list[str]:
    """What the reference of ``version`` says against the declarations."""
    found = []
    for d in declared:
        where = f"{d.file}: {d.namespace}.{d.type}"
        types = ref.type_rows(version, d.type)
        if d.member in PLUMBING:
            continue
        if d.kind == "type":
            if ref.type_status(version, d.type) == "absent":
                found.append(f"{where}: no such type in {version}'s API")
            namespaces = {t.namespace for t in types}
            if types and d.namespace not in namespaces:
                found.append(f"{where}: the real {d.type} is in {sorted(namespaces)} ({types[0].source})")
            if types and d.type.endswith("Exception") and d.bases and types[0].value:
                if d.bases[0].rsplit(".", 1)[-1] != types[0].value.split(",")[0]:
                    found.append(f"{where}: derives from {d.bases[0]}, the real one from {types[0].value}")
            continue
        rows = ref.member_rows(version, d.type, d.member)
        if not rows:
            if types and ref.member_status(version, d.type, d.member) == "absent":  # a missing type: reported once
                found.append(f"{where}.{d.member}: not in {version}'s API ({types[0].source})")
            continue
        if d.kind == "enum_value":
            if rows[0].kind != "enum_value" or int(rows[0].value) != d.value:
                found.append(f"{where}.{d.member} = {d.value}: the real value is {rows[0].value} ({ref.cite(rows[0])})")
        elif d.kind == "property":
            if rows[0].kind != "property":
                found.append(f"{where}.{d.member}: a property here, a {rows[0].kind} in {version} "
                             f"({ref.cite(rows[0])})")
            elif d.setter and rows[0].access == "get" and DISPUTED.get((d.type, d.member)) != "setter":
                found.append(f"{where}.{d.member}: has a setter; the real one is read-only ({ref.cite(rows[0])})")
            elif rows[0].signature and d.signature and _norm(d.signature) != _norm(rows[0].signature):
                found.append(f"{where}.{d.member}: a {d.signature} here, a {rows[0].signature} in {version} "
                             f"({ref.cite(rows[0])})")
        elif d.kind == "method":
            if rows[0].kind != "method":
                found.append(f"{where}.{d.member}(): a method here, a {rows[0].kind} in {version} "
                             f"({ref.cite(rows[0])})")
                continue
            real = {_signature_params(r.signature) for r in rows if "?" not in r.signature.split(" -> ")[0]}
            if real and _signature_params(d.signature) not in real:
                found.append(f"{where}.{d.member}{d.signature}: the real overloads are "
                             f"{sorted('(' + ','.join(p) + ')' for p in real)} ({ref.cite(rows[0])})")
    return found


@pytest.mark.parametrize("version", sorted(PLAYED))
def test_the_standin_agrees_with_the_reference(version: str) -> None:
    found = contradictions(reference(), version, list(standin(version)))
    assert found == [], f"the stand-in as {version} contradicts the real API:\n" + "\n".join(found)


@pytest.mark.parametrize("version", CHECKED_VERSIONS)
def test_the_bridge_names_only_what_the_reference_holds(version: str) -> None:
    found = bridge_contradictions(reference(), version)
    assert found == [], f"the bridge names what {version}'s API lacks, unguarded:\n" + "\n".join(found)


def test_the_check_sees_a_contradiction() -> None:
    """The check itself: a stand-in property with a setter the real API lacks is reported."""
    fake = [Declared("Siemens.Engineering", "Project", "property", member="Author", setter=True, file="x.cs"),
            Declared("Siemens.Engineering", "Project", "property", member="CreationDate", file="x.cs"),
            Declared("Siemens.Engineering.HW", "MasterSecretConfiguration", "enum_value", member="WithPassword",
                     value=2, file="x.cs")]
    found = contradictions(reference(), "V17", fake)
    assert len(found) == 3, found


def test_a_type_declares_what_its_stand_in_bases_declare() -> None:
    """Members written once in a ``StandIn.Control`` base are the deriving type's own, typed by its arguments, so the
    reference check sees them: a Unified tag's Name and Delete (``UnifiedObject``), a tag composition's Count and
    Create (``NamedComposition<PlcTag>`` and its bases), a screen group's Groups (``UnifiedGroup<TGroups>``)."""
    declared = {(d.type, d.kind, d.member): d for d in standin("V21")}
    assert ("HmiTag", "property", "Name") in declared
    assert ("HmiTag", "method", "Delete") in declared
    assert declared[("HmiScreenGroup", "property", "Groups")].signature == "HmiScreenGroupComposition"
    assert declared[("PlcTagComposition", "property", "Count")].file == "Tags.cs <- NamedComposition"
    assert declared[("HmiTextListComposition", "method", "Find")].signature == "(string)"
    assert not any(d.namespace == "StandIn.Control" for d in declared.values())


def test_every_version_without_an_assembly_fails_closed() -> None:
    """V20 and V21 have no public assembly: each keeps its wildcard ``unconfirmed`` row with the reason; a member their
    own evidence shows is present, one only the V19 metadata shows is unconfirmed (called), and one V19 lacks too is
    absent (refused): the gate fails closed."""
    ref = reference()
    for version in ("V20", "V21"):
        wildcard = [r for r in ref.rows
                    if r.version == version and (r.kind, r.type, r.member) == ("unconfirmed", "*", "*")]
        assert len(wildcard) == 1 and "fails closed" in wildcard[0].value, version
        assert ref.member_status(version, "LibraryTypeVersion", "Edit") == "absent"  # in no real V16-V19
    assert ref.member_status("V20", "PlcBlock", "Export", 2) == "present"  # code compiled against V20
    assert ref.member_status("V20", "Project", "Archive") == "unconfirmed"  # V19's metadata has it
    assert ref.member_status("V21", "TiaPortal", "HardwareCatalog") == "unconfirmed"  # V19 has it: called
    assert all(r.value for r in ref.rows if r.kind == "unconfirmed"), "every unconfirmed row gives its reason"
    assert all(ref.cite(r) for r in ref.rows), "every row names its source"


def test_the_real_assemblies_settle_each_finding() -> None:
    """What the real V17-V19 metadata says of each finding of issue 70 (each would fail the checks above if the
    stand-in or the bridge went back)."""
    ref = reference()
    for version in ("V16", "V17", "V18", "V19"):
        for member in ("Edit", "Release", "Discard"):
            assert ref.member_status(version, "LibraryTypeVersion", member) == "absent", (version, member)
        assert ref.member_rows(version, "HmiConnection", "Partner")[0].access == "get", version
    assert ref.member_status("V17", "HmiSoftware", "ScreenGroups") == "absent"
    assert ref.member_status("V18", "HmiSoftware", "ScreenGroups") == "present"
    assert ref.member_status("V18", "HmiSoftware", "Scripts") == "absent"
    assert ref.member_status("V19", "HmiSoftware", "Scripts") == "present"
    assert ref.member_status("V17", "TiaPortal", "HardwareCatalog") == "absent"
    assert ref.member_status("V18", "TiaPortal", "HardwareCatalog") == "present"
    assert ref.member_status("V19", "MasterSecretConfiguration", "WithPasswordAllDataProtection") == "absent"
    assert {r.member for r in ref.rows if (r.version, r.type, r.kind) == ("V19", "TiaPortal", "event")} == {
        "Authentication", "Confirmation", "Disposed", "Notification"}
    assert ref.member_rows("PLCSIM", "ECPUType", "CPU1511")[0].value == "1511"


def test_a_member_of_a_type_a_complete_version_lacks_is_absent() -> None:
    """The gate fails closed for a type missing from a version with complete metadata: ``HmiScriptModule`` exists
    from V19, so deleting a script module's ``Delete`` is refused on V17 and V18, naming the missing type."""
    ref = reference()
    assert ref.type_status("V18", "HmiScriptModule") == "absent"
    assert ref.member_status("V18", "HmiScriptModule", "Delete") == "absent"
    assert ref.member_status("V17", "HmiScriptModule", "Name") == "absent"
    with pytest.raises(NotSupportedError) as refused:
        require_member("V18", "HmiScriptModule", "Delete", "Deleting a script module")
    assert refused.value.code == "NOT_IN_THIS_TIA_VERSION" and "V18's metadata has no HmiScriptModule" in str(
        refused.value)


def test_every_assembly_read_is_recorded() -> None:
    """Each version's rows name the real assembly they come from, listed with repository, path, commit and version."""
    listed = (ROOT / "openness_bridge" / "reference" / "assemblies.tsv").read_text(encoding="utf-8").splitlines()[1:]
    versions = {line.split("\t")[0] for line in listed}
    assert versions == {"V15.1", "V16", "V17", "V18", "V19", "PLCSIM"}
    for line in listed:
        version, repository, path, commit, _, assembly_version, _ = line.split("\t")
        assert len(commit) == 40 and assembly_version.count(".") == 3
        assert any(f"{repository}@{commit[:12]}:{path}" in r.source for r in reference().rows if r.version == version)


def test_the_plcsim_standin_agrees_with_the_real_plcsim_api() -> None:
    """PLCSIM Advanced's stand-in against the real API's metadata: members, setters, enum names and numbers (before:
    143 enum values carried other numbers, e.g. ``ECPUType.CPU1511`` was 1, the real one is 1511)."""
    declared = standin_declarations(sorted((STANDIN / "plcsim").glob("*.cs")), set())
    assert declared, "the PLCSIM stand-in's declarations were read"
    found = contradictions(reference(), "PLCSIM", declared)
    assert found == [], "the PLCSIM stand-in contradicts the real API:\n" + "\n".join(found)


def test_the_plcsim_enums_are_written_from_the_reference() -> None:
    """``standin/plcsim/Enums.cs`` is what ``reference_build --plcsim-enums`` writes from the committed reference."""
    from openness_bridge.reference_build import plcsim_enums_source

    rows = [tuple(line.split("\t")) for line in
            (ROOT / "openness_bridge" / "reference" / "openness_api.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert (STANDIN / "plcsim" / "Enums.cs").read_text(encoding="utf-8") == plcsim_enums_source(rows)
