"""One network of a block's SimaticML read into the model, the block's other networks left unread.

The console draws a changed network of a diff when a reader opens it: reading both versions of an 85-network block
whole to draw one network of each cost ~3 ms of parsing a version (issue 93: an opened network at 11.7 health
checks). libxml2 still reads the whole text (C, a fraction of that); the typed model, where the time went, is built
for the one network, the block's attributes and its interface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import safe
from .reader import parse_tree, parse_untrusted

if TYPE_CHECKING:
    from .model import Document

__all__ = ("NetworkOf", "parse_network")

_UNIT = "SW.Blocks.CompileUnit"


class NetworkOf:
    """A block's document with one network read (:attr:`document`: that one alone among its compile units, none when
    the block has no such network) and how many networks the block has (:attr:`networks`)."""

    __slots__ = ("document", "networks")

    def __init__(self, document: Document, networks: int) -> None:
        self.document = document
        self.networks = networks


def parse_network(data: bytes, network: int, *, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> NetworkOf:
    """The document of ``data`` with its ``network``-th compile unit (1-based, in document order) as its only one.

    Raises:
        SimaticMLError: as :func:`simatic_xml.parse_bytes` for the parts read (the networks left out are not
            checked).
    """
    root = parse_untrusted(data, max_bytes=max_bytes).getroot()
    units = [unit for block in root for lists in block if lists.tag == "ObjectList"
             for unit in lists if unit.tag == _UNIT]
    for place, unit in enumerate(units, 1):
        if place != network:
            parent = unit.getparent()
            assert parent is not None  # found as a child of its ObjectList
            parent.remove(unit)
    # raw left out: the tree no longer holds what the bytes do, the checks read the tree
    return NetworkOf(parse_tree(root), len(units))
