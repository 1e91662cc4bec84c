"""Blocks operations."""

from __future__ import annotations

from typing import Any

from engineering_api.jobs.operations import Operation

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Blocks"

OPERATIONS: tuple[Operation[Any, Any], ...] = ()
