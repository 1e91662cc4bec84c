"""Dependency order for bulk imports.

:func:`import_order` sorts SimaticML documents so that everything a document needs is imported
before it: tag tables (user constants can size arrays), UDTs (a UDT used inside another UDT first),
FBs and FCs (callees and multi-instance FBs before their callers, where the XML shows the call), then
DBs (global and instance), then OBs, then anything else. Inside a group the input order is kept unless a
dependency says otherwise; a dependency cycle (which TIA would refuse anyway) keeps input order.

Dependencies are read from the XML:

* interface member types in quotes (``"UDT_X"``, ``"FB_Motor"`` multi-instances), nested types too;
* LAD/FBD ``Call/CallInfo/@Name``; SCL ``CallInfo/@Name`` and its ``Instance`` (V19+), the
  ``GlobalVariable`` operand in front of a nameless call (V16–V18 FC/DB calls);
* ``InstanceOfName`` of instance DBs.
"""

from __future__ import annotations

import heapq

from lxml import etree

from ..cancel import checkpoint
from ..errors import SimaticMLError
from ..interface import Interface, Member, Sections
from ..model import Document, SwObject
from ..reader import parse_bytes
from ..xmlnode import XmlNode, local_name
from .errors import SpecError

__all__ = ("dependencies", "import_order", "order_documents", "rank")

_RANKS = {
    "SW.Tags.PlcTagTable": 0,
    "SW.Types.PlcStruct": 1,
    "SW.Blocks.FB": 2,
    "SW.Blocks.FC": 2,
    "SW.Blocks.GlobalDB": 3,
    "SW.Blocks.InstanceDB": 3,
    "SW.Blocks.ArrayDB": 3,
    "SW.TechnologicalObjects.TechnologicalInstanceDB": 3,
    "SW.Blocks.OB": 4,
}


def rank(doc: Document) -> int:
    """0 tag tables, 1 UDTs, 2 FB/FC, 3 DBs, 4 OBs, 5 anything else."""
    return _RANKS.get(doc.object.element, 5)


def _member_types(sections: Sections | None, out: set[str]) -> None:
    for section in sections.sections if sections is not None else ():
        _members(section.members, out)
        _member_types(section.sections, out)


def _members(members: list[Member], out: set[str]) -> None:
    for m in members:
        start = m.datatype.find('"')
        while start >= 0:
            end = m.datatype.find('"', start + 1)
            if end < 0:
                break
            out.add(m.datatype[start + 1 : end])
            start = m.datatype.find('"', end + 1)
        _members(m.members, out)


def dependencies(doc: Document) -> set[str]:
    """Names of blocks/types a document refers to (its own name excluded)."""
    obj = doc.object
    out: set[str] = set()
    iface = obj.attr("Interface")
    if isinstance(iface, Interface):
        _member_types(iface.sections, out)
    inst = obj.attr("InstanceOfName")
    if isinstance(inst, str):
        out.add(inst)
    for child in obj.children or ():
        if not isinstance(child, SwObject):
            continue
        source = child.attr("NetworkSource")
        element = getattr(source, "lazy_element", None)
        if element is not None:  # a body the reader has not built yet: read lxml directly (as fast, no tree built)
            _lxml_call_names(element, out)
            continue
        body = getattr(source, "body", None)
        if body is None:
            continue
        _call_names(body, out)
    out.discard(obj.name or "")
    out.discard("")
    return out


def _call_names(body: XmlNode, out: set[str]) -> None:
    """:func:`dependencies`' walk of a network body's generic tree, in any order (``out`` is a set).

    One loop over each element's children serves both needs (a ``CallInfo``, and an ``Access`` of scope ``Call``
    after a global one): a walk into a list, then a pair of sibling lists per element, was most of ordering a
    generated source's blocks (issue 71)."""
    stack = [body]
    walked = 0
    while stack:
        node = stack.pop()
        walked += 1
        if not walked & 1023:  # walks of big network bodies are long: a timed-out call stops here
            checkpoint()
        if node.tag == "CallInfo":
            if node.attrs.get("Name"):
                out.add(node.attrs["Name"])
            inst_node = node.find("Instance")
            if inst_node is not None and inst_node.attrs.get("Scope") == "GlobalVariable":
                comp = inst_node.find("Component")
                if comp is not None:
                    out.add(comp.attrs.get("Name", ""))
        kids = node.children
        if not kids:
            continue
        stack += kids
        global_before = False  # the previous child is an Access of scope GlobalVariable
        previous = node
        for cur in kids:
            if cur.tag != "Access":
                global_before = False
                continue
            scope = cur.attrs.get("Scope")
            if scope == "Call" and global_before:
                symbol = previous.find("Symbol")
                comp = symbol.find("Component") if symbol is not None else None
                if comp is not None:
                    out.add(comp.attrs.get("Name", ""))
            global_before = scope == "GlobalVariable"
            previous = cur


