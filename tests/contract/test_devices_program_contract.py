"""The backend contract for devices, the hardware catalog and PLC software: every adapter honours the port's
documented behaviour and errors (the ``backend`` fixture runs each test on the fake and on the Openness bridge)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend import models as m
from engineering_api.backend.port import EngineeringBackend
from tests.contract.conftest import CPU, DI, HMI, IM, UNKNOWN_ARTICLE
from tests.lib.outcomes import raises_code
from tests.contract.played import Played
from tests.contract.program_docs import DATA, fb_doc, program_doc, udt_doc
from tests.lib.shared_corpus import SHARED


BRIDGE_PENDING: dict[str, str] = {
    "test_saved_project_is_a_readable_manifest": "fake only: checks the fake's own project file format (TIA's is not "
                                                 "public)",
    "test_missing_type_makes_the_block_inconsistent": (
        "the bridge reads PlcBlock.IsConsistent, but Openness names no missing types "
        "(missing_types stays empty)"
    ),
}
"""Tests that do not run on the Openness bridge, with the reason (every other test here runs on both adapters)."""


# ----- devices --------------------------------------------------------------------------------
def test_add_get_list(backend, project):
    added = backend.devices.add_device(CPU, "V3.0", "PLC_1")
    assert isinstance(added, m.DeviceInfo)
    assert (added.order_number, added.firmware_version,
            added.type_identifier) == (CPU, "V3.0", f"OrderNumber:{CPU}/V3.0")
    assert backend.devices.get_device("PLC_1") == added
    assert backend.devices.list_devices() == [added]
    with pytest.raises(e.NotFoundError):
        backend.devices.get_device("Ghost")


def test_add_errors(backend, plc, tia):
    # Without a catalog in its Openness (V17), the bridge cannot tell an unknown article from another refusal of
    # Devices.CreateWithItem: TIA's refusal is a 422.
    with pytest.raises(e.ValidationError if tia.lacks("TiaPortal", "HardwareCatalog") else e.NotFoundError):
        backend.devices.add_device(UNKNOWN_ARTICLE, None, "X")
    with pytest.raises(e.ValidationError):
        backend.devices.add_device(CPU, "V9.9", "X")  # unknown firmware
    with pytest.raises(e.ValidationError):
        backend.devices.add_device(DI, None, "X")  # a module, not a device
    with pytest.raises(e.ValidationError):
        backend.devices.add_device(CPU, None, "bad/name")
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.add_device(CPU, None, "PLC_1")
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.add_device(CPU, None, "plc_1")  # names are unique case-insensitively
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]


def test_rename(backend, plc):
    backend.devices.add_device(HMI, None, "HMI_1")
    assert backend.devices.rename_device("PLC_1", "PLC_A").name == "PLC_A"
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_A", "HMI_1"]
    with pytest.raises(e.NotFoundError):
        backend.devices.rename_device("PLC_1", "X")
    with pytest.raises(e.ValidationError):
        backend.devices.rename_device("PLC_A", "a|b")
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.rename_device("PLC_A", "HMI_1")
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_A", "HMI_1"]


def test_delete(backend, plc):
    backend.devices.delete_device("PLC_1")
    assert backend.devices.list_devices() == []
    with pytest.raises(e.NotFoundError):
        backend.devices.delete_device("PLC_1")


def _net(backend, name, ip, mask="255.255.255.0", interface=None, subnet=None, router=None):
    return backend.devices.configure_network(name, ip_address=ip, subnet_mask=mask, interface=interface, subnet=subnet,
                                     router_address=router)


def test_configure_network(backend, plc):
    device = _net(backend, "PLC_1", "10.1.2.3", "255.255.0.0", "PROFINET interface_2", "Cell", "10.1.0.1")
    x2 = device.interfaces[1]
    assert (x2.ip_address, x2.subnet_mask, x2.subnet_name,
            x2.router_address) == ("10.1.2.3", "255.255.0.0", "Cell", "10.1.0.1")
    with pytest.raises(e.NotFoundError):
        _net(backend, "Ghost", "10.0.0.1")
    with pytest.raises(e.NotFoundError):
        _net(backend, "PLC_1", "10.0.0.1", interface="X9")
    with pytest.raises(e.ValidationError):
        _net(backend, "PLC_1", "10.0.0.1", interface="DP interface_1")  # PROFIBUS: no IP address
    backend.devices.add_device("6AV2 123-2GA03-0AX0", None, "HMI_DP")  # KTP700 Basic DP: no Ethernet interface
    with pytest.raises(e.ValidationError):
        _net(backend, "HMI_DP", "10.0.0.2")
    for ip, mask in (("10.0.0.300", "255.0.0.0"), ("10.0.0.1", "255.0.255.0"), ("10.0.0.0", "255.255.255.0"),
                     ("10.0.0.255", "255.255.255.0"), ("x", "255.255.255.0")):
        with pytest.raises(e.ValidationError):
            _net(backend, "PLC_1", ip, mask)
    assert backend.devices.get_device("PLC_1").interfaces[0].ip_address is None


def test_configure_network_first_interface(backend, plc):
    """The first Ethernet interface is the default; errors leave the addressing as it was."""
    device = _net(backend, "PLC_1", "10.1.2.3", "255.255.0.0", None, "Cell", "10.1.0.1")
    first = device.interfaces[0]
    assert (first.ip_address, first.subnet_mask, first.subnet_name,
            first.router_address) == ("10.1.2.3", "255.255.0.0", "Cell", "10.1.0.1")
    assert backend.devices.get_device("PLC_1") == device
    assert [s.name for s in backend.project_infrastructure().subnets] == ["Cell"]
    with pytest.raises(e.NotFoundError):
        _net(backend, "Ghost", "10.0.0.1")
    with pytest.raises(e.NotFoundError):
        _net(backend, "PLC_1", "10.0.0.1", interface="X9")
    backend.devices.add_device("6AV2 123-2GA03-0AX0", None, "HMI_DP")  # KTP700 Basic DP: no Ethernet interface
    with pytest.raises(e.ValidationError):
        _net(backend, "HMI_DP", "10.0.0.2")
    for ip, mask in (("10.1.0.300", "255.255.0.0"), ("10.1.0.1", "255.0.255.0"), ("10.1.0.0", "255.255.0.0"),
                     ("x", "255.255.0.0")):
        with pytest.raises(e.ValidationError):
            _net(backend, "PLC_1", ip, mask)
    assert backend.devices.get_device("PLC_1") == device


def test_compile_reports_duplicate_addresses(backend, plc):
    backend.devices.add_device(IM, None, "IO_1")
    _net(backend, "PLC_1", "192.168.0.1")
    _net(backend, "IO_1", "192.168.0.1")
    result = backend.devices.compile_hardware("IO_1")
    assert isinstance(result, m.CompileResult)
    assert result.state == "Error" and result.error_count >= 1
    assert any("192.168.0.1" in msg.description for msg in result.messages[0].messages)
    with pytest.raises(e.NotFoundError):
        backend.devices.compile_hardware("Ghost")


def test_parking_lot(backend, plc):
    backend.devices.add_device(IM, None, "IO_1")
    assert [d.name for d in backend.devices.parking_lot()] == ["IO_1"]
    _net(backend, "PLC_1", "192.168.0.1")
    _net(backend, "IO_1", "192.168.0.2")
    assert backend.devices.parking_lot() == []
    backend.devices.add_device(IM, None, "IO_2")
    assert backend.devices.clear_parking_lot() == ["IO_2"]
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1", "IO_1"]


def test_compatible_slots(backend, plc, tia):
    if tia.lacks("TiaPortal", "HardwareCatalog"):  # the module's article is looked up in the catalog first
        tia.refuses(backend.devices.compatible_slots, "PLC_1", DI)
        return
    slots = backend.devices.compatible_slots("PLC_1", DI)
    assert slots and all(isinstance(s, m.SlotOption) for s in slots)
    assert 1 not in [s.slot for s in slots]
    with pytest.raises(e.NotFoundError):
        backend.devices.compatible_slots("Ghost", DI)
    with pytest.raises(e.NotFoundError):
        backend.devices.compatible_slots("PLC_1", UNKNOWN_ARTICLE)


def test_export_import_round_trip(backend, plc, root, tia):
    pytest.importorskip("fakes.aml", reason="fakes/aml.py is written by another helper")
    _net(backend, "PLC_1", "192.168.0.1")
    before = backend.devices.get_device("PLC_1")
    transfer = backend.devices.export_hardware("PLC_1", root / "plc.aml")
    assert isinstance(transfer, m.HardwareTransfer)
    assert transfer.devices == ["PLC_1"]
    with pytest.raises(e.AlreadyExistsError):
        backend.devices.export_hardware("PLC_1", root / "plc.aml")
    with pytest.raises(e.NotFoundError):
        backend.devices.export_hardware("Ghost", root / "ghost.aml")
    backend.devices.delete_device("PLC_1")
    if _no_cax_import_check(backend, tia, root / "plc.aml"):
        return
    assert backend.devices.import_hardware(root / "plc.aml").devices == ["PLC_1"]
    assert backend.devices.get_device("PLC_1") == before


def test_hardware_round_trips_under_the_vendor_clients_xml_name(backend, plc, root, tia):
    """T-IA Connect's client names the AutomationML file ``<device>_hardware.xml``."""
    pytest.importorskip("fakes.aml", reason="fakes/aml.py is written by another helper")
    backend.devices.export_hardware("PLC_1", root / "PLC_1_hardware.xml")
    backend.devices.delete_device("PLC_1")
    if _no_cax_import_check(backend, tia, root / "PLC_1_hardware.xml"):
        return
    assert backend.devices.import_hardware(root / "PLC_1_hardware.xml").devices == ["PLC_1"]


