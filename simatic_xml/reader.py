"""Read SimaticML into the typed model. All input goes through :func:`simatic_xml.safe.parse_untrusted`."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from . import safe
from .errors import SchemaError, UnsafeXmlError, XmlSyntaxError
from .model import (
    OBJECT_CLASSES,
    AttrValue,
    Comment,
    Document,
    DocumentInfo,
    Interface,
    Member,
    MemberAttribute,
    MultilingualText,
    MultilingualTextItem,
    NetworkSource,
    ObjectChild,
    Product,
    Section,
    Sections,
    StartValue,
    Subelement,
    SwObject,
    parse_scalar,
)
from .xmlnode import from_lxml, local_name, namespace_of, split_tag, validate_tree

__all__ = ("parse_bytes", "parse_tree", "read_file")

_El = etree._Element


def read_file(path: str | Path, *, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> Document:
    """Read a SimaticML file."""
    return parse_bytes(Path(path).read_bytes(), max_bytes=max_bytes)


def parse_bytes(data: bytes | str, *, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> Document:
    """Parse SimaticML from bytes or text (safely: no DTD, no entities, size-limited)."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        # Layout blanks between elements mean nothing in SimaticML (the writer lays out anew): not storing
        # them halves libxml2's work and leaves fewer text nodes for the mixed-content check.
        tree = safe.parse_untrusted(raw, max_bytes=max_bytes, keep_blank_text=False)
    except safe.UnsafeXmlError as exc:
        raise UnsafeXmlError(str(exc)) from exc
    except safe.XmlSyntaxError as exc:
        raise XmlSyntaxError(str(exc)) from exc
    return parse_tree(tree.getroot(), raw=raw)


def _text(el: _El, path: str) -> str:
    if len(el):
        raise SchemaError(f"<{local_name(el)}> should hold text only", path)
    return el.text or ""


def _no_text(el: _El, path: str) -> None:
    """Refuse text in an element that only holds elements (it would be lost); layout blanks are fine."""
    text = el.text
    if text and not text.isspace():
        raise SchemaError(f"<{local_name(el)}> holds elements, not text", path)


def _check_attrs(el: _El, allowed: tuple[str, ...], path: str) -> None:
    for key in el.attrib:
        if key not in allowed:
            raise SchemaError(f"unexpected attribute {key!r} on <{local_name(el)}>", path)


def parse_tree(root: _El, *, raw: bytes | None = None) -> Document:
    """Build a :class:`Document` from a parsed ``<Document>`` element (``raw``: its bytes, for faster checks)."""
    if not isinstance(root.tag, str) or root.tag != "Document":
        raise SchemaError(f"root element is <{root.tag}>, expected <Document>", "/")
    validate_tree(root, raw)
    _check_attrs(root, (), "/Document")
    version: str | None = None
    info: DocumentInfo | None = None
    obj: SwObject | None = None
    for child in root:
        name = _tag(child, "/Document")
        path = f"/Document/{name}"
        if name == "Engineering" and version is None and info is None and obj is None:
            _check_attrs(child, ("version",), path)
            _no_text(child, path)
            version = child.get("version")
            if version is None:
                raise SchemaError("<Engineering> has no version attribute", path)
        elif name == "DocumentInfo" and info is None and obj is None:
            info = _document_info(child, path)
        elif name.startswith("SW.") and obj is None:
            child_obj = _object(child, path)
            if not isinstance(child_obj, SwObject):
                raise SchemaError("top-level object must be an SW.* object", path)
            obj = child_obj
        else:
            raise SchemaError(f"unexpected or out-of-order <{name}>", path)
    if version is None:
        raise SchemaError("missing <Engineering version=…>", "/Document")
    if obj is None:
        raise SchemaError("missing the SW.* object", "/Document")
    return Document(engineering_version=version, object=obj, document_info=info)


_INFO_ORDER = {"Created": 0, "ExportSetting": 1, "InstalledProducts": 2}


def _document_info(el: _El, path: str) -> DocumentInfo:
    _check_attrs(el, (), path)
    info = DocumentInfo()
    last = -1
    for child in el:
        name = _tag(child, path)
        here = f"{path}/{name}"
        rank = _INFO_ORDER.get(name)
        if rank is None or rank <= last:
            raise SchemaError(f"unexpected or out-of-order <{name}> in DocumentInfo", here)
        last = rank
        _check_attrs(child, (), here)
        if name == "Created":
            info.created = _text(child, here)
        elif name == "ExportSetting":
            info.export_setting = _text(child, here)
        else:
            products = []
            for prod in child:
                kind = _tag(prod, here)
                ppath = f"{here}/{kind}"
                _check_attrs(prod, (), ppath)
                fields = [(_tag(f, ppath), _text(f, f"{ppath}/{f.tag}")) for f in prod]
                if any(f.attrib for f in prod):
                    raise SchemaError("installed-product fields carry no attributes", ppath)
                if kind not in ("Product", "OptionPackage") or [n for n, _ in fields] != ["DisplayName", "DisplayVersion"]:
                    raise SchemaError(f"expected Product/OptionPackage with DisplayName, DisplayVersion: <{kind}>", ppath)
                products.append(Product(kind, fields[0][1], fields[1][1]))
            info.installed_products = products
    return info


