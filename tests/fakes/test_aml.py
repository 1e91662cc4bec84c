"""AutomationML (CAEX 3.0) export/import of the fake TIA backend's hardware (:mod:`fakes.aml`)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from fakes.aml import CAEX_NS, AmlFormatError, export_aml, import_aml
from fakes.model import Device, Interface, Module, Subnet
from simatic_xml.safe import UnsafeXmlError, XmlSyntaxError

DATA = Path(__file__).parent / "data"
"""The input documents of these tests, kept as files like the exports they stand for."""

C = "{%s}" % CAEX_NS
RCL = "AutomationProjectConfigurationRoleClassLib/"

CATALOG = {
    "6ES7 516-3AN02-0AB0": {"family": "S7-1500", "category": "CPU", "deviceKind": "plc",
                            "description": "S7-1500 CPU with PROFIBUS DP.", "name": "CPU 1516-3 PN/DP"},
    "6ES7 521-1BL00-0AB0": {"family": "S7-1500", "category": "Digital input", "deviceKind": "module",
                            "description": "", "name": "DI 32x24VDC HF"},
    "6ES7 155-6AU01-0BN0": {"family": "ET 200SP", "category": "Interface module", "deviceKind": "io-device",
                            "description": "ET 200SP interface module.", "name": "IM 155-6 PN ST"},
    "6ES7 131-6BF01-0BA0": {"family": "ET 200SP", "category": "Digital input", "deviceKind": "module",
                            "description": "", "name": "DI 8x24VDC ST"},
    "6AV2 123-2GB03-0AX0": {"family": "HMI Basic", "category": "HMI panel", "deviceKind": "hmi",
                            "description": "7\" Basic Panel.", "name": "KTP700 Basic"},
}


def lookup(order_number: str) -> dict | None:
    return CATALOG.get(order_number)


def make_devices() -> tuple[list[Device], list[Subnet]]:
    plc = Device(
        name="PLC_1", order_number="6ES7 516-3AN02-0AB0", firmware="V2.9", family="S7-1500", category="CPU",
        device_kind="plc", description="S7-1500 CPU with PROFIBUS DP.", comment="Line 1 <main> & \"control\"",
        interfaces=[
            Interface(name="PROFINET interface_1", ports=2, ip_address="192.168.0.1", subnet_mask="255.255.255.0",
                      subnet="PN/IE_1", profinet_name="plc_1"),
            Interface(name="PROFINET interface_2", ports=1),
        ],
        modules=[
            Module(name="DI 32x24VDC HF_1", order_number="6ES7 521-1BL00-0AB0", firmware="V2.2", slot=2,
                   category="Digital input"),
            Module(name="DI 32x24VDC HF_2", order_number="6ES7 521-1BL00-0AB0", firmware="V2.2", slot=3,
                   category="Digital input"),
        ],
        own_slot=1,
    )
    hmi = Device(
        name="HMI_1", order_number="6AV2 123-2GB03-0AX0", firmware="17.0.0.0", family="HMI Basic",
        category="HMI panel", device_kind="hmi", description="7\" Basic Panel.",
        interfaces=[Interface(name="PROFINET interface_1", ports=1, ip_address="192.168.0.2",
                              subnet_mask="255.255.255.0", router_address="192.168.0.254", subnet="PN/IE_1",
                              profinet_name="hmi_1")],
    )
    io = Device(
        name="IO device_1", order_number="6ES7 155-6AU01-0BN0", firmware="V4.2", family="ET 200SP",
        category="Interface module", device_kind="io-device", description="ET 200SP interface module.",
        interfaces=[Interface(name="PROFINET interface", ports=2, ip_address="192.168.0.3",
                              subnet_mask="255.255.255.0", subnet="PN/IE_1", profinet_name="io-device_1")],
        modules=[Module(name="DI 8x24VDC ST_1", order_number="6ES7 131-6BF01-0BA0", firmware="V1.1", slot=1,
                        category="Digital input")],
        own_slot=0,
    )
    return [plc, hmi, io], [Subnet(name="PN/IE_1"), Subnet(name="PN/IE_unused")]


def tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def element(root: etree._Element, name: str) -> etree._Element:
    return next(e for e in root.iter(C + "InternalElement") if e.get("Name") == name)


def child(el: etree._Element, path: str) -> etree._Element:
    """The first element at ``path`` under ``el``; the test fails when there is none."""
    found = el.find(path)
    assert found is not None, path
    return found


def parent(el: etree._Element) -> etree._Element:
    """The parent of ``el``; the test fails at the root."""
    found = el.getparent()
    assert found is not None, el.tag
    return found


def drop_attribute(el: etree._Element, name: str) -> None:
    el.remove(next(a for a in el.findall(C + "Attribute") if a.get("Name") == name))


def set_attribute(el: etree._Element, name: str, value: str) -> None:
    child(next(a for a in el.findall(C + "Attribute") if a.get("Name") == name), C + "Value").text = value


# ------------------------------------------------------------------------------------------- round trip
def test_round_trip_keeps_devices_and_connected_subnets() -> None:
    devices, subnets = make_devices()
    imported, imported_subnets = import_aml(export_aml("Plant", devices, subnets))
    assert imported == devices
    assert imported_subnets == [Subnet(name="PN/IE_1")]  # the unused subnet is not exported


def test_round_trip_with_catalog_lookup() -> None:
    devices, subnets = make_devices()
    imported, _ = import_aml(export_aml("Plant", devices, subnets), catalog_lookup=lookup)
    assert imported == devices


def test_subnet_named_only_by_an_interface_is_exported() -> None:
    devices, _ = make_devices()
    imported, imported_subnets = import_aml(export_aml("Plant", devices, []))
    assert imported == devices
    assert imported_subnets == [Subnet(name="PN/IE_1", type="PROFINET")]


def test_empty_export_round_trips() -> None:
    assert import_aml(export_aml("Empty", [], [Subnet(name="PN/IE_1")])) == ([], [])


# ----------------------------------------------------------------------------------------- determinism
def test_export_is_byte_identical_on_re_export() -> None:
    devices, subnets = make_devices()
    first = export_aml("Plant", devices, subnets)
    assert export_aml("Plant", *make_devices()) == first
    again, again_subnets = import_aml(first)
    assert export_aml("Plant", again, again_subnets) == first


def test_created_only_changes_the_writing_time() -> None:
    devices, subnets = make_devices()
    plain = export_aml("Plant", devices, subnets)
    stamped = export_aml("Plant", devices, subnets, created="2026-11-21T07:00:00Z")
    info = child(tree(stamped), C + "SourceDocumentInformation")
    assert info.get("LastWritingDateTime") == "2026-11-21T07:00:00Z"
    written = child(tree(plain), C + "SourceDocumentInformation").get("LastWritingDateTime")
    assert written is not None
    info.set("LastWritingDateTime", written)
    assert etree.tostring(info.getroottree()) == etree.tostring(tree(plain).getroottree())


# ------------------------------------------------------------------------------------------- structure
def test_output_is_caex_3_automationml() -> None:
    devices, subnets = make_devices()
    data = export_aml("Plant", devices, subnets, tia_version="V19")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    root = tree(data)
    assert root.tag == C + "CAEXFile"
    assert root.get("SchemaVersion") == "3.0"
    assert root.get("FileName") == "Plant.aml"
    assert root.findtext(C + "SuperiorStandardVersion") == "AutomationML 2.10"
    info = child(root, C + "SourceDocumentInformation")
    assert info.get("OriginVersion") == "1900"
    assert {"OriginName", "OriginID", "OriginVersion", "LastWritingDateTime"} <= set(info.keys())

    project = child(root, f"{C}InstanceHierarchy/{C}InternalElement")
    assert project.get("Name") == "Plant"
    assert child(project, C + "RoleRequirements").get("RefBaseRoleClassPath") == RCL + "AutomationProject"
    ids = [e.get("ID") for e in root.iter(C + "InternalElement", C + "ExternalInterface")]
    assert len(ids) == len(set(ids))

    head = child(element(element(root, "PLC_1"), "Rack_0"), C + "InternalElement")
    values = {a.get("Name"): a.findtext(C + "Value") for a in head.findall(C + "Attribute")}
    assert values["TypeIdentifier"] == "OrderNumber:6ES7 516-3AN02-0AB0"
    assert values["FirmwareVersion"] == "V2.9"
    assert values["PositionNumber"] == "1" and values["BuiltIn"] == "false" and values["DeviceItemType"] == "CPU"
    assert child(head, C + "SupportedRoleClass").get("RefRoleClassPath") == RCL + "DeviceItem"
    node = element(element(head, "PROFINET interface_1"), "E1")
    assert {a.get("Name"): a.findtext(C + "Value") for a in node.findall(C + "Attribute")}["NetworkAddress"] == \
        "192.168.0.1"


def test_links_connect_nodes_to_the_subnet() -> None:
    devices, subnets = make_devices()
    root = tree(export_aml("Plant", devices, subnets))
    interfaces = {(parent(e).get("ID"), e.get("Name")) for e in root.iter(C + "ExternalInterface")}
    links = list(root.iter(C + "InternalLink"))
    for link in links:
        for side in (link.get("RefPartnerSideA"), link.get("RefPartnerSideB")):
            assert side is not None and tuple(side.split(":")) in interfaces
    subnet_id = element(root, "PN/IE_1").get("ID")
    to_subnet = [link for link in links if link.get("RefPartnerSideB") == f"{subnet_id}:LogicalEndPoint_Subnet"]
    assert len(to_subnet) == 3
    system = element(root, "PROFINET IO-System")
    assert parent(system).get("Name") == "PROFINET interface_1"  # the PLC controls the IO device


# ------------------------------------------------------------------------------------------- refusals
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CAEXFile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CAEXFile xmlns="http://www.dke.de/CAEX" SchemaVersion="3.0" FileName="x.aml">&xxe;</CAEXFile>"""


