"""The fake's user folders of classic panels: below "Screens" (``ScreenUserFolder``) and "HMI tags" (``TagUserFolder``),
for the ``hmi`` area (:class:`fakes.hmi_ops.FakeHmi`).

A folder is a path (``a/b``) in :attr:`fakes.hmi.HmiTarget.folders`; a screen or tag table in one is recorded in
:attr:`~fakes.hmi.HmiTarget.placed`. Names follow :func:`engineering_api.rules.folders.folder_parts` (as PLC folders),
compared ignoring case; an object's name stays unique in the device whatever its folder, as in TIA.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError
from engineering_api.errors import codes
from engineering_api.rules.folders import target_folder

if TYPE_CHECKING:
    from engineering_api.backend.areas.hmi import HmiFolderKind
    from fakes.hmi import HmiTarget

__all__ = ("create_folder", "folder_of", "place", "stored_folder")

_LABEL = {"screens": "Screens", "tags": "HMI tags"}


def stored_folder(target: HmiTarget, kind: str, folder: str) -> str:
    """The stored spelling of an existing folder path (``""`` for the top).

    Raises:
        ValidationError: ``INVALID_FOLDER``.
        NotFoundError: ``FOLDER_NOT_FOUND``.
    """
    path = target_folder(folder, field="folderPath")
    if not path:
        return ""
    found = next((p for p in target.folders[kind] if p.casefold() == path.casefold()), None)
    if found is None:
        raise NotFoundError(f"'{_LABEL[kind]}' has no user folder '{path}'; create it first "
                            f"(POST …/hmi/{kind}/folders).", code=codes.FOLDER_NOT_FOUND, details={"folderPath": path})
    return found


def place(target: HmiTarget, kind: str, name: str, folder: str, *, replaced: str | None = None) -> None:
    """Record that the object ``name`` sits in ``folder`` (``""``: the top; a replaced object, stored as
    ``replaced``, moves there)."""
    target.placed[kind].pop(replaced or name, None)
    target.placed[kind].pop(name, None)
    if folder:
        target.placed[kind][name] = folder


def folder_of(target: HmiTarget, kind: str, name: str) -> str:
    """The user folder an object sits in (``""`` at the top)."""
    return target.placed[kind].get(name, "")


def create_folder(target: HmiTarget, kind: HmiFolderKind, parts: list[str], device: str) -> str:
    """Create the user folder of the path ``parts`` (checked with :func:`engineering_api.rules.folders.folder_parts`)
    below ``kind``'s system folder, missing parents too; returns the path as stored.

    Raises:
        AlreadyExistsError: ``FOLDER_EXISTS`` (the whole path exists).
    """
    known = {p.casefold(): p for p in target.folders[kind]}
    made = ""
    created = False
    for depth in range(1, len(parts) + 1):
        wanted = "/".join(parts[:depth])
        stored = known.get(wanted.casefold())
        if stored is None:
            stored = f"{made}/{parts[depth - 1]}" if made else parts[depth - 1]
            target.folders[kind].append(stored)
            known[stored.casefold()] = stored
            created = True
        made = stored
    if not created:
        raise AlreadyExistsError(f"'{_LABEL[kind]}' of '{device}' already has the user folder '{made}'.",
                                 code=codes.FOLDER_EXISTS, details={"folderPath": made})
    return made
