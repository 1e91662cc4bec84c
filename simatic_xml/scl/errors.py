"""Errors raised by the SCL front end.

Every error carries the 1-based line and column it points at; ``str(err)`` reads
like TIA's own messages: ``line 12, column 5: expected ';' after the assignment``.
"""
from __future__ import annotations


from ..errors import SclError, SclSyntaxError

__all__ = ("CLASSIC_MESSAGE", "ClassicSclNotSupportedError", "SclError", "SclSyntaxError")


CLASSIC_MESSAGE = "classic STEP 7 SCL syntax is not supported"


class ClassicSclNotSupportedError(SclSyntaxError):
    """The text uses classic STEP 7 (S7-300/400) SCL that TIA's S7-1200/1500 SCL does not accept."""

    def __init__(self, message: str = "", line: int = 0, col: int = 0) -> None:
        if not message.startswith(CLASSIC_MESSAGE):
            message = f"{CLASSIC_MESSAGE}: {message}" if message else CLASSIC_MESSAGE
        super().__init__(message, line, col)