def test_xxe_and_doctype_are_refused() -> None:
    with pytest.raises(UnsafeXmlError):
        import_aml(XXE)
    with pytest.raises(ValueError):
        import_aml(b'<!DOCTYPE a><CAEXFile xmlns="http://www.dke.de/CAEX" SchemaVersion="3.0"/>')


def test_malformed_xml_is_a_value_error() -> None:
    with pytest.raises(XmlSyntaxError):
        import_aml(b"<CAEXFile")


@pytest.mark.parametrize("document", [
    b"<Document><Engineering version='V19'/></Document>",
    b'<CAEXFile FileName="x.aml" SchemaVersion="3.0"><InstanceHierarchy Name="h"/></CAEXFile>',
    b'<CAEXFile xmlns="http://www.dke.de/CAEX" FileName="x.aml" SchemaVersion="2.15"/>',
    b'<CAEXFile xmlns="http://www.dke.de/CAEX" FileName="x.aml" SchemaVersion="3.0"/>',
])
def test_non_caex_documents_are_refused(document: bytes) -> None:
    with pytest.raises(AmlFormatError):
        import_aml(document)


def test_missing_type_identifier_names_the_element() -> None:
    devices, subnets = make_devices()
    root = tree(export_aml("Plant", devices, subnets))
    drop_attribute(element(root, "DI 32x24VDC HF_2"), "TypeIdentifier")
    with pytest.raises(AmlFormatError, match="DI 32x24VDC HF_2.*TypeIdentifier"):
        import_aml(etree.tostring(root))

    root = tree(export_aml("Plant", devices, subnets))
    head = child(element(element(root, "HMI_1"), "Rack_0"), C + "InternalElement")
    drop_attribute(head, "TypeIdentifier")
    with pytest.raises(AmlFormatError, match="HMI_1"):
        import_aml(etree.tostring(root))

    root = tree(export_aml("Plant", devices, subnets))
    drop_attribute(element(root, "IO device_1"), "TypeIdentifier")
    with pytest.raises(AmlFormatError, match="Device 'Plant/IO device_1' has no TypeIdentifier"):
        import_aml(etree.tostring(root))


