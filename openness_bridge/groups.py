"""User groups ("folders") of a PLC's system groups, as Openness offers them for blocks, PLC data types,
external sources, tag tables and watch/force tables alike: ``<SystemGroup>.Groups`` is a
``…UserGroupComposition`` with ``Find(name)`` (one level) and ``Create(name)``; a user group has ``Name``, its own
``Groups`` and ``Delete()`` (which takes its content).

Paths are ``/``-separated below the system group; ``\\`` is accepted as a separator (TIA shows paths with it). Paths
to create or import into follow the shared folder rules (:mod:`engineering_api.rules.folders`); lookups of existing
folders normalise leniently (:func:`normalise`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from engineering_api.backend.errors import (
    AlreadyExistsError,
    NotFoundError,
    ValidationError,
)
# Paths to create or import into follow the shared rule, so the bridge refuses what the fake refuses.
from engineering_api.errors import codes
from engineering_api.rules.folders import folder_parts, target_folder

__all__ = (
    "cast_as", "create_group", "ensure_group", "find_group", "find_objects", "folder_of", "folder_parts", "group_paths",
    "normalise", "require_group", "walk", "walk_objects",
)


def normalise(path: str) -> str:
    """``a\\b``, `` a / b `` and ``/a/b/`` all become ``a/b``; empty names inside (``a//b``) are kept."""
    return "/".join(p.strip() for p in path.strip().strip("/\\").replace("\\", "/").split("/"))


def find_group(root: Any, path: str) -> Any | None:
    """The user group at ``path`` below ``root`` (``root`` itself for ""), or None; ``Find`` level by level."""
    normalised, group = normalise(path), root
    for part in normalised.split("/") if normalised else []:
        group = group.Groups.Find(part) if part else None
        if group is None:
            return None
    return group


def require_group(root: Any, path: str) -> Any:
    """:func:`find_group` or ``NotFoundError`` (``FOLDER_NOT_FOUND``); the system group itself is not a folder."""
    group = find_group(root, path) if normalise(path) else None
    if group is None:
        raise NotFoundError(f"The folder '{path}' was not found.", code=codes.FOLDER_NOT_FOUND)
    return group


def folder_of(root: Any, path: str, *, shown: str | None = None) -> tuple[str, Any]:
    """(normalised path, group) for an import/add target; ``ValidationError``: ``INVALID_FOLDER`` for a malformed
    path (see :func:`folder_parts`), ``FOLDER_NOT_FOUND`` if missing (the message names ``shown``, the folder as the
    client gave it, when ``path`` is only its part below ``root``)."""
    normalised = target_folder(path)
    group = find_group(root, normalised)
    if group is None:
        raise ValidationError(f"The folder '{shown or path}' does not exist; create it first.",
                              code=codes.FOLDER_NOT_FOUND)
    return normalised, group


def create_group(root: Any, path: str, *, exist_ok: bool = False) -> tuple[str, Any]:
    """Create the user groups of ``path`` that are missing (``Groups.Create``); returns (normalised path, group), the
    path spelled as the groups that existed already (``drives/Pumps`` below an existing ``Drives``: ``Drives/Pumps``).

    Raises:
        ValidationError: a malformed path (``INVALID_FOLDER``, see :func:`folder_parts`).
        AlreadyExistsError: the folder exists and ``exist_ok`` is false (``FOLDER_EXISTS``).
    """
    group, created, spelled = root, False, []
    for part in folder_parts(path):
        child = _child(group, part)
        if child is None:
            child, created = group.Groups.Create(part), True
        spelled.append(str(child.Name))
        group = child
    normalised = "/".join(spelled)
    if not created and not exist_ok:
        raise AlreadyExistsError(f"The folder '{normalised}' already exists.", code=codes.FOLDER_EXISTS)
    return normalised, group


def _child(group: Any, name: str) -> Any | None:
    """The user group ``name`` directly below ``group`` whatever its case: TIA keeps group names unique
    case-insensitively (``Groups.Create`` refuses ``drives`` beside ``Drives``), while ``Find`` may match the exact
    name only."""
    found = group.Groups.Find(name)
    if found is not None:
        return found
    key = name.casefold()
    return next((child for child in group.Groups if str(child.Name).casefold() == key), None)


def ensure_group(root: Any, path: str) -> tuple[str, Any]:
    """(normalised path, group) of ``path``, creating its missing levels; ``root`` itself when ``path`` is empty or
    blank (a malformed path is ``INVALID_FOLDER``, see :func:`folder_parts`)."""
    return create_group(root, path, exist_ok=True) if path.strip() else ("", root)


def walk(root: Any, folder: str = "") -> Iterator[tuple[str, Any]]:
    """(folder path, group) for ``root`` (at ``folder``) and every user group below it, parents before children:
    ``Find`` looks one level deep, so whatever lies in the tree is found by walking ``Groups``."""
    yield folder, root
    for child in root.Groups:
        yield from walk(child, f"{folder}/{child.Name}" if folder else str(child.Name))


def group_paths(root: Any) -> list[str]:
    """Every user-group path below ``root``, parents before children."""
    return [path for path, group in walk(root) if group is not root]


def walk_objects(group: Any, composition: str) -> Iterator[tuple[str, Any]]:
    """(folder, object) for every object of ``group``'s ``composition`` and of its user groups, recursively."""
    for folder, member in walk(group):
        for obj in getattr(member, composition):
            yield folder, obj


def find_objects(group: Any, composition: str, names: Sequence[str]) -> Iterator[tuple[str, Any]]:
    """(folder, object) for what ``composition``'s ``Find`` returns for each of ``names`` in ``group`` and in each
    of its user groups, parents before children: a call per group and name, where :func:`walk_objects` reads every
    object (in TIA each is a call into the portal's process). ``Find``'s case rule is not documented: callers check
    the name of what it returns."""
    for folder, member in walk(group):
        objects = getattr(member, composition)
        for name in names:
            found = objects.Find(name)
            if found is not None:
                yield folder, found


def cast_as(obj: Any, cls: Any) -> Any:
    """``obj as cls``: pythonnet hands out the runtime type already; cast only when it did not."""
    return obj if isinstance(obj, cls) else cls(obj)