def _lxml_call_names(body: etree._Element, out: set[str]) -> None:
    """:func:`dependencies`' walk of a network body, on the reader's lxml element (names without namespaces).

    The reader's ``validate_tree`` admits elements only, so sibling steps never meet a comment.
    """
    for node in body.iter("{*}CallInfo"):
        name = node.get("Name")
        if name:
            out.add(name)
        inst_node = node.find("{*}Instance")
        if inst_node is not None and inst_node.get("Scope") == "GlobalVariable":
            comp = inst_node.find("{*}Component")
            if comp is not None:
                out.add(comp.get("Name", ""))
    for cur in body.iter("{*}Access"):
        if cur.get("Scope") != "Call":
            continue
        prev = cur.getprevious()
        if prev is not None and local_name(prev) == "Access" and prev.get("Scope") == "GlobalVariable":
            symbol = prev.find("{*}Symbol")
            comp = symbol.find("{*}Component") if symbol is not None else None
            if comp is not None:
                out.add(comp.get("Name", ""))


def import_order(documents: list[tuple[str, bytes]], *, strict: bool = True) -> list[str]:
    """The document names (first tuple items) in import order.

    With ``strict`` (the default) a document that does not parse raises :class:`SpecError` at
    ``documents[i]``; otherwise unreadable documents go last, in input order.
    """
    parsed: list[tuple[str, Document | None]] = []
    for i, (name, data) in enumerate(documents):
        checkpoint()  # once per document: a timed-out bulk import stops here
        try:
            doc = parse_bytes(data)
        except SimaticMLError as exc:
            if strict:
                raise SpecError(f"documents[{i}]", f"{name}: {exc}") from None
            doc = None
        parsed.append((name, doc))
    return order_documents(parsed)


def order_documents(documents: list[tuple[str, Document | None]]) -> list[str]:
    """:func:`import_order` of documents already read or built (None: unreadable, goes last)."""
    seen_names: set[str] = set()
    for i, (name, _) in enumerate(documents):
        if name in seen_names:
            raise SpecError(f"documents[{i}]", f"duplicate document name {name!r}")
        seen_names.add(name)
    parsed = [(i, name, doc) for i, (name, doc) in enumerate(documents)]

    by_block: dict[str, list[int]] = {}
    for i, _, doc in parsed:
        if doc is not None and doc.object.name:
            by_block.setdefault(doc.object.name.casefold(), []).append(i)

    groups: dict[int, list[int]] = {}
    for i, _, doc in parsed:
        groups.setdefault(rank(doc) if doc is not None else 6, []).append(i)

    deps: dict[int, set[int]] = {}
    for i, _, doc in parsed:
        wanted: set[int] = set()
        # Only a document of the same rank can be wanted first: a document alone in its rank (a source of one
        # block, most of them) needs no dependency scan of its networks.
        if doc is not None and len(groups[rank(doc)]) > 1:
            for dep in dependencies(doc):
                for j in by_block.get(dep.casefold(), ()):
                    if j != i and (other := parsed[j][2]) is not None and rank(other) == rank(doc):
                        wanted.add(j)
        deps[i] = wanted
    order: list[int] = []
    for key in sorted(groups):
        order.extend(_stable_topo(groups[key], deps))
    return [parsed[i][1] for i in order]


def _stable_topo(items: list[int], deps: dict[int, set[int]]) -> list[int]:
    """Kahn's algorithm, always taking the earliest ready item; cycles fall back to input order.

    Ready items wait in a heap by input position, so this is O(n log n + edges); a rescan of the remaining
    items per step made bulk imports of thousands of documents quadratic.
    """
    position = {item: pos for pos, item in enumerate(items)}
    waiting_on = {item: sum(1 for d in deps[item] if d in position) for item in items}
    dependents: dict[int, list[int]] = {}
    for item in items:
        for d in deps[item]:
            if d in position:
                dependents.setdefault(d, []).append(item)
    ready = [position[item] for item in items if not waiting_on[item]]
    heapq.heapify(ready)
    done: set[int] = set()
    out: list[int] = []
    first_left = 0  # input position before which every item is done
    while len(out) < len(items):
        checkpoint()
        while ready and items[ready[0]] in done:
            heapq.heappop(ready)
        if ready:
            item = items[heapq.heappop(ready)]
        else:  # a cycle: keep input order
            while items[first_left] in done:
                first_left += 1
            item = items[first_left]
        done.add(item)
        out.append(item)
        for dependent in dependents.get(item, ()):
            waiting_on[dependent] -= 1
            if not waiting_on[dependent] and dependent not in done:
                heapq.heappush(ready, position[dependent])
    return out
