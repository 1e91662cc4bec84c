"""Read the typed block/UDT interface (``Interface/Sections``) from lxml elements (part of :mod:`.reader`).

Interfaces hold most of a typical export's elements (an array's start values alone are two elements
per array element), so this is the reader's hot loop. Each element is touched once and lxml is asked as
little as possible: ``items()`` (one list) instead of copying ``attrib`` into a dict, ``el[0]`` instead of an
iterator where an element holds a single child, and error paths are only formatted on failure.
"""

from __future__ import annotations

from lxml import etree

from .errors import SchemaError
from .interface import Comment, Interface, Member, MemberAttribute, Section, Sections, StartValue, Subelement
from .xmlnode import local_name, namespace_of, split_tag

__all__ = ("read_interface",)

_El = etree._Element

_IFACE_NAMES = ("Section", "Sections", "Member", "AttributeList", "Comment", "StartValue", "Subelement", "MultiLanguageText")
# Position of each child kind; a member's children must come in this order (as in every export).
_MEMBER_ORDER = {"AttributeList": 0, "Comment": 1, "Member": 2, "Sections": 3, "Subelement": 4, "StartValue": 5}
_TAGS_BY_NS: dict[str, tuple[dict[str, str], dict[str, int]]] = {}


def _tags(ns: str) -> tuple[dict[str, str], dict[str, int]]:
    """Clark name -> local name, and Clark name -> member child rank, in namespace ``ns`` (cached)."""
    hit = _TAGS_BY_NS.get(ns)
    if hit is None:
        tags = {f"{{{ns}}}{name}": name for name in _IFACE_NAMES}
        ranks = {f"{{{ns}}}{name}": rank for name, rank in _MEMBER_ORDER.items()}
        hit = (tags, ranks)
        if len(_TAGS_BY_NS) < 64:
            _TAGS_BY_NS[ns] = hit
    return hit


def read_interface(el: _El, ns: str, path: str) -> Interface:
    """The typed interface of a ``<Sections xmlns=ns>`` element; ``path`` names it in errors."""
    return Interface(namespace=ns, sections=_sections(el, ns, _tags(ns), path))


def _no_text(el: _El, path: str) -> None:
    """Refuse text in an element that only holds elements (it would be lost); layout blanks are fine."""
    text = el.text
    if text and not text.isspace():
        raise SchemaError(f"<{local_name(el)}> holds elements, not text", path)


def _unexpected(child: _El, where: str, path: str) -> SchemaError:
    name = local_name(child)
    ns = namespace_of(child)
    what = f"<{name}>" if ns is None else f"<{name}> in namespace {ns}"
    return SchemaError(f"unexpected {what} in {where}", f"{path}/{name}")


def _sections(el: _El, ns: str, names: tuple[dict[str, str], dict[str, int]], path: str) -> Sections:
    tags = names[0]
    items = el.items()
    if items:
        extra = dict(items)
        secs = Sections(datatype=extra.pop("Datatype", None), version=extra.pop("Version", None), extra=extra)
    else:
        secs = Sections()
    if not len(el):
        _no_text(el, path)
    here = f"{path}/Section"
    for child in el:
        if tags.get(child.tag) != "Section":
            raise _unexpected(child, "Sections", path)
        items = child.items()
        if len(items) == 1 and items[0][0] == "Name":
            sec = Section(items[0][1])
        else:
            attrib = dict(items)
            name = attrib.pop("Name", None)
            if name is None:
                raise SchemaError("Section without Name", here)
            sec = Section(name=name, extra=attrib)
        if not len(child):
            _no_text(child, here)
        members = sec.members
        for sub in child:
            tag = tags.get(sub.tag)
            if tag == "Member" and sec.sections is None:
                members.append(_member(sub, ns, names, here))
            elif tag == "Sections" and sec.sections is None and not members:
                sec.sections = _sections(sub, ns, names, f"{here}/Sections")
            else:
                raise _unexpected(sub, "Section", here)
        secs.sections.append(sec)
    return secs


