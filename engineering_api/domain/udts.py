"""Data Types (UDT) operations."""

from __future__ import annotations

from typing import Any

from engineering_api.jobs.operations import Operation

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Data Types (UDT)"

OPERATIONS: tuple[Operation[Any, Any], ...] = ()
