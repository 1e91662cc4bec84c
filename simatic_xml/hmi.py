"""SimaticML of WinCC Comfort/Advanced (classic ``HmiTarget``) objects: screens, HMI tag tables, connections.

Openness exports these one object per file (``Screen.Export``, ``TagTable.Export``, ``Connection.Export``)
and imports them into their compositions (``ScreenComposition.Import``, ``TagTableComposition.Import``,
``ConnectionComposition.Import``). The document shape is the SimaticML one: ``<Document>``,
``<Engineering version>``, an optional ``<DocumentInfo>``, and one root object with an ``ID``, an
``AttributeList``, a ``LinkList`` (references by name: ``<Connection TargetID="@OpenLink"><Name>…``) and
an ``ObjectList`` of child objects with their ``CompositionName``.

Where the format comes from (public documents studied, none copied):

* HMI tag tables, ``Hmi.Tag.TagTable`` → ``Hmi.Tag.Tag`` (``CompositionName="Tags"``) with
  ``AcquisitionTriggerMode``/``AddressAccessMode``/``Coding``/``Length``/``LogicalAddress``/``Name``... in
  the AttributeList and ``AcquisitionCycle``, ``Connection``, ``ControllerTag`` (the PLC tag),
  ``DataType`` and ``HmiDataType`` in the LinkList: the template shipped in ``fluffware/TIAEKtool``,
  ``TIAEKtool/InitialHMIConstantTags.xml`` (a V15 export), and Siemens' Openness manual chapter
  "Exporting/importing HMI tags" (the integrated-connection example with ``ControllerTag``).
* Screens, ``Hmi.Screen.Screen`` with ``Name``, ``Number``, ``Width``, ``Height`` (and ``ActiveLayer``,
  ``BackColor``, ``Visible``...) and its ``Hmi.Screen.ScreenLayer`` children (``CompositionName="Layers"``)
  whose ObjectList holds the screen items (``CompositionName="ScreenItems"``: ``Hmi.Screen.IOField``,
  ``Hmi.Screen.Button``, ``Hmi.Screen.TextField``, ``Hmi.Screen.Rectangle``... with ``ObjectName``,
  ``Left``, ``Top``, ``Width``, ``Height``); a tag binding is a ``Hmi.Screen.Property`` (``Name`` =
  ``ProcessValue``) holding a ``Hmi.Dynamic.TagConnectionDynamic`` whose LinkList names the ``Tag``:
  ``fluffware/TIAEKtool``, ``TIAEKtool/PresetPopup.cs`` (reads ``/Document/Hmi.Screen.ScreenPopup/ObjectList``
  of a real export), and the screen documents of public Openness tools found by searching for
  ``Hmi.Screen.ScreenLayer`` (test fixtures modelled on V20/V21 exports).
* Connections, ``Hmi.Communication.Connection`` with ``Name``, ``Driver`` (``ILRT_S7_1500_OMS`` for an
  S7-1500, ``SMART_S7_1200_OMS`` for an S7-1200), ``InterfaceType``, ``Online``, ``PhysicId``, ``ProtocolId``
  and ``Hmi.Communication.NameValuePair`` children (``PhysicValues``/``ProtocolValues``: ``LocAddress``,
  ``RemStAddress``): public Openness probes that import connections into V19–V21. The partner station is
  kept as ``PartnerName`` (seen in one probe, **not confirmed** by an export).

Nothing is dropped: the model is the document's own tree (:class:`HmiObject`), with typed views for what
the service reads, so a TIA export read here and written again keeps every attribute, link and child
(round trip in canonical form, ``tests/simatic_xml/test_hmi.py``). Parsing goes through
:func:`simatic_xml.safe.parse_untrusted` (no DTD, no entities, size-limited).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from . import safe
from .errors import SchemaError
from .reader import parse_untrusted
from .renumber import object_ids

__all__ = (
    "CONNECTION", "GRAPHIC_LIST", "KINDS", "SCREEN", "TAG", "TAG_TABLE", "TEXT_LIST", "VB_SCRIPT", "HmiDocument",
    "HmiLink", "HmiObject", "RawXml",
    "canonical", "connection_info", "driver_id", "item_tag", "item_text", "new_connection", "new_item", "new_screen",
    "new_tag", "new_tag_table", "read_hmi", "renumber", "screen_items", "to_bytes",
)

SCREEN = "Hmi.Screen.Screen"
TAG_TABLE = "Hmi.Tag.TagTable"
TAG = "Hmi.Tag.Tag"
CONNECTION = "Hmi.Communication.Connection"
TEXT_LIST = "Hmi.TextGraphicList.TextList"
GRAPHIC_LIST = "Hmi.TextGraphicList.GraphicList"
VB_SCRIPT = "Hmi.RuntimeScripting.VBScript"
KINDS = {SCREEN: "screen", TAG_TABLE: "tag table", CONNECTION: "connection", TEXT_LIST: "text list",
         GRAPHIC_LIST: "graphic list", VB_SCRIPT: "VB script"}
"""Root elements this module reads, with what they are called in messages (text and graphic lists and VB
scripts: :mod:`simatic_xml.hmi_lists`)."""
_OPEN_LINK = "@OpenLink"
_DRIVERS = {"ILRT_S7_1500_OMS": "SIMATIC S7 1500", "SMART_S7_1200_OMS": "SIMATIC S7 1200",
            "S7_300_400": "SIMATIC S7 300/400"}
"""TIA's driver ids → the communication driver names TIA shows in the Connections editor."""


