"""The runtime API (issue 17): runtime users and bearer sessions, released tags and their values.

Our own design, shaped by the seed documents' tag API and the habits of real runtime APIs (a result per item
in bulk calls, values with quality and timestamp, limit plus continuation-point paging); not WinCC's API.
Values come from a :class:`~engineering_api.runtime.sources.TagSource`: this server's simulated PLCs today.
"""

from __future__ import annotations

from engineering_api.runtime.routes import ROUTES
from engineering_api.runtime.service import RuntimeService, runtime_of

__all__ = ("ROUTES", "RuntimeService", "runtime_of")
