"""The call form the generator writes in an SCL network, per TIA version, against TIA's own exports of the same
calls: a user block's call is ``Access Scope="Call" > CallInfo`` and a system FB instance's call the instance's
``Access`` followed by a nameless ``Instruction``, in StructuredText v3 (V16-V18) as in v4 (V19-V21)."""

from __future__ import annotations

import pytest
from lxml import etree

from simatic_xml.generate import generate_xml
from simatic_xml.generate.from_source import generate_source
from simatic_xml.scl_text import tokens_to_text
from simatic_xml.xmlnode import XmlNode, from_lxml

from tests.simatic_xml.sxml_corpus import CORPUS, bodies

VERSIONS = ["V16", "V17", "V18", "V19", "V20", "V21"]

# Two calls as TIA exported them: an FB through its instance DB (Fwaldt Main.xml, V20, StructuredText v4) and a
# TON_TIME multi-instance (mking2203 SCL_FB_EMPTY_ADAPTER.xml, V16, StructuredText v3).
_FB_CALL = '"LBP_OpUnitComm_DB"(Config := "LBP_ConfigData");'
_TON_CALL = ("#WaitTimeRelieve(IN := #ActualStep = 1,\n                     PT := #I_WaitTimeRelieve,\n"
             "                     Q => #Tmp_WaitTimeRelieve);")


def _shape(node: XmlNode) -> tuple:
    """A node without namespace and UIds: what must match between a generated call and an exported one."""
    attrs = tuple(sorted((k, v) for k, v in node.attrs.items() if k != "UId"))
    return node.tag, attrs, (node.text or "").strip(), tuple(_shape(c) for c in node.children)


def _call_elements(body: XmlNode, statement_start: str) -> list[tuple]:
    """The elements of ``body``'s statement whose text starts with ``statement_start`` (up to its ';')."""
    shapes: list[tuple] = []
    inside = False
    for child in body.children:
        if not inside and child.tag == "Access":
            inside = tokens_to_text(XmlNode("StructuredText", body.ns, {}, [child], None)).startswith(statement_start)
        if inside:
            shapes.append(_shape(child))
            if child.tag == "Token" and child.attrs.get("Text") == ";":
                return shapes
    raise AssertionError(f"no statement {statement_start!r}")


def _exported(name: str, statement_start: str) -> list[tuple]:
    for path, body in bodies("StructuredText"):
        if path.name == name:
            return _call_elements(body, statement_start)
    raise AssertionError(f"{name} has no SCL network")


def _generated(version: str) -> XmlNode:
    spec = {
        "name": "Caller", "blockType": "FB", "language": "SCL",
        "interface": {
            "Input": [{"name": "I_WaitTimeRelieve", "dataType": "Time"}],
            "Static": [{"name": "ActualStep", "dataType": "Int"}, {"name": "WaitTimeRelieve", "dataType": "TON_TIME"}],
            "Temp": [{"name": "Tmp_WaitTimeRelieve", "dataType": "Bool"}],
        },
        "networks": [{"scl": f"{_FB_CALL}\n{_TON_CALL}\n",
                      "calls": {"LBP_OpUnitComm_DB": {"blockType": "FB", "block": "LBP_OpUnitComm"}}}],
    }
    root = etree.fromstring(generate_xml(spec, version))
    found = [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "StructuredText"]
    assert len(found) == 1
    return from_lxml(found[0])


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus absent at {CORPUS}")


@needs_corpus
@pytest.mark.parametrize("version", VERSIONS)
def test_a_user_block_call_is_written_as_tia_exports_it(version: str) -> None:
    body = _generated(version)
    assert (body.ns or "").endswith("/v3" if version in ("V16", "V17", "V18") else "/v4")
    assert _call_elements(body, '"LBP_OpUnitComm_DB"') == _exported("Fwaldt_Main.xml", '"LBP_OpUnitComm_DB"')


@needs_corpus
@pytest.mark.parametrize("version", VERSIONS)
def test_a_system_instance_call_is_written_as_tia_exports_it(version: str) -> None:
    body = _generated(version)
    expected = _exported("mking2203_plcBlock_SCL_FB_EMPTY_ADAPTER.xml", "#WaitTimeRelieve")
    assert [shape[0] for shape in expected[:2]] == ["Access", "Access"]  # the instance, then the nameless call
    assert _call_elements(body, "#WaitTimeRelieve") == expected


_SOURCE = '''FUNCTION_BLOCK "LBP_OpUnitComm"
VAR_INPUT
    Config : Int;
END_VAR
BEGIN
    ;
END_FUNCTION_BLOCK
FUNCTION "LBP_MainBP" : Void
BEGIN
    ;
END_FUNCTION
DATA_BLOCK "LBP_OpUnitComm_DB"
"LBP_OpUnitComm"
BEGIN
END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
    "LBP_OpUnitComm_DB"(Config := "LBP_ConfigData");
    LBP_MainBP();
END_ORGANIZATION_BLOCK
'''


@needs_corpus
@pytest.mark.parametrize("version", ["V16", "V20"])
def test_scl_build_calls_the_sources_own_instance_db_and_fc_as_tia_exports_them(version: str) -> None:
    """An instance DB of the source's FB is called as that FB, a FUNCTION (also written without quotes) as an FC:
    the calls of Fwaldt's Main.xml (V20), generated from a source declaring those blocks."""
    result = generate_source(_SOURCE, file="Main.scl", version=version)
    assert not [d for d in result.diagnostics if d.severity == "Error"], result.diagnostics
    xml = next(b.xml for b in result.blocks if b.name == "Main")
    root = etree.fromstring(xml)
    body = from_lxml(next(el for el in root.iter() if isinstance(el.tag, str)
                          and etree.QName(el).localname == "StructuredText"))
    for start in ('"LBP_OpUnitComm_DB"', "LBP_MainBP"):
        assert _call_elements(body, start) == _exported("Fwaldt_Main.xml", start)
