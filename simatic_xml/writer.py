"""Write the typed model as SimaticML bytes, laid out the way TIA V16–V20 exports are.

Layout (so diffs against real exports stay small): UTF-8 BOM, ``<?xml version="1.0" encoding="utf-8"?>``,
two-space indentation, ``<Empty />`` with a space, LF line ends, and embedded documents
(``Interface/Sections``, ``NetworkSource/…``) written inline with their content starting at column 0.

Deliberate differences from the input (see README.md; all but the first invisible to
whitespace-insensitive C14N):

* ``DocumentInfo/Created`` is left out unless ``include_created=True`` (so re-exports are reproducible);
* indentation is always regenerated (re-indented V21 files come out in the V16–V20 layout);
* ``AttributeList`` children of ``SW.*`` objects are written sorted by name, case-insensitively, as TIA does
  (every one of the corpus' AttributeLists already is);
* member and interface attributes are written in TIA's order (Name, Datatype, Version, Remanence,
  Accessibility, Informative, then any others in input order).

Two fast paths write the same text as the generic tree of :func:`to_xmlnode` would: the interface
(:mod:`simatic_xml.writer_iface`) and network bodies still held as lxml elements (:func:`lxml_body_text`).
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from .cancel import checkpoint
from .model import (
    Comment,
    Document,
    DocumentInfo,
    Interface,
    Member,
    MemberAttribute,
    MultilingualText,
    NetworkSource,
    ObjectChild,
    Sections,
    StartValue,
    SwObject,
    format_scalar,
)
from .writer_iface import interface_text
from .xmlnode import XmlNode, local_name, namespace_of
from .xmltext import escape_attr, escape_inner_text, escape_outer_text

__all__ = ("BOM", "DECLARATION", "lxml_body_text", "to_bytes", "to_xmlnode", "write_file")

BOM = b"\xef\xbb\xbf"
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

# Parents whose single namespaced child is an embedded document written inline.
_EMBEDDING_PARENTS = frozenset({"Interface", "NetworkSource", "ParameterData"})
_COMPACT_MEMBER_VERSIONS = frozenset({"V14 SP1", "V15", "V15.1", "V16", "V17"})


def to_bytes(
    doc: Document,
    *,
    include_created: bool = False,
    renumber: bool = False,
    newline: str = "\n",
) -> bytes:
    """Serialise ``doc``. With ``renumber=True`` IDs and UIds are renumbered first, on a copy."""
    if renumber:
        from .renumber import renumber_document

        doc = copy.deepcopy(doc)
        renumber_document(doc)
    lay = _Layout(compact_members=doc.engineering_version in _COMPACT_MEMBER_VERSIONS)
    root = _document(doc, include_created, lay)
    lay.out.append(DECLARATION)
    _emit(root, 0, None, lay)
    text = "\n".join(lay.out)
    if newline != "\n":
        # Line breaks inside text change too; XML readers turn CRLF back into LF, so the content is equal.
        text = text.replace("\n", newline)
    return BOM + text.encode("utf-8")


def write_file(
    doc: Document, path: str | Path, *, include_created: bool = False, renumber: bool = False, newline: str = "\n"
) -> None:
    """Write ``doc`` to ``path`` (see :func:`to_bytes` for the options)."""
    Path(path).write_bytes(to_bytes(doc, include_created=include_created, renumber=renumber, newline=newline))


# ---------------------------------------------------------------- model -> XmlNode


def _leaf(tag: str, text: str | None, ns: str | None = None, attrs: dict[str, str] | None = None) -> XmlNode:
    return XmlNode(tag, ns, attrs or {}, [], text)


def to_xmlnode(doc: Document, *, include_created: bool = False) -> XmlNode:
    """The document as a generic tree (:func:`to_bytes` writes the same content)."""
    return _document(doc, include_created, None)


def _document(doc: Document, include_created: bool, lay: _Layout | None) -> XmlNode:
    # With a layout (to_bytes), the interface and untouched network bodies are pre-rendered as text.
    root = XmlNode("Document")
    root.children.append(XmlNode("Engineering", None, {"version": doc.engineering_version}))
    if doc.document_info is not None:
        root.children.append(_document_info(doc.document_info, include_created))
    root.children.append(_object(doc.object, lay))
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


def _object(obj: ObjectChild, lay: _Layout | None) -> XmlNode:
    if isinstance(obj, MultilingualText):
        return _multilingual_text(obj)
    attrs: dict[str, str] = {}
    if obj.id is not None:
        attrs["ID"] = obj.id
    if obj.composition_name is not None:
        attrs["CompositionName"] = obj.composition_name
    node = XmlNode(obj.element, None, attrs)
    if obj.attributes is not None:
        node.children.append(_attribute_list(obj, lay))
    if obj.children is not None:
        node.children.append(XmlNode("ObjectList", None, {}, [_object(c, lay) for c in obj.children]))
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


def _attribute_list(obj: SwObject, lay: _Layout | None) -> XmlNode:
    node = XmlNode("AttributeList")
    read_only = set(obj.read_only)
    assert obj.attributes is not None
    for name in sorted(obj.attributes, key=str.lower):
        value = obj.attributes[name]
        flags = {"ReadOnly": "true"} if name in read_only else {}
        if isinstance(value, Interface):
            if lay is not None:
                raw = _Raw("Sections", value.namespace, interface_text(value, lay.compact_members))
                child = XmlNode("Interface", None, flags, [raw])
            else:
                child = XmlNode("Interface", None, flags, [_sections(value.sections, value.namespace)])
        elif isinstance(value, NetworkSource):
            element = value.lazy_element
            if element is not None and lay is not None:
                raw = _Raw(local_name(element), namespace_of(element), lxml_body_text(element))
                child = XmlNode("NetworkSource", None, flags, [raw])
            else:
                body = [value.body] if value.body is not None else []
                child = XmlNode("NetworkSource", None, flags, body)
        elif isinstance(value, XmlNode):
            child = value
        else:
            child = _leaf(name, format_scalar(value), None, flags)
        node.children.append(child)
    return node


def _sections(secs: Sections, ns: str) -> XmlNode:
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
            snode.children.append(_sections(sec.sections, ns))
        snode.children.extend(_member(m, ns) for m in sec.members)
        node.children.append(snode)
    return node


def _member(m: Member, ns: str) -> XmlNode:
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
        kids.append(_sections(m.sections, ns))
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


def _member_attribute(a: MemberAttribute, ns: str) -> XmlNode:
    attrs = {"Name": a.name}
    if a.informative is not None:
        attrs["Informative"] = a.informative
    if a.system_defined is not None:
        attrs["SystemDefined"] = a.system_defined
    attrs.update(a.extra)
    return _leaf(a.kind, a.value, ns, attrs)


def _comment(c: Comment, ns: str) -> XmlNode:
    attrs = {"Informative": c.informative} if c.informative is not None else {}
    return XmlNode("Comment", ns, attrs, [_leaf("MultiLanguageText", t, ns, {"Lang": lang}) for lang, t in c.texts.items()])


def _start_value(sv: StartValue, ns: str) -> XmlNode:
    attrs = {"Informative": sv.informative} if sv.informative is not None else {}
    attrs.update(sv.extra)
    return _leaf("StartValue", sv.value, ns, attrs)


# ---------------------------------------------------------------- XmlNode -> text

# lxml spells a few things differently from TIA; these replacements are safe because "/>" and "&#…;"
# cannot occur in serialised text or attribute values ("&" and ">" are escaped there).
_LXML_FIXUPS = (("/>", " />"), ("&#10;", "&#xA;"), ("&#9;", "&#x9;"), ("&#13;", "&#xD;"))


class _Raw(XmlNode):
    """An embedded document already rendered as text (``to_bytes`` fast paths only)."""

    __slots__ = ("rendered",)

    def __init__(self, tag: str, ns: str | None, rendered: str) -> None:
        super().__init__(tag, ns)
        self.rendered = rendered


# libxml2's formatter indents at most 30 levels (MAX_INDENT, 60 characters); a line at that depth may be capped.
_DEEPEST_PRETTY_LINE = "\n" + " " * 60 + "<"


def lxml_body_text(element: etree._Element) -> str:
    """Serialise a body element exactly as :func:`_emit` would its generic tree.

    The reader hands over bodies either laid out with ``etree.indent`` or, from a blank-free parse, with no
    text beside elements at all (``text`` None on an element with children). libxml2's formatter gives the
    second kind the same layout as ``etree.indent`` would, in C and without touching the tree, except below
    30 levels, where it stops indenting: such a body is laid out on a copy instead.
    """
    if element.text is None and len(element):
        text = etree.tostring(element, encoding=str, with_tail=False, pretty_print=True)
        if _DEEPEST_PRETTY_LINE in text:
            laid_out = copy.deepcopy(element)
            etree.indent(laid_out, space="  ")
            text = etree.tostring(laid_out, encoding=str, with_tail=False)
        elif text.endswith("\n"):
            text = text[:-1]
    else:
        text = etree.tostring(element, encoding=str, with_tail=False)
    for old, new in _LXML_FIXUPS:
        if old in text:
            text = text.replace(old, new)
    return text

def _escape_text(text: str, embedded: bool) -> str:
    return escape_inner_text(text) if embedded else escape_outer_text(text)


def _start_tag(node: XmlNode, parent_ns: str | None) -> str:
    head = node.tag
    if node.ns != parent_ns:
        head += f' xmlns="{escape_attr(node.ns or "")}"'
    for key, value in node.attrs.items():
        head += f' {key}="{escape_attr(value)}"'
    return head


def _compact(node: XmlNode, parent_ns: str | None, out: list[str]) -> None:
    """Write a subtree (inside an embedded document) without line breaks or indentation."""
    head = _start_tag(node, parent_ns)
    if node.children:
        out.append(f"<{head}>")
        for child in node.children:
            _compact(child, node.ns, out)
        out.append(f"</{node.tag}>")
    elif node.text:
        out.append(f"<{head}>{_escape_text(node.text, True)}</{node.tag}>")
    else:
        out.append(f"<{head} />")


class _Layout:
    """Per-document layout switches."""

    __slots__ = ("compact_members", "out")

    def __init__(self, compact_members: bool) -> None:
        # V14 SP1–V17 write an interface member that has an AttributeList on one line, subtree included.
        self.compact_members = compact_members
        self.out: list[str] = []


def _emit(
    node: XmlNode, depth: int, parent_ns: str | None, lay: _Layout, inline_prefix: str = "", embedded: bool = False
) -> None:
    """Append ``node`` as lines; ``inline_prefix`` is the parent's opening tag for an embedded document."""
    out = lay.out
    pad = inline_prefix or "  " * depth
    kids = node.children
    if lay.compact_members and embedded and node.tag == "Member" and kids and kids[0].tag == "AttributeList":
        parts: list[str] = []
        _compact(node, parent_ns, parts)
        out.append(pad + "".join(parts))
        return
    head = _start_tag(node, parent_ns)
    if not kids:
        if node.text:
            out.append(f"{pad}<{head}>{_escape_text(node.text, embedded)}</{node.tag}>")
        else:
            out.append(f"{pad}<{head} />")
        return
    if node.tag in _EMBEDDING_PARENTS and len(kids) == 1 and (kids[0].ns != node.ns or node.tag == "ParameterData"):
        # Embedded document: the child starts on this line and its content at column 0.
        child = kids[0]
        opener = f"{pad}<{head}>"
        if isinstance(child, _Raw):
            out.append(f"{opener}{child.rendered}</{node.tag}>")
            return
        if node.tag == "ParameterData" and child.children:
            # TIA starts a non-empty ParameterData document on its own line.
            out.append(opener)
            opener = ""
        _emit(child, 0, node.ns, lay, opener, True)
        out[-1] += f"</{node.tag}>"
        return
    out.append(f"{pad}<{head}>")
    checkpoint()  # once per element with children: writing a big block is long, a timed-out call stops here
    for child in kids:
        _emit(child, depth + 1, node.ns, lay, "", embedded)
    out.append(f"{'  ' * depth}</{node.tag}>")
