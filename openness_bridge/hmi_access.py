"""What the bridge's HMI areas share: the Openness session and the panel lookup.

One :class:`HmiAccess` is handed to each HMI area (``hmi``, ``hmi_resources``, ``hmi_graphics``, ``hmi_unified``) and
to the library area: each finds a device's HMI software (``DeviceItem.GetService<SoftwareContainer>().Software``, an
``HmiTarget`` or an ``HmiSoftware``) through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import NotSupportedError, ValidationError
from engineering_api.errors import codes
from openness_bridge.plc_software import first_software

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("HmiAccess", "vb_scripts")

_KINDS = {"Siemens.Engineering.Hmi.HmiTarget": "classic", "Siemens.Engineering.HmiUnified.HmiSoftware": "unified"}


def vb_scripts(folder: Any, path: str = "") -> list[tuple[str, Any]]:
    """(user folder path, script) for every VB script of a VB script folder (``HmiTarget.VBScriptFolder``) and its
    user folders."""
    found = [(path, s) for s in folder.VBScripts]
    for sub in folder.Folders:
        found += vb_scripts(sub, f"{path}/{sub.Name}" if path else str(sub.Name))
    return found


class HmiAccess:
    """The Openness session and its panels' software.

    Args:
        session: the Openness session: calls, transactions, devices, services, scratch exports and imports.
    """

    def __init__(self, session: BridgeSession) -> None:
        self.session = session

    def panel_software(self, device: str) -> tuple[str, Any]:
        """(``classic`` or ``unified``, the software) of an HMI panel: the first device item (recursively) whose
        SoftwareContainer holds an ``HmiTarget`` or an ``HmiUnified.HmiSoftware``.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_AN_HMI``.
        """
        found = self.session.find_device(self.session.project(), device)
        container_type = self.session.api.hw_features.SoftwareContainer

        def as_panel(item: Any, software: Any) -> tuple[str, Any] | None:
            kind = _KINDS.get(str(software.GetType().FullName))
            return (kind, software) if kind is not None else None

        software = first_software(found.DeviceItems, self.session.service, container_type, as_panel)
        if software is None:
            raise ValidationError(f"The device '{device}' is not an HMI panel (no device item offers an HmiTarget or "
                                  "HmiSoftware); it has no screens, HMI tags or connections.", code=codes.NOT_AN_HMI)
        return software

    def hmi_target(self, device: str) -> Any:
        """The device's ``HmiTarget``.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_AN_HMI``.
            NotSupportedError: ``UNIFIED_NOT_SUPPORTED``.
        """
        kind, software = self.panel_software(device)
        if kind == "unified":
            raise NotSupportedError(
                f"'{device}' is a WinCC Unified panel. Unified objects have no SimaticML in Openness (they are an "
                "object model, served by the Unified routes and documents).", code=codes.UNIFIED_NOT_SUPPORTED)
        target_type = self.session.namespace("Siemens.Engineering.Hmi").HmiTarget
        return software if isinstance(software, target_type) else target_type(software)

    def hmi_software(self, device: str) -> Any:
        """The device's Unified ``HmiSoftware``.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_AN_HMI``, ``NOT_A_UNIFIED_PANEL``.
        """
        kind, software = self.panel_software(device)
        if kind != "unified":
            raise ValidationError(
                f"'{device}' is a classic (WinCC Comfort/Advanced/Basic) panel, not a Unified one; its screens, tags "
                "and connections are SimaticML documents (import and export them).", code=codes.NOT_A_UNIFIED_PANEL)
        return software
