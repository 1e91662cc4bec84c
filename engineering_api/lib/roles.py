"""The roles an API key or a console session holds.

Apart from :mod:`engineering_api.lib.security` (which stores keys in the service database) so that what names a
route's role (:mod:`engineering_api.jobs.operations`, read by the offline ``test run``) does not pull in the
database layer: the checker's light install has no SQLAlchemy.
"""

from __future__ import annotations

import enum

__all__ = ("Role",)


class Role(str, enum.Enum):
    """What a key may do; each role includes the ones below it."""

    VIEWER = "viewer"
    """Reads only."""
    ENGINEER = "engineer"
    """Project changes, jobs, downloads."""
    ADMIN = "admin"
    """Settings, keys, security, audit."""

    @property
    def rank(self) -> int:
        """Order of privilege."""
        return _RANK[self]

    def allows(self, required: Role) -> bool:
        """Whether this role includes ``required``."""
        return _RANK[self] >= _RANK[required]  # the guard asks on every request: no property calls


_RANK = {Role.VIEWER: 0, Role.ENGINEER: 1, Role.ADMIN: 2}
