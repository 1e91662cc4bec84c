"""Global libraries over Openness (sources in docs/openness-members.md, "Libraries"; Siemens, "TIA Portal Openness:
functions on libraries", V21: opening, creating, saving, closing and archiving global libraries, updating a library; the
``Siemens.Engineering.Library`` stubs):

* ``TiaPortal.GlobalLibraries`` (``GlobalLibraryComposition``): the open libraries (enumerable),
  ``GetGlobalLibraryInfos()`` (``GlobalLibraryInfo {Name, Path, IsOpen, IsReadOnly, LibraryType}``),
  ``Create<UserGlobalLibrary>(DirectoryInfo, string)``, ``Open(FileInfo, OpenMode)`` (``OpenMode.ReadOnly`` /
  ``ReadWrite``).
* ``UserGlobalLibrary {Name, Path, Author, IsReadOnly, IsModified, MasterCopyFolder, TypeFolder; Save(); Close();
  Archive(DirectoryInfo, string, LibraryArchivationMode)}``; a change runs in ``ExclusiveAccess.Transaction`` on the
  library (``GlobalLibrary`` is an ``ITransactionSupport``), so a refusal changes nothing.
* ``LibraryType.UpdateLibrary(ILibrary)`` copies a project library type (with the types it uses) into a library.

The author and comment of a new library are not written: Openness' ``Create`` takes a folder and a name only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.global_library import GlobalLibraryArchive, GlobalLibraryInfo, GlobalLibraryPort
from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.staging import staging_folder
from engineering_api.rules.library import (
    check_archive_target, check_library_file, check_new_global_library, library_already_open, library_file_version,
    library_locked, library_read_only, library_suffix, library_unsaved,
)
from openness_bridge.errors import kind_of
from openness_bridge.library_support import folder_items

if TYPE_CHECKING:
    from openness_bridge.library_support import LibraryAccess
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeGlobalLibrary",)


def _same(a: Path, b: Path) -> bool:
    return str(a.resolve()).casefold() == str(b.resolve()).casefold()  # Windows paths ignore case


class BridgeGlobalLibrary(GlobalLibraryPort):
    """The global libraries' lifecycle over Openness (``OpennessBackend.global_library``), and project types copied
    into one.

    Args:
        session: the Openness session: calls, transactions, the attached portal and its open project.
        libraries: the project library and the open global ones.
    """

    def __init__(self, session: BridgeSession, *, libraries: LibraryAccess) -> None:
        self._session = session
        self._libraries = libraries

    # ----- what a global library is ------------------------------------------------------------------------
    def _global_info(self, lib: Any, *, is_open: bool = True) -> GlobalLibraryInfo:
        path = Path(str(lib.Path.FullName))
        kind = str(lib.LibraryType.ToString()) if hasattr(lib, "LibraryType") else "User"
        info = GlobalLibraryInfo(name=str(lib.Name), path=str(path), version=self._file_version(path),
                                 library_type=kind,
                                 is_open=is_open, read_only=bool(lib.IsReadOnly))
        if is_open:
            info.has_unsaved_changes = bool(lib.IsModified)
            info.author = str(getattr(lib, "Author", "") or "")
            info.master_copy_count = sum(1 for _ in folder_items(lib.MasterCopyFolder, "MasterCopies"))
            info.type_count = sum(1 for _ in folder_items(lib.TypeFolder, "Types"))
        return info

    @staticmethod
    def _file_version(path: Path) -> str:
        try:
            return library_file_version(path)
        except ValidationError:
            return ""  # a system or corporate library TIA names otherwise

    # ----- lifecycle ------------------------------------------------------------------------------------------
    def list_global_libraries(self) -> list[GlobalLibraryInfo]:
        def run() -> list[GlobalLibraryInfo]:
            libraries = self._session.portal().GlobalLibraries
            result = [self._global_info(lib) for lib in libraries]
            shown = {info.path.casefold() for info in result}
            for known in libraries.GetGlobalLibraryInfos():
                if not bool(known.IsOpen) and str(known.Path.FullName).casefold() not in shown:
                    result.append(self._global_info(known, is_open=False))
            return result
        return self._session.call("TiaPortal.GlobalLibraries", run)

    def create_global_library(self, directory: Path, name: str, *, author: str, comment: str) -> GlobalLibraryInfo:
        def run() -> GlobalLibraryInfo:
            libraries = self._session.portal().GlobalLibraries
            check_new_global_library(directory, name, [str(lib.Name) for lib in libraries])
            directory.mkdir(parents=True, exist_ok=True)
            user = self._session.namespace("Siemens.Engineering.Library").UserGlobalLibrary
            created = libraries.Create[user](self._session.api.io.DirectoryInfo(str(directory)), name)
            expected = library_suffix(self._session.version)
            if Path(str(created.Path.FullName)).suffix.lower() != expected:
                raise EngineeringError(f"GlobalLibraries.Create wrote '{created.Path.Name}', not a {expected} file.",
                                       code=codes.BRIDGE_ERROR)
            return self._global_info(created)
        return self._session.call("GlobalLibraries.Create", run, invocation=ValidationError)

    def open_global_library(self, path: Path, *, read_only: bool) -> GlobalLibraryInfo:
        def run() -> GlobalLibraryInfo:
            libraries = self._session.portal().GlobalLibraries
            check_library_file(path, self._session.version)
            for lib in libraries:
                if _same(Path(str(lib.Path.FullName)), path):
                    if bool(lib.IsReadOnly) == read_only:
                        return self._global_info(lib)
                    raise library_already_open(str(lib.Name), read_only=bool(lib.IsReadOnly))
            mode = self._session.api.engineering.OpenMode
            try:
                opened = libraries.Open(self._session.api.io.FileInfo(str(path)),
                                        mode.ReadOnly if read_only else mode.ReadWrite)
            except Exception as exc:  # .NET; the holders were checked above for this portal only
                if kind_of(exc) == "EngineeringTargetInvocationException" and "lock" in str(exc).lower():
                    raise library_locked(path.stem, read_only=read_only) from None
                raise
            return self._global_info(opened)
        return self._session.call("GlobalLibraries.Open", run, invocation=ValidationError)

    def save_global_library(self, library: str) -> GlobalLibraryInfo:
        def run() -> GlobalLibraryInfo:
            lib = self._libraries.global_library(library)
            if bool(lib.IsReadOnly):
                raise library_read_only(library)
            lib.Save()
            return self._global_info(lib)
        return self._session.call("UserGlobalLibrary.Save", run)

    def close_global_library(self, library: str, *, discard_changes: bool) -> GlobalLibraryInfo:
        def run() -> GlobalLibraryInfo:
            lib = self._libraries.global_library(library)
            if bool(lib.IsModified) and not discard_changes:
                raise library_unsaved(library, archiving=False)
            info = self._global_info(lib, is_open=False)
            lib.Close()
            return info
        return self._session.call("UserGlobalLibrary.Close", run)

    def archive_global_library(self, library: str, target: Path, *, save_first: bool) -> GlobalLibraryArchive:
        def run() -> GlobalLibraryArchive:
            lib = self._libraries.global_library(library)
            check_archive_target(target, self._session.version, Path(str(lib.Path.FullName)).parent)
            if bool(lib.IsModified):
                if not save_first:
                    raise library_unsaved(library, archiving=True)
                lib.Save()
            target.parent.mkdir(parents=True, exist_ok=True)
            with staging_folder(target.parent, "archive") as staging:
                mode = self._session.namespace("Siemens.Engineering.Library").LibraryArchivationMode
                lib.Archive(self._session.api.io.DirectoryInfo(str(staging)), target.stem, mode.Compressed)
                produced = [p for p in staging.iterdir() if p.is_file()]
                if len(produced) != 1:
                    raise EngineeringError(f"GlobalLibrary.Archive wrote {len(produced)} files instead of one.",
                                           code=codes.BRIDGE_ERROR)
                produced[0].replace(target)
            data = target.read_bytes()
            # TIA's archive format is its own: how many files it holds is not visible from outside (0: unknown).
            return GlobalLibraryArchive(library_name=library, archive_path=str(target), size_bytes=len(data),
                                        file_count=0, sha256=hashlib.sha256(data).hexdigest())
        return self._session.call("UserGlobalLibrary.Archive", run)

    def update_global_library(self, library: str, type_names: list[str]) -> list[str]:
        def versions(lib: Any) -> dict[str, int]:
            return {str(t.Name): sum(1 for _ in t.Versions) for _, t in folder_items(lib.TypeFolder, "Types")}

        def run() -> list[str]:
            source = self._libraries.library(None, None)
            chosen = [self._libraries.type(source, name)[1] for name in type_names]
            target = self._libraries.global_library(library)
            before = versions(target)
            for t in chosen:
                t.UpdateLibrary(target)
            after = versions(target)
            return [name for name in after if after[name] != before.get(name)]
        return self._libraries.lib_change(library, "LibraryType.UpdateLibrary", run)
