"""Where a report puts a finding that names no line of its file, and the text of the line a finding is on.

GitHub code scanning and other SARIF viewers place a result by its ``region``; a result without one is shown on no
line, and a viewer cannot tell whether it moved. A finding about a whole block (or one the checker gives no line)
therefore goes on the line that declares its block: the ``SW.Blocks.*``/``SW.Types.*``/``SW.Tags.*`` element of a
SimaticML export, the block's header (``FUNCTION_BLOCK "Name"``) in an SCL source. A file that is not well-formed
XML puts it on the line where the parser stopped (lxml's position), and any other file on its first line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

from engineering_api.rules.compiler.check import source_text
from simatic_xml.safe import parse_untrusted
from simatic_xml.scl import source_lines
from simatic_xml.xmlnode import local_name

__all__ = ("fallback_line", "line_text")

_HEADER = re.compile(r'^\s*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK|TYPE)\s+"?([^"\s:]+)"?',
                     re.IGNORECASE | re.MULTILINE)
_OBJECTS = ("SW.Blocks.", "SW.Types.", "SW.Tags.")


def _stat(path: str) -> tuple[int, int] | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def fallback_line(path: str, block: str | None) -> tuple[int, str]:
    """The line a finding of ``block`` in ``path`` without a line of its own goes on, and what that line is:
    ``"block"`` (its declaration), ``"parse error"`` (where the parser stopped) or ``"file"`` (line 1)."""
    version = _stat(path)
    if version is None:
        return 1, "file"
    return _fallback(path, (block or "").casefold(), *version)


@lru_cache(maxsize=256)
def _fallback(path: str, block: str, mtime_ns: int, size: int) -> tuple[int, str]:
    if path.lower().endswith(".xml"):
        return _xml_line(path, block)
    try:
        text = source_text(Path(path).read_bytes())
    except OSError:
        return 1, "file"
    for match in _HEADER.finditer(text):
        if not block or match.group(1).casefold() == block:
            return text.count("\n", 0, match.start(1)) + 1, "block"
    return 1, "file"


def _xml_line(path: str, block: str) -> tuple[int, str]:
    try:
        root = parse_untrusted(Path(path).read_bytes()).getroot()
    except OSError:
        return 1, "file"
    except Exception as exc:  # the check reported why; the report wants where the parser stopped
        cause = exc.__cause__ if isinstance(exc.__cause__, etree.XMLSyntaxError) else exc
        position = getattr(cause, "position", None)
        return (position[0], "parse error") if position and position[0] else (1, "file")
    first = 0
    for element in root.iter():
        if not isinstance(element.tag, str) or not local_name(element).startswith(_OBJECTS):
            continue
        first = first or (element.sourceline or 0)
        name = next((n.text for n in element.iter() if isinstance(n.tag, str) and local_name(n) == "Name"), None)
        if block and (name or "").casefold() == block:
            return element.sourceline or first or 1, "block"
    return (first, "block") if first else (1, "file")


def line_text(path: str, line: int) -> str:
    """Line ``line`` (1-based) of the file ``path`` with its blanks collapsed; '' when there is none.

    Lines are numbered as the findings number them: the SCL lexer and lxml's ``sourceline`` both end a line at
    ``\n`` only (:func:`simatic_xml.scl.source_lines`); ``str.splitlines()`` also ends one at ``\x85``, ``\u2028``,
    ``\f`` and others, and reading the file as text (universal newlines) ends one at a lone ``\r``: either put the
    text of a later line into the fingerprint of a finding below such a character. The file is decoded as the
    checker decodes it (:func:`~engineering_api.rules.compiler.check.source_text`)."""
    version = _stat(path)
    lines = _lines(path, *version) if version else ()
    return " ".join(lines[line - 1].split()) if 1 <= line <= len(lines) else ""


@lru_cache(maxsize=64)
def _lines(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    try:
        return tuple(source_lines(source_text(Path(path).read_bytes())))
    except OSError:
        return ()
