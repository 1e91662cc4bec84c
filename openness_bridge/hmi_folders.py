"""User folders of classic panels over Openness: ``ScreenFolder.Folders`` and ``TagFolder.Folders``.

``ScreenUserFolderComposition`` / ``TagUserFolderComposition`` are walked by name (each ``ScreenUserFolder`` and
``TagUserFolder`` has ``Name``, its objects and its own ``Folders``) and grown with ``Folders.Create(name)``
(openness_bridge/README.md, "HMI", H8). Names are checked first with :func:`engineering_api.rules.folders.folder_parts`,
so a refusal reads as the fake's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError
from engineering_api.rules.folders import folder_parts, target_folder
from openness_bridge.hmi_access import HmiAccess

__all__ = ("HmiFolderOperations",)

_SYSTEM = {"screens": "ScreenFolder", "tags": "TagFolder"}
_LABEL = {"screens": "Screens", "tags": "HMI tags"}


def _paths(folder: Any, path: str = "") -> Iterator[str]:
    for sub in folder.Folders:
        here = f"{path}/{sub.Name}" if path else str(sub.Name)
        yield here
        yield from _paths(sub, here)


def _child(folder: Any, name: str) -> Any | None:
    return next((f for f in folder.Folders if str(f.Name).casefold() == name.casefold()), None)


class HmiFolderOperations(HmiAccess):
    """User folders of classic panels (part of :class:`openness_bridge.hmi.BridgeHmi`)."""

    def _user_folder(self, target: Any, kind: str, path: str) -> Any:
        """The system folder (``path`` empty) or the user folder at ``path``.

        Raises:
            ValidationError: ``INVALID_FOLDER``.
            NotFoundError: ``FOLDER_NOT_FOUND``.
        """
        folder = getattr(target, _SYSTEM[kind])
        clean = target_folder(path, field="folderPath")
        for name in clean.split("/") if clean else ():
            folder = _child(folder, name)
            if folder is None:
                raise NotFoundError(f"'{_LABEL[kind]}' has no user folder '{clean}'; create it first "
                                    f"(POST …/hmi/{kind}/folders).", code="FOLDER_NOT_FOUND",
                                    details={"folderPath": clean})
        return folder

    def list_hmi_folders(self, device: str, kind: str) -> list[str]:
        return self._session.call(f"{_SYSTEM[kind]}.Folders",
                          lambda: list(_paths(getattr(self._hmi_target(device), _SYSTEM[kind]))))

    def create_hmi_folder(self, device: str, kind: str, path: str) -> str:
        parts = folder_parts(path)

        def run() -> str:
            folder = getattr(self._hmi_target(device), _SYSTEM[kind])
            made, created = [], False
            for name in parts:
                found = _child(folder, name)
                if found is None:
                    found, created = folder.Folders.Create(name), True
                folder = found
                made.append(str(found.Name))
            if not created:
                raise AlreadyExistsError(f"'{_LABEL[kind]}' of '{device}' already has the user folder '{'/'.join(made)}'.",
                                         code="FOLDER_EXISTS", details={"folderPath": "/".join(made)})
            return "/".join(made)

        return self._session.change(f"{_SYSTEM[kind]}.Folders.Create", run)
