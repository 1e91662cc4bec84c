"""The fake's project folder: a JSON manifest named like TIA's project file, one folder per device.

``<Name>/<Name>.ap19`` is the manifest; ``<Name>/Devices/<Device>/device.json`` holds each device's
hardware. Keys are written in a fixed order with one value per line, so saved projects diff well in
git; program objects (later) go in the same tree as SimaticML files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec

from engineering_api.backend.errors import EngineeringError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.paths import safe_file_stem
from fakes.hmi_storage import load_hmi, save_hmi
from fakes.hmi_graphics_ops import load_graphics, save_graphics
from fakes.library import load_library, save_library
from fakes.model import Device, Project, Subnet
from fakes.object_index import INDEX_FILE, INDEX_FORMAT, entry_of, object_from
from fakes.project_commit import FolderCommit, recover, saved_files
from fakes.program import ExternalSource, PlcSoftware, ProgramObject, WatchForceTable, object_file_name, read_object
from simatic_xml.watchtables import read_table

__all__ = (
    "FORMAT", "LOCK_NAME", "device_folder", "load_project", "make_folder", "project_version", "save_project",
)

FORMAT = "engineering-api/fake-project"
FORMAT_VERSION = 1
LOCK_NAME = ".engineering-api.lock"
_SUFFIX = re.compile(r"^\.ap(\d{2})$", re.IGNORECASE)


def project_version(path: Path) -> str:
    """``V19`` for ``x.ap19``.

    Raises:
        ValidationError: not a TIA project file extension.
    """
    match = _SUFFIX.match(path.suffix)
    if not match:
        raise ValidationError(
            f"'{path.name}' is not a TIA Portal project file (expected .ap17 … .ap21).", code=codes.NOT_A_PROJECT
        )
    return f"V{match.group(1)}"


def make_folder(folder: Path) -> None:
    """Create ``folder`` and its parents (it may exist).

    Raises:
        ValidationError: a file is in the way (the folder or one of its parents is a file).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ValidationError(
            f"The folder '{folder}' cannot be created: a file with that name is in the way.", code=codes.NOT_A_FOLDER
        ) from None


def _dump(data: Any) -> str:
    # msgspec's encoder and formatter: the text json.dumps(data, indent=2, ensure_ascii=False) writes (a float may
    # be spelt another way, 1e-05 as 0.00001, the same number), without the standard library's Python encoder,
    # which it uses whenever an indent is asked for: that was most of a save's Python work.
    return msgspec.json.format(msgspec.json.encode(data), indent=2).decode("utf-8") + "\n"


PLC_FOLDER = "PLC"
_CATEGORY_FOLDERS = {"blocks": "Program blocks", "types": "PLC data types", "tag_tables": "PLC tags"}
"""Folder per kind of program object, named as in TIA's project tree."""


SOURCES_FOLDER = "External source files"
TABLES_FOLDER = "Watch and force tables"
FOLDERS_FILE = "folders.json"
COMPILE_STATE_FILE = "compile-state.json"
"""What TIA keeps of the last compile of each object (:func:`_compile_state`): consistency survives a reopen."""
RETAIN_FILE = "retain.json"
"""The PLC's "Retain" setting (``{"retentiveMarkerBytes": n}``, :attr:`PlcSoftware.retentive_marker_bytes`), written
when it is not the default 0."""


def _folder_component(part: str) -> str:
    """One folder name as a directory name: escaped as file names are, and with no dot at all.

    Without dots a component can never be ``.``/``..``, a staged ``.tmp-`` name, or collide with an object's
    ``<name>.xml`` (a folder ``Sub.xml`` beside a block ``Sub``); ``_unescape`` turns it back.
    """
    stem = safe_file_stem(part, escape=True).replace(".", "%2E") or "%"  # "%" alone: an empty name (refused upstream)
    return _shorten(stem, part)


def _object_file_name(name: str) -> str:
    """``object_file_name``, with a leading dot escaped so no object file is hidden or taken for a staged file."""
    file_name = object_file_name(name)
    return "%2E" + file_name[1:] if file_name.startswith(".") else file_name


def _shorten(stem: str, name: str) -> str:
    if len(stem.encode("utf-8")) <= _MAX_FOLDER_BYTES:
        return stem
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    return stem.encode("utf-8")[: _MAX_FOLDER_BYTES - 13].decode("utf-8", errors="ignore") + "~" + digest


def _in_folder(base: Path, folder: str) -> Path:
    return base.joinpath(*(_folder_component(part) for part in folder.split("/"))) if folder else base


