"""Compile operations for PLC software (blocks, a device's software)."""

from __future__ import annotations

from typing import Any

from engineering_api.jobs.operations import Operation

__all__ = ("OPERATIONS",)

OPERATIONS: tuple[Operation[Any, Any], ...] = ()
