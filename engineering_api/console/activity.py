"""The console's activity pages: jobs, monitoring, unit tests, history and runtime."""

from __future__ import annotations

from typing import Any

__all__ = ("ROUTES",)

ROUTES: list[Any] = []
