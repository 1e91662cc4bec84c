"""The fake's project graphics: the project's images by name, kept as the bytes that were imported.

Held in ``Project.graphics`` (name → :class:`Graphic`, in the order of TIA's list), reached through any HMI panel of
the project, classic or Unified. Accepted images and names are :mod:`engineering_api.rules.hmi_graphics`'s. Saved
with the project as the image files themselves, ``Graphics/<name>.<png|svg|emf>`` and ``Graphics/order.txt``, so a
saved project diffs like any folder of images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engineering_api.backend.areas.hmi_graphics import HmiGraphicsPort, HmiProjectGraphicData, HmiProjectGraphicInfo
from engineering_api.backend.errors import AlreadyExistsError, NotFoundError
from engineering_api.errors import codes
from engineering_api.rules.hmi_graphics import EXTENSIONS, check_graphic_name, sniff_graphic
from fakes.hmi import check_hmi
from fakes.project_commit import is_transient

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.model import Project
    from fakes.project_commit import FolderCommit
    from fakes.session import FakeSession

__all__ = ("FakeHmiGraphics", "Graphic", "load_graphics", "save_graphics")

_UNSAFE = re.compile(r'[<>:"/\\|?*%\x00-\x1f]')


@dataclass(frozen=True)
class Graphic:
    """One project graphic: its format (``png``, ``svg``, ``emf``) and image bytes."""

    format: str
    data: bytes


def _file(name: str, fmt: str) -> str:
    return _UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", name) + EXTENSIONS[fmt]


def save_graphics(project: Project, folder: Path, commit: FolderCommit) -> None:
    """Write the project's graphics below ``folder`` (its ``Graphics``); files of graphics that are gone go too."""
    base = folder / "Graphics"
    wanted = {base / "order.txt"} if project.graphics else set()
    for name, graphic in project.graphics.items():
        wanted.add(base / _file(name, graphic.format))
        commit.write(base / _file(name, graphic.format), graphic.data)
    if project.graphics:
        commit.write(base / "order.txt", "".join(f"{name}\t{_file(name, g.format)}\n"
                                                 for name, g in project.graphics.items()))
    if base.is_dir():
        for stale in sorted(p for p in base.iterdir() if p.is_file() and not is_transient(p.name)):
            if stale not in wanted:
                commit.delete(stale)


def load_graphics(folder: Path) -> dict[str, Graphic]:
    """Read what :func:`save_graphics` wrote (no folder: none).

    Raises:
        ValidationError: a stored image is not one the rules accept (the project load reports it as damaged).
        OSError, ValueError: a listed file is missing, the list is damaged.
    """
    order = folder / "Graphics" / "order.txt"
    graphics: dict[str, Graphic] = {}
    for line in order.read_text(encoding="utf-8").splitlines() if order.is_file() else ():
        name, file_name = line.split("\t")
        data = (folder / "Graphics" / file_name).read_bytes()
        graphics[name] = Graphic(sniff_graphic(data, file_name), data)
    return graphics


def _info(name: str, graphic: Graphic) -> HmiProjectGraphicInfo:
    return HmiProjectGraphicInfo(name=name, format=graphic.format, size=len(graphic.data))


def _key(graphics: dict[str, Graphic], name: str) -> str | None:
    return next((k for k in graphics if k.casefold() == name.casefold()), None)


class FakeHmiGraphics(HmiGraphicsPort):
    """The fake's ``hmi_graphics`` area: the project's graphics, reached through an HMI device, in the open project
    ``session`` reads or changes in transactions."""

    def __init__(self, session: FakeSession) -> None:
        self._session = session

    def _graphics(self, project: Project, device: str) -> dict[str, Graphic]:
        check_hmi(self._session.device(project, device))
        return project.graphics

    def _graphic(self, device: str, name: str) -> tuple[str, Graphic]:
        graphics = self._graphics(self._session.project(), device)
        key = _key(graphics, name)
        if key is None:
            raise NotFoundError(f"The project has no graphic '{name}'.", code=codes.GRAPHIC_NOT_FOUND,
                                details={"name": name})
        return key, graphics[key]

    def list_hmi_project_graphics(self, device: str) -> list[HmiProjectGraphicInfo]:
        graphics = self._graphics(self._session.project(), device)
        return [_info(name, g) for name, g in graphics.items()]

    def import_hmi_project_graphic(self, device: str, name: str, data: bytes, *, overwrite: bool = False,
                                   source: str = "image") -> HmiProjectGraphicInfo:
        check_graphic_name(name)
        graphic = Graphic(sniff_graphic(data, source), bytes(data))
        with self._session.change() as project:
            graphics = self._graphics(project, device)
            existing = _key(graphics, name)
            if existing is not None and not overwrite:
                raise AlreadyExistsError(f"The project graphic '{existing}' exists. Send overwrite=true to replace it.",
                                         code=codes.GRAPHIC_EXISTS, details={"name": existing})
            if existing is None:
                graphics[name] = graphic
            else:  # replaced in place, under its stored name
                graphics[existing] = graphic
                name = existing
        return _info(name, graphic)

    def export_hmi_project_graphic(self, device: str, name: str) -> HmiProjectGraphicData:
        key, graphic = self._graphic(device, name)
        return HmiProjectGraphicData(name=key, format=graphic.format, data=graphic.data)

    def delete_hmi_project_graphic(self, device: str, name: str) -> None:
        key = self._graphic(device, name)[0]
        with self._session.change() as project:
            del self._graphics(project, device)[key]
