"""Read the typed block/UDT interface (``Interface/Sections``) from lxml elements (part of :mod:`.reader`).

Interfaces hold most of a typical export's elements (an array's start values alone are two elements
per array element), so this is the reader's hot loop. Each element is touched once and lxml is asked as
little as possible: ``items()`` (one list) instead of copying ``attrib`` into a dict, ``el[0]`` instead of an
iterator where an element holds a single child, and error paths are only formatted on failure. A member's
run of plain array start values is read in bulk from lxml's serialisation (:func:`_bulk_subelements`);
whatever does not have the plain shape is read element by element, which also gives the precise errors.
"""

from __future__ import annotations

from lxml import etree

from .errors import SchemaError
from .interface import Comment, Interface, Member, MemberAttribute, Section, Sections, StartValue, Subelement
from .xmlnode import local_name, namespace_of, split_tag

__all__ = ("read_interface",)

_El = etree._Element

_IFACE_NAMES = ("Section", "Sections", "Member", "AttributeList", "Comment", "StartValue", "Subelement",
                "MultiLanguageText")
# Position of each child kind; a member's children must come in this order (as in every export).
_MEMBER_ORDER = {"AttributeList": 0, "Comment": 1, "Member": 2, "Sections": 3, "Subelement": 4, "StartValue": 5}
_TAGS_BY_NS: dict[str, _Names] = {}
# Arrays with at least this many Subelements are read in bulk (see _bulk_subelements).
_BULK_FROM = 8


class _Names:
    """Per Interface namespace: Clark name -> local name, Clark name -> member child rank."""

    __slots__ = ("attribute_kinds", "ns", "ranks", "start_value", "tags")

    def __init__(self, ns: str) -> None:
        self.ns = ns
        # Keyed by Clark names (str), looked up with an element's tag as lxml gives it (typed wider): a miss is
        # an unexpected element.
        self.tags: dict[object, str] = {f"{{{ns}}}{name}": name for name in _IFACE_NAMES}
        self.ranks: dict[object, int] = {f"{{{ns}}}{name}": rank for name, rank in _MEMBER_ORDER.items()}
        self.start_value = f"{{{ns}}}StartValue"
        # Clark name -> kind (``BooleanAttribute``…) of the member attributes met in this namespace.
        self.attribute_kinds: dict[object, str] = {}

    def attribute_kind(self, tag: object) -> str | None:
        """The kind of a member attribute element of this namespace with this tag, else None."""
        if not isinstance(tag, str):
            return None
        tag_ns, kind = split_tag(tag)
        if tag_ns != self.ns or not kind.endswith("Attribute"):
            return None
        if len(self.attribute_kinds) < 64:
            self.attribute_kinds[tag] = kind
        return kind


def _names(ns: str) -> _Names:
    hit = _TAGS_BY_NS.get(ns)
    if hit is None:
        hit = _Names(ns)
        if len(_TAGS_BY_NS) < 64:
            _TAGS_BY_NS[ns] = hit
    return hit


def read_interface(el: _El, ns: str, path: str) -> Interface:
    """The typed interface of a ``<Sections xmlns=ns>`` element; ``path`` names it in errors."""
    return Interface(namespace=ns, sections=_sections(el, ns, _names(ns), path))


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


def _sections(el: _El, ns: str, names: _Names, path: str) -> Sections:
    tags = names.tags
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
        sec.line = child.sourceline or 0
        if not len(child):
            _no_text(child, here)
        members = sec.members
        for sub in child:
            tag = tags.get(sub.tag)
            if tag == "Member":  # after a base class's Sections too: TIA's schema has Sections?, Member*
                members.append(_member(sub, ns, names, here))
            elif tag == "Sections" and sec.sections is None and not members:
                sec.sections = _sections(sub, ns, names, f"{here}/Sections")
            else:
                raise _unexpected(sub, "Section", here)
        secs.sections.append(sec)
    return secs


# The hot paths below set the fields of Member, MemberAttribute, StartValue and Subelement themselves (object.__new__,
# then every field), ~40 % cheaper than the dataclass __init__ with its default factories. That is only the same as
# calling them while they are plain slotted dataclasses with exactly these fields.
_BUILD_FIELDWISE = all(
    getattr(cls, "__slots__", None) == fields and not hasattr(cls, "__post_init__")
    for cls, fields in (
        (Member, ("name", "datatype", "version", "remanence", "accessibility", "informative", "extra", "attributes",
                  "comment", "members", "sections", "subelements", "start_value", "line")),
        (MemberAttribute, ("kind", "name", "value", "system_defined", "informative", "extra")),
        (StartValue, ("value", "informative", "extra")),
        (Subelement, ("path", "start_value", "comment")),
    )
)
_new = object.__new__