@dataclass
class RawXml:
    """XML kept as written: an AttributeList value holding markup (``<Text><body><p>…``) or an unknown part."""

    xml: str


@dataclass
class HmiLink:
    """A LinkList entry: ``<Connection TargetID="@OpenLink"><Name>PLC_1</Name></Connection>``.

    ``name`` is None for an intra-document link (``TargetID="#C"``), whose target is another object's ID.
    """

    role: str
    target_id: str = _OPEN_LINK
    name: str | None = None


@dataclass
class HmiObject:
    """One SimaticML object: element, ID, CompositionName, AttributeList (in order), LinkList, ObjectList."""

    element: str
    id: str | None = None
    composition: str | None = None
    attributes: list[tuple[str, str | RawXml | None]] | None = None
    """``(name, text)`` in document order; None text for an empty element (``<LogicalAddress />``);
    None list when the AttributeList is absent."""
    links: list[HmiLink] | None = None
    children: list[HmiObject | RawXml] | None = None

    def attr(self, name: str) -> str | None:
        """An attribute's text (None when absent, empty or markup)."""
        for key, value in self.attributes or ():
            if key == name:
                return value if isinstance(value, str) else None
        return None

    def set_attr(self, name: str, value: str | None) -> None:
        """Set an attribute, in place when present, else appended."""
        attrs = self.attributes if self.attributes is not None else []
        for index, (key, _) in enumerate(attrs):
            if key == name:
                attrs[index] = (name, value)
                break
        else:
            attrs.append((name, value))
        self.attributes = attrs

    def link(self, role: str) -> str | None:
        """The name an open link of this role points to (``Connection`` → ``HMI_Connection_1``)."""
        return next((x.name for x in self.links or () if x.role == role), None)

    def set_link(self, role: str, name: str | None) -> None:
        """Point the open link ``role`` at ``name`` (None removes it)."""
        links = [x for x in self.links or () if x.role != role]
        if name is not None:
            links.append(HmiLink(role, _OPEN_LINK, name))
            links.sort(key=lambda x: x.role)  # TIA writes LinkList entries in alphabetical order
        self.links = links or None

    def objects(self, element: str | None = None) -> list[HmiObject]:
        """Child objects (of one element name)."""
        return [c for c in self.children or () if isinstance(c, HmiObject)
                and (element is None or c.element == element)]

    @property
    def name(self) -> str:
        """``Name`` (screens, tables, tags, connections) or ``ObjectName`` (screen items)."""
        return self.attr("Name") or self.attr("ObjectName") or ""


@dataclass
class HmiDocument:
    """A whole file: the Engineering version, the DocumentInfo kept as written, the root object."""

    version: str
    root: HmiObject
    document_info: RawXml | None = None

    @property
    def kind(self) -> str:
        """``screen``, ``tag table`` or ``connection``."""
        return KINDS[self.root.element]


def _local(el: etree._Element) -> str:
    if not isinstance(el.tag, str):
        raise SchemaError("comments and processing instructions are not SimaticML", "")
    return etree.QName(el).localname