def test_import_errors_leave_the_project_as_it_was(backend, plc, root, tia):
    pytest.importorskip("fakes.aml", reason="fakes/aml.py is written by another helper")
    backend.devices.add_device(IM, None, "IO_1")
    backend.devices.export_hardware("PLC_1", root / "plc.aml")
    backend.devices.export_hardware("IO_1", root / "io.aml")
    backend.save_project()
    # a file holding a new device and one that exists: nothing may be imported
    from lxml import etree

    caex = "{http://www.dke.de/CAEX}"
    both = etree.parse(str(root / "plc.aml"))
    io_tree = etree.parse(str(root / "io.aml"))
    target = both.getroot().find(f"{caex}InstanceHierarchy/{caex}InternalElement")
    source = io_tree.getroot().find(f"{caex}InstanceHierarchy/{caex}InternalElement")
    assert target is not None and source is not None
    plc_element = next(c for c in target.findall(f"{caex}InternalElement") if c.get("Name") == "PLC_1")
    io_element = next(c for c in source.findall(f"{caex}InternalElement") if c.get("Name") == "IO_1")
    plc_element.addprevious(io_element)  # the new device comes first, so it would be added before the clash
    both.write(str(root / "both.aml"))
    backend.devices.delete_device("IO_1")
    backend.save_project()
    snapshot = (backend.devices.list_devices(), backend.project_infrastructure(),
                backend.open_projects()[0].has_unsaved_changes)
    if not _no_cax_import_check(backend, tia, root / "both.aml"):
        with pytest.raises(e.AlreadyExistsError):
            backend.devices.import_hardware(root / "both.aml")  # PLC_1 exists, IO_1 would be new
    assert (backend.devices.list_devices(), backend.project_infrastructure(),
            backend.open_projects()[0].has_unsaved_changes) == snapshot
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]
    with pytest.raises(e.NotFoundError):
        backend.devices.import_hardware(root / "missing.aml")
    (root / "bad.aml").write_text("<x/>")
    with pytest.raises(e.ValidationError):
        backend.devices.import_hardware(root / "bad.aml")
    (root / "unknown.aml").write_text((root / "io.aml").read_text().replace(IM, UNKNOWN_ARTICLE))
    if not _no_cax_import_check(backend, tia, root / "unknown.aml"):
        with pytest.raises(e.ValidationError):
            backend.devices.import_hardware(root / "unknown.aml")
    assert [d.name for d in backend.devices.list_devices()] == ["PLC_1"]


