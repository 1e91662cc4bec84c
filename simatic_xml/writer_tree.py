"""The typed model as a generic :class:`~simatic_xml.xmlnode.XmlNode` tree (the reference form of the writer).

:func:`simatic_xml.writer.to_bytes` writes the model straight to text for speed; serialising this tree with
the writer's generic emitter gives the same characters (``tests/simatic_xml/test_writer.py`` checks that
on the whole corpus), and it is the fallback for parts without a direct path.
"""

from __future__ import annotations

from .model import (Comment, Document, DocumentInfo, Interface, Member, MemberAttribute, MultilingualText,
                    NetworkSource, ObjectChild, Sections, StartValue, SwObject, format_scalar)
from .xmlnode import XmlNode

__all__ = ("sections_node", "to_xmlnode")


def _leaf(tag: str, text: str | None, ns: str | None = None, attrs: dict[str, str] | None = None) -> XmlNode:
    return XmlNode(tag, ns, attrs or {}, [], text)


def to_xmlnode(doc: Document, *, include_created: bool = False) -> XmlNode:
    """The document as a generic tree (:func:`simatic_xml.writer.to_bytes` writes the same content)."""
    root = XmlNode("Document")
    root.children.append(XmlNode("Engineering", None, {"version": doc.engineering_version}))
    if doc.document_info is not None:
        root.children.append(_document_info(doc.document_info, include_created))
    root.children.append(_object(doc.object))
    return root


def _document_info(info: DocumentInfo, include_created: bool) -> XmlNode:
    node = XmlNode("DocumentInfo")
    if info.created is not None and include_created:
        node.children.append(_leaf("Created", info.created))
    if info.export_setting is not None:
        node.children.append(_leaf("ExportSetting", info.export_setting))
    if info.installed_products is not None:
        products = XmlNode("InstalledProducts")
        for prod in info.installed_products:
            products.children.append(
                XmlNode(
                    prod.kind, None, {},
                    [_leaf("DisplayName", prod.display_name), _leaf("DisplayVersion", prod.display_version)],
                )
            )
        node.children.append(products)
    return node


def _object(obj: ObjectChild) -> XmlNode:
    if isinstance(obj, MultilingualText):
        return _multilingual_text(obj)
    attrs: dict[str, str] = {}
    if obj.id is not None:
        attrs["ID"] = obj.id
    if obj.composition_name is not None:
        attrs["CompositionName"] = obj.composition_name
    node = XmlNode(obj.element, None, attrs)
    if obj.attributes is not None:
        node.children.append(_attribute_list(obj))
    if obj.children is not None:
        node.children.append(XmlNode("ObjectList", None, {}, [_object(c) for c in obj.children]))
    return node


def _multilingual_text(mt: MultilingualText) -> XmlNode:
    attrs: dict[str, str] = {}
    if mt.id is not None:
        attrs["ID"] = mt.id
    if mt.composition_name is not None:
        attrs["CompositionName"] = mt.composition_name
    items = []
    for item in mt.items:
        iattrs: dict[str, str] = {}
        if item.id is not None:
            iattrs["ID"] = item.id
        if item.composition_name is not None:
            iattrs["CompositionName"] = item.composition_name
        alist = XmlNode("AttributeList", None, {}, [_leaf("Culture", item.culture), _leaf("Text", item.text)])
        items.append(XmlNode("MultilingualTextItem", None, iattrs, [alist]))
    return XmlNode("MultilingualText", None, attrs, [XmlNode("ObjectList", None, {}, items)])


def _attribute_list(obj: SwObject) -> XmlNode:
    node = XmlNode("AttributeList")
    read_only = set(obj.read_only)
    assert obj.attributes is not None
    for name in sorted(obj.attributes, key=str.lower):
        value = obj.attributes[name]
        flags = {"ReadOnly": "true"} if name in read_only else {}
        if isinstance(value, Interface):
            child = XmlNode("Interface", None, flags, [sections_node(value.sections, value.namespace)])
        elif isinstance(value, NetworkSource):
            body = [value.body] if value.body is not None else []
            child = XmlNode("NetworkSource", None, flags, body)
        elif isinstance(value, XmlNode):
            child = value
        else:
            child = _leaf(name, format_scalar(value), None, flags)
        node.children.append(child)
    return node


def sections_node(secs: Sections, ns: str | None) -> XmlNode:
    """An interface ``Sections`` as a generic tree in namespace ``ns``."""
    attrs: dict[str, str] = {}
    if secs.datatype is not None:
        attrs["Datatype"] = secs.datatype
    if secs.version is not None:
        attrs["Version"] = secs.version
    attrs.update(secs.extra)
    node = XmlNode("Sections", ns, attrs)
    for sec in secs.sections:
        snode = XmlNode("Section", ns, {"Name": sec.name, **sec.extra})
        if sec.sections is not None:
            snode.children.append(sections_node(sec.sections, ns))
        snode.children.extend(_member(m, ns) for m in sec.members)
        node.children.append(snode)
    return node


def _member(m: Member, ns: str | None) -> XmlNode:
    attrs = {"Name": m.name, "Datatype": m.datatype}
    for key, value in (
        ("Version", m.version), ("Remanence", m.remanence), ("Accessibility", m.accessibility),
        ("Informative", m.informative),
    ):
        if value is not None:
            attrs[key] = value
    attrs.update(m.extra)
    node = XmlNode("Member", ns, attrs)
    kids = node.children
    if m.attributes is not None:
        kids.append(XmlNode("AttributeList", ns, {}, [_member_attribute(a, ns) for a in m.attributes]))
    if m.comment is not None:
        kids.append(_comment(m.comment, ns))
    kids.extend(_member(sub, ns) for sub in m.members)
    if m.sections is not None:
        kids.append(sections_node(m.sections, ns))
    for sub in m.subelements:
        snode = XmlNode("Subelement", ns, {"Path": sub.path})
        if sub.comment is not None:
            snode.children.append(_comment(sub.comment, ns))
        if sub.start_value is not None:
            snode.children.append(_start_value(sub.start_value, ns))
        kids.append(snode)
    if m.start_value is not None:
        kids.append(_start_value(m.start_value, ns))
    return node


def _member_attribute(a: MemberAttribute, ns: str | None) -> XmlNode:
    attrs = {"Name": a.name}
    if a.informative is not None:
        attrs["Informative"] = a.informative
    if a.system_defined is not None:
        attrs["SystemDefined"] = a.system_defined
    attrs.update(a.extra)
    return _leaf(a.kind, a.value, ns, attrs)


def _comment(c: Comment, ns: str | None) -> XmlNode:
    attrs = {"Informative": c.informative} if c.informative is not None else {}
    return XmlNode("Comment", ns, attrs,
                   [_leaf("MultiLanguageText", t, ns, {"Lang": lang}) for lang, t in c.texts.items()])


def _start_value(sv: StartValue, ns: str | None) -> XmlNode:
    attrs = {"Informative": sv.informative} if sv.informative is not None else {}
    attrs.update(sv.extra)
    return _leaf("StartValue", sv.value, ns, attrs)
