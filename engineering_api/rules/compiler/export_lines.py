"""Where a finding about a SimaticML block's declarations or identity lies in its export (the file line of the
element it names): the line :func:`engineering_api.rules.compiler.check.check` gives such a finding, which has no
network and no text line of its own.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

__all__ = ("declaration_line",)

_QUOTED = re.compile(r'"([^"]+)"')
_DECLARATION_CODES = frozenset(["MISSING_TYPE", "UNKNOWN_TYPE", "DUPLICATE_NAME"])
_MEMBER_CODES = frozenset(["STYLE_MEMBER_PREFIX", "STYLE_UNUSED_LOCAL"])
_BLOCK_CODES = frozenset(["STYLE_BLOCK_PREFIX", "STYLE_BLOCK_LENGTH"])


def declaration_line(data: bytes, code: str, message: str) -> int:
    """The file line of what a finding about a block's declarations or identity names, in its export ``data``
    (0 when it is not found): ``NUMBER_IN_USE``, ``OB_NUMBER`` and ``BLOCK_NUMBER`` the block's ``<Number>``,
    ``DUPLICATE_NAME`` the second
    ``<Member Name=…>`` of that name (or the block's ``<Name>``), ``MISSING_TYPE``/``UNKNOWN_TYPE`` the first
    member whose ``Datatype`` is that type, the opt-in style rules' findings on a member that ``<Member Name=…>``
    and on a block its ``<Name>``. The name is the first quoted one of the message (each of these messages
    names its object first: ``Data type "UDT_Missing" not defined.``)."""
    if code in ("NUMBER_IN_USE", "OB_NUMBER", "BLOCK_NUMBER"):
        return _line_of(data, [b"<Number>"])
    found = _QUOTED.search(message) if code in _DECLARATION_CODES | _MEMBER_CODES | _BLOCK_CODES else None
    if found is None:
        return 0
    name = escape(found.group(1), {'"': "&quot;"}).encode()
    if code in _MEMBER_CODES:
        return _line_of(data, [b'<Member Name="' + name + b'"'])
    if code in _BLOCK_CODES:
        return _line_of(data, [b"<Name>" + name + b"</Name>"])
    if code == "DUPLICATE_NAME":
        members = [m.start() for m in re.finditer(rb'<Member Name="' + re.escape(name) + rb'"', data)]
        if len(members) > 1:
            return data.count(b"\n", 0, members[1]) + 1
        return _line_of(data, [b"<Name>" + name + b"</Name>"])
    return _line_of(data, [b'Datatype="&quot;' + name + b'&quot;', b'Datatype="' + name + b'"'])


def _line_of(data: bytes, needles: list[bytes]) -> int:
    for needle in needles:
        at = data.find(needle)
        if at >= 0:
            return data.count(b"\n", 0, at) + 1
    return 0