def _raw(el: etree._Element) -> RawXml:
    copy = etree.fromstring(etree.tostring(el))
    copy.tail = None
    return RawXml(etree.tostring(copy, encoding="unicode"))


def _read_object(el: etree._Element, path: str) -> HmiObject:
    obj = HmiObject(_local(el), el.get("ID"), el.get("CompositionName"))
    for part in el:
        if not isinstance(part.tag, str):
            continue
        name = _local(part)
        where = f"{path}/{name}"
        if name == "AttributeList":
            obj.attributes = []
            for attr in part:
                if not isinstance(attr.tag, str):
                    continue
                if len(attr):
                    obj.attributes.append((_local(attr), _raw(attr)))
                else:
                    obj.attributes.append((_local(attr), attr.text))
        elif name == "LinkList":
            obj.links = []
            for link in part:
                if not isinstance(link.tag, str):
                    continue
                target = link.get("TargetID")
                if target is None:
                    raise SchemaError(f"the link <{_local(link)}> has no TargetID", f"{where}/{_local(link)}")
                name_el = link.find("Name")
                obj.links.append(HmiLink(_local(link), target, name_el.text if name_el is not None else None))
        elif name == "ObjectList":
            obj.children = []
            for index, child in enumerate(part):
                if not isinstance(child.tag, str):
                    continue
                child_path = f"{where}/{_local(child)}[{index + 1}]"
                obj.children.append(_read_object(child, child_path) if len(child) or child.get("ID") else _raw(child))
        else:
            raise SchemaError(f"<{name}> is not part of a SimaticML object", where)
    return obj


def read_hmi(data: bytes | str, *, expect: str | None = None, max_bytes: int = safe.DEFAULT_MAX_BYTES) -> HmiDocument:
    """Parse an HMI screen, tag table or connection document.

    ``expect`` (:data:`SCREEN`, :data:`TAG_TABLE`, :data:`CONNECTION`) refuses any other root object.

    Raises:
        simatic_xml.UnsafeXmlError: DOCTYPE, entities, too large.
        simatic_xml.XmlSyntaxError: not well-formed.
        simatic_xml.SchemaError: not a ``<Document>`` with one HMI object of the expected kind, or the
            object has no name.
    """
    top = parse_untrusted(data, max_bytes=max_bytes).getroot()
    if _local(top) != "Document":
        raise SchemaError(f"<{_local(top)}> is not a SimaticML <Document>", "/")
    version, info, roots = "", None, []
    for part in top:
        if not isinstance(part.tag, str):
            continue
        name = _local(part)
        if name == "Engineering":
            version = part.get("version") or ""
        elif name == "DocumentInfo":
            info = _raw(part)
        else:
            roots.append(part)
    if not version:
        raise SchemaError("the document has no <Engineering version>", "/Document")
    if len(roots) != 1:
        raise SchemaError(f"a document holds one object, this one holds {len(roots)}", "/Document")
    element = _local(roots[0])
    path = f"/Document/{element}"
    if element not in KINDS:
        raise SchemaError(f"<{element}> is not an HMI object this service reads (screen, tag table, connection, "
                          "text list, graphic list, VB script of WinCC Comfort/Advanced)", path)
    if expect is not None and element != expect:
        raise SchemaError(f"<{element}> is a {KINDS[element]}, not a {KINDS[expect]}", path)
    root = _read_object(roots[0], path)
    if not root.attr("Name"):
        raise SchemaError(f"the {KINDS[element]} has no Name", f"{path}/AttributeList")
    if element == TAG_TABLE:
        for index, tag in enumerate(root.objects()):
            if tag.element != TAG:
                raise SchemaError(f"a tag table holds {TAG} objects, not {tag.element}",
                                  f"{path}/ObjectList[{index + 1}]")
            if not tag.attr("Name"):
                raise SchemaError("an HMI tag has no Name", f"{path}/ObjectList/{TAG}[{index + 1}]/AttributeList")
    if element == SCREEN:
        for item in screen_items(root):
            if not item.element.startswith("Hmi."):
                raise SchemaError(f"<{item.element}> is not a screen item", f"{path}/ObjectList")
    return HmiDocument(version, root, info)


# ----- writing --------------------------------------------------------------------------------------

