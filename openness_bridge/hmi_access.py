"""What the parts of the bridge's HMI area share: the Openness session and the panel lookup.

:class:`openness_bridge.hmi.BridgeHmi` is built from parts (folders, project graphics, scripts and lists, Unified
panels), each a subclass of :class:`HmiAccess`, so each names what it uses: the session and the device's HMI
software (``DeviceItem.GetService<SoftwareContainer>().Software``, an ``HmiTarget`` or an ``HmiSoftware``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import NotSupportedError, ValidationError
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
    """The bridge HMI area's session and its panels' software.

    Args:
        session: the Openness session: calls, transactions, devices, services, scratch exports and imports.
    """

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    def panel_software(self, device: str) -> tuple[str, Any]:
        """(``classic`` or ``unified``, the software) of an HMI panel: the first device item (recursively) whose
        SoftwareContainer holds an ``HmiTarget`` or an ``HmiUnified.HmiSoftware``.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_AN_HMI``.
        """
        found = self._session.find_device(self._session.project(), device)
        container_type = self._session.api.hw_features.SoftwareContainer

        def as_panel(item: Any, software: Any) -> tuple[str, Any] | None:
            kind = _KINDS.get(str(software.GetType().FullName))
            return (kind, software) if kind is not None else None

        software = first_software(found.DeviceItems, self._session.service, container_type, as_panel)
        if software is None:
            raise ValidationError(f"The device '{device}' is not an HMI panel (no device item offers an HmiTarget or "
                                  "HmiSoftware); it has no screens, HMI tags or connections.", code="NOT_AN_HMI")
        return software

    def _hmi_target(self, device: str) -> Any:
        """The device's ``HmiTarget``.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_AN_HMI``.
            NotSupportedError: ``UNIFIED_NOT_SUPPORTED``.
        """
        kind, software = self.panel_software(device)
        if kind == "unified":
            raise NotSupportedError(
                f"'{device}' is a WinCC Unified panel. Unified objects have no SimaticML in Openness (they are an object "
                "model, served by the Unified routes and documents).", code="UNIFIED_NOT_SUPPORTED")
        target_type = self._session.namespace("Siemens.Engineering.Hmi").HmiTarget
        return software if isinstance(software, target_type) else target_type(software)
