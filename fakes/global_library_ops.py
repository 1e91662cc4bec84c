"""Global libraries of the fake (``FakeBackend.global_library``, :mod:`engineering_api.backend.areas.global_library`):
create, open read-only or read-write, save, close, archive, and types copied between them and the project library.

The content is the project library's model (:mod:`fakes.library_ops` serves every library method with
``library=<name>`` through :class:`fakes.library_support.LibraryAccess`'s ``global_library`` and
``global_change``); the files and the per-portal table of open libraries are :mod:`fakes.global_library`. TIA's rules: a
read-only library refuses every change (409 ``LIBRARY_READ_ONLY``); a read-write one is exclusive to its portal (the
lock file beside it, as for projects); closing with unsaved changes needs ``discard_changes``; archives hold the saved
state.
"""

from __future__ import annotations

import hashlib
import shutil
from typing import TYPE_CHECKING

from engineering_api.backend.areas.global_library import GlobalLibraryArchive, GlobalLibraryInfo, GlobalLibraryPort
from engineering_api.backend.errors import LockedError, ValidationError
from engineering_api.lib.archives import create_zip
from engineering_api.lib.schema import utc_now
from engineering_api.lib.staging import staging_folder
from engineering_api.rules.library import (
    check_archive_target, check_library_file, check_new_global_library, library_already_open, library_locked,
    library_read_only, library_suffix, library_unsaved,
)
from fakes.global_library import GlobalLibrary, copy_type, load_global_library, open_libraries, save_global_library
from fakes.library import Library
from fakes.portal import release_lock, take_lock
from fakes.project_files import LOCK_NAME, make_folder

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.library_support import LibraryAccess, MachineState
    from fakes.session import FakeSession

__all__ = ("FakeGlobalLibrary",)

HISTORY = "global-libraries"
HISTORY_LIMIT = 20


