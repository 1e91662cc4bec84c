"""The hardware catalog: real SIMATIC article numbers, their firmware and slot rules, and which firmware each TIA
Portal version configures. The fake answers from it; the command line checks CPU articles against it."""

from __future__ import annotations

from engineering_api.rules.catalog._catalog import (
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
