"""Escaping rules of TIA's XML output, shared by the writers.

The writers look escaped forms up in :data:`ATTR`, :data:`INNER_TEXT` and :data:`OUTER_TEXT` (``ATTR[value]``):
the same few thousand names, types and start values recur across a program, so a dict hit (no Python call)
replaces a ``translate`` per value. Misses are computed and remembered; each table forgets everything once it
holds :data:`CACHE_SIZE` entries, and long strings (comments) are never kept.
"""

from __future__ import annotations

import re

__all__ = (
    "ATTR", "CACHE_SIZE", "INNER_TEXT", "LONGEST_KEPT", "NOT_IN_XML", "OUTER_TEXT", "escape_attr",
    "escape_inner_text", "escape_outer_text",
)

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot hold (its ``Char`` production, https://www.w3.org/TR/xml/#charsets): a SimaticML
document cannot carry them, written raw or as a character reference, so a text holding one cannot be written
into a readable document (escaping cannot help: ``&#xB;`` is not well-formed either)."""

CACHE_SIZE = 16384
"""Entries per table before it is cleared."""
LONGEST_KEPT = 128
"""The longest text a table keeps (longer ones, comments mostly, rarely repeat)."""

# The outer document leaves ">" unescaped in text; embedded documents (Interface, networks) and all
# attribute values escape it. "]]>" is broken up either way, as XML requires.
# Each table is applied as a chain of str.replace, "&" first (no replacement holds another special character,
# so this equals a one-pass translate); replace skips an absent character in one fast scan, where translate
# with a dict table costs a lookup per character, which told on long non-ASCII comments.
_OUTER_TEXT = (("&", "&amp;"), ("<", "&lt;"), ("\r", "&#xD;"))
_INNER_TEXT = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#xD;"))
_ATTR = (
    ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("\n", "&#xA;"), ("\r", "&#xD;"), ("\t", "&#x9;")
)


def _escaped(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for old, new in table:
        if old in text:
            text = text.replace(old, new)
    return text


# A table is a dict with ``__missing__``: a hit costs no Python call at all, a miss one. The escape is written
# out in each ``__missing__`` for that reason. Only plain short strings are kept: a str subclass (lxml's smart
# strings) would keep its tree alive, and long texts (comments) rarely repeat.


class _EscapedAttr(dict[str, str]):
    __slots__ = ()

    def __missing__(self, text: str) -> str:
        escaped = text if text.isalnum() else _escaped(text, _ATTR)
        if len(text) <= LONGEST_KEPT and type(text) is str:
            if len(self) >= CACHE_SIZE:
                self.clear()
            self[text] = escaped
        return escaped


class _EscapedText(dict[str, str]):
    __slots__ = ("_table",)

    def __init__(self, table: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, text: str) -> str:
        if text.isalnum():
            escaped = text
        else:
            escaped = _escaped(text, self._table)
            if "]]>" in escaped:
                escaped = escaped.replace("]]>", "]]&gt;")
        if len(text) <= LONGEST_KEPT and type(text) is str:
            if len(self) >= CACHE_SIZE:
                self.clear()
            self[text] = escaped
        return escaped


ATTR: dict[str, str] = _EscapedAttr()
"""Attribute value -> escaped (without the quotes)."""
INNER_TEXT: dict[str, str] = _EscapedText(_INNER_TEXT)
"""Text inside an embedded document -> escaped."""
OUTER_TEXT: dict[str, str] = _EscapedText(_OUTER_TEXT)
"""Text in the outer document -> escaped."""


def escape_attr(value: str) -> str:
    """An attribute value (without the quotes)."""
    return ATTR[value]


def escape_inner_text(text: str) -> str:
    """Text inside an embedded document."""
    return INNER_TEXT[text]


def escape_outer_text(text: str) -> str:
    """Text in the outer document."""
    return OUTER_TEXT[text]
