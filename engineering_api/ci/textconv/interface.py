"""A block's or data type's interface as SCL-like declarations: one line per member (name, attributes, type, start
value), its comments below it one line per culture, sections as ``VAR_INPUT … END_VAR``.

The keywords and the quoting of names are those of TIA's SCL source export (:mod:`simatic_xml.generate.to_scl`);
unlike that source, nothing is left out: every culture of a comment, array element start values (``Subelement``),
the expanded interface of multi-instances and typed members (their ``Sections``), the ``Base`` section of GRAPH.
"""

from __future__ import annotations

from simatic_xml.generate.to_scl import SECTION_KEYWORDS, source_name
from simatic_xml.interface import Comment, Member, Section, Sections

from .common import INDENT, text_lines

__all__ = ("sections_lines",)

_KEYWORDS = {**SECTION_KEYWORDS, "Return": "RETURN", "None": "STRUCT", "Base": "BASE"}
"""TIA's source export has no keyword for an FC's return value (it is written in the header) nor for a data type's one
unnamed section (``STRUCT``); here each section gets its own ``keyword … END_keyword`` lines."""


def _braces(pairs: list[tuple[str, str]]) -> str:
    """``{ A := 'x'; B := 'y' }`` of the pairs sorted by name, or nothing."""
    if not pairs:
        return ""
    return " { " + "; ".join(f"{name} := '{value}'" for name, value in sorted(pairs)) + " }"


def _member_attributes(member: Member) -> list[tuple[str, str]]:
    pairs = [(name, value) for name, value in (("Version", member.version), ("Remanence", member.remanence),
                                              ("Accessibility", member.accessibility),
                                              ("Informative", member.informative)) if value is not None]
    pairs += list(member.extra.items())
    pairs += [(attr.name, attr.value) for attr in member.attributes or ()]
    return pairs


def _comment_lines(comment: Comment | None, indent: str) -> list[str]:
    return text_lines("//", comment.texts if comment is not None else None, indent)


def _member_lines(member: Member, depth: int) -> list[str]:
    pad = INDENT * depth
    start = ""
    if member.start_value is not None:
        start = f" := {member.start_value.value}"
    head = f"{pad}{source_name(member.name)}{_braces(_member_attributes(member))} : {member.datatype}"
    if not member.members:
        lines = [f"{head}{start};"]
        lines += _comment_lines(member.comment, pad + INDENT)
    else:
        lines = [head + start]
        lines += _comment_lines(member.comment, pad + INDENT)
        for child in member.members:
            lines += _member_lines(child, depth + 1)
        lines.append(f"{pad}END_STRUCT;")
    for sub in member.subelements:
        value = f" := {sub.start_value.value}" if sub.start_value is not None else ""
        lines.append(f"{pad}{INDENT}[{sub.path}]{value};")
        lines += _comment_lines(sub.comment, pad + INDENT * 2)
    if member.sections is not None:
        lines += sections_lines(member.sections, depth + 1)
    return lines


def _section_lines(section: Section, depth: int) -> list[str]:
    pad = INDENT * depth
    keyword = _KEYWORDS.get(section.name, f"SECTION {section.name}")
    head = f"{pad}{keyword}{_braces(list(section.extra.items()))}"
    lines = [head]
    for member in section.members:
        lines += _member_lines(member, depth + 1)
    if section.sections is not None:
        lines += sections_lines(section.sections, depth + 1)
    lines.append(f"{pad}END_VAR" if keyword.startswith("VAR") else f"{pad}END_{keyword}")
    return lines


def sections_lines(sections: Sections, depth: int) -> list[str]:
    """The declarations of ``sections``, each section as ``keyword … END_keyword``, at ``depth`` indents."""
    lines: list[str] = []
    pairs = list(sections.extra.items())
    if sections.datatype is not None:
        pairs.append(("Datatype", sections.datatype))
    if sections.version is not None:
        pairs.append(("Version", sections.version))
    if pairs:
        lines.append(f"{INDENT * depth}SECTIONS{_braces(pairs)}")
    for section in sections.sections:
        lines += _section_lines(section, depth)
    return lines