def _member(el: _El, ns: str, names: _Names, parent: str) -> Member:
    items = el.items()
    if len(items) >= 2 and items[0][0] == "Name" and items[1][0] == "Datatype":
        # Name and Datatype come first in every export; the rest is set one by one, unknown ones in order.
        if _BUILD_FIELDWISE:
            member = _new(Member)
            member.name = items[0][1]
            member.datatype = items[1][1]
            member.version = member.remanence = member.accessibility = member.informative = None
            member.extra = {}
            member.attributes = member.comment = member.sections = member.start_value = None
            member.members = []
            member.subelements = []
            member.line = el.sourceline or 0
        else:
            member = Member(items[0][1], items[1][1], line=el.sourceline or 0)
        if len(items) > 2:
            for key, value in items[2:]:
                if key == "Remanence":
                    member.remanence = value
                elif key == "Accessibility":
                    member.accessibility = value
                elif key == "Version":
                    member.version = value
                elif key == "Informative":
                    member.informative = value
                else:
                    member.extra[key] = value
    else:
        attrib = dict(items)
        try:
            member = Member(attrib.pop("Name"), attrib.pop("Datatype"), line=el.sourceline or 0)
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
    tags = names.tags
    ranks = names.ranks
    last = -1
    index = 0
    for child in el:
        rank = ranks.get(child.tag)
        if rank is None or rank < last or (rank == last and rank != 2 and rank != 4):
            raise _unexpected(child, "Member (or out of order)", path)
        if rank == 4:
            if last != 4:
                remaining = len(el) - index
                if remaining >= _BULK_FROM:
                    bulk = _bulk_subelements(el, names, remaining)
                    if bulk is not None:
                        member.subelements = bulk
                        if len(bulk) < remaining:  # the last child is the member's own StartValue
                            member.start_value = _start_value(el[-1], path)
                        return member
            member.subelements.append(_subelement(child, tags, path))
        elif rank == 5:
            if not len(child) and not child.keys():  # the usual plain start value, without a call
                member.start_value = StartValue(child.text or "")
            else:
                member.start_value = _start_value(child, path)
        elif rank == 0:
            if not len(child):
                _no_text(child, f"{path}/AttributeList")
            # Nearly every member attribute is a known kind with Name then SystemDefined: read inline.
            attributes: list[MemberAttribute] = []
            append = attributes.append
            kinds = names.attribute_kinds
            for a in child:
                kind = kinds.get(a.tag)
                items = a.items()
                if kind is not None and len(items) == 2 and items[0][0] == "Name" and items[1][0] == "SystemDefined" \
                        and not len(a):
                    if _BUILD_FIELDWISE:
                        attribute = _new(MemberAttribute)
                        attribute.kind = kind
                        attribute.name = items[0][1]
                        attribute.value = a.text or ""
                        attribute.system_defined = items[1][1]
                        attribute.informative = None
                        attribute.extra = {}
                        append(attribute)
                    else:
                        append(MemberAttribute(kind, items[0][1], a.text or "", items[1][1]))
                else:
                    append(_member_attribute(a, names, path))
            member.attributes = attributes
        elif rank == 1:
            member.comment = _comment(child, tags, path)
        elif rank == 2:
            member.members.append(_member(child, ns, names, path))
        else:
            member.sections = _sections(child, ns, names, f"{path}/Sections")
        last = rank
        index += 1
    return member


