"""The versioned content: the open project's program and hardware as deterministic files.

One file per object, in the folder layout TIA's project tree shows::

    <Device>/Hardware/<Device>.aml                          AutomationML of the station
    <Device>/Program blocks/<folder>/.../<Block>.xml        SimaticML of each block
    <Device>/PLC data types/<folder>/.../<Type>.xml         SimaticML of each PLC data type
    <Device>/PLC tags/<folder>/.../<Table>.xml              SimaticML of each tag table

Everything is SimaticML or AML as the port's exports write it (the same bytes the REST export routes answer),
so any file can be imported back. Names are %-escaped (:func:`safe_file_stem` with ``escape``), so a path maps
back to its device, folder and object. What changes between two exports of an unchanged project is removed:
``DocumentInfo/Created`` and AML's ``LastWritingDateTime`` get a fixed value, and AML element IDs (GUIDs in TIA's
exports) become UUIDv5s of the element's path of names, with every reference to them rewritten.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from engineering_api.backend import errors as e
from engineering_api.errors import codes
from engineering_api.lib.paths import safe_file_stem

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = (
    "BLOCKS", "HARDWARE", "TAGS", "TYPES", "FileRef", "export_object", "export_project", "group_of", "parse_path",
)

BLOCKS, TYPES, TAGS, HARDWARE = "Program blocks", "PLC data types", "PLC tags", "Hardware"
_GROUP_OF_KIND = {"UDT": TYPES, "TagTable": TAGS}
_CREATED = re.compile(rb"<Created>[^<]*</Created>")
_FIXED_CREATED = b"<Created>1970-01-01T00:00:00.0000000Z</Created>"
_AML_IDS = uuid.UUID("0d6f5a0e-7c1b-4f8e-9d2a-3b5c8e1f4a70")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class FileRef:
    """What a repository path stands for."""

    path: str
    device: str
    domain: str
    """``Program blocks``, ``PLC data types``, ``PLC tags`` or ``Hardware``."""
    folder: str
    """Folder below the domain, ``a/b`` (empty at the top)."""
    name: str


def group_of(kind: str) -> str:
    """The top folder of a program object kind."""
    return _GROUP_OF_KIND.get(kind, BLOCKS)


def _segment(name: str) -> str:
    return safe_file_stem(name, escape=True)


def object_path(device: str, domain: str, folder: str, name: str, suffix: str = ".xml") -> str:
    """The repository path of an object."""
    parts = [_segment(device), domain, *(_segment(p) for p in folder.split("/") if p), _segment(name) + suffix]
    return "/".join(parts)


def parse_path(path: str) -> FileRef:
    """The device, domain, folder and object a repository path names.

    Raises:
        ValidationError: the path is not one of the layout's object files (``INVALID_VCS_PATH``).
    """
    parts = path.replace("\\", "/").strip("/").split("/")
    domains = (BLOCKS, TYPES, TAGS, HARDWARE)
    if len(parts) < 3 or parts[1] not in domains or any(p in ("", ".", "..") for p in parts):
        raise e.ValidationError(
            f"'{path}' is not an object file of the repository (<Device>/<{'|'.join(domains)}>/.../<Name>.xml).",
            code=codes.INVALID_VCS_PATH,
        )
    leaf = parts[-1]
    suffix = ".aml" if parts[1] == HARDWARE else ".xml"
    if not leaf.endswith(suffix) or (parts[1] == HARDWARE and len(parts) != 3):
        raise e.ValidationError(f"'{path}' is not an object file of the repository.", code=codes.INVALID_VCS_PATH)
    return FileRef(
        path="/".join(parts), device=unquote(parts[0]), domain=parts[1],
        folder="/".join(unquote(p) for p in parts[2:-1]), name=unquote(leaf[: -len(suffix)]),
    )


def normalise_simaticml(data: bytes) -> bytes:
    """SimaticML without its export time."""
    return _CREATED.sub(_FIXED_CREATED, data)


def normalise_aml(data: bytes) -> bytes:
    """AML without its writing time and with IDs derived from element paths (references rewritten)."""
    from lxml import etree

    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    ids: dict[str, str] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if "LastWritingDateTime" in el.attrib:
            el.set("LastWritingDateTime", "1970-01-01T00:00:00Z")
        old = el.get("ID")
        if old:
            path = []
            node: etree._Element | None = el
            while node is not None:
                siblings = [s for s in node.itersiblings(preceding=True) if s.get("Name") == node.get("Name")]
                path.append(f"{etree.QName(node).localname}:{node.get('Name', '')}#{len(siblings)}")
                node = node.getparent()
            ids[old] = str(uuid.uuid5(_AML_IDS, "/".join(reversed(path))))
    if ids:
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for key, value in el.attrib.items():
                if key != "ID" and _GUID.search(value):
                    el.set(key, _GUID.sub(lambda m: ids.get(m.group(0), m.group(0)), value))
            own = el.get("ID")
            if own is not None and own in ids:
                el.set("ID", ids[own])
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def export_project(ctx: OperationContext, scratch: Path) -> dict[str, bytes]:
    """Every versioned file of the open project: ``{repository path: bytes}``.

    ``scratch`` is an existing private folder for the hardware exports (the port writes them to files).

    Raises:
        NoProjectOpenError: no project is open.
        PortalUnavailableError: no TIA Portal is attached.
    """
    files: dict[str, bytes] = {}
    devices = ctx.backend.devices.list_devices()
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        for index, device in enumerate(devices):
            ctx.check_canceled()
            target = Path(tmp) / f"{index}.aml"
            ctx.backend.devices.export_hardware(device.name, target)
            files[object_path(device.name, HARDWARE, "", device.name, ".aml")] = normalise_aml(target.read_bytes())
            try:
                objects = ctx.backend.program.list_program_objects(device.name)
            except e.ValidationError:
                continue  # no PLC software (an HMI, an IO device)
            for obj in objects:
                data = normalise_simaticml(ctx.backend.program.export_program_object(device.name, obj.name))
                files[object_path(device.name, group_of(obj.kind), obj.folder, obj.name)] = data
    return files


def export_object(ctx: OperationContext, ref: FileRef, scratch: Path) -> bytes | None:
    """The current export of the one object a repository path names (as :func:`export_project` writes it), or
    None when the open project has no such object."""
    devices = {d.name for d in ctx.backend.devices.list_devices()}
    if ref.device not in devices:
        return None
    if ref.domain == HARDWARE:
        if ref.name != ref.device:
            return None
        with tempfile.TemporaryDirectory(dir=scratch) as tmp:
            target = Path(tmp) / "station.aml"
            ctx.backend.devices.export_hardware(ref.device, target)
            return normalise_aml(target.read_bytes())
    try:
        objects = ctx.backend.program.list_program_objects(ref.device)
    except e.ValidationError:
        return None
    for obj in objects:
        if obj.name == ref.name and group_of(obj.kind) == ref.domain:
            return normalise_simaticml(ctx.backend.program.export_program_object(ref.device, obj.name))
    return None
