"""The bridge's portal-management extras: the Openness whitelist entry (``whitelist_application``).

Mixed into :class:`openness_bridge.backend.OpennessBackend`.
"""

from __future__ import annotations

__all__ = ("WhitelistOperations",)


class WhitelistOperations:
    """Mixed into ``OpennessBackend``."""
