"""Hardened XML parsing for every document that reaches us from outside.

SimaticML, AutomationML and uploaded tag tables never carry a DOCTYPE, so one is refused outright:
that closes XXE, external DTD fetches and entity-expansion bombs before libxml2 sees the document.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ("DEFAULT_MAX_BYTES", "UnsafeXmlError", "XmlSyntaxError", "ascii_compatible", "parse_untrusted")

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest document accepted; the biggest real TIA block export we know of is a few MiB."""

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Every markup declaration, comment and CDATA section starts with "<!"; a regex finds it faster than ``in``.
_BANG = re.compile(rb"<!")


class UnsafeXmlError(ValueError):
    """The document uses a construct we refuse for safety (DOCTYPE, entities, excessive size)."""


class XmlSyntaxError(ValueError):
    """The document is not well-formed XML; ``line`` is where the parser stopped (0: not known)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def _parser(remove_blank_text: bool = False, collect_ids: bool = True) -> etree.XMLParser:
    # A fresh parser per call: lxml advises against sharing parsers between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
        remove_blank_text=remove_blank_text,
        collect_ids=collect_ids,
    )


def _may_hold_xml_id(raw: bytes) -> bool:
    """False when the bytes (ASCII-compatible) surely hold no ``xml:id`` attribute.

    Without a DTD (refused here) ``xml:id`` is the only attribute libxml2 takes for an ID. With ID collection
    on (lxml's default), lxml makes an ID table for every document and libxml2 asks of every attribute whether
    it is one, ~2.5 % of parsing a SimaticML export; switched off, the tree is the same but an invalid or
    repeated ``xml:id`` is no longer refused. So it is switched off only for documents that cannot hold one.
    A colon is rare outside namespace URIs; each is found by ``memchr``.
    """
    colon = raw.find(b":")
    while colon >= 0:
        if raw.startswith(b"id", colon + 1) and raw.endswith(b"xml", 0, colon):
            return True
        colon = raw.find(b":", colon + 1)
    return False


def ascii_compatible(raw: bytes) -> bool:
    """Whether markup in ``raw`` is plain ASCII bytes (UTF-8 and the like), so byte scans for "<!" hold.

    False for UTF-16 and UTF-32 documents, which libxml2 reads as well.
    """
    return raw[:3] == b"\xef\xbb\xbf" or raw[:64].lstrip()[:1] == b"<"


def parse_untrusted(
    data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES, keep_blank_text: bool = True
) -> etree._ElementTree:
    """Parse XML from an untrusted source.

    ``keep_blank_text=False`` drops layout: whitespace-only text between elements is not stored (libxml2's
    NOBLANKS; whitespace-only text of an element without children, such as ``<Text> </Text>``, is kept).
    For documents whose whitespace between elements means nothing (SimaticML) that halves the parse, as
    the indentation text nodes outnumber the elements. Blanks are kept anyway when the document holds
    ``<!`` (comments, CDATA): next to those libxml2's rule could also drop blanks that are content.

    Raises:
        UnsafeXmlError: the document is too large or declares a DOCTYPE or entities.
        XmlSyntaxError: the document is not well-formed.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise UnsafeXmlError(f"XML document is {len(raw)} bytes; the limit is {max_bytes}")
    # "!" is rare in SimaticML (memchr finds its absence in microseconds); "<!" then needs a real search.
    has_bang = b"!" in raw and _BANG.search(raw) is not None
    if has_bang and _DOCTYPE.search(raw):
        raise UnsafeXmlError("XML documents with a DOCTYPE or entity declarations are refused")
    ascii_markup = ascii_compatible(raw)
    parser = _parser(not keep_blank_text and not has_bang and ascii_markup, not ascii_markup or _may_hold_xml_id(raw))
    try:
        tree = etree.ElementTree(etree.fromstring(raw, parser))
    except etree.XMLSyntaxError as exc:
        raise XmlSyntaxError(f"malformed XML: {exc}", exc.lineno or 0) from exc
    if tree.docinfo.doctype:
        raise UnsafeXmlError("XML documents with a DOCTYPE are refused")
    return tree
