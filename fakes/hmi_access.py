"""What the fake's classic HMI areas share: the session and the lookup of a panel's classic target.

One :class:`HmiAccess` is handed to the ``hmi`` area (:class:`fakes.hmi_ops.FakeHmi`) and the ``hmi_resources`` area
(:class:`fakes.hmi_resources_ops.FakeHmiResources`): both keep their objects in the device's
:class:`fakes.hmi.HmiTarget`.
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
    """The session and its classic panels' targets.

    Args:
        session: the open project, read or changed in transactions.
    """

    def __init__(self, session: FakeSession) -> None:
        self.session = session

    def panel(self, project: Project, device: str) -> tuple[Device, HmiTarget]:
        """A device and its classic HMI target. Raises NotFoundError ``DEVICE_NOT_FOUND``, ValidationError."""
        found = self.session.device(project, device)
        return found, hmi_target(found, project.version)

    def read_target(self, device: str) -> HmiTarget:
        """The classic HMI target of a device of the open project, to read."""
        # A panel's defaults (root screen, default tag table) are what the new panel has, so creating them
        # on first read is no change of the project: not in a transaction, not marked unsaved.
        return self.panel(self.session.project(), device)[1]