@pytest.mark.parametrize("slot", ["two", "-1", ""])
def test_bad_slot_number_is_refused(slot: str) -> None:
    devices, subnets = make_devices()
    root = tree(export_aml("Plant", devices, subnets))
    set_attribute(element(root, "DI 32x24VDC HF_1"), "PositionNumber", slot)
    with pytest.raises(AmlFormatError, match="bad slot number"):
        import_aml(etree.tostring(root))


def test_unknown_article_with_lookup_is_refused() -> None:
    devices, subnets = make_devices()
    data = export_aml("Plant", devices, subnets)
    catalog = dict(CATALOG)
    del catalog["6AV2 123-2GB03-0AX0"]
    with pytest.raises(AmlFormatError, match="Unknown article number '6AV2 123-2GB03-0AX0'"):
        import_aml(data, catalog_lookup=catalog.get)


def test_gsd_devices_are_refused_with_a_clear_message() -> None:
    devices, subnets = make_devices()
    root = tree(export_aml("Plant", devices, subnets))
    head = child(element(element(root, "HMI_1"), "Rack_0"), C + "InternalElement")
    set_attribute(head, "TypeIdentifier", "GSD:GSDML-V2.41-VENDOR-DEVICE-20240101.XML/DAP/DAP1")
    with pytest.raises(AmlFormatError, match="only catalog hardware"):
        import_aml(etree.tostring(root))


