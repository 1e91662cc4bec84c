"""The lines of an interface's ``<Member>`` elements in the bytes a model was written to.

A member read from a document knows the line of its ``<Member>`` (:attr:`~.interface.Member.line`, where a finding
about it points); a member built by the generation does not (0). :func:`place_member_lines` gives the members of a
written model the lines a read of its bytes would give them, so what is read from the model (a program view for
the compiler) is what a read of the bytes would be, without parsing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .interface import Interface, Member, Sections

__all__ = ("member_start_lines", "place_member_lines")

_OPEN = b"<Member"
_AFTER_NAME = frozenset(b" \t\r\n/>")
"""What may follow ``<Member`` in a start tag (anything else is another element's name)."""


def member_start_lines(data: bytes) -> list[int] | None:
    """The line of each ``<Member`` start tag of the document's ``<Interface>``, in document order (lxml's
    ``sourceline``: the line the tag opens on); None without an interface.

    Text and attribute values hold no ``<`` (SimaticML escapes it), so every ``<Member`` there is an element."""
    start = data.find(b"<Interface")
    end = data.find(b"</Interface>", start) if start >= 0 else -1
    if end < 0:
        return None
    lines: list[int] = []
    line = data.count(b"\n", 0, start) + 1
    counted = start
    at = data.find(_OPEN, start, end)
    while at >= 0:
        if data[at + len(_OPEN)] in _AFTER_NAME:
            line += data.count(b"\n", counted, at)
            counted = at
            lines.append(line)
        at = data.find(_OPEN, at + len(_OPEN), end)
    return lines


def _in_sections(sections: Sections) -> Iterator[Member]:
    for section in sections.sections:  # TIA's schema, as the reader and writer keep it: Sections?, Member*
        if section.sections is not None:
            yield from _in_sections(section.sections)
        for member in section.members:
            yield from _in_member(member)


def _in_member(member: Member) -> Iterator[Member]:
    yield member
    for nested in member.members:  # a member's children: nested Members, then Sections (interface.py)
        yield from _in_member(nested)
    if member.sections is not None:
        yield from _in_sections(member.sections)


def place_member_lines(interface: Interface, data: bytes) -> bool:
    """Set the line of every member of ``interface`` to the line of its ``<Member>`` in ``data``, the bytes the
    model holding ``interface`` was written to (``to_bytes``), as :func:`~.reader.parse_bytes` of ``data`` would.

    Returns False, changing nothing, when ``data``'s interface holds another number of members than the model
    (bytes of another model)."""
    lines = member_start_lines(data)
    members = list(_in_sections(interface.sections))
    if lines is None or len(lines) != len(members):
        return False
    for member, line in zip(members, lines):
        member.line = line
    return True
