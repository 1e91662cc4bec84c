"""The fake's session as its areas see it: the attached portal's open project, read or changed in a transaction.

An area of the fake (``FakeSecurity``, ...) is an object given a :class:`FakeSession` by
:class:`fakes.backend.FakeBackend`, instead of a mixin reaching for the backend's attributes: what it may use is
declared here, typed, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from fakes.model import Device, Project
    from fakes.program import PlcSoftware

__all__ = ("AttachedPortal", "FakeSession")


class AttachedPortal(Protocol):
    """What an area reads of the attached portal (``fakes.portal.FakePortal``)."""

    pid: int
    version: str
    """TIA Portal version, ``V19``."""
    project: Project | None
    """The open project, None when none is open."""


@dataclass(frozen=True, slots=True)
class FakeSession:
    """What the backend's session offers its areas (each the backend's own method of that name, bound)."""

    portal: Callable[[], AttachedPortal]
    """The attached portal (its pid, version and open project, if any). Raises PortalUnavailableError."""
    project: Callable[[], Project]
    """The open project, to read. Raises PortalUnavailableError (no portal attached), NoProjectOpenError."""
    change: Callable[[], AbstractContextManager[Project]]
    """A transaction on the open project: on any error inside it the project is put back as it was."""
    device: Callable[[Project, str], Device]
    """A device of the project by name. Raises NotFoundError ``DEVICE_NOT_FOUND``."""
    software: Callable[[Project, str], tuple[Device, PlcSoftware]]
    """A device and its PLC software. Raises NotFoundError ``DEVICE_NOT_FOUND``, ValidationError ``NOT_A_PLC``."""
    add_folder: Callable[[str, str, str], str]
    """``add_folder(device, category, path)``: a folder in one of a PLC's trees (``blocks``, ``watch_tables``...),
    in a transaction; returns its normalised path."""
    remove_folder: Callable[[str, str, str], list[str]]
    """``remove_folder(device, category, path)``: a folder and what is in it, in a transaction; returns what went."""
