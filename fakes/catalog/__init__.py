"""Hardware catalog of the fake TIA backend (real SIMATIC article numbers, firmware and slot rules)."""

from __future__ import annotations

from fakes.catalog._catalog import (
    CatalogEntry,
    CatalogError,
    FirmwareNeedsNewerTiaError,
    HardwareCatalog,
    Interface,
    SlotRules,
    UnknownArticleError,
    UnknownFirmwareError,
    default_catalog,
    normalize_order_number,
)

__all__ = (
    "CatalogEntry",
    "CatalogError",
    "FirmwareNeedsNewerTiaError",
    "HardwareCatalog",
    "Interface",
    "SlotRules",
    "UnknownArticleError",
    "UnknownFirmwareError",
    "default_catalog",
    "normalize_order_number",
)
