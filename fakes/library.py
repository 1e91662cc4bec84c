"""The TIA model's library: master copies and versioned types, in memory and in a folder of files.

One :class:`Library` class serves the project library (kept in the project folder under ``Library/``) and global
libraries (the same folder layout beside an ``.alNN`` file, :mod:`fakes.global_library`). The layout is git-friendly
like the project's: ``library.json`` indexes folders, master copies, types and versions; every object is one SimaticML
file (a device master copy one JSON file) under ``MasterCopies/<folders>/<name>/`` and ``Types/<type>/<version>.xml``.

Instance links (which PLC object is an instance of which type version) belong to the project, so only the
project library keeps them (``links``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engineering_api.lib.paths import safe_file_stem
from engineering_api.rules.library import IN_WORK, RELEASED, parse_version

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.project_commit import FolderCommit

__all__ = ("Library", "LibraryItem", "LibraryType", "MasterCopy", "TypeVersion", "load_library", "save_library")

INDEX = "library.json"


@dataclass
class LibraryItem:
    """One object of a master copy: SimaticML of a block, UDT or tag table, or a device as JSON."""

    kind: str
    name: str
    data: bytes
    folder: str = ""


@dataclass
class MasterCopy:
    name: str
    folder: str
    source_kind: str
    items: list[LibraryItem]
    author: str = ""
    created_at: str = ""

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name


@dataclass
class TypeVersion:
    number: str
    state: str
    data: bytes
    """The SimaticML of the block or UDT as this version holds it (a released version never changes)."""
    author: str = ""
    comment: str = ""
    created_at: str = ""
    dependencies: dict[str, str] = field(default_factory=dict)
    """Type name -> version number this version uses."""
    test_instance: tuple[str, str] | None = None
    """(device, object) of an in-work version: the one instance that can be edited."""


@dataclass
class LibraryType:
    name: str
    kind: str
    folder: str = ""
    versions: list[TypeVersion] = field(default_factory=list)
    default: str | None = None

    def version(self, number: str) -> TypeVersion | None:
        wanted = parse_version(number)
        return next((v for v in self.versions if parse_version(v.number) == wanted), None)

    @property
    def in_work(self) -> TypeVersion | None:
        return next((v for v in self.versions if v.state == IN_WORK), None)

    @property
    def default_version(self) -> TypeVersion | None:
        return self.version(self.default) if self.default else None


@dataclass
class Library:
    name: str
    kind: str = "Project"
    master_copies: list[MasterCopy] = field(default_factory=list)
    master_copy_folders: set[str] = field(default_factory=set)
    types: dict[str, LibraryType] = field(default_factory=dict)
    type_folders: set[str] = field(default_factory=set)
    links: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    """device -> object name -> (type name, version number): the project's instances."""

    def is_empty(self) -> bool:
        return not (self.master_copies or self.master_copy_folders or self.types or self.type_folders or self.links)


def _item_file(item: LibraryItem) -> str:
    return safe_file_stem(item.name, escape=True) + (".json" if item.kind == "Device" else ".xml")


def _folder_path(base: Path, folder: str) -> Path:
    for part in filter(None, folder.split("/")):
        base = base / safe_file_stem(part, escape=True)
    return base


def save_library(library: Library, folder: Path, commit: FolderCommit) -> None:
    """Write ``library`` below ``folder`` (nothing for an empty one); files of objects that are gone are deleted."""
    wanted: set[Path] = set()

    def write(path: Path, data: bytes | str) -> str:
        wanted.add(path)
        commit.write(path, data)
        return path.relative_to(folder).as_posix()

    index: dict[str, Any] = {"name": library.name, "kind": library.kind,
                             "masterCopyFolders": sorted(library.master_copy_folders),
                             "typeFolders": sorted(library.type_folders), "masterCopies": [], "types": [],
                             "links": {d: {o: list(t) for o, t in objs.items()} for d, objs in library.links.items()}}
    if not library.is_empty():
        for position, mc in enumerate(library.master_copies):
            base = _folder_path(folder / "MasterCopies",
                                mc.folder) / f"{position:03d} {safe_file_stem(mc.name, escape=True)}"
            items = [{"kind": i.kind, "name": i.name, "folder": i.folder, "file": write(base / _item_file(i), i.data)}
                     for i in mc.items]
            index["masterCopies"].append({"name": mc.name, "folder": mc.folder, "sourceKind": mc.source_kind,
                                          "author": mc.author,
                                          "createdAt": mc.created_at, "items": items})
        for t in library.types.values():
            base = folder / "Types" / safe_file_stem(t.name, escape=True)
            index["types"].append({"name": t.name, "kind": t.kind, "folder": t.folder, "default": t.default,
                                   "versions": [{
                                       "number": v.number, "state": v.state, "author": v.author, "comment": v.comment,
                                       "createdAt": v.created_at, "dependencies": v.dependencies,
                                       "testInstance": list(v.test_instance) if v.test_instance else None,
                                       "file": write(base / f"{v.number}.xml", v.data)} for v in t.versions]})
        write(folder / INDEX, json.dumps(index, indent=2, ensure_ascii=False) + "\n")
    commit.delete_stale(folder, wanted)


def load_library(folder: Path, name: str) -> Library:
    """Read what :func:`save_library` wrote (an empty library when there is nothing).

    Raises:
        OSError, ValueError, KeyError, TypeError: the folder is damaged (the project loader reports it).
    """
    index_file = folder / INDEX
    if not index_file.is_file():
        return Library(name=name)
    raw = json.loads(index_file.read_text(encoding="utf-8"))
    library = Library(name=name, kind=raw.get("kind", "Project"), master_copy_folders=set(raw["masterCopyFolders"]),
                      type_folders=set(raw["typeFolders"]))
    for mc in raw["masterCopies"]:
        items = [LibraryItem(kind=i["kind"], name=i["name"], folder=i.get("folder", ""),
                             data=(folder / i["file"]).read_bytes()) for i in mc["items"]]
        library.master_copies.append(MasterCopy(name=mc["name"], folder=mc["folder"], source_kind=mc["sourceKind"],
                                                items=items, author=mc.get("author", ""),
                                                created_at=mc.get("createdAt", "")))
    for t in raw["types"]:
        versions = []
        for v in t["versions"]:
            if v["state"] not in (IN_WORK, RELEASED):
                raise ValueError(f"unknown version state {v['state']!r}")
            versions.append(TypeVersion(
                number=v["number"], state=v["state"], data=(folder / v["file"]).read_bytes(),
                author=v.get("author", ""),
                comment=v.get("comment", ""), created_at=v.get("createdAt", ""),
                dependencies=dict(v.get("dependencies") or {}),
                test_instance=tuple(v["testInstance"]) if v.get("testInstance") else None))
        library.types[t["name"]] = LibraryType(name=t["name"], kind=t["kind"], folder=t.get("folder", ""),
                                               versions=versions, default=t.get("default"))
    library.links = {d: {o: (t[0], t[1]) for o, t in objs.items()} for d, objs in (raw.get("links") or {}).items()}
    return library
