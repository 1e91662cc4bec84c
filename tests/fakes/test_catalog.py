"""Tests for engineering_api.rules.catalog: the hardware catalog the fake answers from (data quality, lookup, slots,
SVG)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from engineering_api.rules.catalog import (
    CatalogEntry,
    CatalogError,
    HardwareCatalog,
    UnknownArticleError,
    UnknownFirmwareError,
    default_catalog,
)

TYPE_IDENTIFIER_RE = re.compile(r"^OrderNumber:\S+ \S+/\S+$")
ORDER_NUMBER_RE = re.compile(r"^(6ES7|6AV2|6GK7) \d{3}-[0-9A-Z]{5}-[0-9A-Z]{4}$")


@pytest.fixture(scope="module")
def catalog() -> HardwareCatalog:
    return HardwareCatalog.load()


def entry(catalog: HardwareCatalog, number: str) -> CatalogEntry:
    found = catalog.find(number)
    assert found is not None, number
    return found


# ----------------------------------------------------------------------------- data quality


def test_catalog_has_at_least_60_entries(catalog: HardwareCatalog) -> None:
    assert len(catalog.entries) >= 60
    assert default_catalog() is default_catalog()
    assert len(default_catalog()) == len(catalog)


@pytest.mark.parametrize(
    "family",
    ["S7-1200", "S7-1200F", "S7-1200 G2", "S7-1500", "S7-1500F", "S7-1500T", "S7-1500C", "ET 200SP CPU",
     "HMI Comfort", "HMI Unified Comfort", "HMI Basic"],
)
def test_every_required_family_is_present(catalog: HardwareCatalog, family: str) -> None:
    assert any(e.family == family for e in catalog.entries)


def test_interface_modules_and_io_modules_are_present(catalog: HardwareCatalog) -> None:
    ims = [e for e in catalog.entries if e.family == "ET 200SP" and e.category == "Interface module"]
    assert {e.name for e in ims} >= {"IM 155-6 PN ST", "IM 155-6 PN HF", "IM 155-6 PN BA"}
    io_families = {e.family for e in catalog.entries if e.category in {"Digital input", "Digital output"}}
    assert io_families >= {"S7-1200", "S7-1500", "ET 200SP"}
    categories = {e.category for e in catalog.entries}
    assert categories >= {"Analog input", "Analog output", "Communication", "Power", "Server module"}


def test_every_entry_is_sourced_versioned_and_well_formed(catalog: HardwareCatalog) -> None:
    for e in catalog.entries:
        assert ORDER_NUMBER_RE.match(e.order_number), e.order_number
        assert e.source_title and re.match(r"^https://\S+$", e.source_url), e.order_number
        assert e.firmware_versions, e.order_number
        assert e.name and e.description and e.category
        for version in e.firmware_versions:
            assert TYPE_IDENTIFIER_RE.match(e.type_identifier(version)), e.type_identifier(version)
        assert TYPE_IDENTIFIER_RE.match(e.type_identifier())
        if e.device_kind in {"plc", "io-device"}:
            assert e.slot_rules is not None and e.interfaces
        if e.device_kind == "hmi":
            assert e.slot_rules is None and e.interfaces
        if e.device_kind == "module":
            assert e.slot_kind and e.fits_families


def test_order_numbers_are_unique(catalog: HardwareCatalog) -> None:
    numbers = [re.sub(r"\W", "", e.order_number) for e in catalog.entries]
    assert len(numbers) == len(set(numbers))


def test_type_identifier_conventions(catalog: HardwareCatalog) -> None:
    cpu = entry(catalog, "6ES7 516-3AN02-0AB0")
    assert cpu.type_identifier("V2.9") == "OrderNumber:6ES7 516-3AN02-0AB0/V2.9"
    assert cpu.type_identifier() == f"OrderNumber:6ES7 516-3AN02-0AB0/{cpu.firmware_versions[-1]}"
    panel = entry(catalog, "6AV2 124-0GC01-0AX0")
    assert panel.type_identifier("17.0.0.0") == "OrderNumber:6AV2 124-0GC01-0AX0/17.0.0.0"
    unified = entry(catalog, "6AV2 128-3GB06-0AX1")
    assert unified.type_identifier("19.0.0.0") == "OrderNumber:6AV2 128-3GB06-0AXx/19.0.0.0"
    with pytest.raises(UnknownFirmwareError):
        cpu.type_identifier("V9.9")


def test_to_dict_is_camel_case(catalog: HardwareCatalog) -> None:
    data = entry(catalog, "6ES7 214-1AG40-0XB0").to_dict()
    assert data["orderNumber"] == "6ES7 214-1AG40-0XB0"
    assert data["deviceKind"] == "plc"
    assert data["typeIdentifier"] == "OrderNumber:6ES7 214-1AG40-0XB0/" + data["firmwareVersions"][-1]
    assert data["slotRules"]["moduleSlots"] == [2, 9]
    assert data["source"]["url"].startswith("https://")
    assert set(data) >= {"firmwareVersions", "interfaces", "slotKind", "fitsFamilies"}


def test_stats_counts_families(catalog: HardwareCatalog) -> None:
    stats = catalog.stats()
    assert stats["entries"] == len(catalog.entries)
    assert sum(stats["families"].values()) == len(catalog.entries)
    assert sum(stats["categories"].values()) == len(catalog.entries)
    assert stats["deviceKinds"]["plc"] >= 30


def test_invalid_entries_are_rejected() -> None:
    good = entry(HardwareCatalog.load(), "6ES7 214-1AG40-0XB0").to_dict()
    for broken in (
        {**good, "orderNumber": "6ES7214-1AG40-0XB0"},
        {**good, "orderNumber": "1234 567-89ABC-DEFG"},
        {**good, "firmwareVersions": []},
        {**good, "firmwareVersions": ["4.5"]},
        {**good, "source": {"title": "x"}},
        {**good, "deviceKind": "robot"},
        {**good, "slotRules": None},
        {k: v for k, v in good.items() if k != "name"},
    ):
        with pytest.raises(CatalogError):
            CatalogEntry.from_dict(broken)
    same = CatalogEntry.from_dict(good)
    with pytest.raises(CatalogError, match="duplicate"):
        HardwareCatalog([same, same])


# ----------------------------------------------------------------------------- find / search


@pytest.mark.parametrize(
    "text",
    ["6ES7 214-1AG40-0XB0", "6es72141ag400xb0", " 6ES7214-1AG40-0XB0 ", "OrderNumber:6ES7 214-1AG40-0XB0/V4.6"],
)
def test_find_is_exact_but_tolerant(catalog: HardwareCatalog, text: str) -> None:
    assert entry(catalog, text).order_number == "6ES7 214-1AG40-0XB0"


def test_find_unknown_and_wildcard_type_number(catalog: HardwareCatalog) -> None:
    assert catalog.find("6ES7 214-1AG40-0XB1") is None
    assert catalog.find("6ES7 214") is None
    assert entry(catalog, "6AV2 128-3MB06-0AXx").name == "MTP1200 Unified Comfort"


def test_search_by_keyword(catalog: HardwareCatalog) -> None:
    results = catalog.search("1214")
    assert results and all("1214" in e.name for e, _ in results)
    assert "6ES7 214-1AG40-0XB0" in {e.order_number for e, _ in results}


def test_search_by_partial_number(catalog: HardwareCatalog) -> None:
    results = catalog.search("6ES7 516")
    top = [e for e, score in results if score >= 0.9]
    assert top and all(e.order_number.startswith("6ES7 516") for e in top)
    assert results[0][0].order_number.startswith("6ES7 516")


def test_search_by_words(catalog: HardwareCatalog) -> None:
    results = catalog.search("unified 7")
    assert results[0][0].name == "MTP700 Unified Comfort"
    assert all(e.family == "HMI Unified Comfort" for e, score in results if score >= 0.6)
    assert catalog.search("UNIFIED 7")[0][0] is results[0][0]


def test_search_ranks_exact_number_first(catalog: HardwareCatalog) -> None:
    results = catalog.search("6ES7 214-1AG40-0XB0")
    assert results[0][0].order_number == "6ES7 214-1AG40-0XB0"
    assert results[0][1] == 1.0
    assert all(score < 1.0 for _, score in results[1:])
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)


def test_search_fuzzy_and_limit(catalog: HardwareCatalog) -> None:
    fuzzy = catalog.search("TP700 Comfrt")
    assert fuzzy and fuzzy[0][0].name == "TP700 Comfort" and fuzzy[0][1] < 0.6
    assert len(catalog.search("CPU", limit=3)) == 3
    assert catalog.search("zzzzqqqq") == []


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_search_raises(catalog: HardwareCatalog, query: str) -> None:
    with pytest.raises(ValueError):
        catalog.search(query)


# ----------------------------------------------------------------------------- resolve


def test_resolve_defaults_to_newest_firmware(catalog: HardwareCatalog) -> None:
    cpu, version = catalog.resolve("6ES7 214-1AG40-0XB0")
    assert version == cpu.firmware_versions[-1]
    assert catalog.resolve("6ES7 214-1AG40-0XB0", "4.5")[1] == "V4.5"
    assert catalog.resolve("OrderNumber:6ES7 214-1AG40-0XB0/V4.4")[1] == "V4.4"
    assert catalog.resolve("6AV2 124-0GC01-0AX0", "17.0.0.0")[1] == "17.0.0.0"


def test_resolve_unknown_version_lists_versions(catalog: HardwareCatalog) -> None:
    with pytest.raises(UnknownFirmwareError) as info:
        catalog.resolve("6ES7 214-1AG40-0XB0", "V9.9")
    message = str(info.value)
    assert "V9.9" in message and "V4.4" in message and "V4.6" in message
    assert isinstance(info.value, LookupError)


def test_resolve_unknown_article(catalog: HardwareCatalog) -> None:
    with pytest.raises(UnknownArticleError, match="6ES7 999-9ZZ99-0AB0"):
        catalog.resolve("6ES7 999-9ZZ99-0AB0")
    assert issubclass(UnknownArticleError, LookupError)


# ----------------------------------------------------------------------------- slots


def test_s7_1200_signal_module_slots(catalog: HardwareCatalog) -> None:
    cpu = entry(catalog, "6ES7 214-1AG40-0XB0")
    sm = entry(catalog, "6ES7 221-1BF32-0XB0")
    assert catalog.compatible_slots(cpu, sm, set()) == list(range(2, 10))
    assert catalog.compatible_slots(cpu, sm, {2, 5}) == [3, 4, 6, 7, 8, 9]
    small = entry(catalog, "6ES7 212-1AE40-0XB0")
    assert catalog.compatible_slots(small, sm, set()) == [2, 3]


def test_1211c_accepts_no_signal_module_but_communication(catalog: HardwareCatalog) -> None:
    cpu = entry(catalog, "6ES7 211-1AE40-0XB0")
    assert catalog.compatible_slots(cpu, entry(catalog, "6ES7 221-1BF32-0XB0"), set()) == []
    assert catalog.compatible_slots(cpu, entry(catalog, "6GK7 243-1BX30-0XE0"), {101}) == [102, 103]


def test_s7_1500_module_slots(catalog: HardwareCatalog) -> None:
    cpu = entry(catalog, "6ES7 516-3AN02-0AB0")
    di = entry(catalog, "6ES7 521-1BL00-0AB0")
    assert catalog.compatible_slots(cpu, di, set()) == list(range(2, 32))
    assert catalog.compatible_slots(cpu, di, {2, 3}) == list(range(4, 32))
    assert catalog.compatible_slots(cpu, entry(catalog, "6ES7 505-0RA00-0AB0"), set()) == [0]
    assert catalog.compatible_slots(cpu, entry(catalog, "6ES7 505-0RA00-0AB0"), {0}) == []
    # an S7-1500 module does not fit an S7-1200 CPU, and vice versa
    assert catalog.compatible_slots(entry(catalog, "6ES7 214-1AG40-0XB0"), di, set()) == []
    assert catalog.compatible_slots(cpu, entry(catalog, "6ES7 221-1BF32-0XB0"), set()) == []


def test_et200sp_slots(catalog: HardwareCatalog) -> None:
    im = entry(catalog, "6ES7 155-6AU01-0BN0")
    di = entry(catalog, "6ES7 131-6BF01-0BA0")
    assert catalog.compatible_slots(im, di, set()) == list(range(1, 33))
    server = entry(catalog, "6ES7 193-6PA00-0AA0")
    assert 33 in catalog.compatible_slots(im, server, set(range(1, 33)))
    cpu = entry(catalog, "6ES7 510-1DJ01-0AB0")
    assert 1 not in catalog.compatible_slots(cpu, di, set())


def test_hmi_panel_fits_nowhere(catalog: HardwareCatalog) -> None:
    panel = entry(catalog, "6AV2 124-0GC01-0AX0")
    for head in (entry(catalog, "6ES7 214-1AG40-0XB0"), entry(catalog, "6ES7 516-3AN02-0AB0"),
                 entry(catalog, "6ES7 155-6AU01-0BN0")):
        assert catalog.compatible_slots(head, panel, set()) == []
    # and a panel is not a head device either
    assert catalog.compatible_slots(panel, entry(catalog, "6ES7 221-1BF32-0XB0"), set()) == []


# ----------------------------------------------------------------------------- image


def test_image_svg_is_parseable(catalog: HardwareCatalog) -> None:
    svg = catalog.image_svg("6es7 214-1ag40-0xb0")
    assert svg is not None
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "CPU 1214C DC/DC/DC" in texts and "6ES7 214-1AG40-0XB0" in texts
    assert root.find("{http://www.w3.org/2000/svg}rect") is not None


def test_image_svg_every_entry_and_unknown(catalog: HardwareCatalog) -> None:
    for e in catalog.entries:
        svg = catalog.image_svg(e.order_number)
        assert svg is not None
        etree.fromstring(svg.encode("utf-8"))
    assert catalog.image_svg("6ES7 000-0AA00-0AA0") is None


def test_image_svg_escapes_text(catalog: HardwareCatalog) -> None:
    data = entry(catalog, "6ES7 214-1AG40-0XB0").to_dict()
    odd = CatalogEntry.from_dict({**data, "name": 'CPU <1214C> & "friends"'})
    svg = HardwareCatalog([odd]).image_svg(odd.order_number)
    assert svg is not None
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.get("aria-label") == 'CPU <1214C> & "friends"'
    assert 'CPU <1214C> & "friends"' in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