def _member(el: _El, ns: str, names: tuple[dict[str, str], dict[str, int]], parent: str) -> Member:
    items = el.items()
    if len(items) == 2 and items[0][0] == "Name" and items[1][0] == "Datatype":
        member = Member(items[0][1], items[1][1])
    else:
        attrib = dict(items)
        try:
            member = Member(attrib.pop("Name"), attrib.pop("Datatype"))
        except KeyError:
            raise SchemaError("Member needs Name and Datatype", f"{parent}/Member") from None
        if attrib:
            member.version = attrib.pop("Version", None)
            member.remanence = attrib.pop("Remanence", None)
            member.accessibility = attrib.pop("Accessibility", None)
            member.informative = attrib.pop("Informative", None)
            member.extra = attrib
    if not len(el):
        text = el.text
        if text and not text.isspace():
            _no_text(el, f"{parent}/Member[@Name={member.name!r}]")
        return member
    path = f"{parent}/Member[@Name={member.name!r}]"
    tags, ranks = names
    last = -1
    for child in el:
        rank = ranks.get(child.tag)
        if rank is None or rank < last or (rank == last and rank != 2 and rank != 4):
            raise _unexpected(child, "Member (or out of order)", path)
        last = rank
        if rank == 4:
            member.subelements.append(_subelement(child, tags, path))
        elif rank == 5:
            member.start_value = _start_value(child, path)
        elif rank == 0:
            if not len(child):
                _no_text(child, f"{path}/AttributeList")
            member.attributes = [_member_attribute(a, ns, path) for a in child]
        elif rank == 1:
            member.comment = _comment(child, tags, path)
        elif rank == 2:
            member.members.append(_member(child, ns, names, path))
        else:
            member.sections = _sections(child, ns, names, f"{path}/Sections")
    return member


def _member_attribute(el: _El, ns: str, path: str) -> MemberAttribute:
    tag_ns, kind = split_tag(el.tag)
    if tag_ns != ns or not kind.endswith("Attribute") or len(el):
        raise _unexpected(el, "a member AttributeList", path)
    items = el.items()
    if len(items) == 1 and items[0][0] == "Name":
        return MemberAttribute(kind, items[0][1], el.text or "")
    attrib = dict(items)
    name = attrib.pop("Name", None)
    if name is None:
        raise _unexpected(el, "a member AttributeList", path)
    return MemberAttribute(
        kind, name, el.text or "", attrib.pop("SystemDefined", None), attrib.pop("Informative", None), attrib
    )


def _comment(el: _El, tags: dict[str, str], path: str) -> Comment:
    here = f"{path}/Comment"
    items = el.items()
    if items:
        if len(items) != 1 or items[0][0] != "Informative":
            for key, _ in items:
                if key != "Informative":
                    raise SchemaError(f"unexpected attribute {key!r} on <{local_name(el)}>", here)
        comment = Comment(informative=items[0][1])
    else:
        comment = Comment()
    if not len(el):
        _no_text(el, here)
    texts = comment.texts
    for child in el:
        lang = child.get("Lang")
        if tags.get(child.tag) != "MultiLanguageText" or lang is None or len(child.attrib) != 1 or len(child):
            raise _unexpected(child, "Comment (MultiLanguageText Lang=… only)", here)
        if lang in texts:
            raise SchemaError(f"duplicate comment language {lang!r}", here)
        texts[lang] = child.text or ""
    return comment


def _start_value(el: _El, path: str) -> StartValue:
    if len(el):
        raise SchemaError("StartValue holds text only", f"{path}/StartValue")
    items = el.items()
    if not items:
        return StartValue(el.text or "")
    extra = dict(items)
    return StartValue(el.text or "", extra.pop("Informative", None), extra)


def _subelement(el: _El, tags: dict[str, str], path: str) -> Subelement:
    items = el.items()
    if len(items) != 1 or items[0][0] != "Path":
        raise SchemaError("Subelement needs exactly a Path attribute", f"{path}/Subelement")
    count = len(el)
    if count == 1:
        # The usual shape: one StartValue (start values of array elements), written out here.
        child = el[0]
        if tags.get(child.tag) == "StartValue" and not len(child):
            attrs = child.items()
            if not attrs:
                return Subelement(items[0][1], StartValue(child.text or ""))
            extra = dict(attrs)
            return Subelement(items[0][1], StartValue(child.text or "", extra.pop("Informative", None), extra))
    sub = Subelement(items[0][1])
    if not count:
        _no_text(el, f"{path}/Subelement")
    last = -1
    for child in el:
        tag = tags.get(child.tag, "")
        if tag == "StartValue" and last < 1:
            sub.start_value = _start_value(child, path)
            last = 1
        elif tag == "Comment" and last < 0:
            sub.comment = _comment(child, tags, f"{path}/Subelement")
            last = 0
        else:
            raise _unexpected(child, "Subelement", f"{path}/Subelement")
    return sub
