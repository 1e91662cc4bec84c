"""The backend port, its domain errors and models, and the TIA worker thread."""

from __future__ import annotations

from engineering_api.backend.port import EngineeringBackend
from engineering_api.backend.worker import TiaWorker

__all__ = ("EngineeringBackend", "TiaWorker")
