"""User folders of classic panels over Openness, for the ``hmi`` area: ``ScreenFolder.Folders`` and
``TagFolder.Folders``.

``ScreenUserFolderComposition`` / ``TagUserFolderComposition`` are walked by name (each ``ScreenUserFolder`` and
``TagUserFolder`` has ``Name``, its objects and its own ``Folders``) and grown with ``Folders.Create(name)``
(docs/openness-members.md, "HMI", H8). Names are checked first with :func:`engineering_api.rules.folders.folder_parts`,
so a refusal reads as the fake's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError
from engineering_api.errors import codes
from engineering_api.rules.folders import target_folder

__all__ = ("SYSTEM_FOLDERS", "create_folder", "folder_paths", "user_folder")

SYSTEM_FOLDERS = {"screens": "ScreenFolder", "tags": "TagFolder"}
"""The ``HmiTarget`` member of each kind's system folder."""
_LABEL = {"screens": "Screens", "tags": "HMI tags"}


def _paths(folder: Any, path: str = "") -> Iterator[str]:
    for sub in folder.Folders:
        here = f"{path}/{sub.Name}" if path else str(sub.Name)
        yield here
        yield from _paths(sub, here)


def _child(folder: Any, name: str) -> Any | None:
    return next((f for f in folder.Folders if str(f.Name).casefold() == name.casefold()), None)


def user_folder(target: Any, kind: str, path: str) -> Any:
    """The system folder of ``kind`` (``path`` empty) or the user folder at ``path`` in an ``HmiTarget``.

    Raises:
        ValidationError: ``INVALID_FOLDER``.
        NotFoundError: ``FOLDER_NOT_FOUND``.
    """
    folder = getattr(target, SYSTEM_FOLDERS[kind])
    clean = target_folder(path, field="folderPath")
    for name in clean.split("/") if clean else ():
        folder = _child(folder, name)
        if folder is None:
            raise NotFoundError(f"'{_LABEL[kind]}' has no user folder '{clean}'; create it first "
                                f"(POST …/hmi/{kind}/folders).", code=codes.FOLDER_NOT_FOUND,
                                details={"folderPath": clean})
    return folder


def folder_paths(target: Any, kind: str) -> list[str]:
    """The user folders below the system folder of ``kind`` as paths, each parent before its subfolders."""
    return list(_paths(getattr(target, SYSTEM_FOLDERS[kind])))


def create_folder(target: Any, kind: str, parts: list[str], device: str) -> str:
    """Create the user folder of the path ``parts`` (checked with :func:`engineering_api.rules.folders.folder_parts`)
    below the system folder of ``kind``, missing parents too (``Folders.Create(name)``); returns the path as stored.

    Raises:
        AlreadyExistsError: ``FOLDER_EXISTS`` (the whole path exists).
    """
    folder = getattr(target, SYSTEM_FOLDERS[kind])
    made, created = [], False
    for name in parts:
        found = _child(folder, name)
        if found is None:
            found, created = folder.Folders.Create(name), True
        folder = found
        made.append(str(found.Name))
    if not created:
        raise AlreadyExistsError(f"'{_LABEL[kind]}' of '{device}' already has the user folder '{'/'.join(made)}'.",
                                 code=codes.FOLDER_EXISTS, details={"folderPath": "/".join(made)})
    return "/".join(made)
