"""The fake's WinCC Unified panels: the object model of :mod:`engineering_api.backend.areas.hmi_unified`.

A Unified panel's software is kept as one :class:`UnifiedHmi` in ``Device.hmi`` (a classic panel keeps an
:class:`fakes.hmi.HmiTarget` there). A new panel has what ``HmiSoftware.Tags.Create(name)`` relies on, the
``Default tag table``, and nothing else; screens, tags, connections, script modules, text lists and graphic lists
(whose entries name the project's graphics, ``Project.graphics``) come through the create routes or a document
import. TIA's rules are :mod:`engineering_api.rules.hmi_unified`'s, applied before anything changes, in the project
transaction. Saved as the exchange document itself, ``Devices/<panel>/HMI/unified.json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.areas.hmi_unified import (
    HmiUnifiedPort,
    UnifiedHmi,
    UnifiedKind,
    UnifiedTagTable,
)
from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.rules.hmi_unified import (
    DEFAULT_TAG_TABLE,
    check_delete,
    encode_document,
    merge,
    read_document,
    subset,
    without,
)
from fakes.hmi import check_hmi, is_unified, panel_size

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.model import Device, Project
    from fakes.project_commit import FolderCommit
    from fakes.session import FakeSession

__all__ = ("FakeHmiUnified", "load_unified", "save_unified", "unified_software")

_FILE = "unified.json"


def unified_software(device: Device) -> UnifiedHmi:
    """The Unified panel's model, created as TIA creates a new panel's on first use.

    Raises:
        ValidationError: ``NOT_AN_HMI``, ``NOT_A_UNIFIED_PANEL``.
    """
    check_hmi(device)
    if not is_unified(device):
        raise ValidationError(
            f"'{device.name}' is a classic (WinCC Comfort/Advanced/Basic) panel, not a Unified one; its screens, tags "
            "and connections are SimaticML documents (import and export them).", code=codes.NOT_A_UNIFIED_PANEL)
    if device.hmi is None:
        device.hmi = UnifiedHmi(device_name=device.name, tag_tables=[UnifiedTagTable(name=DEFAULT_TAG_TABLE)])
    hmi: UnifiedHmi = device.hmi
    return hmi


def save_unified(model: UnifiedHmi, base: Path, commit: FolderCommit) -> Path:
    """Write the panel's document below ``base`` (the device's ``HMI`` folder); returns the file written."""
    target = base / _FILE
    commit.write(target, encode_document(model))
    return target


def load_unified(base: Path) -> UnifiedHmi:
    """Read what :func:`save_unified` wrote.

    Raises:
        ValidationError: ``INVALID_UNIFIED_DOCUMENT`` (a damaged file; the project load reports it as damaged).
    """
    return read_document((base / _FILE).read_bytes(), _FILE)


def _sized(model: UnifiedHmi, size: tuple[int, int]) -> UnifiedHmi:
    """Screens without a size take the panel's (as ``Screens.Create`` gives a new screen the device's size)."""
    screens = [screen if screen.width and screen.height else
               msgspec.structs.replace(screen, width=screen.width or size[0], height=screen.height or size[1])
               for screen in model.screens]
    return msgspec.structs.replace(model, screens=screens)


class FakeHmiUnified(HmiUnifiedPort):
    """The fake's ``hmi_unified`` area: WinCC Unified panels as their object model, in the open project ``session``
    reads or changes in transactions."""

    def __init__(self, session: FakeSession) -> None:
        self._session = session

    def _unified(self, project: Project, device: str) -> tuple[Device, UnifiedHmi]:
        found = self._session.device(project, device)
        return found, unified_software(found)

    def read_unified_hmi(self, device: str) -> UnifiedHmi:
        # A new panel's default tag table is what TIA gives it: creating it on first read changes nothing.
        found, model = self._unified(self._session.project(), device)
        return msgspec.structs.replace(model, device_name=found.name)

    def apply_unified_hmi(self, device: str, model: UnifiedHmi, *, overwrite: bool = False) -> UnifiedHmi:
        with self._session.change() as project:
            found, current = self._unified(project, device)
            incoming = _sized(model, panel_size(found))
            found.hmi = merge(current, incoming, overwrite=overwrite, device=found.name, graphics=project.graphics)
        return subset(found.hmi, incoming)

    def delete_unified_object(self, device: str, kind: UnifiedKind, name: str) -> None:
        with self._session.change() as project:
            found, current = self._unified(project, device)
            stored = check_delete(current, kind, name, found.name)
            found.hmi = without(current, kind, stored)
