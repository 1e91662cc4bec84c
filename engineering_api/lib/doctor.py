"""The doctor's findings (``engineering-api doctor``): one shape for every backend's checks and for the smoke walk
(:mod:`engineering_api.backend.smoke`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ("Check",)


@dataclass(frozen=True)
class Check:
    """One finding and, when it fails, the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