def _no_cax_import_check(backend, tia, aml) -> bool:
    """Whether the adapter refuses the AML import for want of a hardware catalog (V17): TIA's CAx import is not
    transactional, so the bridge checks every device's article in the catalog before it; with no catalog, 501."""
    if not tia.lacks("TiaPortal", "HardwareCatalog"):
        return False
    before = backend.devices.list_devices()
    tia.refuses(backend.devices.import_hardware, aml)
    assert backend.devices.list_devices() == before
    return True


def test_failed_changes_leave_the_project_unchanged(backend, plc):
    backend.save_project()
    before = (backend.devices.list_devices(), backend.project_infrastructure())
    failing = [
        lambda: backend.devices.add_device(CPU, None, "PLC_1"),
        lambda: backend.devices.add_device(CPU, "V0.1", "New"),
        lambda: backend.devices.rename_device("PLC_1", "a*b"),
        lambda: _net(backend, "PLC_1", "192.168.0.0"),
        lambda: _net(backend, "PLC_1", "192.168.0.5", subnet="New", router="10.0.0.1"),
        lambda: backend.devices.delete_device("Ghost"),
    ]
    for call in failing:
        with pytest.raises(e.EngineeringError):
            call()
        assert (backend.devices.list_devices(), backend.project_infrastructure()) == before
        assert backend.open_projects()[0].has_unsaved_changes is False


