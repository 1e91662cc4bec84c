"""The hardware catalog over the stand-in (TiaPortal.HardwareCatalog.Find), and the pure helpers around it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from openness_bridge.catalog import kind_from_path
from openness_bridge.hardware_cax import aml_devices
from tests.lib.outcomes import raises_code

CPU = "6ES7 516-3AN02-0AB0"
DI = "6ES7 521-1BH00-0AB0"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Controllers/SIMATIC S7-1500/CPU/CPU 1516-3 PN/DP/6ES7 516-3AN02-0AB0", ("plc", "SIMATIC S7-1500", "CPU")),
        ("Controllers/SIMATIC S7-1500/DI/DI 16x24VDC HF/6ES7 521-1BH00-0AB0", ("module", "SIMATIC S7-1500", "DI")),
        ("HMI/SIMATIC Comfort Panel/7\" Display/TP700 Comfort/6AV2 124-0GC01-0AX0",
         ("hmi", "SIMATIC Comfort Panel", "7\" Display")),
        ("Distributed I/O/ET 200SP/Interface modules/PROFINET/IM 155-6 PN ST/6ES7 155-6AU01-0BN0",
         ("io-device", "ET 200SP", "Interface modules")),
    ],
)
def test_kind_family_and_category_come_from_the_catalog_path(path: str, expected: tuple[str, str, str]) -> None:
    assert kind_from_path(path) == expected


def test_aml_devices_reads_names_and_articles_and_refuses_the_rest() -> None:
    caex = "http://www.dke.de/CAEX"
    doc = f"""<CAEXFile xmlns="{caex}" SchemaVersion="3.0"><InstanceHierarchy Name="P"><InternalElement Name="P">
      <InternalElement Name="IO_1"><InternalElement Name="Rack_0"><InternalElement Name="IM">
        <Attribute Name="TypeIdentifier"><Value>OrderNumber:6ES7 155-6AU01-0BN0/V4.2</Value></Attribute>
      </InternalElement></InternalElement>
      <SupportedRoleClass RefRoleClassPath="AutomationProjectConfigurationRoleClassLib/Device"/></InternalElement>
    </InternalElement></InstanceHierarchy></CAEXFile>"""
    assert aml_devices(doc.encode()) == [("IO_1", "6ES7 155-6AU01-0BN0")]
    for bad in (b"<x/>", doc.replace("3.0", "2.15").encode(), doc.replace("OrderNumber:", "GSD:").encode(), b"<nope"):
        with pytest.raises(ValueError):
            aml_devices(bad)


def test_catalog_needs_a_portal_and_reads_tia(bridge: Any) -> None:
    with pytest.raises(e.PortalUnavailableError):
        bridge.catalog.catalog_find(CPU)
    bridge.launch_portal(with_ui=False, version=None)
    item = bridge.catalog.catalog_find("6es7516-3an02-0ab0")
    assert (item.order_number, item.device_kind, item.firmware_versions[-1]) == (CPU, "plc", "V3.1")
    assert item.type_identifier == f"OrderNumber:{CPU}/V3.1"
    hits = bridge.catalog.catalog_search("6ES7 516", 3)
    assert hits[0].item.order_number == CPU and hits[0].score == 0.9
    assert bridge.catalog.catalog_search(CPU, 3)[0].score == 1.0


def test_a_catalog_failure_is_surfaced(bridge: Any, faults: Any) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    faults.ArmNext("HardwareCatalog.Find", "NonRecoverable", "The connection to TIA Portal was lost.", "", None)
    raises_code(e.PortalUnavailableError, "PORTAL_CONNECTION_LOST", bridge.catalog.catalog_find, CPU)


def test_add_device_checks_the_catalog_before_tia(bridge: Any, tmp_path: Path) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    bridge.create_project(tmp_path, "P", author="", comment="")
    raises_code(e.NotFoundError, "ARTICLE_NOT_FOUND", bridge.devices.add_device, "6ES7 999-9ZZ99-0AB0", None, "X")
    firmware = raises_code(e.ValidationError, "UNKNOWN_FIRMWARE", bridge.devices.add_device, CPU, "V9.9", "X")
    assert "V3.1" in firmware.message
    raises_code(e.ValidationError, "NOT_A_DEVICE", bridge.devices.add_device, DI, None, "X")
    assert bridge.devices.list_devices() == []
    assert bridge.open_projects()[0].has_unsaved_changes is False
