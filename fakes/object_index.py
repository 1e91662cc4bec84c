"""What a saved project knows of each program object file, so that opening it need not read every document again.

Opening a project read each saved block as an imported one (parse, retarget, renumber, write again: ~1 ms a block),
so a plant's 10,000 blocks took ten seconds to open. The files are the stored objects' own bytes, written by the
save; the save writes beside them, per file, the digest of its bytes and what the store read from them
(:class:`~engineering_api.rules.program_objects.ProgramObject`'s fields but ``xml`` and the compile state, which has a
file of its own). Opening takes an object from its entry when the file's digest matches it, and reads the file as
before when it does not (a file changed by hand, or a project saved before the index existed): the index can spare
work, never change what is opened.
"""

from __future__ import annotations

import hashlib
from typing import Any

from engineering_api.rules.program_objects import ProgramObject

__all__ = ("INDEX_FILE", "INDEX_FORMAT", "entry_of", "object_from")

INDEX_FILE = "objects.json"
"""Beside the category folders in a PLC's folder: ``{"format": 1, "objects": {relative path: entry}}``."""
INDEX_FORMAT = 1
"""The index's ``format``: an index of another format is not read (every file is read instead)."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_of(obj: ProgramObject) -> dict[str, Any]:
    """The index entry of ``obj``, saved as its file."""
    entry: dict[str, Any] = {"sha256": _digest(obj.xml), "kind": obj.kind, "name": obj.name}
    if obj.number is not None:
        entry["number"] = obj.number
    if obj.language is not None:
        entry["language"] = obj.language
    if obj.instance_of is not None:
        entry["instanceOf"] = obj.instance_of
    if obj.uses_types:
        entry["usesTypes"] = list(obj.uses_types)
    if obj.auto_number:
        entry["autoNumber"] = True
    if obj.interface_hash:
        entry["interfaceHash"] = obj.interface_hash
    return entry


def object_from(entry: Any, data: bytes, folder: str) -> ProgramObject | None:
    """The object saved as ``data`` in ``folder``, from its index entry; None when the entry does not describe these
    bytes (or is not an entry this version wrote), and the file must be read."""
    if not isinstance(entry, dict) or entry.get("sha256") != _digest(data):
        return None
    kind, name, number = entry.get("kind"), entry.get("name"), entry.get("number")
    uses = entry.get("usesTypes", [])
    if not isinstance(kind, str) or not isinstance(name, str) or not (number is None or type(number) is int) \
            or not isinstance(uses, list) or not all(isinstance(u, str) for u in uses):
        return None
    language, instance_of = entry.get("language"), entry.get("instanceOf")
    return ProgramObject(
        kind=kind, name=name, xml=data, number=number, folder=folder,
        language=language if isinstance(language, str) else None,
        instance_of=instance_of if isinstance(instance_of, str) else None,
        uses_types=tuple(uses), auto_number=entry.get("autoNumber") is True,
        interface_hash=str(entry.get("interfaceHash", "")),
    )
