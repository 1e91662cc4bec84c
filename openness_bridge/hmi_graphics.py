"""Project graphics over Openness: ``Project.Graphics`` (``MultiLingualGraphicComposition``).

The list is the composition's names (``MultiLingualGraphic.Name``; format and size are not exposed). A graphic goes
with ``MultiLingualGraphic.Delete()``. Openness moves graphics in and out only as SimaticML
(``MultiLingualGraphicComposition.Import(FileInfo, ImportOptions)``, ``MultiLingualGraphic.Export(FileInfo,
ExportOptions)``, H6 in docs/openness-members.md) whose document, with the image files beside it, has no published
layout, so importing or exporting the image itself answers 501 ``NO_OPENNESS_EQUIVALENT``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.hmi_graphics import HmiGraphicsPort, HmiProjectGraphicData, HmiProjectGraphicInfo
from engineering_api.backend.errors import NotFoundError, NotSupportedError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from openness_bridge.hmi_access import HmiAccess

__all__ = ("BridgeHmiGraphics",)

_NO_IMAGE_EXCHANGE = ("Openness imports and exports project graphics only as SimaticML documents with the image "
                      "files beside them (MultiLingualGraphicComposition.Import, MultiLingualGraphic.Export), whose "
                      "layout is not published; add or save the image in TIA Portal (Languages & resources > Project "
                      "graphics).")


class BridgeHmiGraphics(HmiGraphicsPort):
    """The bridge's ``hmi_graphics`` area: the project's graphics, reached through an HMI device found through
    ``access`` (the Openness session and the panels' software)."""

    def __init__(self, access: HmiAccess) -> None:
        self._access, self._session = access, access.session

    def _graphics(self, device: str) -> Any:
        self._access.panel_software(device)  # the device's errors first
        return self._session.project().Graphics

    def list_hmi_project_graphics(self, device: str) -> list[HmiProjectGraphicInfo]:
        return self._session.call("Project.Graphics",
                          lambda: [HmiProjectGraphicInfo(name=str(g.Name)) for g in self._graphics(device)])

    def import_hmi_project_graphic(self, device: str, name: str, data: bytes, *, overwrite: bool = False,
                                   source: str = "image") -> HmiProjectGraphicInfo:
        self._session.call("Project.Graphics", lambda: self._graphics(device))
        raise NotSupportedError(_NO_IMAGE_EXCHANGE, code=codes.NO_OPENNESS_EQUIVALENT)

    def export_hmi_project_graphic(self, device: str, name: str) -> HmiProjectGraphicData:
        self._session.call("Project.Graphics", lambda: self._graphics(device))
        raise NotSupportedError(_NO_IMAGE_EXCHANGE, code=codes.NO_OPENNESS_EQUIVALENT)

    def delete_hmi_project_graphic(self, device: str, name: str) -> None:
        def run() -> None:
            found = next((g for g in self._graphics(device) if str(g.Name).casefold() == name.casefold()), None)
            if found is None:
                raise NotFoundError(f"The project has no graphic '{name}'.", code=codes.GRAPHIC_NOT_FOUND,
                                    details={"name": name})
            found.Delete()

        self._session.change("MultiLingualGraphic.Delete", run)
