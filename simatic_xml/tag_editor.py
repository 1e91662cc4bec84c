"""The PLC tag editor's own XML export of a tag table (``<Tagtable name='...'>``), which is not SimaticML.

The tag table editor of TIA Portal exports a table through its "Export" button into a small XML format of
its own (and imports the same file back), besides Excel and SDF. One ``<Tagtable name=...>`` root holds one
``<Tag>`` per PLC tag, its name as the element's text and ``type``, ``addr``, ``remark``, ``retain``,
``hmiVisible``, ``hmiWriteable``, ``hmiAccessible`` as attributes, and one ``<Constant>`` per user constant
with ``type``, ``value`` and ``remark``. Observed in real exports:

* TIA Portal V14 (``version 1400.102.801.1`` in the file's comment): RoanBrand/SpottingLine2018@4a5062d
  ``PLCTags.xml``, 210 tags, beside the SCL sources of the same PLC;
* TIA Portal V15 (``1500.1.301.1``): Canabis220/Robot@09cf63b ``PLCTags.xml``, 689 tags;
* V20: the same shape, ``retain`` included, is described by users who export it by hand.

The ``<Constant>`` element is known from tools that write the format for TIA to import, not from a TIA
export at hand. A ``<Tagtables>`` root holding several ``<Tagtable>`` is read as well (tools accept it); TIA's
own export writes one table per file. Parsing goes through :func:`simatic_xml.safe.parse_untrusted`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from . import safe
from .errors import SchemaError, UnsafeXmlError, XmlSyntaxError

__all__ = ("EditorConstant", "EditorTag", "EditorTagTable", "ROOTS", "is_tag_editor_root", "read_tag_editor_xml",
           "root_name")

ROOTS = ("Tagtable", "Tagtables")
"""Root element names of the tag editor's export (one table, or several)."""

_NAME = re.compile(r"\S")


@dataclass(frozen=True)
class EditorTag:
    """One ``<Tag>``: a PLC tag as the tag editor exported it (attribute texts as written)."""

    name: str
    data_type: str
    address: str = ""
    comment: str = ""
    attributes: dict[str, str] = field(default_factory=dict, compare=False)
    """Every attribute as written (``retain``, ``hmiVisible``...), for what this reader does not interpret."""


@dataclass(frozen=True)
class EditorConstant:
    """One ``<Constant>``: a user constant."""

    name: str
    data_type: str
    value: str = ""
    comment: str = ""


@dataclass
class EditorTagTable:
    """One ``<Tagtable>``: its name, tags and user constants in file order."""

    name: str
    tags: list[EditorTag] = field(default_factory=list)
    constants: list[EditorConstant] = field(default_factory=list)


_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)


def root_name(data: bytes) -> bytes | None:
    """The root element's name of an XML document from its first 4 KiB, without parsing it (None if none)."""
    # The prolog's comments go first, so a commented-out element is not taken for the root.
    match = _ROOT.search(_COMMENT.sub(b"", data[:4096]))
    return match.group(1) if match else None


def is_tag_editor_root(root: str | bytes | None) -> bool:
    """Whether a document's root element name is the tag editor's export."""
    if isinstance(root, bytes):
        root = root.decode("ascii", "replace")
    return root in ROOTS


def read_tag_editor_xml(data: bytes | str, *, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> list[EditorTagTable]:
    """The tables of a tag editor export.

    Raises:
        UnsafeXmlError: DOCTYPE, entities or an oversized document.
        XmlSyntaxError: not well-formed.
        SchemaError: another root, an element other than ``<Tag>``/``<Constant>`` in a table, a tag or constant
            without a name or without ``type``, a tag without ``addr``.
    """
    try:
        root = safe.parse_untrusted(data, max_bytes=max_bytes).getroot()
    except safe.UnsafeXmlError as exc:
        raise UnsafeXmlError(str(exc)) from exc
    except safe.XmlSyntaxError as exc:
        raise XmlSyntaxError(str(exc), exc.line) from exc
    if root.tag == "Tagtable":
        return [_table(root, "/Tagtable")]
    if root.tag == "Tagtables":
        tables = []
        for index, child in enumerate(_elements(root), 1):
            if child.tag != "Tagtable":
                raise SchemaError(f"<{child.tag!s}> in <Tagtables>: only <Tagtable> is expected",
                                  f"/Tagtables[{index}]")
            tables.append(_table(child, f"/Tagtables/Tagtable[{index}]"))
        return tables
    raise SchemaError(f"<{root.tag!s}> is no tag editor export: its root is <Tagtable>")


def _elements(parent: etree._Element) -> list[etree._Element]:
    # Comments (TIA writes "exported by ...") and processing instructions are no content.
    return [child for child in parent if isinstance(child.tag, str)]


def _table(element: etree._Element, path: str) -> EditorTagTable:
    table = EditorTagTable(name=element.get("name", ""))
    for index, child in enumerate(_elements(element), 1):
        where = f"{path}/{child.tag!s}[{index}]"
        name = (child.text or "").strip()
        if child.tag not in ("Tag", "Constant"):
            raise SchemaError(f"<{child.tag!s}> in a tag table: only <Tag> and <Constant> are expected", where)
        if len(child) or not _NAME.search(name):
            raise SchemaError(f"<{child.tag}> should hold its name as text", where)
        data_type = child.get("type", "").strip()
        if not data_type:
            raise SchemaError(f"{child.tag.lower()} {name!r} has no type", where)
        if child.tag == "Constant":
            table.constants.append(EditorConstant(name, data_type, child.get("value", ""), child.get("remark", "")))
            continue
        address = child.get("addr")
        if address is None:
            raise SchemaError(f"tag {name!r} has no address (addr)", where)
        table.tags.append(EditorTag(name, data_type, address.strip(), child.get("remark", ""), dict(child.attrib)))
    return table
