"""SimaticML documents of an FB and a UDT for the bridge's unit tests, and the S7-1200 order number."""

from __future__ import annotations

from simatic_xml.generate import generate_xml

__all__ = ("S7_1200", "fb_xml", "udt_xml")

S7_1200 = "6ES7 214-1AG40-0XB0"


def fb_xml(name: str, number: int, namespace: str = "") -> bytes:
    spec = {"blockType": "FB", "name": name, "language": "SCL", "number": number, "networks": [{"scl": ""}],
            "namespace": namespace}
    return generate_xml(spec, "V19")


def udt_xml(name: str, namespace: str, member_type: str = "Int") -> bytes:
    spec = {"blockType": "UDT", "name": name, "interface": {"None": [{"name": "Speed", "dataType": member_type}]},
            "namespace": namespace}
    return generate_xml(spec, "V19")
