"""The firmware each TIA Portal version configures is catalog data (issue 13,
engineering_api/rules/catalog/tia_versions.json)."""

from __future__ import annotations

import pytest

from engineering_api.rules.catalog import FirmwareNeedsNewerTiaError, default_catalog
from engineering_api.rules.catalog.tia_versions import first_tia_version, tia_key
from fakes.portal import SUPPORTED_VERSIONS
from simatic_xml.versions import GENERATION_TARGETS
from tests.lib.outcomes import raises_code

__all__: list[str] = []


def test_every_cpu_and_hmi_firmware_has_its_first_tia_version() -> None:
    missing = [(e.order_number, v) for e in default_catalog().entries if e.device_kind in ("plc", "hmi")
               for v in e.firmware_versions if first_tia_version(e.family, v, e.device_kind) is None]
    assert missing == []


def test_the_fake_installs_every_version_it_writes_documents_for() -> None:
    assert SUPPORTED_VERSIONS == GENERATION_TARGETS


@pytest.mark.parametrize(("family", "firmware", "first"), [
    ("S7-1500", "V2.8", "V16"), ("S7-1500", "V2.9", "V17"), ("S7-1500", "V3.0", "V18"), ("S7-1500", "V3.1", "V19"),
    ("S7-1500", "V4.0", "V20"), ("S7-1500F", "V3.1", "V19"), ("ET 200SP CPU", "V3.0", "V18"),
    ("S7-1200", "V4.4", "V16"), ("S7-1200", "V4.7", "V19"), ("S7-1200 G2", "V1.0", "V20"),
    ("HMI Comfort", "15.1.0.0", "V15.1"), ("HMI Unified Comfort", "20.0.0.0", "V20"),
])
def test_first_tia_version(family: str, firmware: str, first: str) -> None:
    kind = "hmi" if family.startswith("HMI") else "plc"
    assert first_tia_version(family, firmware, kind) == first


def test_modules_and_interface_modules_are_not_restricted() -> None:
    assert first_tia_version("S7-1500", "V3.0", "module") is None
    assert first_tia_version("ET 200SP", "V4.2", "io-device") is None


def test_tia_versions_sort() -> None:
    assert tia_key("V13 SP1") == tia_key("V13.1") < tia_key("V14") < tia_key("V15.1") < tia_key("V16")


def test_resolve_with_the_project_version() -> None:
    catalog = default_catalog()
    assert catalog.resolve("6ES7 516-3AN02-0AB0", tia_version="V16")[1] == "V2.8"
    assert catalog.resolve("6ES7 516-3AN02-0AB0", "V2.8", tia_version="V16")[1] == "V2.8"
    with pytest.raises(FirmwareNeedsNewerTiaError) as info:
        catalog.resolve("6ES7 516-3AN02-0AB0", "V3.1", tia_version="V17")
    assert info.value.minimum == "V19" and info.value.usable[-1] == "V2.9"
    assert catalog.resolve("6ES7 516-3AN02-0AB0")[1] == "V3.1"  # no project: the whole catalog


def test_a_hardware_import_refuses_firmware_the_project_cannot_configure(tmp_path) -> None:
    from engineering_api.backend.errors import ValidationError
    from fakes.backend import FakeBackend

    fake = FakeBackend(tmp_path / "state")
    (tmp_path / "ws").mkdir()
    fake.launch_portal(with_ui=False, version="V19")
    fake.create_project(tmp_path / "ws", "New", author="", comment="")
    fake.devices.add_device("6ES7 516-3AN02-0AB0", "V3.1", "PLC_1")
    fake.devices.export_hardware("PLC_1", tmp_path / "ws" / "plc.aml")
    fake.close_project()
    fake.shutdown_portal()
    fake.launch_portal(with_ui=False, version="V17")
    fake.create_project(tmp_path / "ws", "Old", author="", comment="")
    raises_code(ValidationError, "FIRMWARE_REQUIRES_V19", fake.devices.import_hardware, tmp_path / "ws" / "plc.aml")
    assert fake.devices.list_devices() == []
