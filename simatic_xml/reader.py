"""Read SimaticML into the typed model. All input goes through :func:`simatic_xml.safe.parse_untrusted`."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from . import safe
from .errors import SchemaError, UnsafeXmlError, XmlSyntaxError
from .model import (BOOL_ATTRIBUTES, INT_ATTRIBUTES, OBJECT_CLASSES, AttrValue, Document, DocumentInfo,
                    MultilingualText,
                    MultilingualTextItem, NetworkSource, ObjectChild, Product, SwObject, parse_scalar)
from .reader_iface import read_interface
from .xmlnode import element_tag, from_lxml, local_name, namespace_of, validate_tree

__all__ = ("parse_bytes", "parse_tree", "parse_untrusted", "read_file")

_El = etree._Element
# Names whose scalar text parse_scalar may type; any other keeps its text (one set lookup instead of a call).
_TYPED_SCALARS = BOOL_ATTRIBUTES | INT_ATTRIBUTES


def read_file(path: str | Path, *, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> Document:
    """Read a SimaticML file."""
    return parse_bytes(Path(path).read_bytes(), max_bytes=max_bytes)


def parse_bytes(data: bytes | str, *, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> Document:
    """Parse SimaticML from bytes or text (safely: no DTD, no entities, size-limited)."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return parse_tree(parse_untrusted(raw, max_bytes=max_bytes).getroot(), raw=raw)


