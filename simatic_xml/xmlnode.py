"""A small generic element tree, used where the typed model stops (network bodies, ParameterData).

It keeps what SimaticML means and drops what it does not: element order, attribute values,
namespaces and leaf text are kept; indentation between elements is not (SimaticML has no mixed
content, so whitespace-only text in an element that has children is formatting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, cast

from lxml import etree

from . import safe
from .cancel import checkpoint
from .errors import SchemaError

__all__ = ("XmlNode", "element_tag", "from_lxml", "local_name", "namespace_of", "split_tag", "validate_tree")


@dataclass(slots=True)
class XmlNode:
    """One element: local ``tag``, its namespace URI (``ns``, None for none), attributes in order,
    child elements, and text (only meaningful for leaves)."""

    tag: str
    ns: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[XmlNode] = field(default_factory=list)
    text: str | None = None
    line: int = field(default=0, compare=False, repr=False)
    """The line of the element in the document it was read from (0: built, not read); not part of its meaning."""

    def iter(self, tag: str | None = None) -> Iterator[XmlNode]:
        """Depth-first, document-order walk over this node and its descendants (lazy: a caller that stops at
        the first hit walks no further; :meth:`walk` builds the whole list in one call where every node is needed)."""
        stack = [self]
        walked = 0
        while stack:
            node = stack.pop()
            walked += 1
            if not walked & 1023:  # walks of big network bodies are long: a timed-out call stops here
                checkpoint()
            if tag is None or node.tag == tag:
                yield node
            if node.children:
                stack.extend(reversed(node.children))

    def walk(self) -> list[XmlNode]:
        """This node and its descendants, depth first in document order.

        A list, built in one call: a generator is resumed once per node, and its resumptions were a sixth of a
        generated import's Python calls (renumbering, the dependency scan and the SCL writer walk every body).
        The list is filled by a loop over each element's children, a call per element that has children (half the
        time of a loop over a stack of single nodes, issue 71); a tree deeper than :data:`_RECURSION_DEPTH` goes
        on with such a stack (a pathological document must not reach the interpreter's recursion limit)."""
        checkpoint()  # walks of big network bodies are long: a timed-out call stops here
        out = [self]
        if self.children:
            _walk_children(self.children, out, 0)
        return out

    def find(self, tag: str) -> XmlNode | None:
        """The first direct child named ``tag``."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[XmlNode]:
        """All direct children named ``tag``."""
        return [c for c in self.children if c.tag == tag]

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute value."""
        return self.attrs.get(name, default)

    def copy(self) -> XmlNode:
        """A deep copy."""
        if self.children:
            checkpoint()
        return XmlNode(self.tag, self.ns, dict(self.attrs), [c.copy() for c in self.children], self.text)

    def __deepcopy__(self, memo: dict[int, object]) -> XmlNode:
        # copy.deepcopy's generic path (memo, reduce, per-attribute dispatch) cost ~60 us per node, and most of a
        # big SCL block's import time; a tree shares no nodes and holds only strings, so copy() is equivalent.
        return self.copy()


_RECURSION_DEPTH = 100
"""How deep :meth:`XmlNode.walk` recurses before it goes on with a stack (the deepest network bodies of the
corpus's exports and generated sources: 13 levels in SCL, 14 in GRAPH, 9 in LAD/FBD)."""


def _walk_children(children: list[XmlNode], out: list[XmlNode], depth: int) -> None:
    """``children`` and their descendants appended to ``out`` in document order (:meth:`XmlNode.walk`)."""
    append = out.append
    for node in children:
        append(node)
        if node.children:
            if depth < _RECURSION_DEPTH:
                _walk_children(node.children, out, depth + 1)
            else:
                _walk_stack(node.children, out)


def _walk_stack(children: list[XmlNode], out: list[XmlNode]) -> None:
    """:func:`_walk_children` of a deep subtree, without recursion."""
    stack = children[::-1]
    walked = 0
    while stack:
        node = stack.pop()
        out.append(node)
        walked += 1
        if not walked & 1023:
            checkpoint()
        if node.children:
            stack += node.children[::-1]


def element_tag(el: etree._Element) -> str:
    """The Clark tag of a parsed element (lxml gives ``str``; a comment's or PI's tag is a factory function)."""
    tag = el.tag
    if isinstance(tag, str):
        return tag
    raise SchemaError("comments and processing instructions are not SimaticML", el.getroottree().getpath(el))


def local_name(el: etree._Element) -> str:
    """The local part of an lxml element's tag."""
    tag = el.tag
    if not isinstance(tag, str):
        tag = element_tag(el)
    return tag[tag.index("}") + 1 :] if tag[0] == "{" else tag


def namespace_of(el: etree._Element) -> str | None:
    """The namespace URI of an lxml element, or None."""
    tag = el.tag
    if not isinstance(tag, str):
        tag = element_tag(el)
    return tag[1 : tag.index("}")] if tag[0] == "{" else None


# Clark tag -> (namespace, local name); tags repeat a lot, so splitting once pays off.
_TAG_CACHE: dict[str, tuple[str | None, str]] = {}


def split_tag(tag: str) -> tuple[str | None, str]:
    """``"{uri}Name"`` -> ``("uri", "Name")``; ``"Name"`` -> ``(None, "Name")``."""
    hit = _TAG_CACHE.get(tag)
    return hit if hit is not None else _split_new_tag(tag)


def _split_new_tag(tag: str) -> tuple[str | None, str]:
    """:func:`split_tag` for a tag not in the cache yet (callers looked it up already)."""
    if tag[0] == "{":
        ns, _, name = tag[1:].partition("}")
        hit: tuple[str | None, str] = (ns, name)
    else:
        hit = (None, tag)
    if len(_TAG_CACHE) < 10_000:
        _TAG_CACHE[tag] = hit
    return hit


_COMMENT_OR_PI = etree.XPath("(//comment() | //processing-instruction())[1]")  # also those outside the root
# One "descendant::" step walks the tree once; "//" is two steps and builds a node set per node.
# Text beside elements is text with an element before or after it among its siblings. Asked as two
# boolean() location paths, libxml2 stops at the first hit and builds no node sets: together less than
# half the cost of one predicate per text node ("descendant::text()[../*]").
_ELEMENT_AFTER_TEXT = etree.XPath("boolean(descendant::text()/following-sibling::*)")
_ELEMENT_BEFORE_TEXT = etree.XPath("boolean(descendant::text()/preceding-sibling::*)")
_MIXED = etree.XPath("(descendant::text()[normalize-space()][../*])[1]")
_NS_ATTR = etree.XPath("(descendant-or-self::*[@*[namespace-uri()]])[1]")


_PI_OR_COMMENT_START = re.compile(rb"<[?!]")


def _may_use_prefix(raw: bytes) -> bool:
    """False when the bytes surely declare no namespace prefix ("xmlns:p") and use no "xml:" one.

    A colon is rare in SimaticML (namespace URIs, some comments: a few per document); finding each by
    ``memchr`` and looking back is four times faster than a regex scan, which steps through every byte.
    ("xmlns:" does not contain "xml:", so both are looked for.)
    """
    colon = raw.find(b":")
    while colon >= 0:
        if raw.endswith(b"xml", 0, colon) or raw.endswith(b"xmlns", 0, colon):
            return True
        colon = raw.find(b":", colon + 1)
    return False


def _may_hold_comment_or_pi(raw: bytes) -> bool:
    """False when the bytes surely hold no comment and no processing instruction besides the declaration.

    Single-byte scans (``memchr``) rule out most documents in microseconds: TIA exports hold no ``!``, and
    no ``?`` after the declaration.
    """
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    if raw.startswith(b"<?xml", start):
        end = raw.find(b"?>", start)
        if end < 0:
            return True
        start = end + 2
    if raw.find(b"!", start) < 0 and raw.find(b"?", start) < 0:
        return False
    return _PI_OR_COMMENT_START.search(raw, start) is not None


def validate_tree(root: etree._Element, raw: bytes | None = None) -> bool:
    """Refuse what the generic tree cannot hold: comments, PIs, mixed content, namespaced attributes.

    ``raw`` (the document bytes, in an ASCII-compatible encoding) lets cheap byte scans rule out the first
    and last cases. Returns whether the tree is *blank-free*: no text at all, not even layout blanks, sits
    beside elements, as after a parse with ``keep_blank_text=False`` (see
    :func:`simatic_xml.safe.parse_untrusted`).
    """
    tree = root.getroottree()
    if raw is not None and not safe.ascii_compatible(raw):
        raw = None  # "<!--" in UTF-16 is not those bytes
    if raw is None or _may_hold_comment_or_pi(raw):
        bad = _COMMENT_OR_PI(root)
        if bad:
            parent = bad[0].getparent()
            where = tree.getpath(parent) if parent is not None else "/"
            raise SchemaError("comments and processing instructions are not SimaticML", where)
    blank_free = not (_ELEMENT_AFTER_TEXT(root) or _ELEMENT_BEFORE_TEXT(root))
    if not blank_free:
        bad = _MIXED(root)
        if bad:
            text = bad[0]
            owner = text.getparent()  # for a tail, lxml gives the element the text follows
            where = "after" if text.is_tail else "inside"
            raise SchemaError(f"mixed content (text {where} this element) is not SimaticML", tree.getpath(owner))
    # A namespaced attribute needs a declared prefix (xmlns:p) or the predeclared xml: prefix.
    if raw is None or _may_use_prefix(raw):
        bad = _NS_ATTR(root)
        if bad:
            raise SchemaError("namespaced attributes are not SimaticML", tree.getpath(bad[0]))
    return blank_free


def from_lxml(el: etree._Element) -> XmlNode:
    """Convert an lxml element (and its subtree) to an :class:`XmlNode`.

    The tree must have passed :func:`validate_tree` (the reader does this once per document).

    One pass of lxml's own walk (``iterwalk``, in C) with a stack of open nodes: a recursive conversion made
    three Python calls per element and a list comprehension per parent, most of a compile's reading of its
    stored blocks (issue 71).
    """
    # Looked up with lxml's tag as it comes (typed as any tag name; a start event's is always a str).
    tags = cast("dict[object, tuple[str | None, str]]", _TAG_CACHE)
    stack: list[XmlNode] = []
    root: XmlNode | None = None
    made = 0
    # "start"/"end" alone skip comments and PIs (while len() counts them, so a leaf's text would be lost):
    # they are asked for, to be refused.
    for event, element in etree.iterwalk(el, events=("start", "end", "comment", "pi")):
        if event == "end":
            stack.pop()
            continue
        if event != "start":
            element_tag(element)  # raises: a comment or PI is not SimaticML
        hit = tags.get(element.tag)
        ns, name = hit if hit is not None else _split_new_tag(element_tag(element))
        node = XmlNode(name, ns, dict(element.attrib), [], None if len(element) else element.text,
                       element.sourceline or 0)
        if stack:
            stack[-1].children.append(node)
        else:
            root = node
        stack.append(node)
        made += 1
        if not made & 1023:  # big network bodies: a timed-out call stops here
            checkpoint()
    assert root is not None  # iterwalk starts with the element itself
    return root
