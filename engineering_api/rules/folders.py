"""Folder paths of the project tree and object names that become file names, as both adapters check them.

A folder ("user group" in Openness) of program blocks, PLC data types, tag tables, external sources or
watch and force tables is written as ``a/b/c`` (``\\`` is a separator too: TIA shows paths with it). Every
name in it must be usable as a folder name on Windows and POSIX, because the project keeps its objects in
files below folders of the same names: no empty name (so no leading, trailing or doubled separator), no
``.`` or ``..``, no device name (``CON``, ``COM1``), no ``:`` (drive letters, alternate data streams), no
character Windows refuses, no name ending in a dot or space, no name beginning with a dot (the project's
temporary files) and no name ending like the project's own files (``Sub.xml``).

The fake (``fakes/program.py``) and the Openness bridge (``openness_bridge/groups.py``) both call
:func:`folder_parts` for every folder they create or import into, so a refusal reads the same on both.
"""

from __future__ import annotations

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.paths import component_problem

__all__ = (
    "RESERVED_SUFFIXES", "check_file_name", "file_name_problem", "folder_name_problem", "folder_parts", "target_folder",
)

RESERVED_SUFFIXES = (".xml",)
"""Endings of the files a project keeps below its folders; a folder named like one is taken for a file."""


def file_name_problem(name: str) -> str | None:
    """Why a name cannot be a file or folder name on Windows and POSIX, in plain words, or ``None`` when it can.

    Args:
        name: A single name, without separators.
    """
    if not name.strip():
        return "an empty name"
    if name in (".", ".."):
        return f"'{name}' is not a name"
    if len(name) == 2 and name[1] == ":" and name[0].isascii() and name[0].isalpha():
        return "drive letters are not allowed"
    problem = component_problem(name)
    if problem is None and name.startswith("."):
        problem = "names beginning with a dot are reserved for the project's temporary files"
    return problem


def folder_name_problem(name: str) -> str | None:
    """As :func:`file_name_problem`, and names ending like the project's own files (``Sub.xml``) are refused.

    Args:
        name: A single folder name, without separators.
    """
    problem = file_name_problem(name)
    suffix = next((s for s in RESERVED_SUFFIXES if name.lower().endswith(s)), None)
    if problem is None and suffix is not None:
        problem = f"names ending in '{suffix}' are reserved for the project's files"
    return problem


def folder_parts(path: str, *, field: str = "folderPath") -> list[str]:
    """The names of a folder path to create or import into, blanks around each name removed.

    Raises:
        ValidationError: ``INVALID_FOLDER`` for an empty path or a name :func:`folder_name_problem` refuses
            (``details``: ``field``, ``name``, ``reason``).
    """
    if not isinstance(path, str) or not path.strip():
        raise ValidationError(
            "The folder path is empty; send a path like 'Motors/Pumps'.", code=codes.INVALID_FOLDER,
            details={"field": field, "reason": "empty path"},
        )
    parts = [part.strip() for part in path.replace("\\", "/").split("/")]
    for part in parts:
        problem = folder_name_problem(part) if part else "an empty name (a leading, trailing or doubled separator)"
        if problem is not None:
            raise ValidationError(
                f"'{path}' is not a usable folder path: {problem}. Choose other names (a path looks like "
                "'Motors/Pumps').",
                code=codes.INVALID_FOLDER, details={"field": field, "name": part, "reason": problem},
            )
    return parts


def target_folder(path: str, *, field: str = "folder") -> str:
    """The normalised folder (``a/b``) an object goes into; ``""`` (or blanks) is the top level.

    Raises:
        ValidationError: ``INVALID_FOLDER`` for a malformed path (see :func:`folder_parts`).
    """
    return "/".join(folder_parts(path, field=field)) if path.strip() else ""


def check_file_name(name: str, *, kind: str, field: str = "name") -> str:
    """Return ``name`` when it can be the file name of an object TIA keeps as a file (an external source).

    Raises:
        ValidationError: ``INVALID_NAME`` when :func:`file_name_problem` refuses it (``details``: ``field``,
            ``reason``).
    """
    problem = file_name_problem(name)
    if problem is not None:
        raise ValidationError(
            f"'{name}' is not a usable {kind} name: {problem}. Choose a name like 'Pump.scl'.", code=codes.INVALID_NAME,
            details={"field": field, "reason": problem},
        )
    return name