def parse_untrusted(data: bytes | str, *, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> etree._ElementTree:
    """The XML tree of a SimaticML document, parsed safely; :mod:`.safe`'s errors become this package's."""
    try:
        # Layout blanks between elements mean nothing in SimaticML (the writer lays out anew): not storing
        # them halves libxml2's work and leaves fewer text nodes for the mixed-content check.
        return safe.parse_untrusted(data, max_bytes=max_bytes, keep_blank_text=False)
    except safe.UnsafeXmlError as exc:
        raise UnsafeXmlError(str(exc)) from exc
    except safe.XmlSyntaxError as exc:
        raise XmlSyntaxError(str(exc), exc.line) from exc


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
        raise SchemaError(f"root element is <{root.tag!s}>, expected <Document>", "/")
    # Blanks beside elements (kept by the parse when the document holds "<!", or by another parser) mean
    # the network bodies must be laid out here; a blank-free tree is pretty-printed when written.
    indent = not validate_tree(root, raw)
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
            if len(child):  # its elements would be lost
                raise SchemaError("<Engineering> holds no elements", path)
            version = child.get("version")
            if version is None:
                raise SchemaError("<Engineering> has no version attribute", path)
        elif name == "DocumentInfo" and info is None and obj is None:
            info = _document_info(child, path)
        elif name.startswith("SW.") and obj is None:
            child_obj = _object(child, "/Document", indent)
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
                tag = prod.tag
                if (tag == "Product" or tag == "OptionPackage") and len(prod) == 2 and not prod.keys():
                    # The usual shape, read without the error paths below (which give the same result).
                    name_el, version_el = prod
                    if name_el.tag == "DisplayName" and version_el.tag == "DisplayVersion" and not len(name_el) \
                            and not len(version_el) and not name_el.keys() and not version_el.keys():
                        products.append(Product(tag, name_el.text or "", version_el.text or ""))
                        continue
                kind = _tag(prod, here)
                ppath = f"{here}/{kind}"
                _check_attrs(prod, (), ppath)
                fields: list[tuple[str, str]] = []
                for f in prod:
                    fname = _tag(f, ppath)
                    fields.append((fname, _text(f, f"{ppath}/{fname}")))
                if any(f.attrib for f in prod):
                    raise SchemaError("installed-product fields carry no attributes", ppath)
                if kind not in ("Product",
                                "OptionPackage") or [n for n, _ in fields] != ["DisplayName", "DisplayVersion"]:
                    raise SchemaError(f"expected Product/OptionPackage with DisplayName, DisplayVersion: <{kind}>",
                                      ppath)
                products.append(Product(kind, fields[0][1], fields[1][1]))
            info.installed_products = products
    return info


def _tag(el: _El, path: str) -> str:
    """The tag of an outer-document element; the outer document has no namespaces."""
    tag = element_tag(el)
    if tag[0] == "{":
        name = local_name(el)
        raise SchemaError(f"unexpected <{name}> in namespace {namespace_of(el)}", f"{path}/{name}")
    return tag


def _ids(el: _El, path: str) -> tuple[str | None, str | None]:
    """``ID`` and ``CompositionName``, the only attributes an object or text item may have."""
    items = el.items()
    if len(items) == 2 and items[0][0] == "ID" and items[1][0] == "CompositionName":  # most of them
        return items[0][1], items[1][1]
    oid = composition = None
    for key, value in items:
        if key == "ID":
            oid = value
        elif key == "CompositionName":
            composition = value
        else:
            raise SchemaError(f"unexpected attribute {key!r} on <{local_name(el)}>", path)
    return oid, composition


def _object(el: _El, parent: str, indent: bool) -> ObjectChild:
    """An ObjectList entry below ``parent``; ``indent``: lay out network bodies here (see :func:`parse_tree`)."""
    name = el.tag
    if not isinstance(name, str) or name[0] == "{":
        name = _tag(el, parent)  # raises
    path = f"{parent}/{name}"
    if name == "MultilingualText":
        return _multilingual_text(el, path)
    if not name.startswith("SW."):
        raise SchemaError(f"unexpected <{name}> in ObjectList", path)
    oid, composition = _ids(el, path)
    obj = OBJECT_CLASSES.get(name, SwObject)(name, oid, composition, None, None)
    if not len(el):
        _no_text(el, path)
    for child in el:
        cname = child.tag
        if not isinstance(cname, str) or cname[0] == "{":
            cname = _tag(child, path)  # raises
        if cname == "AttributeList" and obj.attributes is None:
            obj.attributes = _attribute_list(child, f"{path}/AttributeList", obj.read_only, indent)
        elif cname == "ObjectList" and obj.children is None:
            here = f"{path}/ObjectList"
            if not len(child):
                _no_text(child, here)
            obj.children = [_object(c, here, indent) for c in child]
        else:
            raise SchemaError(f"unexpected <{cname}>", f"{path}/{cname}")
    return obj


def _multilingual_text(el: _El, path: str) -> MultilingualText:
    oid, composition = _ids(el, path)
    objects = el[0] if len(el) == 1 else None
    if objects is None or objects.tag != "ObjectList":
        raise SchemaError("MultilingualText must hold exactly one ObjectList", path)
    mt = MultilingualText(composition, [], oid)
    append = mt.items.append
    for item in objects:
        fields = item[0] if len(item) == 1 else None
        if item.tag != "MultilingualTextItem" or fields is None or fields.tag != "AttributeList":
            raise SchemaError("expected MultilingualTextItem holding one AttributeList",
                              f"{path}/ObjectList/{local_name(item)}")
        ids = item.items()
        iid: str | None
        icomposition: str | None
        if len(ids) == 2 and ids[0][0] == "ID" and ids[1][0] == "CompositionName":  # as in every export
            iid = ids[0][1]
            icomposition = ids[1][1]
        else:
            iid, icomposition = _ids(item, f"{path}/ObjectList/MultilingualTextItem")
        culture, text = fields if len(fields) == 2 else (None, None)
        if culture is None or text is None or culture.tag != "Culture" or text.tag != "Text" \
                or len(culture) or len(text) or culture.keys() or text.keys():
            raise SchemaError("MultilingualTextItem needs exactly Culture then Text (text only)",
                              f"{path}/ObjectList/MultilingualTextItem")
        append(MultilingualTextItem(culture.text or "", text.text or "", iid, icomposition))
    return mt


def _attribute_list(el: _El, path: str, read_only: list[str], indent: bool) -> dict[str, AttrValue]:
    attrs: dict[str, AttrValue] = {}
    for child in el:
        name = child.tag
        if not isinstance(name, str) or name[0] == "{":
            name = _tag(child, path)  # raises
        if name in attrs:
            raise SchemaError(f"duplicate attribute <{name}>", f"{path}/{name}")
        if child.keys():
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
                text = child.text or ""
                attrs[name] = parse_scalar(name, text) if name in _TYPED_SCALARS else text
            continue
        here = f"{path}/{name}"
        kids = list(child)
        if name == "Interface":
            if len(kids) != 1 or local_name(kids[0]) != "Sections":
                raise SchemaError("Interface must hold exactly one <Sections>", here)
            ns = namespace_of(kids[0])
            if ns is None:
                raise SchemaError("Interface <Sections> has no namespace", here)
            attrs[name] = read_interface(kids[0], ns, f"{here}/Sections")
        elif name == "NetworkSource":
            if len(kids) > 1:
                raise SchemaError("NetworkSource holds at most one network body", here)
            if indent:
                # Lay the body out as TIA does once, here, so writers never mutate a shared tree. A blank-free
                # body is left as it is: the writer pretty-prints it to the same text (writer.lxml_body_text).
                etree.indent(kids[0], space="  ")
            attrs[name] = NetworkSource(element=kids[0])
        else:
            # Compound entries we do not type (ParameterData, …) are kept as generic trees.
            attrs[name] = from_lxml(child)
    return attrs