# ----- catalog --------------------------------------------------------------------------------
def test_catalog(backend, tia):
    if tia.lacks("TiaPortal", "HardwareCatalog"):
        backend.launch_portal(with_ui=False, version=None)
        for call in (lambda: backend.catalog.catalog_find(CPU), lambda: backend.catalog.catalog_search("1516", 5)):
            tia.refuses(call)
        return
    if backend.name == "openness":
        backend.launch_portal(with_ui=False, version=None)  # Openness' catalog is TiaPortal.HardwareCatalog
    item = backend.catalog.catalog_find(CPU.lower().replace(" ", ""))
    assert isinstance(item, m.CatalogItem) and item.order_number == CPU
    with pytest.raises(e.NotFoundError):
        backend.catalog.catalog_find(UNKNOWN_ARTICLE)
    hits = backend.catalog.catalog_search("1516", 5)
    assert hits and len(hits) <= 5 and all(isinstance(h, m.CatalogMatch) for h in hits)
    with pytest.raises(e.ValidationError):
        backend.catalog.catalog_search("  ", 5)
    if backend.name == "openness":
        # TIA keeps its catalog itself (no cache to load or build) and CatalogEntry has no image.
        for call in (backend.catalog.catalog_cache_load, backend.catalog.catalog_cache_build,
                     backend.catalog.catalog_cache_status,
                     lambda: backend.catalog.catalog_image(CPU)):
            raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", call)
        return
    assert backend.catalog.catalog_cache_load().loaded is True
    status = backend.catalog.catalog_cache_build()
    assert isinstance(status, m.CatalogCacheStatus) and status.entry_count >= 60
    assert backend.catalog.catalog_cache_status().entry_count == status.entry_count
    image, media_type = backend.catalog.catalog_image(CPU)
    assert image and media_type.startswith("image/")
    with pytest.raises(e.NotFoundError):
        backend.catalog.catalog_image(UNKNOWN_ARTICLE)


def test_catalog_needs_no_portal(backend, tia):
    if tia.lacks("TiaPortal", "HardwareCatalog"):  # refused for the version before the portal is looked for
        tia.refuses(backend.catalog.catalog_find, CPU)
        return
    if backend.name == "openness":
        with pytest.raises(e.PortalUnavailableError):  # the catalog is TiaPortal.HardwareCatalog
            backend.catalog.catalog_find(CPU)
        return
    assert backend.catalog.catalog_find(CPU).order_number == CPU


def test_saved_project_is_a_readable_manifest(backend, plc, root):
    """The project folder is designed to diff well: a JSON manifest and one file per device."""
    backend.save_project()
    manifest = json.loads((root / "Line1" / "Line1.ap19").read_text())
    assert manifest["devices"] == ["PLC_1"]
    assert (root / "Line1" / "Devices" / "PLC_1" / "device.json").is_file()


_IDB = (DATA / "instance_db_template.xml").read_text(encoding="utf-8")