def _save_software(device: Device, device_dir: Path, commit: FolderCommit, version: str) -> None:
    software = device.software
    root = device_dir / PLC_FOLDER
    wanted: set[Path | str] = set()
    if software is not None:
        index: dict[str, Any] = {}
        base = os.fspath(root)
        for obj in software.all():
            # the path below the PLC's folder as the index names it, then its text (a Path per part, and its
            # relative_to, were most of a small save's calls; a Path of each, and its text, a third of a plant's)
            relative = "/".join([_CATEGORY_FOLDERS[obj.category],
                                 *(_folder_component(part) for part in obj.folder.split("/") if obj.folder),
                                 _object_file_name(obj.name)])
            # as the folder's walk names it (each component is plain: no dot, no separator, never empty)
            file = f"{base}/{relative}" if os.sep == "/" else os.path.join(base, *relative.split("/"))
            commit.write(file, obj.xml)
            wanted.add(file)
            index[relative] = entry_of(obj)
        if index:
            path = root / INDEX_FILE
            commit.write(path, _dump({"format": INDEX_FORMAT, "version": version, "objects": index}))
            wanted.add(path)
        for source in software.external_sources.values():
            path = _in_folder(root / SOURCES_FOLDER, source.folder) / _object_file_name(source.name)[:-4]
            commit.write(path, source.text)
            wanted.add(path)
        for table in software.watch_tables.values():
            path = _in_folder(root / TABLES_FOLDER, table.folder) / _object_file_name(table.name)
            commit.write(path, table.xml)
            wanted.add(path)
        folders = {c: sorted(f) for c, f in software.folders.items() if f}
        if folders:
            path = root / FOLDERS_FILE
            commit.write(path, _dump(folders))
            wanted.add(path)
        state = _compile_state(software.all())
        if state:
            path = root / COMPILE_STATE_FILE
            commit.write(path, _dump(state))
            wanted.add(path)
        if software.retentive_marker_bytes:
            path = root / RETAIN_FILE
            commit.write(path, _dump({"retentiveMarkerBytes": software.retentive_marker_bytes}))
            wanted.add(path)
    commit.delete_stale(root, wanted)


def _load_software(device: Device, device_dir: Path, version: str) -> None:
    root = device_dir / PLC_FOLDER
    software = device.software
    if software is None or not root.is_dir():
        return
    index = _saved_index(root, version)
    pending = []
    for category, folder_name in _CATEGORY_FOLDERS.items():
        base = root / folder_name
        for file in saved_files(base, "*.xml"):
            relative = file.parent.relative_to(base)
            folder = "/".join(_unescape(part) for part in relative.parts)
            data = file.read_bytes()
            obj = object_from(index.get(file.relative_to(root).as_posix()), data, folder)
            pending.append(obj if obj is not None and obj.category == category
                           else read_object(data, project_version=version, folder=folder, source=str(file)))
    # Types and FBs first, so instance DBs find what they refer to.
    pending.sort(key=lambda o: {"UDT": 0, "TagTable": 1, "FB": 2, "FC": 2}.get(o.kind, 3))
    for obj in pending:
        software.add(obj, overwrite=False)
    sources = root / SOURCES_FOLDER
    for file in saved_files(sources):
        folder = "/".join(_unescape(part) for part in file.parent.relative_to(sources).parts)
        name = _unescape(file.name)
        software.external_sources[name] = ExternalSource(name=name, text=file.read_text(encoding="utf-8"),
                                                         folder=folder)
    tables = root / TABLES_FOLDER
    for file in saved_files(tables, "*.xml"):
        folder = "/".join(_unescape(part) for part in file.parent.relative_to(tables).parts)
        xml = file.read_bytes()
        table = read_table(xml)
        software.watch_tables[table.name] = WatchForceTable(table.name, table.kind, xml, folder)
    if (root / FOLDERS_FILE).is_file():
        for category, folders in json.loads((root / FOLDERS_FILE).read_text(encoding="utf-8")).items():
            software.folders.setdefault(category, set()).update(folders)
    if (root / COMPILE_STATE_FILE).is_file():
        _apply_compile_state(software, json.loads((root / COMPILE_STATE_FILE).read_text(encoding="utf-8")))
    if (root / RETAIN_FILE).is_file():
        saved = json.loads((root / RETAIN_FILE).read_text(encoding="utf-8"))
        count = saved.get("retentiveMarkerBytes", 0) if isinstance(saved, dict) else 0
        # a number the download refuses stays as saved (fakes.runtime.image says why), not silently replaced here
        software.retentive_marker_bytes = count if isinstance(count, int) and not isinstance(count, bool) else 0


def _saved_index(root: Path, version: str) -> dict[str, Any]:
    """The saved program's index (:mod:`fakes.object_index`) by file, or nothing when there is none, it cannot be
    read, or it was saved in a project of another version (each file is read then, and stored in ``version``)."""
    try:
        saved = json.loads((root / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, dict) or saved.get("format") != INDEX_FORMAT or saved.get("version") != version \
            or not isinstance(saved.get("objects"), dict):
        return {}
    objects: dict[str, Any] = saved["objects"]
    return objects


def _compile_state(objects: list[ProgramObject]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{category: {name: {compiledAgainst, needsCompile, calls}}}`` for the objects that were compiled or wait
    for a compile: TIA saves a block's consistency with the project, so a reopened project shows the same."""
    state: dict[str, dict[str, dict[str, Any]]] = {}
    for obj in objects:
        if obj.compiled_against is None and not obj.needs_compile and not obj.calls:
            continue
        state.setdefault(obj.category, {})[obj.name] = {
            "compiledAgainst": obj.compiled_against, "needsCompile": obj.needs_compile, "calls": list(obj.calls),
        }
    return state


def _apply_compile_state(software: PlcSoftware, state: dict[str, Any]) -> None:
    """Put the saved compile state back on the loaded objects; entries of objects that are gone are skipped."""
    for category, entries in state.items():
        if category not in _CATEGORY_FOLDERS or not isinstance(entries, dict):
            continue
        table = software.table(category)
        for name, entry in entries.items():
            obj = table.get(name)
            if obj is None or not isinstance(entry, dict):
                continue
            against = entry.get("compiledAgainst")
            table[name] = replace(
                obj, compiled_against=dict(against) if isinstance(against, dict) else None,
                needs_compile=bool(entry.get("needsCompile", False)),
                calls=tuple(str(c) for c in entry.get("calls") or ()),
            )


def _unescape(part: str) -> str:
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), part)


