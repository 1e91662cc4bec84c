"""Hardened XML parsing for every document that reaches us from outside.

SimaticML, AutomationML and uploaded tag tables never carry a DOCTYPE, so one is refused outright:
that closes XXE, external DTD fetches and entity-expansion bombs before libxml2 sees the document.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ("DEFAULT_MAX_BYTES", "UnsafeXmlError", "XmlSyntaxError", "parse_untrusted")

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest document accepted; the biggest real TIA block export we know of is a few MiB."""

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXmlError(ValueError):
    """The document uses a construct we refuse for safety (DOCTYPE, entities, excessive size)."""


class XmlSyntaxError(ValueError):
    """The document is not well-formed XML."""


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml advises against sharing parsers between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
        remove_blank_text=False,
    )


def parse_untrusted(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._ElementTree:
    """Parse XML from an untrusted source.

    Raises:
        UnsafeXmlError: the document is too large or declares a DOCTYPE or entities.
        XmlSyntaxError: the document is not well-formed.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise UnsafeXmlError(f"XML document is {len(raw)} bytes; the limit is {max_bytes}")
    if _DOCTYPE.search(raw):
        raise UnsafeXmlError("XML documents with a DOCTYPE or entity declarations are refused")
    try:
        tree = etree.ElementTree(etree.fromstring(raw, _parser()))
    except etree.XMLSyntaxError as exc:
        raise XmlSyntaxError(f"malformed XML: {exc}") from exc
    if tree.docinfo.doctype:
        raise UnsafeXmlError("XML documents with a DOCTYPE are refused")
    return tree
