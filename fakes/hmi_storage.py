"""The fake's HMI devices in the project folder: what :func:`save_hmi` writes below ``Devices/<device>/HMI`` and
:func:`load_hmi` reads back, for classic panels (:mod:`fakes.hmi`, one SimaticML file per object with
``order.txt`` and ``folders.txt``) and WinCC Unified panels (:mod:`fakes.hmi_unified_ops`, ``unified.json``).

Apart from both device models so that neither imports the other.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fakes.hmi import HmiTarget
from fakes.hmi_unified_ops import load_unified, save_unified
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.model import Device
    from fakes.project_commit import FolderCommit

__all__ = ("load_hmi", "save_hmi")

_FOLDERS = (("screens", "Screens"), ("tag_tables", "Tags"), ("connections", "Connections"), ("scripts", "Scripts"),
            ("text_lists", "TextLists"), ("graphic_lists", "GraphicLists"))
_UNSAFE = re.compile(r'[<>:"/\\|?*%\x00-\x1f]')
_FOLDER_KINDS = {"screens": "screens", "tag_tables": "tags"}
"""HmiTarget attribute → the kind of user folder its objects can be in."""


def _file_name(name: str) -> str:
    """A file name for an object name: characters a file system refuses (and ``%``) as ``%XX``."""
    return _UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", name) + ".xml"


def save_hmi(device: Device, folder: Path, commit: FolderCommit) -> None:
    """Write the device's HMI objects below ``folder/HMI`` (nothing for a panel never touched); files of
    objects that are gone are deleted. ``order.txt`` in each folder keeps the project-tree order."""
    wanted: set[Path] = set()
    if device.hmi is not None and not isinstance(device.hmi, HmiTarget):
        wanted.add(save_unified(device.hmi, folder / "HMI", commit))
    for attr, sub in _FOLDERS if isinstance(device.hmi, HmiTarget) else ():
        objects: dict[str, sx.HmiDocument] = getattr(device.hmi, attr)
        for name, doc in objects.items():
            wanted.add(folder / "HMI" / sub / _file_name(name))
            commit.write(folder / "HMI" / sub / _file_name(name), sx.to_bytes(doc))
        kind = _FOLDER_KINDS.get(attr)
        placed = device.hmi.placed[kind] if kind else {}
        wanted.add(folder / "HMI" / sub / "order.txt")
        commit.write(folder / "HMI" / sub / "order.txt",
                     "".join(f"{_file_name(n)}\t{placed[n]}\n" if n in placed else f"{_file_name(n)}\n"
                             for n in objects))
        if kind and device.hmi.folders[kind]:
            wanted.add(folder / "HMI" / sub / "folders.txt")
            commit.write(folder / "HMI" / sub / "folders.txt", "".join(f"{p}\n" for p in device.hmi.folders[kind]))
    commit.delete_stale(folder / "HMI", wanted)


def load_hmi(device: Device, folder: Path) -> None:
    """Read what :func:`save_hmi` wrote (nothing there: the panel gets its defaults on first use).

    Raises:
        simatic_xml.SimaticMLError: a stored document is damaged.
        OSError: a listed file is missing.
    """
    base = folder / "HMI"
    if not base.is_dir():
        return
    if (base / "unified.json").is_file():
        device.hmi = load_unified(base)
        return
    target = HmiTarget()
    for attr, sub in _FOLDERS:
        order = base / sub / "order.txt"
        names = order.read_text(encoding="utf-8").splitlines() if order.is_file() else []
        objects: dict[str, sx.HmiDocument] = getattr(target, attr)
        kind = _FOLDER_KINDS.get(attr)
        for line in names:
            file_name, _, user_folder = line.partition("\t")
            doc = sx.read_hmi((base / sub / file_name).read_bytes())
            objects[doc.root.attr("Name") or ""] = doc
            if kind and user_folder:
                target.placed[kind][doc.root.attr("Name") or ""] = user_folder
        folders = base / sub / "folders.txt"
        if kind and folders.is_file():
            target.folders[kind] = folders.read_text(encoding="utf-8").splitlines()
    device.hmi = target