def _write_object(parent: etree._Element, obj: HmiObject) -> None:
    el = etree.SubElement(parent, obj.element)
    if obj.id is not None:
        el.set("ID", obj.id)
    if obj.composition is not None:
        el.set("CompositionName", obj.composition)
    if obj.attributes is not None:
        attrs = etree.SubElement(el, "AttributeList")
        for name, value in obj.attributes:
            if isinstance(value, RawXml):
                attrs.append(etree.fromstring(value.xml))
            else:
                etree.SubElement(attrs, name).text = value
    if obj.links is not None:
        links = etree.SubElement(el, "LinkList")
        for link in obj.links:
            target = etree.SubElement(links, link.role, TargetID=link.target_id)
            if link.name is not None:
                etree.SubElement(target, "Name").text = link.name
    if obj.children is not None:
        children = etree.SubElement(el, "ObjectList")
        for child in obj.children:
            if isinstance(child, RawXml):
                children.append(etree.fromstring(child.xml))
            else:
                _write_object(children, child)


def to_bytes(doc: HmiDocument) -> bytes:
    """The document as TIA writes it: UTF-8 with declaration, two-space indentation, CRLF-free."""
    top = etree.Element("Document")
    etree.SubElement(top, "Engineering", version=doc.version)
    if doc.document_info is not None:
        top.append(etree.fromstring(doc.document_info.xml))
    _write_object(top, doc.root)
    etree.indent(top, space="  ")
    return etree.tostring(top, xml_declaration=True, encoding="utf-8").replace(
        b"<?xml version='1.0' encoding='utf-8'?>", b'<?xml version="1.0" encoding="utf-8"?>') + b"\n"


def canonical(data: bytes) -> bytes:
    """C14N 2.0 of a document without layout blanks, to compare two documents for equal content."""
    tree = safe.parse_untrusted(data, keep_blank_text=False)
    for el in tree.iter():
        if isinstance(el.tag, str) and len(el):
            if el.text is not None and not el.text.strip():
                el.text = None
            for child in el:
                if child.tail is not None and not child.tail.strip():
                    child.tail = None
    return etree.tostring(tree, method="c14n2")


# ----- typed views and new objects -------------------------------------------------------------------

def screen_items(screen: HmiObject) -> list[HmiObject]:
    """The items of a screen, layer by layer (``Layers`` → ``ScreenItems``)."""
    items: list[HmiObject] = []
    for layer in screen.objects("Hmi.Screen.ScreenLayer"):
        items += [c for c in layer.objects() if c.composition == "ScreenItems"]
    items += [c for c in screen.objects() if c.composition == "ScreenItems"]
    return items


def item_tag(item: HmiObject) -> str | None:
    """The HMI tag an item's process value is bound to (``ProcessValue`` → ``TagConnectionDynamic`` → ``Tag``)."""
    for prop in item.objects("Hmi.Screen.Property"):
        for dynamic in prop.objects("Hmi.Dynamic.TagConnectionDynamic"):
            tag = dynamic.link("Tag")
            if tag:
                return tag
    return None


def item_text(item: HmiObject) -> str | None:
    """The text an item shows (its ``Text`` multilingual text, first culture), markup removed; None when it has none."""
    for text in item.objects("MultilingualText"):
        if text.composition not in ("Text", "TextOn"):
            continue
        for entry in text.objects("MultilingualTextItem"):
            for key, value in entry.attributes or ():
                if key != "Text":
                    continue
                if isinstance(value, RawXml):
                    return "".join(etree.fromstring(value.xml).itertext())
                return value or ""
    return None


def connection_info(connection: HmiObject) -> tuple[str, str]:
    """``(partner, type)`` of a connection: the partner station and the driver as TIA names it."""
    driver = connection.attr("Driver") or ""
    return connection.attr("PartnerName") or "", _DRIVERS.get(driver, driver)


def driver_id(type_name: str) -> str:
    """The driver id for a driver name (``SIMATIC S7 1500`` → ``ILRT_S7_1500_OMS``); unknown names as given."""
    return next((k for k, v in _DRIVERS.items() if v.lower() == type_name.lower()), type_name)