# --------------------------------------------------------------------------------- TIA-style input
TIA_STYLE = (DATA / "line7_tia_style.aml").read_bytes()


def test_tia_style_file_with_unmodelled_content_is_imported() -> None:
    devices, subnets = import_aml(TIA_STYLE, catalog_lookup=lookup)
    assert subnets == [Subnet(name="PN/IE_7", type="PROFINET")]
    io, plc = devices  # document order; the folder's device comes first
    assert plc == Device(
        name="S7-1500 station_7", order_number="6ES7 516-3AN02-0AB0", firmware="V2.9", family="S7-1500",
        category="CPU", device_kind="plc", description="S7-1500 CPU with PROFIBUS DP.",
        interfaces=[Interface(name="PROFINET interface_1", ports=2, ip_address="10.0.7.1", subnet_mask="255.255.0.0",
                              subnet="PN/IE_7", profinet_name="plc_7")],
        modules=[Module(name="DI 32x24VDC HF_1", order_number="6ES7 521-1BL00-0AB0", firmware="V2.2", slot=2,
                        category="Digital input")],
        own_slot=1,
    )
    assert io.name == "ET 200SP station_7" and io.device_kind == "io-device" and io.own_slot == 0
    assert (io.order_number, io.firmware) == ("6ES7 155-6AU01-0BN0", "V4.2")  # firmware from the TypeIdentifier
    assert io.interfaces == [Interface(name="PROFINET interface", ports=1, ip_address="10.0.7.20",
                                       subnet_mask="255.255.0.0", subnet="PN/IE_7")]
    assert io.modules == []


def test_tia_style_file_without_lookup_uses_defaults() -> None:
    io, plc = import_aml(TIA_STYLE)[0]
    assert (plc.family, plc.category, plc.device_kind, plc.description) == ("", "", "plc", "")
    assert io.device_kind == "io-device"  # TIA's DeviceItemType HeadModule
    assert plc.modules[0].category == ""


def test_tia_style_unknown_module_with_lookup_is_refused() -> None:
    catalog = {k: v for k, v in CATALOG.items() if k != "6ES7 521-1BL00-0AB0"}
    with pytest.raises(AmlFormatError, match="6ES7 521-1BL00-0AB0"):
        import_aml(TIA_STYLE, catalog_lookup=catalog.get)


def test_input_devices_are_not_mutated_by_export() -> None:
    devices, subnets = make_devices()
    before = copy.deepcopy(devices)
    export_aml("Plant", devices, subnets)
    assert devices == before


def test_caex_2_15_as_tia_v17_writes_it_is_imported() -> None:
    """TIA V17 exports CAEX 2.15: the same structure without the CAEX namespace."""
    devices, subnets = make_devices()
    root = tree(export_aml("Plant", devices, subnets))
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
    root.set("SchemaVersion", "2.15")
    etree.cleanup_namespaces(root)
    assert b"dke.de/CAEX\"" not in etree.tostring(root).split(b">", 1)[0]
    assert import_aml(etree.tostring(root)) == import_aml(export_aml("Plant", devices, subnets))
    assert import_aml(etree.tostring(root))[0] == devices