def _idb(tia: Played, name: str, fb: str, number: int, source: str) -> m.ProgramDocument:
    return program_doc(_IDB.format(name=name, fb=fb, number=number, version=tia.version), source)


_TAG_TABLES = SHARED / "corpus" / "simaticml" / "tagtable"
"""Real tag-table exports: ``fseenig_Falhas.xml`` (V16, 6 tags), ``Amadeusz97_LSql_UserConstants.xml`` (V18, 3
constants), ``Tayoriko_System_Tags.xml`` (V17, 55 tags)."""


def _second_table(tia: Played) -> tuple[str, str]:
    """A second real table (file, table name) the played version takes: the V18 one with user constants, or on an
    older TIA a V17 one (a project refuses documents of a newer TIA)."""
    return ("Amadeusz97_LSql_UserConstants.xml", "LSql_UserConstants") if tia.number >= 18 else (
        "Tayoriko_System_Tags.xml", "System_Tags")


def _corpus_table(file: str) -> m.ProgramDocument:
    return m.ProgramDocument(source=file, data=(_TAG_TABLES / file).read_bytes())


def _objects(backend: EngineeringBackend) -> list[m.ProgramObjectInfo]:
    """PLC_1's program objects but the "Default tag table": TIA gives every PLC one, the fake makes it on first use."""
    return [o for o in backend.program.list_program_objects("PLC_1")
            if (o.kind, o.name) != ("TagTable", "Default tag table")]


def test_import_list_and_export_program_objects(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    second, second_name = _second_table(tia)
    reports = backend.program.import_program_documents(
        "PLC_1",
        [udt_doc(tia, "UDT_State", "UDT_State.xml"), fb_doc(tia), _idb(tia, "Motor1", "FB_Motor", 1, "Motor1.xml"),
         _corpus_table("fseenig_Falhas.xml"), _corpus_table(second)],
        overwrite=False,
    )
    assert [r.status for r in reports] == ["Imported"] * 5
    assert [(r.name, r.kind) for r in reports[3:]] == [("Falhas", "TagTable"), (second_name, "TagTable")]
    listed = {o.name: o for o in _objects(backend)}
    assert listed["FB_Motor"].kind == "FB" and listed["FB_Motor"].number == 1 and listed["FB_Motor"].consistent
    assert listed["FB_Motor"].language == "SCL"
    assert listed["Motor1"].instance_of == "FB_Motor"
    assert [(o.name, o.kind, o.folder) for o in _objects(backend) if o.kind == "TagTable"] == [
        ("Falhas", "TagTable", ""), (second_name, "TagTable", "")]
    exported = backend.program.export_program_object("PLC_1", "FB_Motor")
    assert b"<Name>FB_Motor</Name>" in exported and exported.startswith(b"\xef\xbb\xbf<?xml")
    table = backend.program.export_program_object("PLC_1", "Falhas")
    assert (
        table.startswith(b"\xef\xbb\xbf<?xml") and b"<SW.Tags.PlcTagTable" in table and b"<Name>Falhas</Name>" in table
    )
    # The export imports again (overwrite replaces the table) and exports the same.
    backend.program.import_program_documents("PLC_1", [m.ProgramDocument(source="again.xml", data=table)],
                                             overwrite=True)
    assert backend.program.export_program_object("PLC_1", "Falhas") == table
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", backend.program.import_program_documents, "PLC_1",
                [_corpus_table("fseenig_Falhas.xml")], overwrite=False)


def test_find_program_objects_answers_as_the_listing_for_the_names_asked(backend: EngineeringBackend, plc: str,
                                                                          tia: Played) -> None:
    """The lookup a generation makes instead of the listing: each name whatever its case, every category holding
    it (a tag table may share a block's name), described as the listing describes it, unknown names left out."""
    second, second_name = _second_table(tia)
    backend.program.import_program_documents(
        "PLC_1", [udt_doc(tia, "UDT_State", "UDT_State.xml"), fb_doc(tia),
                  _idb(tia, "Motor1", "FB_Motor", 1, "Motor1.xml"), _corpus_table(second)], overwrite=False)
    listed = {(o.kind, o.name): o for o in backend.program.list_program_objects("PLC_1")}
    found = backend.program.find_program_objects("PLC_1", ["fb_motor", "UDT_STATE", "Motor1", second_name.upper(),
                                                           "Nowhere", "Motor1"])
    assert sorted((o.kind, o.name) for o in found) == sorted(
        [("FB", "FB_Motor"), ("UDT", "UDT_State"), ("InstanceDB", "Motor1"), ("TagTable", second_name)])
    assert all(o == listed[(o.kind, o.name)] for o in found)
    assert backend.program.find_program_objects("PLC_1", []) == []
    with pytest.raises(e.NotFoundError):
        backend.program.find_program_objects("Nowhere", ["FB_Motor"])