# Bulk read of a member's trailing Subelements from lxml's serialisation of the member. In that text every
# "<" starts a tag and every ">" ends one (libxml2 escapes both in text and attribute values, and the tree holds
# no comments, PIs or CDATA), so splitting before the member's end at the last 4n+1 ">" gives, for n plain
# Subelements, the pieces (text, then a tag without its ">"):
#   ..., '<Subelement Path="P"', '<StartValue', 'V</StartValue', '</Subelement', ... , ''
# A, B, C and D below are the four kinds of piece. B and D are compared whole; A and C are joined and checked by
# counting, which needs no Python per element: the joined A pieces must be n Path-only Subelement tags (n "<" and
# 2n '"' in all: no text before a tag, no second attribute, no namespace declaration), the joined C pieces n
# plain StartValue texts, each ending its StartValue ("<" nowhere else). Pieces are whole tags, so the n
# Subelements found are exactly the member's last n children. Only that plain shape is read here, in the
# member's own (default) namespace and without "&" (no escaped characters to undo); anything else returns None.
_MEMBER_END = "</Member>"
_START_VALUE_OPEN = "<StartValue"
_SUB_OPEN = '<Subelement Path="'  # A is _SUB_OPEN + path + '"'
_NEXT_SUB_OPEN = '"' + _SUB_OPEN
_SUB_CLOSE = "</Subelement"  # D
_VALUE_CLOSE = "</StartValue>"  # C is value + "</StartValue" (its ">" is the split's)


def _bulk_subelements(el: _El, names: _Names, remaining: int) -> list[Subelement] | None:
    """The Subelements making up the last ``remaining`` children of member ``el`` (the very last may be
    the member's own StartValue), or None when they are not all of the plain shape; the caller then reads
    them one by one, with the same result or the precise error.

    Large arrays are nearly all of an interface's elements and always have the plain shape. Serialising
    the member and splitting it costs lxml and str methods (C) a fraction of reading two elements per
    array element through Python proxies, and no Python per element but building its two objects.
    """
    count = remaining
    text = etree.tostring(el, encoding=str, with_tail=False)
    if not text.endswith(_MEMBER_END):
        return None
    end = len(text) - len(_MEMBER_END)
    if el[-1].tag == names.start_value:
        count -= 1
        end = text.rfind(_START_VALUE_OPEN, 0, end)
        if end < 0:
            return None
    pieces = text[:end].rsplit(">", 4 * count + 1)
    if len(pieces) != 4 * count + 2 or pieces[-1] \
            or pieces[2::4].count(_START_VALUE_OPEN) != count or pieces[4::4].count(_SUB_CLOSE) != count:
        return None
    tags = "".join(pieces[1:-1:4])  # the A pieces
    joined = ">".join(pieces[3::4]) + ">"  # the C pieces, each ending in "</StartValue>"
    if "&" in tags or "&" in joined or tags.count("<") != count or tags.count('"') != 2 * count \
            or joined.count("<") != count or not tags.startswith(_SUB_OPEN) or not tags.endswith('"'):
        return None
    paths = tags[len(_SUB_OPEN) : -1].split(_NEXT_SUB_OPEN)
    values = joined.split(_VALUE_CLOSE)
    # n paths; n values and the empty rest after the last "</StartValue>"
    if len(paths) != count or len(values) != count + 1:
        return None
    values.pop()
    if not _BUILD_FIELDWISE:
        return [Subelement(path, StartValue(value)) for path, value in zip(paths, values)]
    # Thousands of objects: set the fields directly rather than through two dataclass __init__ calls each.
    subelements: list[Subelement] = []
    append = subelements.append
    new = _new
    for path, value in zip(paths, values):
        start_value = new(StartValue)
        start_value.value = value
        start_value.informative = None
        start_value.extra = {}
        sub = new(Subelement)
        sub.path = path
        sub.start_value = start_value
        sub.comment = None
        append(sub)
    return subelements


def _member_attribute(el: _El, names: _Names, path: str) -> MemberAttribute:
    kind = names.attribute_kind(el.tag)
    if kind is None or len(el):
        raise _unexpected(el, "a member AttributeList", path)
    items = el.items()
    if items and items[0][0] == "Name":
        if len(items) == 2 and items[1][0] == "SystemDefined":  # nearly all of them
            return MemberAttribute(kind, items[0][1], el.text or "", items[1][1])
        if len(items) == 1:
            return MemberAttribute(kind, items[0][1], el.text or "")
    attrib = dict(items)
    name = attrib.pop("Name", None)
    if name is None:
        raise _unexpected(el, "a member AttributeList", path)
    return MemberAttribute(
        kind, name, el.text or "", attrib.pop("SystemDefined", None), attrib.pop("Informative", None), attrib
    )


def _comment(el: _El, tags: dict[object, str], path: str) -> Comment:
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


def _subelement(el: _El, tags: dict[object, str], path: str) -> Subelement:
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
