"""Global libraries: library files of their own, opened in the portal beside (or without) a project.

A global library is the same model as the project library (:mod:`.library`: master copies and types with
versions); every :class:`~.library.LibraryPort` method reaches one with ``library=<name>``. This area of the port
(``EngineeringBackend.global_library``) is their lifecycle, as Openness has it (``TiaPortal.GlobalLibraries``:
``Create<UserGlobalLibrary>(DirectoryInfo, name)``, ``Open(FileInfo, OpenMode.ReadOnly|ReadWrite)``,
``GetGlobalLibraryInfos()``; ``UserGlobalLibrary.Save()``, ``Close()``, ``Archive(DirectoryInfo, name,
LibraryArchivationMode)``; ``LibraryType.UpdateLibrary(ILibrary)``).

TIA's rules (:mod:`engineering_api.rules.library`): the library file's suffix is the portal's version
(``.al19`` for V19); a library opened read-only (TIA's default, so that several users can share it) refuses every
change; one opened read-write is exclusive to its portal; closing a library with unsaved changes loses them, so
it is refused unless the caller says to discard them.

Errors common to all methods: ``PortalUnavailableError``; ``NotFoundError`` ``LIBRARY_NOT_FOUND`` for a name that
is not open.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("GlobalLibraryArchive", "GlobalLibraryInfo", "GlobalLibraryPort")


class GlobalLibraryInfo(CamelStruct, kw_only=True):
    """A global library the portal knows: an open one, or one opened before (Openness ``GlobalLibraryInfo``)."""

    name: str
    path: str
    """The library file (``.../Motors/Motors.al19``)."""
    version: str
    """TIA version of the file, ``V19``."""
    library_type: str = "User"
    """``User``, ``Corporate`` or ``System`` (Openness ``GlobalLibraryType``)."""
    is_open: bool = False
    read_only: bool = False
    has_unsaved_changes: bool = False
    author: str = ""
    comment: str = ""
    master_copy_count: int = 0
    type_count: int = 0
    saved_at: str | None = None


class GlobalLibraryArchive(CamelStruct, kw_only=True):
    """A global library archive written by :meth:`GlobalLibraryPort.archive_global_library`."""

    library_name: str
    archive_path: str
    size_bytes: int
    file_count: int
    sha256: str
    warnings: list[str] = []


class GlobalLibraryPort(ABC):
    """Global libraries: list, create, open, save, close, archive; copying project types into one."""

    @abstractmethod
    def list_global_libraries(self) -> list[GlobalLibraryInfo]:
        """The libraries open in the attached portal, then the ones opened before that are not open now."""

    @abstractmethod
    def create_global_library(self, directory: Path, name: str, *, author: str, comment: str) -> GlobalLibraryInfo:
        """Create ``directory/name/name.alNN`` (NN: the portal's version) and open it read-write.

        Raises:
            ValidationError: ``INVALID_NAME``.
            AlreadyExistsError: ``LIBRARY_EXISTS`` (the folder exists), ``LIBRARY_ALREADY_OPEN`` (one of that name
                is open).
        """

    @abstractmethod
    def open_global_library(self, path: Path, *, read_only: bool) -> GlobalLibraryInfo:
        """Open a library file; ``read_only`` as Openness ``OpenMode.ReadOnly`` (else ``ReadWrite``).

        Opening the library that is already open in this portal, in the same mode, returns it.

        Raises:
            NotFoundError: ``LIBRARY_FILE_NOT_FOUND``.
            ValidationError: ``NOT_A_LIBRARY`` (not an ``.alNN`` file, or damaged); ``LIBRARY_VERSION_MISMATCH``
                (another TIA version's file: an older one needs ``OpenWithUpgrade``).
            AlreadyExistsError: ``LIBRARY_ALREADY_OPEN``: another library of that name is open, or this one in the
                other mode (close it first).
            LockedError: ``LIBRARY_LOCKED``: another portal has it open read-write (or, for a read-write open,
                open at all).
        """

    @abstractmethod
    def save_global_library(self, library: str) -> GlobalLibraryInfo:
        """Write the library's changes to its folder.

        Raises:
            ConflictError: ``LIBRARY_READ_ONLY``.
        """

    @abstractmethod
    def close_global_library(self, library: str, *, discard_changes: bool) -> GlobalLibraryInfo:
        """Close the library; unsaved changes are lost, so they need ``discard_changes``.

        Raises:
            ConflictError: ``UNSAVED_CHANGES`` (save first, or pass ``discard_changes``).
        """

    @abstractmethod
    def archive_global_library(self, library: str, target: Path, *, save_first: bool) -> GlobalLibraryArchive:
        """Write the saved library to the archive ``target`` (``.zalNN``, TIA's library archive suffix).

        Raises:
            ValidationError: ``ARCHIVE_EXTENSION``, ``ARCHIVE_TARGET`` (inside the library's folder).
            AlreadyExistsError: ``ARCHIVE_EXISTS``.
            ConflictError: ``UNSAVED_CHANGES`` (unless ``save_first``; a read-only library has none).
        """

    @abstractmethod
    def update_global_library(self, library: str, type_names: list[str]) -> list[str]:
        """Copy project library types (their released versions, with the types they use) into the global library,
        as TIA's "Update library" (``LibraryType.UpdateLibrary``); returns the names of the types copied.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND`` (in the project library).
            ConflictError: ``LIBRARY_READ_ONLY``; ``TYPE_VERSION_CONFLICT`` (the global library holds another
                content under one of the version numbers).
            NoProjectOpenError: no project is open.
        """
