"""One line per log record: control characters in a logged message are escaped, wherever the value came from.

A request path, a header or an object name can hold ``%0A`` (a line feed) or ``%00``; logged as they are, a path
like ``/console/static/x%0AINFO - forged`` writes a second, forged line into the server log. Rather than escape at
every call site, :func:`install` sets a log record factory for the process: every record's message is escaped when
it is formatted, whichever logger or handler formats it. A traceback (``exc_info``) keeps its lines: handlers add it
after the message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ("EscapedLogRecord", "escape_controls", "install")

_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 control characters (tab excepted: it starts no line) and Unicode's line and paragraph separators."""
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character written as a Python escape (``\\n``, ``\\x00``, ``\\u2028``)."""
    return _CONTROLS.sub(_escaped, text) if _CONTROLS.search(text) else text


class EscapedLogRecord(logging.LogRecord):
    """A log record whose message holds no control character."""

    def getMessage(self) -> str:  # the logging module's name
        message = super().getMessage()
        if self.args is None:
            # A QueueHandler's prepared copy (logging.handlers.QueueHandler.prepare): its message is the line the
            # queue's formatter made from the original record, already escaped, plus the traceback's own lines.
            return message
        return escape_controls(message)


def install() -> None:
    """Make every log record of this process an :class:`EscapedLogRecord`, whatever factory is in place: a
    factory set before (``engineering-api serve`` adds the request id to every record before it builds the app)
    is wrapped, and its plain records become escaped ones; one set after wraps this one."""
    current = logging.getLogRecordFactory()
    if current is logging.LogRecord:
        logging.setLogRecordFactory(EscapedLogRecord)
        return
    if current is EscapedLogRecord or getattr(current, _MARK, False):
        return

    def escaping(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if type(record) is logging.LogRecord:  # a subclass of its own is left as it is: it formats itself
            record.__class__ = EscapedLogRecord
        return record

    setattr(escaping, _MARK, True)  # a mark on a function, read by getattr above
    logging.setLogRecordFactory(escaping)


_MARK = "escapes_controls"
