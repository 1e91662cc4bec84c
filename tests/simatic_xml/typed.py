"""Typed views of read documents for the simatic_xml tests: each asserts what the test expects to be there.

A document's ``object`` is typed as the generic :class:`SwObject`; a test that reads a block's networks or a
UDT's interface takes it through these helpers, so a document of another kind fails as an assertion.
"""

from __future__ import annotations

from simatic_xml.model import (AttrValue, Block, CompileUnit, Document, Interface, PlcStruct, PlcTagTable, Section,
                                SwObject)
from simatic_xml.xmlnode import XmlNode

__all__ = ("attributes", "block", "body", "interface", "section", "tag_table")


def block(doc: Document) -> Block:
    """The document's object as a program block."""
    assert isinstance(doc.object, Block), type(doc.object).__name__
    return doc.object


def interface(of: Document | SwObject) -> Interface:
    """The interface of a block or PLC data type (or of the one a document holds)."""
    obj = of.object if isinstance(of, Document) else of
    assert isinstance(obj, Block | PlcStruct), type(obj).__name__
    found = obj.interface
    assert found is not None, obj.name
    return found


def tag_table(doc: Document) -> PlcTagTable:
    """The document's object as a tag table."""
    assert isinstance(doc.object, PlcTagTable), type(doc.object).__name__
    return doc.object


def attributes(obj: SwObject) -> dict[str, AttrValue]:
    """The object's AttributeList (present)."""
    assert obj.attributes is not None, obj.element
    return obj.attributes


def section(iface: Interface, name: str) -> Section:
    """The interface's top-level section ``name`` (present)."""
    found = iface.section(name)
    assert found is not None, name
    return found


def body(unit: CompileUnit) -> XmlNode:
    """The network's body tree (present)."""
    source = unit.network_source
    assert source is not None and source.body is not None, unit.id
    return source.body
