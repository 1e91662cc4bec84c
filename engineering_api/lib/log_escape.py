"""One line per log record: control characters in a logged message are escaped, wherever the value came from.

A request path, a header or an object name can hold ``%0A`` (a line feed) or ``%00``; logged as they are, a path
like ``/console/static/x%0AINFO - forged`` writes a second, forged line into the server log. Rather than escape at
every call site, :func:`install` sets a log record factory for the process: every record's message is escaped when
it is formatted, whichever logger or handler formats it. A traceback (``exc_info``) keeps its own lines, but the
messages of its exceptions are escaped as well: an exception can carry outside text (a target's answer, a remote's
error) into ``logger.exception``.
"""

from __future__ import annotations

import logging
import re
import traceback
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
        if self.exc_info and self.exc_info[1] is not None and not self.exc_text:
            # the formatter asks for the message first, then formats the traceback unless exc_text is set
            self.exc_text = _escaped_traceback(self.exc_info[1])
        if self.args is None:
            # A QueueHandler's prepared copy (logging.handlers.QueueHandler.prepare): its message is the line the
            # queue's formatter made from the original record, already escaped, plus the traceback's own lines.
            return message
        return escape_controls(message)


def _escaped_traceback(error: BaseException) -> str:
    """The traceback logging would write, each exception's message (and notes) escaped; its frames as they are."""
    formatted = traceback.TracebackException.from_exception(error)
    seen: set[int] = set()
    pending = [formatted]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        text = getattr(current, "_str", None)  # CPython's exception text, formatted as it is
        if isinstance(text, str):
            setattr(current, "_str", escape_controls(text))  # a private attribute mypy does not know
        notes = getattr(current, "__notes__", None)
        if isinstance(notes, list):
            current.__notes__ = [escape_controls(str(note)) for note in notes]
        pending += [c for c in (current.__cause__, current.__context__) if c is not None]
    return "".join(formatted.format()).rstrip("\n")


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
