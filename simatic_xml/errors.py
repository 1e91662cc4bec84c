"""The one exception tree of :mod:`simatic_xml`.

Callers catch :class:`SimaticMLError` for anything this package raises. The two parse errors of
:mod:`simatic_xml.safe` are re-raised as the classes below (``raise … from exc``), so one ``except``
covers unsafe input, malformed XML, unknown structure and version problems. Both stay ``ValueError``
subclasses, like the originals, so code written against ``safe.py`` keeps working.
"""

from __future__ import annotations

__all__ = (
    "GenerationNotSupportedError",
    "SchemaError",
    "SclError",
    "SclSyntaxError",
    "SimaticMLError",
    "UnsafeXmlError",
    "UnsupportedConstructError",
    "VersionError",
    "XmlSyntaxError",
)


class SimaticMLError(ValueError):
    """Base class of every error raised by :mod:`simatic_xml`. ``line``: the document's line the error is at, where
    the reader knows it (0: not known), so that a check reports it there."""

    line: int = 0


class UnsafeXmlError(SimaticMLError):
    """The document uses a construct refused for safety (DOCTYPE, entities, excessive size)."""


class XmlSyntaxError(SimaticMLError):
    """The document is not well-formed XML (``line``: where the parser stopped)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


class SchemaError(SimaticMLError):
    """Well-formed XML that is not SimaticML this package understands.

    ``path`` names the offending element (``/Document/SW.Blocks.FB/AttributeList/…``).
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{message} (at {path})" if path else message)
        self.path = path


class UnsupportedConstructError(SchemaError):
    """SimaticML that TIA's schema allows but this package does not read (an ``Access`` scope no export showed):
    the document is not wrong, only not understood here, so a checker leaves that part unchecked."""


class VersionError(SimaticMLError):
    """A TIA version is unknown, or a document uses something the target version cannot express."""


class SclError(SimaticMLError):
    """Base of the SCL errors: SCL is what SimaticML's SCL networks hold, so it is one tree.

    ``line`` and ``col`` are 1-based; ``str(err)`` reads like TIA's messages:
    ``line 12, column 5: expected ';' after the assignment``.
    """

    def __init__(self, message: str, line: int = 0, col: int = 0) -> None:
        self.message = message
        self.line = line
        self.col = col
        super().__init__(f"line {line}, column {col}: {message}" if line else message)

    @property
    def column(self) -> int:
        """Alias of ``col``."""
        return self.col


class SclSyntaxError(SclError):
    """SCL text that is not valid SCL (lexical or grammatical), or cannot become StructuredText tokens."""


class GenerationNotSupportedError(SclSyntaxError):
    """Valid SCL that cannot become StructuredText tokens because TIA's SimaticML form of it is not known (a
    REF_TO dereference ``#r^``, an assignment attempt ``?=``): refused by name rather than written in a guess."""

    code = "GENERATION_NOT_SUPPORTED"