def new_screen(name: str, number: int, width: int, height: int, version: str,
               items: list[HmiObject] | None = None) -> HmiDocument:
    """A screen as TIA creates it: one layer (index 0) holding ``items``."""
    layer = HmiObject("Hmi.Screen.ScreenLayer", composition="Layers",
                      attributes=[("Index", "0"), ("Name", None), ("VisibleES", "true")], children=list(items or []))
    root = HmiObject(SCREEN, attributes=[
        ("ActiveLayer", "0"), ("BackColor", "255, 255, 255"), ("GridColor", "0, 0, 0"), ("Height", str(height)),
        ("Name", name), ("Number", str(number)), ("Visible", "true"), ("Width", str(width)),
    ], children=[layer])
    doc = HmiDocument(version, root)
    renumber(doc)
    return doc


def new_item(element: str, name: str, left: int, top: int, width: int, height: int, *, tag: str | None = None,
             text: str | None = None) -> HmiObject:
    """A screen item (``IOField``, ``Button``, ``TextField``, ``Rectangle``...) at a position, optionally
    showing an HMI tag's value (``ProcessValue``) or a text."""
    children: list[HmiObject | RawXml] = []
    item = HmiObject(f"Hmi.Screen.{element}", composition="ScreenItems", attributes=[
        ("Height", str(height)), ("Left", str(left)), ("ObjectName", name), ("Top", str(top)), ("Width", str(width)),
    ], children=children)
    if tag is not None:
        dynamic = HmiObject("Hmi.Dynamic.TagConnectionDynamic", composition="Dynamic",
                            attributes=[("Indirect", "false")], links=[HmiLink("Tag", _OPEN_LINK, tag)])
        children.append(HmiObject("Hmi.Screen.Property", composition="Properties",
                                  attributes=[("Name", "ProcessValue")], children=[dynamic]))
    if text is not None:
        entry = HmiObject("MultilingualTextItem", composition="Items",
                          attributes=[("Culture", "en-US"), ("Text", text)])
        children.append(HmiObject("MultilingualText", composition="Text", children=[entry]))
    item.children = children or None
    return item


def new_tag(name: str, data_type: str, *, connection: str | None = None, plc_tag: str | None = None,
            cycle: str = "1 s") -> HmiObject:
    """An HMI tag: internal without a connection, external (bound to ``plc_tag``) with one."""
    tag = HmiObject(TAG, composition="Tags", attributes=[
        ("AcquisitionTriggerMode", "Visible"), ("AddressAccessMode", "Symbolic"), ("LogicalAddress", None),
        ("Name", name),
    ])
    tag.set_link("AcquisitionCycle", cycle)
    tag.set_link("Connection", connection)
    tag.set_link("ControllerTag", plc_tag if connection else None)
    tag.set_link("DataType", data_type)
    tag.set_link("HmiDataType", data_type)
    return tag


def new_tag_table(name: str, version: str, tags: list[HmiObject] | None = None) -> HmiDocument:
    """A tag table holding ``tags``."""
    doc = HmiDocument(version, HmiObject(TAG_TABLE, attributes=[("Name", name)], children=list(tags or [])))
    renumber(doc)
    return doc


def new_connection(name: str, partner: str, type_name: str, version: str, *, address: str | None = None) -> HmiDocument:
    """A connection to ``partner`` over Ethernet with the driver ``type_name`` (``SIMATIC S7 1500``)."""
    children: list[HmiObject | RawXml] = []
    if address:
        children.append(HmiObject("Hmi.Communication.NameValuePair", composition="ProtocolValues",
                                  attributes=[("Name", "RemStAddress"), ("Value", address)]))
    root = HmiObject(CONNECTION, attributes=[
        ("Driver", driver_id(type_name)), ("InterfaceType", "ETHERNET"), ("Name", name), ("Online", "true"),
        ("PartnerName", partner), ("PhysicId", "S7_ETHERNET_IP4"), ("ProtocolId", "S7_ETHERNET_IP4"),
    ], children=children or None)
    doc = HmiDocument(version, root)
    renumber(doc)
    return doc


def renumber(doc: HmiDocument) -> None:
    """Number the IDs as TIA writes them: hexadecimal from 0 in document order."""
    ids = object_ids()

    def walk(obj: HmiObject) -> None:
        obj.id = next(ids)
        for child in obj.children or ():
            if isinstance(child, HmiObject):
                walk(child)

    walk(doc.root)
