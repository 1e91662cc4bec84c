"""Every ``Access`` scope of LAD/FBD networks is typed (issue 13): slices, periphery, labels and absolute
addresses read into :mod:`simatic_xml.flgnet` and back byte for byte, and the checker never reports a wire to a
part it merely could not type."""

from __future__ import annotations

from simatic_xml.flgnet import FlgAccess, from_xml, to_xml
from simatic_xml.xmlnode import XmlNode

__all__: list[str] = []

NS = "http://www.siemens.com/automation/Openness/SW/NetworkSource/FlgNet/v5"


def _node(tag, attrs=None, children=None, text=None):
    return XmlNode(tag, NS, dict(attrs or {}), list(children or []), text)


def _symbol(uid, scope, *components):
    return _node("Access", {"Scope": scope, "UId": uid},
                 [_node("Symbol", {}, [_node("Component", c) for c in components])])


def _net():
    parts = [
        _symbol("21", "LocalVariable", {"Name": "w", "SliceAccessModifier": "x0"}),
        _symbol("22", "GlobalVariable", {"Name": "AO", "SimpleAccessModifier": "Periphery"}),
        _symbol("23", "GlobalVariable", {"Name": "DB"}, {"Name": "d", "SliceAccessModifier": "b1"}),
        _node("Access", {"Scope": "Label", "UId": "24"}, [_node("Label", {"Name": "Skip"})]),
        _node("Access", {"Scope": "Address", "UId": "25"},
              [_node("Address", {"Area": "DB", "Type": "DWord", "BlockNumber": "23", "BitOffset": "0"})]),
        _node("Part", {"Name": "JumpNot", "UId": "26"}),
    ]
    labels = _node("Labels", {}, [_node("LabelDeclaration", {"UId": "20"}, [_node("Label", {"Name": "Here"})])])
    return _node("FlgNet", {}, [labels, _node("Parts", {}, parts), _node("Wires", {}, [])])


def test_every_access_scope_is_typed_and_written_back_unchanged() -> None:
    body = _net()
    net = from_xml(body)
    assert net.parts is not None
    accesses = [p for p in net.parts if not isinstance(p, XmlNode) and isinstance(p, FlgAccess)]
    assert len(accesses) == 5, [type(p).__name__ for p in net.parts]
    slice_, periphery, nested, label, address = accesses
    assert slice_.symbol and periphery.symbol and nested.symbol and address.address is not None
    assert slice_.symbol[0].slice == "x0" and periphery.symbol[0].simple == "Periphery"
    assert nested.symbol[1].slice == "b1" and label.label == "Skip" and address.address["Type"] == "DWord"
    assert net.labels() == ["Here"]
    assert to_xml(net, NS) == body


def test_attribute_order_of_a_component_is_kept() -> None:
    body = _node("FlgNet", {}, [_node("Parts", {}, [
        _symbol("21", "LocalVariable", {"SliceAccessModifier": "x3", "Name": "w"})]), _node("Wires")])
    assert to_xml(from_xml(body), NS) == body
