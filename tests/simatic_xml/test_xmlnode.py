"""The generic tree: what ``from_lxml`` refuses and keeps, and that ``XmlNode.iter`` stays lazy.

SimaticML has no comments, no processing instructions and no mixed content; a tree read with any of them
must be refused, never silently changed (a comment beside a leaf's text once made the text vanish). The class
is tested on generated trees: a comment or PI at every position of each, against a plain recursive conversion.
"""

from __future__ import annotations

import random
import sys
from typing import Iterator

import pytest
from lxml import etree

from simatic_xml.errors import SchemaError
from simatic_xml.xmlnode import XmlNode, from_lxml, split_tag

__all__ = ()


def _reference(el: etree._Element) -> XmlNode:
    """The plain recursive conversion the one-pass walk must equal (on trees without comments or PIs)."""
    assert isinstance(el.tag, str)
    ns, name = split_tag(el.tag)
    children = [_reference(c) for c in el]
    return XmlNode(name, ns, dict(el.attrib), children, None if children else el.text, el.sourceline or 0)


def _random_tree(rng: random.Random) -> etree._Element:
    root = etree.Element("{urn:a}Root", Id="0")
    elements = [root]
    for i in range(rng.randint(1, 25)):
        parent = rng.choice(elements)
        if parent.text is not None:  # a leaf with text stays a leaf (SimaticML has no mixed content)
            continue
        tag = rng.choice(["Part", "{urn:b}Access", "Wire", "{urn:a}Text"])
        child = etree.SubElement(parent, tag, UId=str(i))
        if rng.random() < 0.4:
            child.text = f"t{i}"
        elements.append(child)
    return etree.fromstring(etree.tostring(root))  # reparsed: source lines are set


def _intruders() -> list[etree._Element]:
    return [etree.Comment(" c "), etree.ProcessingInstruction("pi", "x")]


@pytest.mark.parametrize("seed", range(30))
def test_generated_trees_convert_like_the_recursive_reference(seed: int) -> None:
    root = _random_tree(random.Random(seed))
    assert from_lxml(root) == _reference(root)
    for sub in root.iter():
        assert from_lxml(sub) == _reference(sub)


@pytest.mark.parametrize("seed", range(30))
def test_a_comment_or_pi_anywhere_in_the_subtree_is_refused(seed: int) -> None:
    rng = random.Random(seed)
    text = etree.tostring(_random_tree(rng))
    for make in range(2):
        root = etree.fromstring(text)
        elements = list(root.iter())
        host = rng.choice(elements)
        host.insert(rng.randint(0, len(host)), _intruders()[make])
        with pytest.raises(SchemaError, match="comments and processing instructions are not SimaticML"):
            from_lxml(root)


@pytest.mark.parametrize("document", [b"<a><!--c--><b/></a>", b"<a>t<!--c--></a>", b"<a><?pi x?><b>x</b></a>",
                                      b"<a><b>x</b><!--c--></a>", b"<a><b>t<?pi?></b></a>"])
def test_the_reviewers_cases_are_refused(document: bytes) -> None:
    with pytest.raises(SchemaError, match="comments and processing instructions"):
        from_lxml(etree.fromstring(document))


def test_a_comment_outside_the_converted_subtree_is_not_its_concern() -> None:
    root = etree.fromstring(b"<r><a><b>1</b></a><!-- x --><c/></r>")
    assert from_lxml(root[0]) == XmlNode("a", None, {}, [XmlNode("b", None, {}, [], "1")])


class _Unwalkable(list[XmlNode]):
    """Children that fail when walked: a lazy walk that stopped before them never touches them."""

    def __reversed__(self) -> Iterator[XmlNode]:
        raise AssertionError("walked past the first hit")

    def __iter__(self) -> Iterator[XmlNode]:
        raise AssertionError("walked past the first hit")


def test_iter_stops_at_the_first_hit() -> None:
    later = XmlNode("Later", children=_Unwalkable([XmlNode("Component")]))
    tree = XmlNode("Root", children=[XmlNode("A", children=[XmlNode("Component", text="first")]), later])
    hit = next(tree.iter("Component"), None)
    assert hit is not None and hit.text == "first"
    assert next(XmlNode("Root", children=[XmlNode("Component")]).iter(), None) is not None


def _stack_walk(root: XmlNode) -> list[XmlNode]:
    """Document order as a stack of single nodes gives it (the walk's reference)."""
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


@pytest.mark.parametrize("seed", range(20))
def test_walk_is_document_order_on_generated_trees(seed: int) -> None:
    rng = random.Random(seed)
    nodes = [XmlNode("Root")]
    for index in range(rng.randint(1, 600)):
        parent = rng.choice(nodes[-10:] if rng.random() < 0.8 else nodes)  # deep runs and wide ones
        nodes.append(XmlNode(f"N{index}"))
        parent.children.append(nodes[-1])
    assert [id(n) for n in nodes[0].walk()] == [id(n) for n in _stack_walk(nodes[0])]


def test_walk_goes_deeper_than_the_interpreters_recursion_limit() -> None:
    root = deepest = XmlNode("Root")
    for index in range(sys.getrecursionlimit() * 3):
        child = XmlNode(f"N{index}", children=[XmlNode("Leaf")])
        deepest.children.append(child)
        deepest = child
    assert [id(n) for n in root.walk()] == [id(n) for n in _stack_walk(root)]
