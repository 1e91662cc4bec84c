"""The typed LAD/FBD view: every FlgNet of the corpus (GRAPH ones included) converts both ways exactly."""

from __future__ import annotations

import pytest

from simatic_xml.flgnet import (
    Call,
    Component,
    FlgAccess,
    FlgNet,
    IdentCon,
    NameCon,
    Part,
    Powerrail,
    Wire,
    from_xml,
    to_xml,
)
from simatic_xml.template_value import TemplateValue
from simatic_xml.versions import namespace_for
from simatic_xml.xmlnode import XmlNode

from tests.simatic_xml.sxml_corpus import CORPUS, bodies


def _flgnets():
    out: list[XmlNode] = []
    for tag in ("FlgNet", "Graph"):
        for _path, body in bodies(tag):
            out.extend(body.iter("FlgNet"))
    return out


def test_every_corpus_flgnet_round_trips():
    nets = _flgnets()
    if not nets:
        pytest.skip(f"corpus absent at {CORPUS}")
    assert len(nets) == 423
    generic = 0
    for body in nets:
        net = from_xml(body)
        back = to_xml(net, body.ns)
        assert back == body
        assert [list(n.attrs) for n in back.iter()] == [list(n.attrs) for n in body.iter()]
        assert net.parts is not None and net.wires is not None
        for part in net.parts:
            assert not isinstance(part, XmlNode)
            if isinstance(part, Part):
                generic += sum(isinstance(i, XmlNode) for i in part.items)
        assert not any(isinstance(w, XmlNode) for w in net.wires)
    assert generic == 5  # the Comment and Equation children of a few boxes


def test_build_a_contact_coil_network():
    ns = namespace_for("NetworkSource/FlgNet", "V19")
    net = FlgNet(
        parts=[
            FlgAccess("GlobalVariable", "21", symbol=[Component("Start")]),
            Part("Contact", "22"),
            Part("Coil", "23"),
            Call("Motor", "FC", "24"),
        ],
        wires=[
            Wire("25", [Powerrail(), NameCon("22", "in")]),
            Wire("26", [IdentCon("21"), NameCon("22", "operand")]),
        ],
    )
    body = to_xml(net, ns)
    assert body.ns == ns and [c.tag for c in body.children] == ["Parts", "Wires"]
    assert from_xml(body) == net
    contact = net.by_uid("22")
    assert isinstance(contact, Part) and contact.name == "Contact"


def test_template_values_are_typed_and_keep_their_uid_or_its_absence():
    # TIA writes no UId on a FlgNet TemplateValue (638 of 638 in the corpus) but does on the same element in SCL;
    # a FlgNet one that has a UId is typed all the same and keeps it, one without gains none.
    ns = namespace_for("NetworkSource/FlgNet", "V19")
    with_uid = XmlNode("TemplateValue", ns, {"Name": "Card", "Type": "Cardinality", "UId": "23"}, [], "2")
    without = XmlNode("TemplateValue", ns, {"Name": "SrcType", "Type": "Type"}, [], "Int")
    part = XmlNode("Part", ns, {"Name": "Add", "UId": "22"}, [with_uid, without])
    body = XmlNode("FlgNet", ns, {}, [XmlNode("Parts", ns, {}, [part]), XmlNode("Wires", ns)])
    net = from_xml(body)
    assert net.parts == [Part("Add", "22", items=[TemplateValue("Card", "Cardinality", "2", "23"),
                                                  TemplateValue("SrcType", "Type", "Int")])]
    back = to_xml(net, ns)
    assert back == body
    assert [list(n.attrs) for n in back.iter()] == [list(n.attrs) for n in body.iter()]
