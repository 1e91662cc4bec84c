"""TIA's library rules that every adapter applies alike: names, paths, version numbers and version states.

A library (the project library, or a global library, which is the same model in a library file of its own) holds
**master copies** in a folder tree and **types** in a folder tree. A type (a block or PLC data type) has versions;
each version is ``InWork`` or ``Released`` (Openness ``LibraryTypeVersionState.InWork`` / ``Committed``). The rules
(Siemens, "TIA Portal Openness: functions on libraries" -- accessing types, type versions and instances, V21:
https://docs.tia.siemens.cloud/r/en-us/v21/tia-portal-openness-api-for-automation-of-engineering-workflows/
tia-portal-openness-api/functions-on-libraries/accessing-type-versions; and the TIA Portal help "Basics on types"):

- a released version never changes; editing a type (``LibraryTypeVersion.Edit()``) creates a new in-work version;
- a type has at most one in-work version; its test instance is the one instance that can be edited;
- an instance of a released version is write-protected;
- the default version (``SetAsDefault``) is the one new instances get; only a released version can be default;
- a type whose versions have instances, or that another type depends on, cannot be deleted.

A global library is a file ``<name>.alNN`` (NN: the TIA version, ``.al19`` for V19) in a folder of its own; its
archive is ``.zalNN``. It opens read-only by default, so that several users can share it; opened read-write it
is exclusive (TIA Portal help "Opening a global library", "Archiving a global library"; Openness
``GlobalLibraryComposition.Open(FileInfo, OpenMode)``: https://docs.tia.siemens.cloud/r/en-us/v21/
tia-portal-openness-api-for-automation-of-engineering-workflows/tia-portal-openness-api/functions-on-libraries/
opening-global-libraries).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.backend.errors import (
    AlreadyExistsError, ConflictError, LockedError, NotFoundError, ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules.archive import refuse_archive_target

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = (
    "IN_WORK", "LIBRARY_ARCHIVES", "LIBRARY_FILES", "MASTER_COPY_KINDS", "RELEASED", "TYPE_KINDS",
    "check_archive_target",
    "check_library_file", "check_library_name", "check_new_global_library", "check_plc_paste", "check_release_number",
    "check_released", "compare_target_required", "format_version", "edited_in_project_library", "in_work_version",
    "in_work_version_exists", "library_already_open", "library_archive_suffix", "no_default_version",
    "type_has_instances", "version_not_found", "ambiguous_master_copy", "master_copy_exists",
    "master_copy_folder_exists", "master_copy_folder_not_found", "master_copy_not_found", "pasted_name_taken",
    "instance_not_found", "type_not_found",
    "library_locked", "library_not_open", "library_read_only",
    "library_unsaved", "library_file_version", "library_suffix", "next_version",
    "parse_version", "split_master_copy_path",
)

IN_WORK, RELEASED = "InWork", "Released"
"""Version states on the wire; Openness names them ``LibraryTypeVersionState.InWork`` and ``Committed``."""
TYPE_KINDS = ("FB", "FC", "UDT")
"""What a PLC library type is made from: function blocks, functions and PLC data types (TIA's "Add new type"
offers no type of an OB or a data block)."""
MASTER_COPY_KINDS = ("Block", "PlcDataType", "TagTable", "Device")
"""What a master copy is made from here: a block, a PLC data type, a PLC tag table or a whole device."""

LIBRARY_FILES = tuple(f".al{v}" for v in range(16, 22))
"""Global library files of the TIA versions the service knows (V16 … V21)."""
LIBRARY_ARCHIVES = tuple(f".zal{v}" for v in range(16, 22))
"""Global library archives (TIA's "Archive library" writes ``.zalNN``)."""
_LIBRARY_SUFFIX = re.compile(r"^\.al(\d{2})$", re.IGNORECASE)

_Version = TypeVar("_Version")

_VERSION = re.compile(r"^\s*(\d{1,5})\.(\d{1,5})\.(\d{1,5})\s*$")
_BAD_NAME = re.compile(r'[\\/"<>|:*?\x00-\x1f]')


def check_library_name(name: str, field: str = "name") -> str:
    """A master copy, folder or type name as TIA takes it: 1-128 characters, no path separators or quotes.

    Raises:
        ValidationError: ``INVALID_NAME`` naming ``field``.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"'{field}' is empty.", code=codes.INVALID_NAME, details={"field": field})
    if len(name) > 128 or _BAD_NAME.search(name) or name != name.strip():
        raise ValidationError(
            f"'{name}' is not a usable library name (at most 128 characters, no \\ / \" < > | : * ? and no blanks "
            "around it).", code=codes.INVALID_NAME, details={"field": field},
        )
    return name


def parse_version(text: str, field: str = "versionNumber") -> tuple[int, int, int]:
    """``"1.0.2"`` as ``(1, 0, 2)``: TIA's type versions have three numbers (Openness ``System.Version``).

    Raises:
        ValidationError: ``INVALID_VERSION``.
    """
    match = _VERSION.match(text or "") if isinstance(text, str) else None
    if match is None:
        raise ValidationError(f"'{text}' is not a type version; write it as major.minor.patch, e.g. 1.0.0.",
                              code=codes.INVALID_VERSION, details={"field": field})
    return int(match[1]), int(match[2]), int(match[3])


def format_version(version: tuple[int, int, int]) -> str:
    return ".".join(str(n) for n in version)


def in_work_version(type_name: str, work: _Version | None, *, then: str = "") -> _Version:
    """The type's in-work version ``work`` (at most one, see above), for a change that needs one.

    Raises:
        ConflictError: ``NO_IN_WORK_VERSION`` (``then``: what the client does first, e.g. "edit it first").
    """
    if work is None:
        raise ConflictError(f"The type '{type_name}' has no in-work version{'; ' + then if then else ''}.",
                            code=codes.NO_IN_WORK_VERSION)
    return work


def in_work_version_exists(type_name: str, number: str) -> ConflictError:
    """The 409 for editing a type that has the in-work version ``number`` already (a type has at most one)."""
    return ConflictError(f"The type '{type_name}' already has the in-work version {number}; release or discard it "
                         "first.", code=codes.IN_WORK_VERSION_EXISTS, details={"versionNumber": number})


def check_release_number(requested: str | None, in_work: str, others: Iterable[str]) -> tuple[int, int, int]:
    """The number the in-work version ``in_work`` is released as: ``requested``, which must be above every other
    version of the type (``others``), or its own number.

    Raises:
        ValidationError: ``INVALID_VERSION`` (``details.field``: ``versionNumber``).
    """
    if requested is None:
        return parse_version(in_work)
    wanted = parse_version(requested)
    highest = max((parse_version(n) for n in others), default=(0, 0, 0))
    if wanted <= highest:
        raise ValidationError(f"{requested} is not above the type's highest version {format_version(highest)}.",
                              code=codes.INVALID_VERSION, details={"field": "versionNumber"})
    return wanted


_RELEASED_FOR = {"default": "only a released version can be the default.",
                 "instantiate": "only released versions are instantiated (its test instance is the one instance it "
                                "has)."}


def check_released(type_name: str, number: str, state: str, *, to: str) -> None:
    """Refuse the in-work version ``number`` of a type where only a released one goes: ``to`` is ``"default"``
    (``SetAsDefault``) or ``"instantiate"``.

    Raises:
        ValidationError: ``VERSION_IN_WORK``.
    """
    if state != RELEASED:
        raise ValidationError(f"{type_name} {number} is in work; {_RELEASED_FOR[to]}", code=codes.VERSION_IN_WORK)


def type_not_found(name: str) -> NotFoundError:
    """The 404 for a library type the library does not hold."""
    return NotFoundError(f"The library type '{name}' was not found.", code=codes.TYPE_NOT_FOUND)


def instance_not_found(device: str, type_name: str) -> NotFoundError:
    """The 404 for comparing a type with its instance in ``device``, which has none."""
    return NotFoundError(f"'{device}' has no instance of '{type_name}'.", code=codes.INSTANCE_NOT_FOUND)


def version_not_found(type_name: str, number: str, numbers: Iterable[str]) -> NotFoundError:
    """The 404 for a version ``number`` the type does not have (``numbers``: the ones it has)."""
    return NotFoundError(f"The type '{type_name}' has no version {number} (it has {', '.join(numbers)}).",
                         code=codes.VERSION_NOT_FOUND)


def no_default_version(type_name: str) -> NotFoundError:
    """The 404 for a type without a default version (none released yet), asked for the version new instances get."""
    return NotFoundError(f"The type '{type_name}' has no default version.", code=codes.VERSION_NOT_FOUND)


def type_has_instances(type_name: str, instances: Iterable[tuple[str, str, str]]) -> ConflictError:
    """The 409 for deleting a type whose versions have ``instances`` (device, object, version number)."""
    found = list(instances)
    names = ", ".join(f"{device}/{name} ({number})" for device, name, number in found)
    return ConflictError(f"The type '{type_name}' has instances in the project: {names}. Delete them first.",
                         code=codes.TYPE_HAS_INSTANCES, details={"instances": [
                             {"deviceName": device, "name": name, "versionNumber": number}
                             for device, name, number in found]})


def compare_target_required() -> ValidationError:
    """The 422 for comparing a type version with nothing named."""
    return ValidationError("Name what to compare with: rightVersion, or deviceName for the type's instance.",
                           code=codes.COMPARE_TARGET_REQUIRED, details={"field": "rightVersion"})


def next_version(numbers: list[str]) -> str:
    """The number TIA proposes for a new version: the highest one with its last digit raised (0.0.1 for none)."""
    if not numbers:
        return "0.0.1"
    major, minor, patch = max(parse_version(n) for n in numbers)
    return format_version((major, minor, patch + 1))


def split_master_copy_path(path: str, field: str = "mcPath") -> tuple[str, str]:
    """``("Motors/Pumps", "Pump")`` for ``Motors/Pumps/Pump`` or ``Motors\\Pumps\\Pump``; ``("", name)`` for a name.

    A value without a separator is a name (searched in every folder); with one, it is a path from the root.

    Raises:
        ValidationError: ``INVALID_PATH`` for an empty part.
    """
    parts = [p.strip() for p in (path or "").replace("\\", "/").strip("/").split("/")]
    if not parts or any(not p for p in parts):
        raise ValidationError(f"'{path}' is not a master copy name or path (Folder/Sub/Name).", code=codes.INVALID_PATH,
                              details={"field": field})
    return "/".join(parts[:-1]), parts[-1]


def library_suffix(version: str) -> str:
    """``.al19`` for ``V19``: the suffix of a global library file of that TIA version."""
    return ".al" + version.lstrip("Vv")


def library_archive_suffix(version: str) -> str:
    """``.zal19`` for ``V19``."""
    return ".zal" + version.lstrip("Vv")


def check_archive_target(target: Path, version: str, library_folder: Path) -> None:
    """Refuse a target TIA would not archive a ``version`` global library to: a wrong extension, an existing file (TIA
    does not overwrite), a place inside the library's own folder (the project's rules,
    :func:`engineering_api.rules.archive.refuse_archive_target`, with ``.zalNN``).

    Raises:
        ValidationError: ``ARCHIVE_EXTENSION``, ``ARCHIVE_TARGET`` (``details.field``: ``archivePath``).
        AlreadyExistsError: ``ARCHIVE_EXISTS``.
    """
    refuse_archive_target(target, library_archive_suffix(version), f"{version} library", library_folder,
                          "the library's folder", {"field": "archivePath"})


def library_file_version(path: Path) -> str:
    """``V19`` for ``Motors.al19``.

    Raises:
        ValidationError: ``NOT_A_LIBRARY``.
    """
    match = _LIBRARY_SUFFIX.match(path.suffix)
    if match is None:
        raise ValidationError(f"'{path.name}' is not a TIA Portal global library file (.al16 … .al21).",
                              code=codes.NOT_A_LIBRARY, details={"field": "path"})
    return f"V{match.group(1)}"


def edited_in_project_library(library: str | None) -> None:
    """Types are made and edited in the project library only: a global library's types are copied there and back
    (TIA's "update library"), never edited in place.

    Raises:
        ValidationError: ``EDIT_IN_PROJECT_LIBRARY`` when ``library`` names a global library.
    """
    if library is not None:
        raise ValidationError(
            f"The types of the global library '{library}' are not edited there: make or edit the type in the project "
            "library, then copy it over (POST /api/libraries/global/types/actions/update).",
            code=codes.EDIT_IN_PROJECT_LIBRARY, details={"field": "libraryName"})


def master_copy_not_found(path: str) -> NotFoundError:
    """The 404 for a master copy name or path (``Folder/Name``) the library does not hold."""
    return NotFoundError(f"The master copy '{path}' was not found.", code=codes.MASTER_COPY_NOT_FOUND)


def ambiguous_master_copy(name: str, paths: list[str]) -> ConflictError:
    """The 409 for a master copy ``name`` that several folders hold (``paths``): a path names one."""
    return ConflictError(f"Several master copies are named '{name}' ({', '.join(paths)}); name one by its path "
                         "(Folder/Name).", code=codes.AMBIGUOUS_MASTER_COPY, details={"paths": paths})


def master_copy_folder_not_found(folder: str) -> NotFoundError:
    """The 404 for a master copy made into a folder the library does not have."""
    return NotFoundError(f"The master copy folder '{folder}' does not exist; create it first.",
                         code=codes.FOLDER_NOT_FOUND)


def master_copy_folder_exists(path: str) -> AlreadyExistsError:
    """The 409 for creating a master copy folder whose whole path exists."""
    return AlreadyExistsError(f"The folder '{path}' already exists.", code=codes.FOLDER_EXISTS)


def master_copy_exists(name: str, folder: str) -> AlreadyExistsError:
    """The 409 for a master copy whose name its folder (``""``: the root) holds already."""
    return AlreadyExistsError(f"The master copy '{name}' already exists in '{folder or 'Master copies'}'.",
                              code=codes.MASTER_COPY_EXISTS)


def pasted_name_taken(plc: str, name: str) -> AlreadyExistsError:
    """The 409 for pasting a master copy into ``plc`` where an object has a pasted object's ``name`` (Openness
    ``MasterCopyMode.ThrowIfExists``): nothing is pasted."""
    return AlreadyExistsError(f"'{plc}' already has an object named '{name}'; rename or delete it first.",
                              code=codes.OBJECT_EXISTS)


def check_plc_paste(master_copy: str, device: str | None, new_name: str | None) -> str:
    """The PLC a master copy of PLC objects is pasted into: one must be named, and ``newName`` (which renames a
    pasted device) does not apply. Returns ``device``.

    Raises:
        ValidationError: ``DEVICE_REQUIRED`` (no PLC named), ``INVALID_FIELD`` (``newName`` given).
    """
    if device is None:
        raise ValidationError(f"The master copy '{master_copy}' holds PLC objects: name the PLC (deviceName).",
                              code=codes.DEVICE_REQUIRED, details={"field": "deviceName"})
    if new_name:
        raise ValidationError("newName renames a device pasted from a device master copy; objects keep their "
                              "names.", code=codes.INVALID_FIELD, details={"field": "newName"})
    return device


def library_not_open(name: str, opened: list[str]) -> NotFoundError:
    """The 404 for a global library name that is not open (``opened``: the names that are)."""
    return NotFoundError(f"No global library named '{name}' is open (open: {', '.join(sorted(opened)) or 'none'}).",
                         code=codes.LIBRARY_NOT_FOUND, details={"libraryName": name})


def library_read_only(name: str) -> ConflictError:
    """The 409 for changing (or saving) a global library opened read-only."""
    return ConflictError(f"The global library '{name}' is open read-only; close it and open it with readOnly: false "
                         "to change it.", code=codes.LIBRARY_READ_ONLY, details={"libraryName": name})


def library_unsaved(name: str, *, archiving: bool) -> ConflictError:
    """The 409 for closing (or archiving) a global library with unsaved changes, which would be lost (or missing)."""
    if archiving:
        return ConflictError(f"The global library '{name}' has unsaved changes that the archive would not hold: send "
                             "saveFirst: true, or save it first.", code=codes.UNSAVED_CHANGES,
                             details={"libraryName": name})
    return ConflictError(f"The global library '{name}' has unsaved changes that closing would lose: save it first, or "
                         "send discardChanges: true.", code=codes.UNSAVED_CHANGES, details={"libraryName": name})


def check_new_global_library(directory: Path, name: str, opened: Iterable[str]) -> Path:
    """The folder a new global library ``name`` gets in ``directory`` (``opened``: the names open in this portal).

    Raises:
        ValidationError: ``INVALID_NAME`` (see :func:`check_library_name`; nor may it start with a dot).
        AlreadyExistsError: ``LIBRARY_ALREADY_OPEN`` (a library of that name is open), ``LIBRARY_EXISTS`` (the
            folder is there).
    """
    check_library_name(name, "name")
    if name.startswith("."):
        raise ValidationError(f"'{name}' cannot start with a dot.", code=codes.INVALID_NAME, details={"field": "name"})
    if name in opened:
        raise library_already_open(name)
    folder = directory / name
    if folder.exists():
        raise AlreadyExistsError(f"The library folder '{folder}' already exists.", code=codes.LIBRARY_EXISTS)
    return folder


def check_library_file(path: Path, portal_version: str) -> str:
    """The TIA version (``V19``) of the global library file ``path``, which a ``portal_version`` portal opens.

    Raises:
        ValidationError: ``NOT_A_LIBRARY``, ``LIBRARY_VERSION_MISMATCH`` (``details``: both versions).
        NotFoundError: ``LIBRARY_FILE_NOT_FOUND``.
    """
    version = library_file_version(path)
    if not path.is_file():
        raise NotFoundError(f"The global library file '{path}' was not found.", code=codes.LIBRARY_FILE_NOT_FOUND)
    if version != portal_version:
        hint = ("Openness upgrades it with GlobalLibraries.OpenWithUpgrade; open a copy of it that way in TIA Portal."
                if int(version[1:]) < int(portal_version[1:]) else f"Open it with TIA Portal {version}.")
        raise ValidationError(f"The library '{path.name}' is a TIA Portal {version} library; this portal is "
                              f"{portal_version}. {hint}", code=codes.LIBRARY_VERSION_MISMATCH,
                              details={"libraryVersion": version, "portalVersion": portal_version})
    return version


def library_already_open(name: str, *, read_only: bool | None = None) -> AlreadyExistsError:
    """The 409 for opening or creating a library while one of that name is open in this portal (``read_only``: how
    that one is open, when it is the same file asked for in the other mode)."""
    how = "" if read_only is None else " read-only" if read_only else " read-write"
    return AlreadyExistsError(f"A global library named '{name}' is already open{how}; close it first.",
                              code=codes.LIBRARY_ALREADY_OPEN, details={"libraryName": name})


def library_locked(name: str, *, read_only: bool, holder: dict[str, Any] | None = None) -> LockedError:
    """The refusal to open a library another TIA Portal holds: read-write (which excludes every other open), or at
    all when ``read_only`` is False (a read-write open is exclusive). ``holder``: what is known of that portal (the
    fake knows its pid; Openness does not say)."""
    then = ("close it there first." if read_only else
            "close it there first, or open it read-only (readOnly: true) while that portal only reads it.")
    return LockedError(f"The global library '{name}' is open {'read-write ' if read_only else ''}in another TIA "
                       f"Portal: {then}", code=codes.LIBRARY_LOCKED, details={"libraryName": name, **(holder or {})})
