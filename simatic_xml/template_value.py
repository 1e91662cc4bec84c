"""``<TemplateValue Name Type UId>text</TemplateValue>``: the data type or cardinality an instruction is set to.

One element in both network languages that have it: a child of a LAD/FBD ``Part`` (``Card``/Cardinality
``2``, ``SrcType``/Type ``Int``, ``time_type``/Type ``Time``) and of an SCL ``Instruction`` (``SCALE_X``
``dest_type``/Type ``Real``). TIA writes a ``UId`` on it in SCL (3 of 3 in the corpus) and none in FlgNets
(638 of 638); the typed view keeps whichever was read, so both round trips stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from .xmlnode import XmlNode

__all__ = ("TemplateValue", "template_value_from_xml", "template_value_to_xml")

_ATTRS = frozenset(("Name", "Type", "UId"))


@dataclass(slots=True)
class TemplateValue:
    """``name`` (``Card``, ``SrcType``, ``dest_type``), its ``type`` (``Cardinality`` or ``Type``), the
    ``value`` set (``2``, ``Real``), and the ``UId`` when the element has one."""

    name: str
    type: str
    value: str
    uid: str | None = None


def template_value_from_xml(node: XmlNode) -> TemplateValue | None:
    """The typed view of a ``TemplateValue`` element, or None when its shape is not the typed one (no
    children, ``Name`` and ``Type``, at most a ``UId`` besides): the caller keeps such a node generic."""
    attrs = node.attrs
    if node.tag != "TemplateValue" or node.children or "Name" not in attrs or "Type" not in attrs \
            or not _ATTRS.issuperset(attrs):
        return None
    return TemplateValue(attrs["Name"], attrs["Type"], node.text or "", attrs.get("UId"))


def template_value_to_xml(item: TemplateValue, namespace: str | None) -> XmlNode:
    """The element, attributes in TIA's order (``Name Type UId``); an empty value is written as no text."""
    attrs = {"Name": item.name, "Type": item.type}
    if item.uid is not None:
        attrs["UId"] = item.uid
    return XmlNode("TemplateValue", namespace, attrs, [], item.value or None)