def test_program_objects_survive_save_and_reopen(backend: EngineeringBackend, plc: str,
                                                 project: m.ProjectInfo, tia: Played) -> None:
    backend.program.import_program_documents("PLC_1", [udt_doc(tia, "UDT_State", "u.xml"), fb_doc(tia)],
                                             overwrite=False)
    before = backend.program.export_program_object("PLC_1", "FB_Motor")
    backend.save_project()
    backend.close_project()
    backend.open_project(Path(project.path))
    assert backend.program.export_program_object("PLC_1", "FB_Motor") == before


def test_unsaved_program_changes_are_discarded_on_close(backend: EngineeringBackend, plc: str,
                                                        project: m.ProjectInfo, tia: Played) -> None:
    backend.save_project()
    backend.program.import_program_documents("PLC_1", [udt_doc(tia, "UDT_State", "u.xml")], overwrite=False)
    backend.close_project()
    backend.open_project(Path(project.path))
    assert [o.name for o in _objects(backend)] == ["Main"]  # the OB1 the PLC came with


def test_missing_type_makes_the_block_inconsistent(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.program.import_program_documents("PLC_1", [fb_doc(tia, udt="UDT_Nowhere")], overwrite=False)
    (info,) = [o for o in _objects(backend) if o.name == "FB_Motor"]
    assert not info.consistent and info.missing_types == ["UDT_Nowhere"]


def test_existing_name_needs_overwrite(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.program.import_program_documents("PLC_1", [fb_doc(tia)], overwrite=False)
    with pytest.raises(e.AlreadyExistsError):
        backend.program.import_program_documents("PLC_1", [fb_doc(tia)], overwrite=False)
    backend.program.import_program_documents("PLC_1", [fb_doc(tia)], overwrite=True)


def test_blocks_and_plc_data_types_share_one_namespace(backend: EngineeringBackend, plc: str,
                                                       tia: Played) -> None:
    """A PLC data type may not take a block's name, nor a block a type's (case-insensitive); nothing changes."""
    backend.program.import_program_documents("PLC_1", [udt_doc(tia, "UDT_State", "u.xml"), fb_doc(tia)],
                                             overwrite=False)
    before = sorted((o.name, o.kind) for o in _objects(backend))
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", backend.program.import_program_documents,
                "PLC_1", [udt_doc(tia, "fb_motor", "t.xml")], overwrite=False)
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", backend.program.import_program_documents,
                "PLC_1", [fb_doc(tia, name="udt_state", number=2)], overwrite=False)
    assert sorted((o.name, o.kind) for o in _objects(backend)) == before == [
        ("FB_Motor", "FB"), ("Main", "OB"), ("UDT_State", "UDT")]


def _manual(doc: m.ProgramDocument) -> m.ProgramDocument:
    """The block numbered by hand (``<AutoNumber>false``), as an export with default values left out writes it."""
    data = doc.data.replace(b"<MemoryLayout>", b"<AutoNumber>false</AutoNumber>\n      <MemoryLayout>", 1)
    return m.ProgramDocument(source=doc.source, data=data)


