"""Tag tables in the fake's model: kept as records, written as SimaticML when read.

A PLC's ``software.tag_tables`` holds :class:`~fakes.program.ProgramObject` s whose ``xml`` is the
``SW.Tags.PlcTagTable`` document. Editing a table through its XML for every tag would make a
100,000-tag import spend seconds re-writing the document, so a table that is edited here becomes a
:class:`TagTableObject`: the same program object, but holding immutable records and producing its
``xml`` (through the simatic_xml model and writer) the first time someone reads it. Tables imported
as documents are read into records on first use; their original XML is returned until they change.

Records are never mutated; an edit builds a new :class:`TableData` and a new object, so a transaction's
copy of the project shares the objects (see :meth:`fakes.program.PlcSoftware.__deepcopy__`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.rules.values import PRIMARY_CULTURE
from fakes.program import ProgramObject
from simatic_xml import SimaticMLError, parse_bytes, to_bytes
from simatic_xml.model import (
    AttrValue,
    Document,
    DocumentInfo,
    MultilingualText,
    MultilingualTextItem,
    ObjectChild,
    PlcTag,
    PlcTagTable,
    PlcUserConstant,
    Product,
)
from simatic_xml.renumber import renumber_document
from simatic_xml.versions import DOCUMENT_INFO_VERSIONS

if TYPE_CHECKING:
    from fakes.program import PlcSoftware

__all__ = (
    "DEFAULT_TABLE", "ConstRecord", "TableData", "TagRecord", "TagTableObject", "default_table", "table_object",
    "table_xml",
)

DEFAULT_TABLE = "Default tag table"
"""Every PLC has it; TIA does not let it be deleted."""
MAX_XML_BYTES = 1 << 31


@dataclass(frozen=True, slots=True)
class TagRecord:
    """One PLC tag."""

    name: str
    data_type: str
    address: str
    comment: str = ""
    hmi_visible: bool = True
    hmi_accessible: bool = True
    hmi_writeable: bool = True
    texts: tuple[tuple[str, str], ...] = ()
    """Every comment culture as read ((culture, text)); empty when only ``comment`` is known."""


@dataclass(frozen=True, slots=True)
class ConstRecord:
    """One user constant."""

    name: str
    data_type: str
    value: str
    comment: str = ""
    texts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TableData:
    """A tag table's content; replaced, never changed in place."""

    name: str
    tags: tuple[TagRecord, ...] = ()
    constants: tuple[ConstRecord, ...] = ()
    extra: tuple[ObjectChild, ...] = field(default=())
    """ObjectList children we do not model (kept as read, written back)."""


def _texts_of(obj: object) -> tuple[str, tuple[tuple[str, str], ...]]:
    comment = obj.comment if hasattr(obj, "comment") else None
    if comment is None:
        return "", ()
    texts = tuple((item.culture, item.text or "") for item in comment.items)
    primary = next((t for c, t in texts if c == PRIMARY_CULTURE), None)
    if primary is None:
        primary = next((t for _, t in texts if t), texts[0][1] if texts else "")
    return primary, texts


def _flag(value: object) -> bool:
    return value is not False and value != "false"


def read_table(xml: bytes, source: str = "tag table") -> TableData:
    """Records from a ``SW.Tags.PlcTagTable`` document.

    Raises:
        ValidationError: not a tag table document we can read.
    """
    try:
        doc = parse_bytes(xml, max_bytes=MAX_XML_BYTES)
    except SimaticMLError as exc:
        raise ValidationError(f"{source} is not valid SimaticML: {exc}", code=codes.INVALID_SIMATICML) from None
    table = doc.object
    if not isinstance(table, PlcTagTable):
        raise ValidationError(f"{source} is not a PLC tag table document", code=codes.INVALID_SIMATICML)
    tags: list[TagRecord] = []
    constants: list[ConstRecord] = []
    extra: list[ObjectChild] = []
    for child in table.children or ():
        if isinstance(child, PlcTag):
            comment, texts = _texts_of(child)
            tags.append(TagRecord(
                name=child.name or "", data_type=str(child.attr("DataTypeName") or ""),
                address=str(child.attr("LogicalAddress") or ""), comment=comment,
                hmi_visible=_flag(child.attr("ExternalVisible")),
                hmi_accessible=_flag(child.attr("ExternalAccessible")),
                hmi_writeable=_flag(child.attr("ExternalWritable")), texts=texts,
            ))
        elif isinstance(child, PlcUserConstant):
            comment, texts = _texts_of(child)
            constants.append(ConstRecord(
                name=child.name or "", data_type=str(child.attr("DataTypeName") or ""),
                value=str(child.attr("Value") or ""),
                comment=comment, texts=texts,
            ))
        else:
            extra.append(child)
    return TableData(name=table.name or "", tags=tuple(tags), constants=tuple(constants), extra=tuple(extra))


