"""Version tables and retargeting, including what a target must refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from simatic_xml import VersionError, parse_bytes, read_file, retarget, to_bytes
from simatic_xml.versions import namespace_for, normalize_version
from tests.simatic_xml.typed import attributes
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
needs_corpus = READS_SHARED
NS = "http://www.siemens.com/automation/Openness/SW/"


def test_normalize_version():
    assert normalize_version("19") == "V19"
    assert normalize_version("v14sp1") == "V14 SP1"
    with pytest.raises(VersionError, match="unknown TIA version"):
        normalize_version("V15")


def test_namespace_table():
    assert namespace_for("Interface", "V16") == NS + "Interface/v4"
    assert namespace_for("Interface", "V21") == NS + "Interface/v5"
    assert namespace_for("NetworkSource/FlgNet", "V18") == NS + "NetworkSource/FlgNet/v4"
    assert namespace_for("NetworkSource/FlgNet", "V19") == NS + "NetworkSource/FlgNet/v5"
    assert namespace_for("NetworkSource/StructuredText", "V18") == NS + "NetworkSource/StructuredText/v3"
    assert namespace_for("NetworkSource/StructuredText", "V19") == NS + "NetworkSource/StructuredText/v4"
    # V19 wrote Graph/v5 (Maxendre/TiaPortal19-Travail-1 GRAFCET.xml); no V20 GRAPH export was seen.
    assert namespace_for("NetworkSource/Graph", "V19") == NS + "NetworkSource/Graph/v5"
    with pytest.raises(VersionError, match="never observed"):
        namespace_for("NetworkSource/Graph", "V20")


def _namespaces(data: bytes) -> set[str]:
    from lxml import etree

    root = etree.fromstring(data)
    return {el.tag[1:].split("}")[0] for el in root.iter() if isinstance(el.tag, str) and el.tag.startswith("{")}


@needs_corpus
def test_retarget_scl_v16_to_v19():
    doc = read_file(CORPUS / "fb" / "mking2203_plcBlock_SCL_FB_EMPTY_ADAPTER.xml")
    assert doc.engineering_version == "V16" and doc.document_info is not None
    new = retarget(doc, "V19")
    assert doc.engineering_version == "V16"  # the original is untouched
    data = to_bytes(new)
    assert b'<Engineering version="V19" />' in data
    assert b"<DocumentInfo>" not in data
    assert _namespaces(data) == {NS + "Interface/v5", NS + "NetworkSource/StructuredText/v4"}
    assert b'Num="1"' not in data
    assert parse_bytes(data) == new


@needs_corpus
def test_retarget_to_v17_keeps_document_info():
    doc = read_file(CORPUS / "fb" / "mking2203_plcBlock_SCL_FB_EMPTY_ADAPTER.xml")
    new = retarget(doc, "V17")
    assert new.document_info is not None
    assert _namespaces(to_bytes(new)) == {NS + "Interface/v5", NS + "NetworkSource/StructuredText/v3"}


@needs_corpus
def test_retarget_drops_empty_namespace_below_v18():
    doc = read_file(CORPUS / "fb" / "Fwaldt_FB_AnalogInput.xml")
    assert doc.object.attr("Namespace") == ""
    old = retarget(doc, "V17")
    assert "Namespace" not in attributes(old.object)
    assert NS + "NetworkSource/StructuredText/v3" in _namespaces(to_bytes(old))
    attributes(doc.object)["Namespace"] = "Motors"
    with pytest.raises(VersionError, match="needs V18 or later"):
        retarget(doc, "V17")


@pytest.mark.parametrize(
    ("file", "target", "message"),
    [
        ("fc/Czarnak_MHJ-PLC-Lab-Function-S71200.xml", "V18", "jump label"),
        # Older documents outside the target's import scope (TIA imports Vxx-3..Vxx): refused with the rule.
        ("fb/Gildej31_GF7_V17.xml", "V21", "GRAPH .*SIMATIC ML versioning"),
        ("fb/mking2203_GraphJump.xml", "V19", "GRAPH .*exported by V14 SP1"),
        ("fc/Gildej31_FC_LIST_V17.xml", "V21", "StatementList .*Export the block from TIA V18"),
        ("fb/arun232342_RS485_Com_Motor.xml", "V21", "LineComment .*SIMATIC ML versioning"),
        # Generating for an older TIA: no import rule, the table decides.
        ("db/Amadeusz97_CS_Drive_PL.xml", "V17", "Parameters"),
        ("fb/Czarnak_StateMachine.xml", "V20", "Graph"),
        ("fb/Gildej31_GF7_V17.xml", "V14 SP1", "cannot generate"),
    ],
)
@needs_corpus
def test_retarget_refusals(file, target, message):
    doc = read_file(CORPUS / file)
    with pytest.raises(VersionError, match=message):
        retarget(doc, target)


@needs_corpus
def test_retarget_allowed_neighbours():
    assert retarget(read_file(CORPUS / "fb" / "Gildej31_GF7_V17.xml"), "V18").engineering_version == "V18"
    assert retarget(read_file(CORPUS / "fb" / "Gildej31_GF7_V18.xml"), "V19").engineering_version == "V19"
    assert retarget(read_file(CORPUS / "fc" / "Gildej31_FC_LIST_V17.xml"), "V18").engineering_version == "V18"
    lad = retarget(read_file(CORPUS / "fb" / "sitrainsh_Block_1.xml"), "V20")
    assert NS + "NetworkSource/FlgNet/v5" in _namespaces(to_bytes(lad))


@needs_corpus
@pytest.mark.parametrize(("file", "target", "kept"), [
    ("fb/Gildej31_GF7_V17.xml", "V20", "NetworkSource/Graph/v5"),
    ("fc/Gildej31_FC_LIST_V17.xml", "V19", "NetworkSource/StatementList/v4"),
    ("fb/arun232342_RS485_Com_Motor.xml", "V19", "NetworkSource/StructuredText/v3"),
    ("db/Amadeusz97_CS_Drive_PL.xml", "V21", "Parameters/v1"),
])
def test_retarget_keeps_what_tia_imports_itself(file, target, kept):
    """Inside the import scope (Openness manual, "SIMATIC ML versioning") TIA converts the older document: what
    the tables cannot map is kept as written, the rest is the target's."""
    doc = retarget(read_file(CORPUS / file), target)
    assert doc.engineering_version == target
    assert NS + kept in _namespaces(to_bytes(doc))


