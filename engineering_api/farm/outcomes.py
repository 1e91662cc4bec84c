"""What the API node tells a caller whose farm call's outcome it cannot know, and which call that was."""

from __future__ import annotations

from typing import Any

from engineering_api.backend.errors import PortalUnavailableError

__all__ = ("OutcomeUnknownError", "in_flight")


class OutcomeUnknownError(PortalUnavailableError):
    """The call was sent and may have run, but its agent did not say how it ended in time (503)."""

    default_code = "OUTCOME_UNKNOWN"


in_flight: dict[int, dict[str, Any]] = {}
"""The farm call each running port call is waiting on, by the ``id`` of its cancel token: the worker that gives
up on a stuck thread (:class:`~engineering_api.farm.dispatch.FarmWorker`) names the call in its answer."""
