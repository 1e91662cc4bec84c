"""Escaping rules of TIA's XML output, shared by the writers."""

from __future__ import annotations

__all__ = ("escape_attr", "escape_inner_text", "escape_outer_text")

# The outer document leaves ">" unescaped in text; embedded documents (Interface, networks) and all
# attribute values escape it. "]]>" is broken up either way, as XML requires.
_OUTER_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", "\r": "&#xD;"})
_INNER_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#xA;", "\r": "&#xD;", "\t": "&#x9;"}
)


def escape_attr(value: str) -> str:
    """An attribute value (without the quotes)."""
    return value if value.isalnum() else value.translate(_ATTR)


def escape_inner_text(text: str) -> str:
    """Text inside an embedded document."""
    if text.isalnum():  # the common case, and much cheaper than translate()
        return text
    out = text.translate(_INNER_TEXT)
    return out.replace("]]>", "]]&gt;") if "]]>" in out else out


def escape_outer_text(text: str) -> str:
    """Text in the outer document."""
    if text.isalnum():
        return text
    out = text.translate(_OUTER_TEXT)
    return out.replace("]]>", "]]&gt;") if "]]>" in out else out
