"""Tags & Constants operations: tag tables and folders, tags, user and system constants, import/export.

TIA's rules live in the backend (names unique across the PLC's tables, data types that exist,
addresses that fit and are not DB addresses, overlaps as warnings, the default tag table). File
formats live in :mod:`engineering_api.domain.tag_formats`. Imports read the whole file first, report
every bad row (row, column, reason) with 422, and import nothing unless every row is good.
"""

from __future__ import annotations

from engineering_api.domain.tags.operations import OPERATIONS, SECTION

__all__ = ("OPERATIONS", "SECTION")