_MAX_FOLDER_BYTES = 200
"""Device folder names stay below the 255-byte file-name limit of Linux file systems."""


def device_folder(name: str) -> str:
    """The folder of a device under ``Devices``: its name, shortened with a hash when too long in UTF-8.

    TIA allows 128 characters, which in UTF-8 can exceed what a Linux file system takes in one name.
    """
    return _shorten(name, name)


def save_project(project: Project) -> None:
    """Write the project in one crash-safe commit; files that did not change are not touched.

    Removed devices' folders are deleted. A kill at any moment leaves the old or the new state
    (:mod:`fakes.project_commit`).
    """
    manifest = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "name": project.name,
        "tiaVersion": project.version,
        "author": project.author,
        "comment": project.comment,
        "createdAt": project.created_at,
        "savedAt": project.saved_at,
        "simulationSupport": project.simulation_support,
        "devices": list(project.devices),
        "subnets": [s.to_dict() for s in project.subnets.values()],
    } | ({"umac": project.umac} if project.umac else {})
    recover(project.folder)  # a commit that failed half-way is finished first, so the files compared are current
    devices_dir = project.folder / "Devices"
    folders = {device_folder(name) for name in project.devices}
    with FolderCommit(project.folder) as commit:
        for device in project.devices.values():
            commit.write(devices_dir / device_folder(device.name) / "device.json", _dump(device.to_dict()))
            _save_software(device, devices_dir / device_folder(device.name), commit, project.version)
            save_hmi(device, devices_dir / device_folder(device.name), commit)
        if project.library is not None:
            save_library(project.library, project.folder / "Library", commit)
        save_graphics(project, project.folder, commit)
        if devices_dir.is_dir():
            for entry in devices_dir.iterdir():
                if entry.is_dir() and entry.name not in folders:
                    commit.delete(entry)
        commit.write(project.file, _dump(manifest))
        commit.commit()


def load_project(file: Path) -> Project:
    """Read a project from its project file.

    Raises:
        NotFoundError: the file does not exist.
        ValidationError: the file is not a project this model wrote, or is damaged.
    """
    if not file.is_file():
        raise NotFoundError(f"Project file '{file}' was not found.", code=codes.PROJECT_NOT_FOUND)
    version = project_version(file)
    try:
        recover(file.parent)  # an interrupted save is finished (journal committed) or undone (staged files only)
        manifest = json.loads(file.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError("unknown format")
        devices = {}
        for name in manifest.get("devices", []):
            device_file = file.parent / "Devices" / device_folder(name) / "device.json"
            raw = json.loads(device_file.read_text(encoding="utf-8"))
            devices[name] = Device.from_dict(raw)
            _load_software(devices[name], device_file.parent, version)
            load_hmi(devices[name], device_file.parent)
        subnets = {s["name"]: Subnet.from_dict(s) for s in manifest.get("subnets", [])}
        library = load_library(file.parent / "Library", file.stem)
        graphics = load_graphics(file.parent)
    except EngineeringError as exc:
        raise ValidationError(
            f"'{file.name}' cannot be opened: a stored program object is damaged ({exc.message}).",
            code=codes.PROJECT_DAMAGED,
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:  # any shape of damage
        raise ValidationError(
            f"'{file.name}' cannot be opened: it is not a project of this model or it is damaged ({exc}).",
            code=codes.PROJECT_DAMAGED,
        ) from None
    if manifest.get("tiaVersion", version) != version:
        raise ValidationError(
            f"'{file.name}' says it is a {manifest.get('tiaVersion')} project but has the {version} extension.",
            code=codes.PROJECT_DAMAGED,
        )
    # As in TIA, a project is named after its file (a copied and renamed project file is that project).
    return Project(
        name=file.stem, folder=file.parent, version=version, author=manifest.get("author", ""),
        comment=manifest.get("comment", ""), created_at=manifest.get("createdAt", ""),
        saved_at=manifest.get("savedAt"), simulation_support=bool(manifest.get("simulationSupport", False)),
        devices=devices, subnets=subnets, umac=dict(manifest.get("umac") or {}), library=library,
        graphics=graphics,
    )