@needs_corpus
def test_convert_bytes_round_trips():
    from simatic_xml import convert_bytes

    data = convert_bytes((CORPUS / "fb" / "sitrainsh_Block_1.xml").read_bytes(), "V19")
    doc = parse_bytes(data)
    assert doc.engineering_version == "V19" and doc.document_info is None
    assert convert_bytes(data, "V19") == data  # converting to the same version is stable


_REALCODE = Path(__file__).resolve().parents[1] / "realcode" / "cases"
_SUPERVISIONS = NS + "BlockTypeSupervisions/v3"


def test_prodiag_supervisions_are_kept_for_v17_and_refused_where_unmapped():
    """V17 wrote BlockTypeSupervisions/v3 (WillWaywell/JLR.LaserComm.PLC GraphEvaluation.xml); other versions unseen."""
    data = (_REALCODE / "lad_fb_with_prodiag_supervision.xml").read_bytes()
    assert namespace_for("BlockTypeSupervisions", "V17") == _SUPERVISIONS
    kept = to_bytes(retarget(parse_bytes(data), "V17"))
    assert _SUPERVISIONS in _namespaces(kept)
    # V19 imports V17 (its import scope is V16-V19) and converts the supervisions itself; V21 does not.
    assert _SUPERVISIONS in _namespaces(to_bytes(retarget(parse_bytes(data), "V19")))
    with pytest.raises(VersionError, match="BlockTypeSupervisions namespace is known for TIA V21.*SIMATIC ML"):
        retarget(parse_bytes(data), "V21")


def test_unknown_namespace_is_kept_only_in_the_version_that_wrote_it():
    data = (_REALCODE / "lad_fb_with_prodiag_supervision.xml").read_bytes().replace(
        b"BlockTypeSupervisions/v3", b"SupervisionsOfTomorrow/v1")
    assert NS + "SupervisionsOfTomorrow/v1" in _namespaces(to_bytes(retarget(parse_bytes(data), "V17")))
    with pytest.raises(VersionError, match="cannot be retargeted|never observed"):
        retarget(parse_bytes(data), "V18")


def test_qualified_name_of_a_software_unit_block():
    """V20 writes a software unit's namespace as <Namespace>Conveyor2</Namespace> beside the plain Name."""
    doc = parse_bytes((_REALCODE / "software_unit_namespace" / "Pump.xml").read_bytes())
    assert (doc.object.name, doc.object.qualified_name) == ("Pump", "Plant.Pump")
    attributes(doc.object)["Namespace"] = ""
    assert doc.object.qualified_name == "Pump"


@needs_corpus
def test_user_block_calls_keep_their_callinfo_in_structured_text_v3():
    """Fwaldt's V20 OB1 calls an FB and FCs (CallInfo); V16 and V18 exports write user-block calls the same way
    (../shared/notes/simaticml.md §7), so a V18 target keeps them under StructuredText/v3."""
    doc = read_file(CORPUS / "ob/Fwaldt_Main.xml")
    before = to_bytes(doc).count(b"<CallInfo")
    data = to_bytes(retarget(doc, "V18"))
    assert before >= 3 and data.count(b"<CallInfo") == before
    assert NS + "NetworkSource/StructuredText/v3" in _namespaces(data)
