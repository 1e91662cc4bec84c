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

:func:`to_bytes` writes the model straight to text; it gives the same characters as building the generic tree
of :func:`to_xmlnode` (:mod:`simatic_xml.writer_tree`) and serialising it with :func:`_emit`, which stays the
path for generic parts (``ParameterData``, network bodies held as trees). The interface is written by
:mod:`simatic_xml.writer_iface` and network bodies still held as lxml elements by :func:`lxml_body_text`.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Iterator

from lxml import etree

from .cancel import checkpoint
from .model import (
    Document,
    DocumentInfo,
    Interface,
    MultilingualText,
    NetworkSource,
    ObjectChild,
    SwObject,
    format_scalar,
)
from .writer_iface import interface_lines
from .writer_tree import sections_node, to_xmlnode
from .xmlnode import XmlNode, from_lxml, namespace_of
from .xmltext import ATTR, INNER_TEXT, OUTER_TEXT, escape_inner_text, escape_outer_text

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
    out = lay.out
    out.append(DECLARATION)
    out.append("<Document>")
    out.append(f'  <Engineering version="{ATTR[doc.engineering_version]}" />')
    if doc.document_info is not None:
        _document_info(doc.document_info, include_created, out)
    _object(doc.object, 1, lay)
    out.append("</Document>")
    text = "\n".join(out)
    if newline != "\n":
        # Line breaks inside text change too; XML readers turn CRLF back into LF, so the content is equal.
        return BOM + text.replace("\n", newline).encode("utf-8")
    if text.isascii():
        return BOM + text.encode("utf-8")
    # One non-Latin-1 character (a Chinese comment) makes the joined text two bytes per character, and its
    # encoding slow; encoding the mostly ASCII parts one by one is faster.
    out[0] = "\ufeff" + out[0]
    return b"\n".join([part.encode("utf-8") for part in out])


def write_file(
    doc: Document, path: str | Path, *, include_created: bool = False, renumber: bool = False, newline: str = "\n"
) -> None:
    """Write ``doc`` to ``path`` (see :func:`to_bytes` for the options)."""
    Path(path).write_bytes(to_bytes(doc, include_created=include_created, renumber=renumber, newline=newline))


# ---------------------------------------------------------------- model -> text (the outer document)


def _leaf(pad: str, tag: str, text: str | None, attrs: str = "") -> str:
    """A text-only element of the outer document; empty text is written ``<tag />``."""
    return f"{pad}<{tag}{attrs}>{OUTER_TEXT[text]}</{tag}>" if text else f"{pad}<{tag}{attrs} />"


def _document_info(info: DocumentInfo, include_created: bool, out: list[str]) -> None:
    lines = []
    if info.created is not None and include_created:
        lines.append(_leaf("    ", "Created", info.created))
    if info.export_setting is not None:
        lines.append(_leaf("    ", "ExportSetting", info.export_setting))
    if info.installed_products is not None:
        if not info.installed_products:
            lines.append("    <InstalledProducts />")
        else:
            lines.append("    <InstalledProducts>")
            for prod in info.installed_products:
                lines.append(f"      <{prod.kind}>")
                lines.append(_leaf("        ", "DisplayName", prod.display_name))
                lines.append(_leaf("        ", "DisplayVersion", prod.display_version))
                lines.append(f"      </{prod.kind}>")
            lines.append("    </InstalledProducts>")
    if lines:
        out.append("  <DocumentInfo>")
        out.extend(lines)
        out.append("  </DocumentInfo>")
    else:
        out.append("  <DocumentInfo />")


def _ids(head: str, oid: str | None, composition: str | None) -> str:
    if oid is not None:
        head += f' ID="{ATTR[oid]}"'
    if composition is not None:
        head += f' CompositionName="{ATTR[composition]}"'
    return head


