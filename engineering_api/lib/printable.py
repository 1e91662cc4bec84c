"""Text from outside (a test case's name, a file name, a tag value) made safe to print or to write into a report.

A control character written raw lets the text forge lines of a log or a CI report (CWE-117), move a terminal's
cursor or recolour it (ESC sequences), or make an XML report invalid: XML 1.0 allows no C0 control but tab, line
feed and carriage return, not even as a character reference (XML 1.0 section 2.2, ``Char``), so JUnit readers
refuse the whole file. Bidirectional overrides reorder what a reader sees (CVE-2021-42574, "Trojan Source").
Each such character is written as a Python-style escape (``\\x1b``, ``\\u202e``), so the text stays readable and a
reader can tell what was there.
"""

from __future__ import annotations

import re

__all__ = ("printable",)

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character (C0, DEL, C1, the bidirectional controls, lone surrogates and the
    noncharacters XML refuses) escaped; tab, line feed and carriage return included, so the result is one line."""
    return _UNSAFE.sub(_escape, text)
