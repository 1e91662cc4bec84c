"""Project graphics: list, import, export and delete the project's images (``Project.Graphics``).

The port area ``hmi_graphics``. The routes reach them through an HMI device (as the
reference's ``GET …/hmi/project-graphics`` does), but they belong to the project: every panel sees the same ones.
Accepted images and names: :mod:`engineering_api.rules.hmi_graphics`.

Common errors: ``NotFoundError`` (``DEVICE_NOT_FOUND``), ``ValidationError`` (``NOT_AN_HMI``),
``NoProjectOpenError``, ``PortalUnavailableError``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from engineering_api.backend.areas.hmi_records import HmiProjectGraphicInfo
from engineering_api.lib.schema import CamelStruct

__all__ = ("HmiGraphicsPort", "HmiProjectGraphicData", "HmiProjectGraphicInfo")


class HmiProjectGraphicData(CamelStruct):
    """A project graphic with its image: ``format`` is ``png``, ``svg`` or ``emf``."""

    name: str
    format: str
    data: bytes


class HmiGraphicsPort(ABC):
    """The project's graphics, reached through an HMI device (classic or Unified)."""

    @abstractmethod
    def list_hmi_project_graphics(self, device: str) -> list[HmiProjectGraphicInfo]:
        """The project graphics an HMI device (classic or Unified) can show: the project's, the device checked
        first."""

    @abstractmethod
    def import_hmi_project_graphic(self, device: str, name: str, data: bytes, *, overwrite: bool = False,
                                   source: str = "image") -> HmiProjectGraphicInfo:
        """Add (with ``overwrite`` replace) a project graphic from a PNG, SVG or EMF image.

        Raises:
            ValidationError: ``INVALID_NAME``, ``UNSUPPORTED_GRAPHIC``, ``GRAPHIC_TOO_LARGE``.
            AlreadyExistsError: ``GRAPHIC_EXISTS`` without ``overwrite``.
            NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` (Openness exchanges graphics only as SimaticML).
        """

    @abstractmethod
    def export_hmi_project_graphic(self, device: str, name: str) -> HmiProjectGraphicData:
        """A project graphic's image as it was imported.

        Raises:
            NotFoundError: ``GRAPHIC_NOT_FOUND``.
            NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` (Openness exchanges graphics only as SimaticML).
        """

    @abstractmethod
    def delete_hmi_project_graphic(self, device: str, name: str) -> None:
        """Delete a project graphic (``MultiLingualGraphic.Delete()``).

        Raises:
            NotFoundError: ``GRAPHIC_NOT_FOUND``.
        """
