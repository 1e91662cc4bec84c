"""The typed SimaticML model (../shared/notes/simaticml.md §1–§9).

This module gathers the model's pieces, so one import serves. Every ``SW.*`` object is an :class:`SwObject`
(element name, ID, CompositionName, scalar ``AttributeList`` and ``ObjectList`` children; it and the
:class:`Document` live in :mod:`simatic_xml.sw_base`); subclasses add typed accessors for blocks, UDTs, tag
tables, tags, compile units and watch/force tables (:mod:`simatic_xml.objects`). The block interface
is fully typed (:mod:`simatic_xml.interface`). Network bodies are stored as generic
:class:`~simatic_xml.xmlnode.XmlNode` trees inside :class:`NetworkSource`; typed views of them come
from :mod:`~simatic_xml.scl_tokens`, :mod:`~simatic_xml.flgnet`, :mod:`~simatic_xml.graph` and
:mod:`~simatic_xml.stl`, and :mod:`~simatic_xml.scl_text` turns SCL tokens into source text and back.

Scalar attributes are typed where the meaning is known (``Number`` is an ``int``, ``AutoNumber``
a ``bool``) and only when the text is in canonical form, so writing gives back the same text.
"""

from __future__ import annotations

from .interface import Comment, Interface, Member, MemberAttribute, Section, Sections, StartValue, Subelement
from .objects import (OBJECT_CLASSES, DB, FB, FC, OB, ArrayDB, Block, CompileUnit, GlobalDB, InstanceDB, PlcForceTable,
                      PlcStruct, PlcTag, PlcTagTable, PlcUserConstant, PlcWatchTable, TechnologicalInstanceDB)
from .sw_base import (BOOL_ATTRIBUTES, INT_ATTRIBUTES, AttrValue, Document, DocumentInfo, MultilingualText,
                      MultilingualTextItem, NetworkSource, ObjectChild, Product, SwObject, format_scalar, parse_scalar)

__all__ = (
    "BOOL_ATTRIBUTES",
    "INT_ATTRIBUTES",
    "AttrValue",
    "ArrayDB",
    "Block",
    "Comment",
    "CompileUnit",
    "DB",
    "Document",
    "DocumentInfo",
    "FB",
    "FC",
    "GlobalDB",
    "InstanceDB",
    "Interface",
    "Member",
    "MemberAttribute",
    "MultilingualText",
    "MultilingualTextItem",
    "NetworkSource",
    "OB",
    "ObjectChild",
    "PlcForceTable",
    "PlcStruct",
    "PlcTag",
    "PlcTagTable",
    "PlcUserConstant",
    "PlcWatchTable",
    "Product",
    "Section",
    "Sections",
    "StartValue",
    "Subelement",
    "SwObject",
    "TechnologicalInstanceDB",
    "OBJECT_CLASSES",
    "parse_scalar",
    "format_scalar",
)
