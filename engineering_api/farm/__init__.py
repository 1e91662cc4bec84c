"""Farm mode: the API node sends backend calls to TIA hosts ("agents") over Celery.

:class:`FarmBackend` is the API node's adapter of the port, :class:`FarmWorker` gives each caller its own TIA
worker, :func:`run_agent` is ``engineering-api agent``. Nothing in ``engineering_api/domain`` knows which mode runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engineering_api.farm.celery_app import FarmConfig
    from engineering_api.farm.dispatch import FarmWorker
    from engineering_api.farm.proxy import FarmBackend

__all__ = ("FarmBackend", "FarmConfig", "FarmWorker")

_HOMES = {"FarmBackend": "proxy", "FarmConfig": "celery_app", "FarmWorker": "dispatch"}
"""Imported when first named: an embedded server imports the farm's operations (its routes answer that no farm
is configured) but not kombu and redis, a fifth of a second of its start."""


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"engineering_api.farm.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