class FakeGlobalLibrary(GlobalLibraryPort):
    """The global libraries' lifecycle, and project types copied into one.

    Args:
        session: the attached portal and its open project.
        libraries: the project library and the open global ones (with the machine's portal table).
        state: where the global libraries opened before are remembered.
    """

    def __init__(self, session: FakeSession, *, libraries: LibraryAccess, state: MachineState) -> None:
        self._session = session
        self._libraries = libraries
        self._state = state

    # ----- the open libraries ------------------------------------------------------------------------
    def _holders(self, folder: Path) -> list[tuple[int, GlobalLibrary]]:
        """(portal pid, library) of every live portal that has the library in ``folder`` open."""
        wanted = folder.resolve()
        return [(pid, lib) for pid, libs in open_libraries(self._libraries.portals).items()
                for lib in libs.values() if lib.folder.resolve() == wanted]

    @staticmethod
    def _global_info(lib: GlobalLibrary, *, is_open: bool = True) -> GlobalLibraryInfo:
        return GlobalLibraryInfo(
            name=lib.name, path=str(lib.file), version=lib.version, is_open=is_open, read_only=lib.read_only,
            has_unsaved_changes=lib.modified, author=lib.author, comment=lib.comment,
            master_copy_count=len(lib.library.master_copies), type_count=len(lib.library.types),
            saved_at=lib.saved_at)

    def _remember_library(self, lib: GlobalLibrary) -> None:
        history = [h for h in self._state.read(HISTORY) if h.get("path") != str(lib.file)]
        history.insert(0, {"path": str(lib.file), "name": lib.name, "lastAccess": utc_now()})
        self._state.write(HISTORY, history[:HISTORY_LIMIT])

    def _activate_library(self, lib: GlobalLibrary) -> GlobalLibraryInfo:
        pid = self._session.portal().pid
        if not lib.read_only:
            try:
                take_lock(lib.folder, pid)
            except LockedError as exc:
                raise library_locked(lib.name, read_only=False, holder=exc.details) from None
        self._libraries.open_here()[lib.name] = lib
        self._remember_library(lib)
        return self._global_info(lib)

    # ----- lifecycle -----------------------------------------------------------------------------------
    def list_global_libraries(self) -> list[GlobalLibraryInfo]:
        here = self._libraries.open_here()
        result = [self._global_info(lib) for lib in here.values()]
        shown = {lib.file.resolve() for lib in here.values()}
        from pathlib import Path

        for entry in self._state.read(HISTORY):
            file = Path(entry.get("path", ""))
            if file.resolve() in shown or not file.is_file():
                continue
            try:
                result.append(self._global_info(load_global_library(file, read_only=False), is_open=False))
            except ValidationError:
                continue  # a library damaged since it was opened is not offered
            shown.add(file.resolve())
        return result

    def create_global_library(self, directory: Path, name: str, *, author: str, comment: str) -> GlobalLibraryInfo:
        portal = self._session.portal()
        folder = check_new_global_library(directory, name, self._libraries.open_here())
        now = utc_now()
        lib = GlobalLibrary(library=Library(name=name, kind="Global"),
                            file=folder / f"{name}{library_suffix(portal.version)}",
                            version=portal.version, read_only=False, author=author, comment=comment, created_at=now,
                            saved_at=now)
        make_folder(folder)
        save_global_library(lib)
        return self._activate_library(lib)

    def open_global_library(self, path: Path, *, read_only: bool) -> GlobalLibraryInfo:
        portal = self._session.portal()
        check_library_file(path, portal.version)
        for pid, held in self._holders(path.parent):
            if pid == portal.pid:
                if held.read_only == read_only:
                    return self._global_info(held)
                raise library_already_open(held.name, read_only=held.read_only)
            if not held.read_only or not read_only:
                raise library_locked(held.name, read_only=read_only, holder={"holderPid": pid})
        lib = load_global_library(path, read_only=read_only)
        if lib.name in self._libraries.open_here():
            raise library_already_open(lib.name)
        return self._activate_library(lib)

    def save_global_library(self, library: str) -> GlobalLibraryInfo:
        lib = self._libraries.global_library(library)
        if lib.read_only:
            raise library_read_only(library)
        with lib.saving():
            save_global_library(lib)
        lib.modified = False
        return self._global_info(lib)

    def close_global_library(self, library: str, *, discard_changes: bool) -> GlobalLibraryInfo:
        lib = self._libraries.global_library(library)
        if lib.modified and not discard_changes:
            raise library_unsaved(library, archiving=False)
        info = self._global_info(lib, is_open=False)
        del self._libraries.open_here()[library]
        if not lib.read_only:
            release_lock(lib.folder, self._session.portal().pid)
        return info

    def archive_global_library(self, library: str, target: Path, *, save_first: bool) -> GlobalLibraryArchive:
        lib = self._libraries.global_library(library)
        check_archive_target(target, lib.version, lib.folder)
        if lib.modified:
            if not save_first:
                raise library_unsaved(library, archiving=True)
            self.save_global_library(library)
        make_folder(target.parent)
        with staging_folder(target.parent, "archive") as staging:
            content = staging / "archive"
            shutil.copytree(lib.folder, content / lib.folder.name, ignore=shutil.ignore_patterns(LOCK_NAME, ".tmp-*"))
            count = create_zip(content, target)
        data = target.read_bytes()
        return GlobalLibraryArchive(library_name=library, archive_path=str(target), size_bytes=len(data),
                                    file_count=count, sha256=hashlib.sha256(data).hexdigest())

    def update_global_library(self, library: str, type_names: list[str]) -> list[str]:
        project = self._session.project()
        source = self._libraries.lib(project, None)
        for name in type_names:
            self._libraries.lib_type(source, name)
        copied: list[str] = []
        with self._libraries.global_change(library) as target:
            for name in type_names:
                copy_type(source, target, name, None, copied)
        return copied