def _object(obj: ObjectChild, depth: int, lay: _Layout) -> None:
    out = lay.out
    pad = "  " * depth
    if isinstance(obj, MultilingualText):
        _multilingual_text(obj, pad, out)
        return
    head = _ids(obj.element, obj.id, obj.composition_name)
    if obj.attributes is None and obj.children is None:
        out.append(f"{pad}<{head} />")
        return
    out.append(f"{pad}<{head}>")
    checkpoint()  # once per object: writing a big block is long, a timed-out call stops here
    inner = pad + "  "
    if obj.attributes is not None:
        if obj.attributes:
            out.append(f"{inner}<AttributeList>")
            _attribute_list(obj, depth + 2, lay)
            out.append(f"{inner}</AttributeList>")
        else:
            out.append(f"{inner}<AttributeList />")
    if obj.children is not None:
        if obj.children:
            out.append(f"{inner}<ObjectList>")
            for child in obj.children:
                _object(child, depth + 2, lay)
            out.append(f"{inner}</ObjectList>")
        else:
            out.append(f"{inner}<ObjectList />")
    out.append(f"{pad}</{obj.element}>")


def _multilingual_text(mt: MultilingualText, pad: str, out: list[str]) -> None:
    out.append(f"{pad}<{_ids('MultilingualText', mt.id, mt.composition_name)}>")
    if not mt.items:
        out.append(f"{pad}  <ObjectList />")
    else:
        out.append(f"{pad}  <ObjectList>")
        item_pad = pad + "    "
        list_pad = item_pad + "  "
        field_pad = list_pad + "  "
        # One string per item from these pieces; the final join puts the line breaks in between anyway.
        opening = f"{item_pad}<"
        fields = f">\n{list_pad}<AttributeList>\n{field_pad}"
        closing = f"\n{list_pad}</AttributeList>\n{item_pad}</MultilingualTextItem>"
        for item in mt.items:
            iid = item.id
            composition = item.composition_name
            if iid is not None and composition is not None:
                head = f'MultilingualTextItem ID="{ATTR[iid]}" CompositionName="{ATTR[composition]}"'
            else:
                head = _ids("MultilingualTextItem", iid, composition)
            culture = item.culture
            text = item.text
            culture_line = f"<Culture>{OUTER_TEXT[culture]}</Culture>" if culture else "<Culture />"
            text_line = f"<Text>{OUTER_TEXT[text]}</Text>" if text else "<Text />"
            out.append(f"{opening}{head}{fields}{culture_line}\n{field_pad}{text_line}{closing}")
        out.append(f"{pad}  </ObjectList>")
    out.append(f"{pad}</MultilingualText>")


def _attribute_list(obj: SwObject, depth: int, lay: _Layout) -> None:
    out = lay.out
    pad = "  " * depth
    read_only = obj.read_only
    attributes = obj.attributes
    assert attributes is not None
    for name in sorted(attributes, key=str.lower):
        value = attributes[name]
        flags = ' ReadOnly="true"' if read_only and name in read_only else ""
        if type(value) is str:
            out.append(f"{pad}<{name}{flags}>{OUTER_TEXT[value]}</{name}>" if value else f"{pad}<{name}{flags} />")
        elif isinstance(value, Interface) and value.namespace is not None:
            first = len(out)
            interface_lines(out, value, lay.compact_members)
            out[first] = f"{pad}<Interface{flags}>{out[first]}"
            out[-1] += "</Interface>"
        elif isinstance(value, NetworkSource):
            element = value.lazy_element
            if element is not None and namespace_of(element) is not None:
                out.append(f"{pad}<NetworkSource{flags}>{lxml_body_text(element)}</NetworkSource>")
            else:
                body = from_lxml(element) if element is not None else value.body
                node = XmlNode("NetworkSource", None, {"ReadOnly": "true"} if flags else {}, [body] if body else [])
                _emit(node, depth, None, lay)
        elif isinstance(value, XmlNode):
            _emit(value, depth, None, lay)
        elif isinstance(value, Interface):
            # Without a namespace the interface is no embedded document; the generic path lays it out.
            node = XmlNode("Interface", None, {"ReadOnly": "true"} if flags else {},
                           [sections_node(value.sections, None)])
            _emit(node, depth, None, lay)
        else:
            out.append(_leaf(pad, name, format_scalar(value), flags))


