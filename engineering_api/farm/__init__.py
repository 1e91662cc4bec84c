"""Farm mode (issue 18): the API node sends backend calls to TIA hosts ("agents") over Celery.

:class:`FarmBackend` is the API node's adapter of the port, :class:`FarmWorker` gives each caller its own TIA
worker, :func:`run_agent` is ``engineering-api agent``. Nothing in ``engineering_api/domain`` knows which mode runs.
"""

from __future__ import annotations

from engineering_api.farm.celery_app import FarmConfig
from engineering_api.farm.dispatch import FarmWorker
from engineering_api.farm.proxy import FarmBackend

__all__ = ("FarmBackend", "FarmConfig", "FarmWorker")