def _tag(el: _El, path: str) -> str:
    """The tag of an outer-document element; the outer document has no namespaces."""
    tag = el.tag
    if tag[0] == "{":
        name = local_name(el)
        raise SchemaError(f"unexpected <{name}> in namespace {namespace_of(el)}", f"{path}/{name}")
    return tag


def _object(el: _El, path: str) -> ObjectChild:
    name = _tag(el, path.rpartition("/")[0])
    if name == "MultilingualText":
        return _multilingual_text(el, path)
    if not name.startswith("SW."):
        raise SchemaError(f"unexpected <{name}> in ObjectList", path)
    attrib = el.attrib
    if len(attrib) > 2 or any(key not in ("ID", "CompositionName") for key in attrib):
        _check_attrs(el, ("ID", "CompositionName"), path)
    cls = OBJECT_CLASSES.get(name, SwObject)
    obj = cls(name, attrib.get("ID"), attrib.get("CompositionName"), None, None)
    if not len(el):
        _no_text(el, path)
    for child in el:
        cname = _tag(child, path)
        if cname == "AttributeList" and obj.attributes is None:
            obj.attributes = _attribute_list(child, f"{path}/AttributeList", obj.read_only)
        elif cname == "ObjectList" and obj.children is None:
            here = f"{path}/ObjectList"
            if not len(child):
                _no_text(child, here)
            obj.children = [_object(c, f"{here}/{local_name(c)}") for c in child]
        else:
            raise SchemaError(f"unexpected <{cname}>", f"{path}/{cname}")
    return obj


def _multilingual_text(el: _El, path: str) -> MultilingualText:
    attrib = el.attrib
    if len(attrib) > 2 or any(key not in ("ID", "CompositionName") for key in attrib):
        _check_attrs(el, ("ID", "CompositionName"), path)
    mt = MultilingualText(attrib.get("CompositionName"), [], attrib.get("ID"))
    if len(el) != 1 or el[0].tag != "ObjectList":
        raise SchemaError("MultilingualText must hold exactly one ObjectList", path)
    for item in el[0]:
        here = f"{path}/ObjectList/{local_name(item)}"
        iattrib = item.attrib
        if item.tag != "MultilingualTextItem" or len(item) != 1 or item[0].tag != "AttributeList":
            raise SchemaError("expected MultilingualTextItem holding one AttributeList", here)
        if len(iattrib) > 2 or any(key not in ("ID", "CompositionName") for key in iattrib):
            _check_attrs(item, ("ID", "CompositionName"), here)
        fields = item[0]
        if len(fields) != 2 or fields[0].tag != "Culture" or fields[1].tag != "Text" \
                or len(fields[0]) or len(fields[1]) or fields[0].attrib or fields[1].attrib:
            raise SchemaError("MultilingualTextItem needs exactly Culture then Text (text only)", here)
        mt.items.append(
            MultilingualTextItem(fields[0].text or "", fields[1].text or "", iattrib.get("ID"), iattrib.get("CompositionName"))
        )
    return mt


def _attribute_list(el: _El, path: str, read_only: list[str]) -> dict[str, AttrValue]:
    attrs: dict[str, AttrValue] = {}
    for child in el:
        name = _tag(child, path)
        if name in attrs:
            raise SchemaError(f"duplicate attribute <{name}>", f"{path}/{name}")
        if child.attrib:
            here = f"{path}/{name}"
            _check_attrs(child, ("ReadOnly",), here)
            if child.get("ReadOnly") != "true":
                raise SchemaError("ReadOnly must be 'true'", here)
            read_only.append(name)
        if not len(child):
            if name == "NetworkSource":  # an empty network
                _no_text(child, f"{path}/{name}")
                attrs[name] = NetworkSource()
            else:
                attrs[name] = parse_scalar(name, child.text or "")
            continue
        here = f"{path}/{name}"
        kids = list(child)
        if name == "Interface":
            if len(kids) != 1 or local_name(kids[0]) != "Sections":
                raise SchemaError("Interface must hold exactly one <Sections>", here)
            ns = namespace_of(kids[0])
            if ns is None:
                raise SchemaError("Interface <Sections> has no namespace", here)
            attrs[name] = Interface(namespace=ns, sections=_sections(kids[0], ns, f"{here}/Sections"))
        elif name == "NetworkSource":
            if len(kids) > 1:
                raise SchemaError("NetworkSource holds at most one network body", here)
            # Lay the body out as TIA does once, here, so writers never mutate a shared tree.
            etree.indent(kids[0], space="  ")
            attrs[name] = NetworkSource(element=kids[0])
        else:
            # Compound entries we do not type (ParameterData, …) are kept as generic trees.
            attrs[name] = from_lxml(child)
    return attrs


# ---------------------------------------------------------------- interface

_IFACE_NAMES = ("Section", "Sections", "Member", "AttributeList", "Comment", "StartValue", "Subelement", "MultiLanguageText")
_TAGS_BY_NS: dict[str, dict[str, str]] = {}


