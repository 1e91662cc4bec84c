"""Direct text output of the typed interface, in TIA's layout (a fast path of :mod:`simatic_xml.writer`).

It writes the same characters as building the generic tree with ``writer.to_xmlnode`` and serialising
it; ``tests/simatic_xml/test_writer.py`` checks that on the whole corpus. Interfaces are most of a
typical export, so skipping the intermediate tree makes writing markedly faster. Escaped values come from
the caches of :mod:`simatic_xml.xmltext` (``ATTR[value]``, no call on a hit), and the commonest shapes (a
Subelement holding one plain StartValue, a leaf member) are written with one string each.
"""

from __future__ import annotations

from .interface import Comment, Interface, Member, Sections, StartValue
from .xmltext import ATTR, CACHE_SIZE, INNER_TEXT, LONGEST_KEPT

__all__ = ("interface_lines",)


def _attrs(pairs: dict[str, str]) -> str:
    return "".join(f' {key}="{ATTR[value]}"' for key, value in pairs.items())


class _Optional(dict[str | None, str]):
    """One optional attribute as written, `` Name="value"``, by its value; None (the element has not the attribute)
    writes nothing. Like :data:`~simatic_xml.xmltext.ATTR`, a hit costs no Python call: these values are a handful
    (``true``, ``Retain``, ``Public``...) on every member and member attribute of an interface."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__({None: ""})
        self.name = name

    def __missing__(self, value: str | None) -> str:
        if value is None:  # not reached: None is kept through a clear
            return ""
        written = f' {self.name}="{ATTR[value]}"'
        if len(value) <= LONGEST_KEPT and type(value) is str:  # the rules of xmltext's tables
            if len(self) >= CACHE_SIZE:
                self.clear()
                self[None] = ""
            self[value] = written
        return written


_DATATYPE = _Optional("Datatype")
_VERSION = _Optional("Version")
_REMANENCE = _Optional("Remanence")
_ACCESSIBILITY = _Optional("Accessibility")
_INFORMATIVE = _Optional("Informative")
_SYSTEM_DEFINED = _Optional("SystemDefined")


def _leaf(out: list[str], pad: str, tag: str, attrs: str, text: str | None) -> None:
    if text:
        out.append(f"{pad}<{tag}{attrs}>{INNER_TEXT[text]}</{tag}>")
    else:
        out.append(f"{pad}<{tag}{attrs} />")


def interface_lines(out: list[str], iface: Interface, compact_members: bool) -> None:
    """Append the lines of ``<Sections xmlns=…>…</Sections>``, starting at column 0, to ``out``.

    ``out`` is the writer's own line list: the document is joined once, and a character outside ASCII
    widens only its own line, not the whole interface, before encoding.
    """
    _sections(out, iface.sections, 0, "  ", compact_members, f' xmlns="{ATTR[iface.namespace]}"')


def _sections(out: list[str], secs: Sections, depth: int, unit: str, compact: bool, xmlns: str = "") -> None:
    pad = unit * depth
    attrs = f"{xmlns}{_DATATYPE[secs.datatype]}{_VERSION[secs.version]}"
    if secs.extra:
        attrs += _attrs(secs.extra)
    if not secs.sections:
        out.append(f"{pad}<Sections{attrs} />")
        return
    out.append(f"{pad}<Sections{attrs}>")
    inner = unit * (depth + 1)
    for sec in secs.sections:
        head = f'{inner}<Section Name="{ATTR[sec.name]}"{_attrs(sec.extra) if sec.extra else ""}'
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


def _member(out: list[str], m: Member, depth: int, unit: str, compact: bool) -> None:
    pad = unit * depth
    # Member attributes in TIA's order (Name, Datatype, Version, Remanence, Accessibility, Informative, the rest).
    attrs = (f' Name="{ATTR[m.name]}" Datatype="{ATTR[m.datatype]}"{_VERSION[m.version]}{_REMANENCE[m.remanence]}'
             f"{_ACCESSIBILITY[m.accessibility]}{_INFORMATIVE[m.informative]}")
    if m.extra:
        attrs += _attrs(m.extra)
    attributes = m.attributes
    if attributes is None and m.comment is None and not m.members and m.sections is None \
            and not m.subelements and m.start_value is None:
        out.append(f"{pad}<Member{attrs} />")
        return
    if compact and unit and attributes is not None:
        # V14 SP1–V17 write such a member on one line, subtree included.
        parts: list[str] = []
        _member(parts, m, 0, "", compact)
        out.append(pad + "".join(parts))
        return
    out.append(f"{pad}<Member{attrs}>")
    inner = pad + unit
    if attributes is not None:
        if not attributes:
            out.append(f"{inner}<AttributeList />")
        else:
            out.append(f"{inner}<AttributeList>")
            leaf_pad = inner + unit
            for a in attributes:
                aattrs = f' Name="{ATTR[a.name]}"{_INFORMATIVE[a.informative]}{_SYSTEM_DEFINED[a.system_defined]}'
                if a.extra:
                    aattrs += _attrs(a.extra)
                kind = a.kind
                value = a.value
                out.append(f"{leaf_pad}<{kind}{aattrs}>{INNER_TEXT[value]}</{kind}>" if value
                           else f"{leaf_pad}<{kind}{aattrs} />")
            out.append(f"{inner}</AttributeList>")
    if m.comment is not None:
        _comment(out, m.comment, inner, unit)
    for sub in m.members:
        _member(out, sub, depth + 1, unit, compact)
    if m.sections is not None:
        _sections(out, m.sections, depth + 1, unit, compact)
    if m.subelements:
        _subelements(out, m, inner, unit)
    if m.start_value is not None:
        _start_value(out, m.start_value, inner)
    out.append(f"{pad}</Member>")


def _subelements(out: list[str], m: Member, inner: str, unit: str) -> None:
    nl = "\n" if unit else ""  # compact members are written without line breaks
    deeper = inner + unit
    append = out.append
    # The usual shape (start values of array elements) is one string per Subelement from these pieces.
    opening = f'{inner}<Subelement Path="'
    with_value = f'">{nl}{deeper}<StartValue>'
    closing = f"</StartValue>{nl}{inner}</Subelement>"
    without_value = f'">{nl}{deeper}<StartValue />{nl}{inner}</Subelement>'
    for sub in m.subelements:
        sv = sub.start_value
        if sub.comment is None:
            if sv is None:
                append(f'{opening}{ATTR[sub.path]}" />')
                continue
            if sv.informative is None and not sv.extra:
                value = sv.value
                if value:
                    append(f"{opening}{ATTR[sub.path]}{with_value}{INNER_TEXT[value]}{closing}")
                else:
                    append(f"{opening}{ATTR[sub.path]}{without_value}")
                continue
        append(f'{opening}{ATTR[sub.path]}">')
        if sub.comment is not None:
            _comment(out, sub.comment, deeper, unit)
        if sv is not None:
            _start_value(out, sv, deeper)
        append(f"{inner}</Subelement>")


def _comment(out: list[str], c: Comment, pad: str, unit: str) -> None:
    attrs = _INFORMATIVE[c.informative]
    if not c.texts:
        out.append(f"{pad}<Comment{attrs} />")
        return
    out.append(f"{pad}<Comment{attrs}>")
    inner = pad + unit
    for lang, text in c.texts.items():
        _leaf(out, inner, "MultiLanguageText", f' Lang="{ATTR[lang]}"', text)
    out.append(f"{pad}</Comment>")


def _start_value(out: list[str], sv: StartValue, pad: str) -> None:
    attrs = _INFORMATIVE[sv.informative]
    if sv.extra:
        attrs += _attrs(sv.extra)
    _leaf(out, pad, "StartValue", attrs, sv.value)
