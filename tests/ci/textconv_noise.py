"""Export noise: what TIA changes in an export that is no change of the object (the textconv tests' control)."""

from __future__ import annotations

from lxml import etree

__all__ = ("export_noise",)


def export_noise(raw: bytes) -> bytes:
    """The same export as TIA might write it another time: every UId and object ID renumbered, the parts and wires
    of each LAD/FBD network, each attribute list and each text's cultures in reverse order, another ``Created``."""
    root = etree.fromstring(raw)
    for element in list(root.iter()):  # a list: the loop reorders children as it goes
        if not isinstance(element.tag, str):
            continue
        if "UId" in element.attrib:
            element.set("UId", str(int(element.get("UId", "0")) + 1000))
        if "ID" in element.attrib:
            element.set("ID", format(int(element.get("ID", "0"), 16) + 0x100, "X"))
        name = etree.QName(element).localname
        parent = element.getparent()
        owner = etree.QName(parent).localname if parent is not None else ""
        # an object's attributes (TIA sorts them; a text item's are Culture then Text, always), a text's cultures
        if name in ("Parts", "Wires") or (name == "AttributeList" and owner.startswith("SW.")) \
                or (name == "ObjectList" and owner == "MultilingualText"):
            element[:] = list(reversed(list(element)))
        if name == "Created":
            element.text = "2031-01-02T03:04:05.6789012Z"
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