# ---------------------------------------------------------------- XmlNode -> text (generic parts)

# lxml spells a few things differently from TIA; these replacements are safe because "/>" and "&#…;"
# cannot occur in serialised text or attribute values ("&" and ">" are escaped there).
_LXML_CHAR_REFS = (("&#10;", "&#xA;"), ("&#9;", "&#x9;"), ("&#13;", "&#xD;"))


_EMPTY_TAG_END = re.compile("/>")

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
    text = _EMPTY_TAG_END.sub(" />", text)  # as str.replace, but faster with this many hits
    if "#" in text and "&#" in text:  # rare: "#" is one memchr, "&#" a slower scan
        for old, new in _LXML_CHAR_REFS:
            if old in text:
                text = text.replace(old, new)
    return text


def _escape_text(text: str, embedded: bool) -> str:
    return escape_inner_text(text) if embedded else escape_outer_text(text)


def _start_tag(node: XmlNode, parent_ns: str | None) -> str:
    head = node.tag
    if node.ns != parent_ns:
        head += f' xmlns="{ATTR[node.ns or ""]}"'
    for key, value in node.attrs.items():
        head += f' {key}="{ATTR[value]}"'
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
        if node.tag == "ParameterData" and child.children:
            # TIA starts a non-empty ParameterData document on its own line.
            out.append(opener)
            opener = ""
        _emit(child, 0, node.ns, lay, opener, True)
        out[-1] += f"</{node.tag}>"
        return
    out.append(f"{pad}<{head}>")
    checkpoint()  # once per element with children: writing a big block is long, a timed-out call stops here
    _emit_children(node, depth + 1, lay, embedded)
    out.append(f"{'  ' * depth}</{node.tag}>")


def _emit_children(parent: XmlNode, depth: int, lay: _Layout, embedded: bool) -> None:
    """:func:`_emit` of ``parent``'s children, one line per element, in one loop over the subtree.

    The ~400 elements of a network body made a recursive call, a start-tag call and an escape call each: most
    of writing a generated block (issue 71). Elements that are laid out otherwise (an embedded document, a
    compact member) go through :func:`_emit`, as before.
    """
    out = lay.out
    append = out.append
    compact = lay.compact_members and embedded
    escaped = INNER_TEXT if embedded else OUTER_TEXT
    attr = ATTR  # a local: looked up once per attribute
    # The open elements above the one being written: (their remaining children, depth, namespace, pad, end tag).
    frames: list[tuple[Iterator[XmlNode], int, str | None, str, str]] = []
    children = iter(parent.children)
    ns = parent.ns
    pad = "  " * depth
    opened = 0
    while True:
        for node in children:
            tag = node.tag
            kids = node.children
            if kids and ((compact and tag == "Member" and kids[0].tag == "AttributeList")
                         or (tag in _EMBEDDING_PARENTS and len(kids) == 1
                             and (kids[0].ns != node.ns or tag == "ParameterData"))):
                _emit(node, depth, ns, lay, "", embedded)
                continue
            head = tag if node.ns == ns else f'{tag} xmlns="{attr[node.ns or ""]}"'
            for key, value in node.attrs.items():
                head += f' {key}="{attr[value]}"'
            if not kids:
                text = node.text
                append(f"{pad}<{head}>{escaped[text]}</{tag}>" if text else f"{pad}<{head} />")
                continue
            append(f"{pad}<{head}>")
            opened += 1
            if not opened & 255:  # writing a big block is long: a timed-out call stops here
                checkpoint()
            frames.append((children, depth, ns, pad, f"{pad}</{tag}>"))
            children, ns, depth = iter(kids), node.ns, depth + 1
            pad = "  " * depth
            break
        else:  # this element's children are written: close it, go on with its siblings
            if not frames:
                return
            children, depth, ns, pad, end = frames.pop()
            append(end)
