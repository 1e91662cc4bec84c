"""Renumber ``ID`` and ``UId`` values the way TIA exports number them (notes §6, §7, §9).

* ``ID`` (objects): uppercase hex without prefix, 0, 1, … in document order over the whole file.
* ``UId`` (network elements): decimal, from 21 in each network. In a ``FlgNet`` TIA numbers the
  Parts first (Access, Part, Call, Instance … in document order), then every ``OpenCon``, then every
  ``Wire``; ``IdentCon``/``NameCon`` are references and follow their targets. Other networks (SCL,
  STL) are numbered in document order; in SCL a ``Constant`` skips one UId before its
  ``ConstantValue`` and a named ``Constant`` two after it, as TIA does (552 of the corpus' 600 gaps).
  Every FlgNet inside a GRAPH network starts again at 21.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Protocol

from lxml import etree

from .errors import SchemaError
from .model import Document, MultilingualText, NetworkSource, ObjectChild, SwObject
from .xmlnode import XmlNode, split_tag

__all__ = ("FIRST_UID", "number_new_structured_text", "object_ids", "renumber_document", "renumber_ids",
           "renumber_network", "renumber_uids", "renumber_walked")

FIRST_UID = 21
_REFERENCES = frozenset({"IdentCon", "NameCon"})


def renumber_document(doc: Document) -> None:
    """Renumber IDs and every network's UIds in place."""
    renumber_ids(doc)
    renumber_uids(doc)


def object_ids() -> Iterator[str]:
    """The object ``ID`` values TIA writes, in document order: 0, 1, …, 9, A, … (uppercase hex)."""
    return (format(n, "X") for n in itertools.count())


def renumber_ids(doc: Document) -> None:
    """Give every object an ``ID`` in document order (0, 1, …, 9, A, …), in place."""
    ids = object_ids()

    def visit(obj: ObjectChild) -> None:
        obj.id = next(ids)
        if isinstance(obj, MultilingualText):
            for item in obj.items:
                item.id = next(ids)
            return
        for child in obj.children or ():
            visit(child)

    visit(doc.object)


def _objects(obj: ObjectChild) -> Iterator[ObjectChild]:
    yield obj
    if isinstance(obj, SwObject):
        for child in obj.children or ():
            yield from _objects(child)


def renumber_uids(doc: Document) -> None:
    """Renumber the UIds of every network body in the document, in place."""
    for obj in _objects(doc.object):
        if isinstance(obj, SwObject):
            for value in (obj.attributes or {}).values():
                if not isinstance(value, NetworkSource):
                    continue
                element = value.lazy_element
                if element is not None and (walked := _element_nodes(element)) is not None:
                    _renumber(walked)  # a body not read yet is renumbered as the reader kept it, unread
                elif value.body is not None:
                    renumber_network(value.body)


class _Attributes(Protocol):
    """An element's attributes, read and written in place: an :class:`XmlNode`'s dict or an lxml ``attrib``."""

    def __contains__(self, key: str, /) -> bool: ...
    def __getitem__(self, key: str, /) -> str: ...
    def __setitem__(self, key: str, value: str, /) -> None: ...


_Node = tuple[str, _Attributes, bool]
"""A network element as the numbering sees it: local tag, attributes (written in place), whether it has
children; in document order."""


def renumber_network(body: XmlNode) -> None:
    """Renumber one network body (FlgNet, StructuredText, StatementList or Graph) in place."""
    if body.tag == "Graph":
        for node in body.iter("FlgNet"):
            renumber_walked(node.walk())
    else:
        renumber_walked(body.walk())


def renumber_walked(nodes: list[XmlNode]) -> None:
    """Renumber a network body that is not a Graph, given as ``body.walk()`` (its writer walked it already).

    Outside a FlgNet the nodes are numbered as they come (:func:`_renumber`'s rule), without a tuple per element
    (issue 71)."""
    if nodes[0].tag == "FlgNet":
        _renumber_flgnet([(node.tag, node.attrs, bool(node.children)) for node in nodes])
        return
    next_uid = FIRST_UID
    scl = nodes[0].tag == "StructuredText"
    for node in nodes:
        attrs = node.attrs
        if "UId" in attrs:
            attrs["UId"] = str(next_uid)
            next_uid += 1
            if scl and node.tag == "Constant":
                next_uid += 1 if node.children else 2  # TIA's hidden UIds, as in _renumber


def number_new_structured_text(nodes: list[XmlNode]) -> None:
    """Give the elements of a StructuredText body just built (``body.walk()``; none has a UId yet) their UIds, as
    :func:`renumber_walked` numbers them, each written as TIA writes it: last among its attributes, first on
    ``CallInfo``.

    One loop that adds and numbers, where adding an empty UId to each element and then numbering them walked the
    body twice (issue 71)."""
    next_uid = FIRST_UID
    for node in nodes[1:]:  # the body itself has no UId
        tag = node.tag
        if tag == "CallInfo":
            node.attrs = {"UId": str(next_uid), **node.attrs}
        else:
            node.attrs["UId"] = str(next_uid)
        next_uid += 1
        if tag == "Constant":
            next_uid += 1 if node.children else 2  # TIA's hidden UIds, as in _renumber


def _element_nodes(body: etree._Element) -> list[_Node] | None:
    """An lxml body's nodes, or None where the generic tree must be built (GRAPH, or no SimaticML elements)."""
    nodes: list[_Node] = []
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str):  # a comment or PI: building the tree reports it
            return None
        nodes.append((split_tag(tag)[1], element.attrib, len(element) > 0))
    return None if not nodes or nodes[0][0] == "Graph" else nodes


def _renumber(nodes: list[_Node]) -> None:
    root = nodes[0][0]
    if root == "FlgNet":
        _renumber_flgnet(nodes)
        return
    next_uid = FIRST_UID
    for tag, attrs, has_children in nodes:
        if "UId" in attrs:
            attrs["UId"] = str(next_uid)
            next_uid += 1
            if tag == "Constant" and root == "StructuredText":
                # TIA reserves hidden UIds here: one before a ConstantValue, two after a named constant.
                next_uid += 1 if has_children else 2


def _renumber_flgnet(nodes: Iterable[_Node]) -> None:
    definers: list[_Node] = []
    open_cons: list[_Node] = []
    wires: list[_Node] = []
    refs: list[_Node] = []
    for node in nodes:
        tag, attrs, _ = node
        if "UId" not in attrs:
            continue
        if tag in _REFERENCES:
            refs.append(node)
        elif tag == "OpenCon":
            open_cons.append(node)
        elif tag == "Wire":
            wires.append(node)
        else:
            definers.append(node)
    mapping: dict[str, str] = {}
    for number, (tag, attrs, _) in enumerate(definers + open_cons + wires, FIRST_UID):
        old = attrs["UId"]
        if old in mapping and tag != "OpenCon":
            raise SchemaError(f"duplicate UId {old} in a FlgNet", f"FlgNet/{tag}")
        mapping[old] = str(number)
        attrs["UId"] = str(number)
    for tag, attrs, _ in refs:
        old = attrs["UId"]
        if old not in mapping:
            raise SchemaError(f"{tag} refers to unknown UId {old}", f"FlgNet/{tag}")
        attrs["UId"] = mapping[old]
