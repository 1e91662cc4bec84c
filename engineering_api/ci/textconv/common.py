"""What every part of the text shares: multilingual texts with their cultures, and elements the typed views leave
generic, written without their UIds."""

from __future__ import annotations

from collections.abc import Mapping

from simatic_xml.xmlnode import XmlNode

__all__ = ("INDENT", "VOLATILE_ATTRIBUTES", "node_lines", "text_lines")

INDENT = "  "

VOLATILE_ATTRIBUTES = frozenset({"UId", "ID"})
"""Attributes that number elements within one export (TIA renumbers them on every export): never written."""


def text_lines(label: str, texts: Mapping[str, str] | None, indent: str) -> list[str]:
    """``label [culture]: text`` per culture with a text, cultures sorted; a text of several lines is written one
    line each (``label [culture]: | line``), so a change to one line of a comment is one changed line."""
    out: list[str] = []
    for culture in sorted(texts or {}):
        text = (texts or {})[culture]
        if not text:
            continue
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if len(lines) == 1:
            out.append(f"{indent}{label} [{culture}]: {text}")
        else:
            out.extend(f"{indent}{label} [{culture}]: | {line}".rstrip() for line in lines)
    return out


def node_lines(node: XmlNode, indent: str) -> list[str]:
    """An element the typed views keep generic: ``<Tag a="1">text`` and its children indented below, attributes
    sorted, UIds left out."""
    attrs = " ".join(f'{key}="{value}"' for key, value in sorted(node.attrs.items())
                     if key not in VOLATILE_ATTRIBUTES)
    head = f"{indent}<{node.tag}{' ' + attrs if attrs else ''}>"
    if node.text and node.text.strip():
        head += " " + node.text.strip().replace("\r", "").replace("\n", "\\n")
    out = [head]
    for child in node.children:
        out.extend(node_lines(child, indent + INDENT))
    return out
