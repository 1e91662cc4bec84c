"""Direct text output of the typed interface, in TIA's layout (a fast path of :mod:`simatic_xml.writer`).

It writes the same characters as building the generic tree with ``writer.to_xmlnode`` and serialising
it; ``tests/simatic_xml/test_writer.py`` checks that on the whole corpus. Interfaces are most of a
typical export, so skipping the intermediate tree makes writing markedly faster.
"""

from __future__ import annotations

from .interface import Comment, Interface, Member, Sections, StartValue
from .xmltext import escape_attr, escape_inner_text

__all__ = ("interface_text",)


def _attrs(pairs: dict[str, str]) -> str:
    return "".join(f' {key}="{escape_attr(value)}"' for key, value in pairs.items())


def _leaf(out: list[str], pad: str, tag: str, attrs: str, text: str | None) -> None:
    if text:
        out.append(f"{pad}<{tag}{attrs}>{escape_inner_text(text)}</{tag}>")
    else:
        out.append(f"{pad}<{tag}{attrs} />")


def interface_text(iface: Interface, compact_members: bool) -> str:
    """``<Sections xmlns=…>…</Sections>`` starting at column 0, lines joined by LF."""
    out: list[str] = []
    _sections(out, iface.sections, 0, "  ", compact_members, f' xmlns="{escape_attr(iface.namespace)}"')
    return "\n".join(out)


def _sections(out: list[str], secs: Sections, depth: int, unit: str, compact: bool, xmlns: str = "") -> None:
    pad = unit * depth
    attrs = xmlns
    if secs.datatype is not None:
        attrs += f' Datatype="{escape_attr(secs.datatype)}"'
    if secs.version is not None:
        attrs += f' Version="{escape_attr(secs.version)}"'
    if secs.extra:
        attrs += _attrs(secs.extra)
    if not secs.sections:
        out.append(f"{pad}<Sections{attrs} />")
        return
    out.append(f"{pad}<Sections{attrs}>")
    inner = unit * (depth + 1)
    for sec in secs.sections:
        head = f'{inner}<Section Name="{escape_attr(sec.name)}"{_attrs(sec.extra) if sec.extra else ""}'
        if sec.sections is None and not sec.members:
            out.append(head + " />")
            continue
        out.append(head + ">")
        if sec.sections is not None:
            _sections(out, sec.sections, depth + 2, unit, compact)
        for member in sec.members:
            _member(out, member, depth + 2, unit, compact)
        out.append(f"{inner}</Section>")
    out.append(f"{pad}</Sections>")


def _member_attrs(m: Member) -> str:
    attrs = f' Name="{escape_attr(m.name)}" Datatype="{escape_attr(m.datatype)}"'
    if m.version is not None:
        attrs += f' Version="{escape_attr(m.version)}"'
    if m.remanence is not None:
        attrs += f' Remanence="{escape_attr(m.remanence)}"'
    if m.accessibility is not None:
        attrs += f' Accessibility="{escape_attr(m.accessibility)}"'
    if m.informative is not None:
        attrs += f' Informative="{escape_attr(m.informative)}"'
    if m.extra:
        attrs += _attrs(m.extra)
    return attrs


def _member(out: list[str], m: Member, depth: int, unit: str, compact: bool) -> None:
    pad = unit * depth
    attrs = _member_attrs(m)
    if m.attributes is None and m.comment is None and not m.members and m.sections is None \
            and not m.subelements and m.start_value is None:
        out.append(f"{pad}<Member{attrs} />")
        return
    if compact and unit and m.attributes is not None:
        # V14 SP1–V17 write such a member on one line, subtree included.
        parts: list[str] = []
        _member(parts, m, 0, "", compact)
        out.append(pad + "".join(parts))
        return
    out.append(f"{pad}<Member{attrs}>")
    inner = unit * (depth + 1)
    if m.attributes is not None:
        if not m.attributes:
            out.append(f"{inner}<AttributeList />")
        else:
            out.append(f"{inner}<AttributeList>")
            leaf_pad = unit * (depth + 2)
            for a in m.attributes:
                aattrs = f' Name="{escape_attr(a.name)}"'
                if a.informative is not None:
                    aattrs += f' Informative="{escape_attr(a.informative)}"'
                if a.system_defined is not None:
                    aattrs += f' SystemDefined="{escape_attr(a.system_defined)}"'
                if a.extra:
                    aattrs += _attrs(a.extra)
                _leaf(out, leaf_pad, a.kind, aattrs, a.value)
            out.append(f"{inner}</AttributeList>")
    if m.comment is not None:
        _comment(out, m.comment, inner, unit)
    for sub in m.members:
        _member(out, sub, depth + 1, unit, compact)
    if m.sections is not None:
        _sections(out, m.sections, depth + 1, unit, compact)
    for sub in m.subelements:
        head = f'{inner}<Subelement Path="{escape_attr(sub.path)}"'
        if sub.comment is None and sub.start_value is None:
            out.append(head + " />")
            continue
        out.append(head + ">")
        deeper = inner + unit
        if sub.comment is not None:
            _comment(out, sub.comment, deeper, unit)
        if sub.start_value is not None:
            _start_value(out, sub.start_value, deeper)
        out.append(f"{inner}</Subelement>")
    if m.start_value is not None:
        _start_value(out, m.start_value, inner)
    out.append(f"{pad}</Member>")


def _comment(out: list[str], c: Comment, pad: str, unit: str) -> None:
    attrs = f' Informative="{escape_attr(c.informative)}"' if c.informative is not None else ""
    if not c.texts:
        out.append(f"{pad}<Comment{attrs} />")
        return
    out.append(f"{pad}<Comment{attrs}>")
    inner = pad + unit
    for lang, text in c.texts.items():
        _leaf(out, inner, "MultiLanguageText", f' Lang="{escape_attr(lang)}"', text)
    out.append(f"{pad}</Comment>")


def _start_value(out: list[str], sv: StartValue, pad: str) -> None:
    attrs = f' Informative="{escape_attr(sv.informative)}"' if sv.informative is not None else ""
    if sv.extra:
        attrs += _attrs(sv.extra)
    _leaf(out, pad, "StartValue", attrs, sv.value)
