"""Global libraries of the fake: the library model (:class:`fakes.library.Library`) in a folder of its own.

On disk a global library is git-friendly like a project: ``<folder>/<name>.alNN`` (NN: the TIA version) is a small
JSON header (name, version, author, comment, dates) and ``<folder>/Library/`` holds the content in the project
library's layout (:func:`fakes.library.save_library`). A save is one crash-safe folder commit.

Which libraries each portal has open is kept per portal table (:data:`_OPEN`), so two backends sharing a table
(two servers on one machine) see each other's libraries, and a portal that was shut down has closed its own.
Types are copied between libraries by :func:`copy_type` (TIA's "update library" and the copy a global type makes
into the project library when it is instantiated).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from engineering_api.backend.errors import ConflictError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.library import RELEASED, parse_version
from fakes.library import Library, LibraryType, load_library, save_library
from fakes.model import SavedFile
from fakes.project_commit import FolderCommit, recover

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.portal import PortalTable

__all__ = ("CONTENT", "GlobalLibrary", "copy_type", "load_global_library", "open_libraries", "save_global_library")

FORMAT = "engineering-api/fake-global-library"
CONTENT = "Library"
"""The folder beside the library file that holds its content."""


@dataclass
class GlobalLibrary(SavedFile):
    """A global library open in a portal."""

    library: Library
    file: Path
    version: str
    read_only: bool
    modified: bool = False

    @property
    def name(self) -> str:
        return self.library.name

    @property
    def folder(self) -> Path:
        return self.file.parent


_OPEN: WeakKeyDictionary[PortalTable, dict[int, dict[str, GlobalLibrary]]] = WeakKeyDictionary()


def open_libraries(table: PortalTable, pid: int | None = None) -> dict[int, dict[str, GlobalLibrary]]:
    """Portal pid -> library name -> open library, for the live portals of ``table`` (``pid`` gets an entry)."""
    per_table = _OPEN.setdefault(table, {})
    for gone in [p for p in per_table if p not in table.portals]:
        del per_table[gone]  # TIA closes a portal's libraries with it; their unsaved changes are lost
    if pid is not None:
        per_table.setdefault(pid, {})
    return per_table


def save_global_library(lib: GlobalLibrary) -> None:
    """Write the header file and the content folder in one commit (files of removed objects are deleted)."""
    header = {"format": FORMAT, "name": lib.name, "version": lib.version, "author": lib.author,
              "comment": lib.comment, "createdAt": lib.created_at, "savedAt": lib.saved_at}
    with FolderCommit(lib.folder) as commit:
        save_library(lib.library, lib.folder / CONTENT, commit)
        commit.write(lib.file, json.dumps(header, indent=2, ensure_ascii=False) + "\n")
        commit.commit()


def load_global_library(file: Path, *, read_only: bool) -> GlobalLibrary:
    """Read a library written by :func:`save_global_library`.

    Raises:
        ValidationError: ``NOT_A_LIBRARY``: not such a file, or its folder is damaged.
    """
    recover(file.parent)  # a save that failed half-way is finished first
    try:
        header = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError("not a library header")
        library = load_library(file.parent / CONTENT, file.stem)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"'{file.name}' is not a global library this service can read ({exc}).",
                              code=codes.NOT_A_LIBRARY, details={"field": "path"}) from None
    library.kind, library.links = "Global", {}
    return GlobalLibrary(library=library, file=file, version=str(header.get("version") or ""), read_only=read_only,
                         author=str(header.get("author") or ""), comment=str(header.get("comment") or ""),
                         created_at=str(header.get("createdAt") or ""), saved_at=header.get("savedAt"))


def copy_type(source: Library, target: Library, name: str, numbers: list[str] | None, copied: list[str]) -> None:
    """Copy released versions of the type ``name`` (``numbers``; None: all released ones) from ``source`` into
    ``target``, the versions of the types they use first; ``copied`` gets each type that received a version.

    TIA knows a type by its identity, the fake by its name: a version number that the target holds with other
    content is a conflict, never overwritten (a released version never changes).

    Raises:
        ConflictError: ``TYPE_VERSION_CONFLICT``; ``DEPENDENCY_MISSING`` (the source lacks a type a version uses).
    """
    t = source.types[name]
    wanted = [v for v in t.versions if v.state == RELEASED
              and (numbers is None or any(parse_version(v.number) == parse_version(n) for n in numbers))]
    for version in wanted:
        for dep, dep_number in version.dependencies.items():
            if dep not in source.types or source.types[dep].version(dep_number) is None:
                raise ConflictError(f"'{name}' {version.number} uses '{dep}' {dep_number}, which the library does "
                                    "not hold.", code=codes.DEPENDENCY_MISSING, details={"dependency": dep})
            copy_type(source, target, dep, [dep_number], copied)
    existing = target.types.get(name)
    if existing is None:
        existing = target.types[name] = LibraryType(name=name, kind=t.kind, folder=t.folder)
        if t.folder:
            parts = t.folder.split("/")
            target.type_folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    elif existing.kind != t.kind:
        raise ConflictError(f"The target library's type '{name}' is a {existing.kind}, not a {t.kind}.",
                            code=codes.TYPE_VERSION_CONFLICT, details={"typeName": name})
    added = False
    for version in wanted:
        there = existing.version(version.number)
        if there is None:
            existing.versions.append(replace(version, dependencies=dict(version.dependencies), test_instance=None))
            added = True
        elif there.data != version.data or there.state != RELEASED:
            raise ConflictError(f"The target library's type '{name}' has another version {version.number}; a "
                                "released version never changes.", code=codes.TYPE_VERSION_CONFLICT,
                                details={"typeName": name, "versionNumber": version.number})
    if existing.default is None and existing.versions:
        default = t.default if t.default and existing.version(t.default) is not None else None
        existing.default = default or max((v.number for v in existing.versions if v.state == RELEASED),
                                          key=parse_version)
    if added and name not in copied:
        copied.append(name)