def _tags(ns: str) -> dict[str, str]:
    """Clark name -> local name of the interface elements in namespace ``ns`` (cached)."""
    tags = _TAGS_BY_NS.get(ns)
    if tags is None:
        tags = {f"{{{ns}}}{name}": name for name in _IFACE_NAMES}
        if len(_TAGS_BY_NS) < 64:
            _TAGS_BY_NS[ns] = tags
    return tags


def _unexpected(child: _El, where: str, path: str) -> SchemaError:
    name = local_name(child)
    ns = namespace_of(child)
    what = f"<{name}>" if ns is None else f"<{name}> in namespace {ns}"
    return SchemaError(f"unexpected {what} in {where}", f"{path}/{name}")


def _sections(el: _El, ns: str, path: str) -> Sections:
    tags = _tags(ns)
    extra = dict(el.attrib)
    secs = Sections(datatype=extra.pop("Datatype", None), version=extra.pop("Version", None), extra=extra)
    if not len(el):
        _no_text(el, path)
    for child in el:
        if tags.get(child.tag) != "Section":
            raise _unexpected(child, "Sections", path)
        attrib = dict(child.attrib)
        name = attrib.pop("Name", None)
        here = f"{path}/Section"
        if name is None:
            raise SchemaError("Section without Name", here)
        sec = Section(name=name, extra=attrib)
        if not len(child):
            _no_text(child, here)
        for sub in child:
            tag = tags.get(sub.tag)
            if tag == "Member" and sec.sections is None:
                sec.members.append(_member(sub, ns, tags, here))
            elif tag == "Sections" and sec.sections is None and not sec.members:
                sec.sections = _sections(sub, ns, f"{here}/Sections")
            else:
                raise _unexpected(sub, "Section", here)
        secs.sections.append(sec)
    return secs


# Position of each child kind; a member's children must come in this order (as in every export).
_MEMBER_ORDER = {"AttributeList": 0, "Comment": 1, "Member": 2, "Sections": 3, "Subelement": 4, "StartValue": 5}


def _member(el: _El, ns: str, tags: dict[str, str], parent: str) -> Member:
    attrib = dict(el.attrib)
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
    path = f"{parent}/Member[@Name={member.name!r}]"
    if not len(el):
        _no_text(el, path)
        return member
    last = -1
    for child in el:
        tag = tags.get(child.tag, "")
        rank = _MEMBER_ORDER.get(tag)
        if rank is None or rank < last or (rank == last and rank != 2 and rank != 4):
            raise _unexpected(child, "Member (or out of order)", path)
        last = rank
        if rank == 0:
            if not len(child):
                _no_text(child, f"{path}/AttributeList")
            member.attributes = [_member_attribute(a, ns, path) for a in child]
        elif rank == 4:
            member.subelements.append(_subelement(child, tags, path))
        elif rank == 5:
            member.start_value = _start_value(child, path)
        elif rank == 1:
            member.comment = _comment(child, tags, path)
        elif rank == 2:
            member.members.append(_member(child, ns, tags, path))
        else:
            member.sections = _sections(child, ns, f"{path}/Sections")
    return member


def _member_attribute(el: _El, ns: str, path: str) -> MemberAttribute:
    tag_ns, kind = split_tag(el.tag)
    attrib = dict(el.attrib)
    name = attrib.pop("Name", None)
    if name is None or tag_ns != ns or not kind.endswith("Attribute") or len(el):
        raise _unexpected(el, "a member AttributeList", path)
    return MemberAttribute(
        kind, name, el.text or "", attrib.pop("SystemDefined", None), attrib.pop("Informative", None), attrib
    )


def _comment(el: _El, tags: dict[str, str], path: str) -> Comment:
    here = f"{path}/Comment"
    _check_attrs(el, ("Informative",), here)
    comment = Comment(informative=el.get("Informative"))
    if not len(el):
        _no_text(el, here)
    for child in el:
        lang = child.get("Lang")
        if tags.get(child.tag) != "MultiLanguageText" or lang is None or len(child.attrib) != 1 or len(child):
            raise _unexpected(child, "Comment (MultiLanguageText Lang=… only)", here)
        if lang in comment.texts:
            raise SchemaError(f"duplicate comment language {lang!r}", here)
        comment.texts[lang] = child.text or ""
    return comment


def _start_value(el: _El, path: str) -> StartValue:
    if len(el):
        raise SchemaError("StartValue holds text only", f"{path}/StartValue")
    attrib = el.attrib
    if not attrib:
        return StartValue(el.text or "")
    extra = dict(attrib)
    return StartValue(el.text or "", extra.pop("Informative", None), extra)


def _subelement(el: _El, tags: dict[str, str], path: str) -> Subelement:
    attrib = el.attrib
    sub_path = attrib.get("Path")
    if sub_path is None or len(attrib) != 1:
        raise SchemaError("Subelement needs exactly a Path attribute", f"{path}/Subelement")
    sub = Subelement(sub_path)
    if not len(el):
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