def _comment(comment: str, texts: tuple[tuple[str, str], ...]) -> MultilingualText:
    if not texts:
        return MultilingualText("Comment", [MultilingualTextItem(PRIMARY_CULTURE, comment)])
    primary = PRIMARY_CULTURE if any(c == PRIMARY_CULTURE for c, _ in texts) else texts[0][0]
    return MultilingualText(
        "Comment", [MultilingualTextItem(c, comment if c == primary else t) for c, t in texts]
    )


def _older_than_v19(version: str) -> bool:
    digits = "".join(ch for ch in version.split("SP")[0] if ch.isdigit())
    return bool(digits) and int(digits) < 19


def table_xml(data: TableData, version: str) -> bytes:
    """The table as TIA exports it for ``version``.

    V16–V18 write the HMI flags (External*) on every tag; V19+ leave out the defaults (true), as the
    corpus shows. Built with the simatic_xml model and writer, like
    :func:`simatic_xml.generate.design.tag_table_xml`, which writes tags only (no user constants, no flags).
    """
    all_flags = _older_than_v19(version)
    children: list[ObjectChild] = []
    for tag in data.tags:
        attributes: dict[str, AttrValue] = {"DataTypeName": tag.data_type}
        for key, value in (("ExternalAccessible", tag.hmi_accessible), ("ExternalVisible", tag.hmi_visible),
                           ("ExternalWritable", tag.hmi_writeable)):
            if all_flags or not value:
                attributes[key] = value
        attributes["LogicalAddress"] = tag.address
        attributes["Name"] = tag.name
        children.append(PlcTag(element=PlcTag.ELEMENT, composition_name="Tags", attributes=attributes,
                               children=[_comment(tag.comment, tag.texts)]))
    for constant in data.constants:
        children.append(PlcUserConstant(
            element=PlcUserConstant.ELEMENT, composition_name="UserConstants",
            attributes={"DataTypeName": constant.data_type, "Name": constant.name, "Value": constant.value},
            children=[_comment(constant.comment, constant.texts)],
        ))
    children.extend(copy.deepcopy(list(data.extra)))
    table = PlcTagTable(element=PlcTagTable.ELEMENT, attributes={"Name": data.name}, children=children)
    info = None
    if version in DOCUMENT_INFO_VERSIONS:
        info = DocumentInfo(None, "None", [Product("Product", "Totally Integrated Automation Portal", version),
                                            Product("OptionPackage", "TIA Portal Openness", version)])
    doc = Document(version, table, info)
    renumber_document(doc)
    return to_bytes(doc)


class TagTableObject(ProgramObject):
    """A tag table program object whose ``xml`` is written from its records on first read."""

    # Set in ``__dict__`` (not dataclass fields): the ``xml`` property stands for the field of that name.
    _table: TableData | None
    _xml: bytes | None
    _version: str

    @classmethod
    def from_table(cls, data: TableData, *, version: str, folder: str = "", xml: bytes | None = None) -> TagTableObject:
        """Wrap records (and the XML they were read from, when unchanged)."""
        obj = cls(kind="TagTable", name=data.name, xml=xml or b"", folder=folder)
        obj.__dict__.update(_table=data, _xml=xml, _version=version)  # ProgramObject is frozen: not by setattr
        return obj

    @property
    def xml(self) -> bytes:
        """The SimaticML document (written on first read after a change)."""
        xml: bytes | None = self.__dict__.get("_xml")
        if xml is None:
            xml = self.__dict__["_xml"] = table_xml(self.table, self.__dict__.get("_version", "V19"))
        return xml

    @xml.setter
    def xml(self, value: bytes) -> None:
        # only from ProgramObject.__init__ (the object is frozen after it): the records are read from it on use
        self.__dict__.update(_xml=value or None, _table=None)

    @property
    def table(self) -> TableData:
        """The records (read from the XML on first use)."""
        data = self.__dict__.get("_table")
        if data is None:
            data = self.__dict__["_table"] = read_table(self.__dict__["_xml"], self.name)
        return data

    def with_table(self, data: TableData) -> TagTableObject:
        """A new object with changed records, same folder and version."""
        return TagTableObject.from_table(data, version=self.__dict__.get("_version", "V19"), folder=self.folder)



def table_object(software: PlcSoftware, name: str, version: str) -> TagTableObject | None:
    """The table named ``name`` as a :class:`TagTableObject` (converted in place from a plain program object)."""
    obj = software.tag_tables.get(name)
    if obj is None:
        return None
    if not isinstance(obj, TagTableObject):
        data = read_table(obj.xml, name)
        if data.name != name:
            data = replace(data, name=name)
        obj = TagTableObject.from_table(data, version=version, folder=obj.folder, xml=obj.xml)
        software.tag_tables[name] = obj
    return obj


def default_table(software: PlcSoftware, version: str) -> None:
    """Give a PLC without tag tables its "Default tag table" (TIA creates one with every PLC)."""
    if not software.tag_tables:
        software.tag_tables[DEFAULT_TABLE] = TagTableObject.from_table(TableData(DEFAULT_TABLE), version=version)