def test_block_number_used_once_per_block_type(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    backend.program.import_program_documents("PLC_1", [fb_doc(tia)], overwrite=False)
    with pytest.raises(e.ConflictError):
        backend.program.import_program_documents("PLC_1", [_manual(fb_doc(tia, name="FB_Other", number=1))],
                                                 overwrite=False)
    # A DB may have the number of an FB: block types have their own number spaces.
    backend.program.import_program_documents("PLC_1", [_idb(tia, "DB1", "FB_Motor", 1, "db.xml")], overwrite=False)


def test_an_automatically_numbered_block_gets_a_free_number(backend: EngineeringBackend, plc: str,
                                                            tia: Played) -> None:
    # A V19 export without <AutoNumber> (default values left out) is numbered automatically: TIA's default.
    udt = udt_doc(tia, "UDT_State", "UDT_State.xml")
    backend.program.import_program_documents("PLC_1", [udt, fb_doc(tia), fb_doc(tia, name="FB_Two", number=2)],
                                             overwrite=False)
    backend.program.import_program_documents("PLC_1", [fb_doc(tia, name="FB_Other", number=1)], overwrite=False)
    numbers = {o.name: o.number for o in _objects(backend) if o.kind == "FB"}
    assert numbers == {"FB_Motor": 1, "FB_Two": 2, "FB_Other": 3}
    assert b"<Number>3</Number>" in backend.program.export_program_object("PLC_1", "FB_Other")


def test_importing_the_same_automatically_numbered_blocks_again_keeps_their_numbers(
        backend: EngineeringBackend, plc: str, tia: Played) -> None:
    """Blocks generated from a source all carry a placeholder number with AutoNumber: importing them again with
    overwrite gives each the lowest free number where the block it replaces holds none, so a pipeline that
    regenerates the same source does not renumber the program (and churn every export in its repository)."""
    docs = [fb_doc(tia, name=f"FB_Gen{i}", number=1) for i in range(4)]
    backend.program.import_program_documents("PLC_1", docs, overwrite=False)
    first = {o.name: o.number for o in _objects(backend) if o.kind == "FB"}
    assert sorted(number or 0 for number in first.values()) == [1, 2, 3, 4]  # no number fails as 0
    for _ in range(2):
        backend.program.import_program_documents("PLC_1", docs, overwrite=True)
        assert {o.name: o.number for o in _objects(backend) if o.kind == "FB"} == first


def test_instance_db_needs_its_fb(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    raises_code(e.ValidationError, "INSTANCE_OF_MISSING", backend.program.import_program_documents, "PLC_1",
                [_idb(tia, "DB1", "FB_Missing", 1, "db.xml")], overwrite=False)


def test_newer_documents_and_garbage_are_refused(backend: EngineeringBackend, plc: str, tia: Played) -> None:
    raises_code(e.ValidationError, "NEWER_VERSION", backend.program.import_program_documents, "PLC_1",
                [fb_doc(tia, version=tia.newer)], overwrite=False)
    # An older TIA's document is taken, also one of a version no export in the corpus has shown (V15).
    backend.program.import_program_documents("PLC_1", [fb_doc(tia, name="FB_Old", version="V15")], overwrite=False)
    assert "FB_Old" in {o.name for o in _objects(backend)}
    raises_code(e.ValidationError, "INVALID_SIMATICML", backend.program.import_program_documents, "PLC_1",
                [program_doc("<nope", "x.xml")], overwrite=False)
    with pytest.raises(e.ValidationError):
        backend.program.import_program_documents(
            "PLC_1",
            [program_doc('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>', "xxe.xml")],
            overwrite=False,
        )


def test_a_failed_batch_imports_nothing_and_reports_per_file(backend: EngineeringBackend, plc: str,
                                                             tia: Played) -> None:
    caught = raises_code(e.ValidationError, "IMPORT_FAILED", backend.program.import_program_documents, "PLC_1",
                         [udt_doc(tia, "UDT_State", "u.xml"), program_doc("<broken", "b.xml")], overwrite=False)
    assert [f["status"] for f in caught.details["files"]] == ["NotImported", "Failed"]
    assert [o.name for o in _objects(backend)] == ["Main"]  # the OB1 the PLC came with


def test_only_plcs_have_software(backend: EngineeringBackend, project: m.ProjectInfo) -> None:
    backend.devices.add_device(HMI, None, "HMI_1")
    raises_code(e.ValidationError, "NOT_A_PLC", backend.program.list_program_objects, "HMI_1")
    with pytest.raises(e.NotFoundError):
        backend.program.export_program_object("HMI_1x", "x")
