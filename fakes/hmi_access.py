"""What the parts of the fake's HMI area share: the session and the panel lookup.

:class:`fakes.hmi_ops.FakeHmi` is built from parts (folders, project graphics, scripts and lists, Unified panels),
each a subclass of :class:`HmiAccess`, so each names what it uses: the session and the device's HMI target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fakes.hmi import hmi_target

if TYPE_CHECKING:
    from fakes.hmi import HmiTarget
    from fakes.model import Device, Project
    from fakes.session import FakeSession

__all__ = ("HmiAccess",)


class HmiAccess:
    """The fake HMI area's session and its classic panels' targets.

    Args:
        session: the open project, read or changed in transactions.
    """

    def __init__(self, session: FakeSession) -> None:
        self._session = session

    def _hmi(self, project: Project, device: str) -> tuple[Device, HmiTarget]:
        """A device and its classic HMI target. Raises NotFoundError ``DEVICE_NOT_FOUND``, ValidationError."""
        found = self._session.device(project, device)
        return found, hmi_target(found, project.version)

    def _hmi_read(self, device: str) -> HmiTarget:
        # A panel's defaults (root screen, default tag table) are what the new panel has, so creating them
        # on first read is no change of the project: not in a transaction, not marked unsaved.
        return self._hmi(self._session.project(), device)[1]
