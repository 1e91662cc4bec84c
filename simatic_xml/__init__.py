"""SimaticML reading and writing (TIA Portal V14 SP1, V16–V21). No web imports.

Typical use::

    from simatic_xml import read_file, to_bytes, retarget
    doc = read_file("FB_Motor.xml")
    data = to_bytes(retarget(doc, "V19"), renumber=True)
"""

from __future__ import annotations

from .check import CheckResult, check_bytes, check_file
from .errors import SchemaError, SclSyntaxError, SimaticMLError, UnsafeXmlError, VersionError, XmlSyntaxError
from .model import Document
from .reader import parse_bytes, read_file
from .renumber import renumber_document
from .retarget import convert_bytes, retarget
from .scl_text import SclContext, context_from_interface, context_from_tokens, text_to_tokens, tokens_to_text
from .writer import to_bytes, write_file

__all__ = (
    "CheckResult",
    "Document",
    "SclContext",
    "SchemaError",
    "SclSyntaxError",
    "SimaticMLError",
    "UnsafeXmlError",
    "VersionError",
    "XmlSyntaxError",
    "check_bytes",
    "check_file",
    "context_from_interface",
    "convert_bytes",
    "context_from_tokens",
    "parse_bytes",
    "read_file",
    "renumber_document",
    "retarget",
    "text_to_tokens",
    "to_bytes",
    "tokens_to_text",
    "write_file",
)
