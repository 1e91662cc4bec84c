"""Codes of projects and libraries: opening, archives, versions, library types and master copies,
source control.

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("ALREADY_AN_INSTANCE", "AMBIGUOUS_MASTER_COPY", "ARCHIVE_EXISTS", "ARCHIVE_EXTENSION", "ARCHIVE_NOT_FOUND",
           "ARCHIVE_REJECTED", "ARCHIVE_TARGET", "AUTHOR_READ_ONLY", "BRANCH_EXISTS", "BRANCH_IS_CURRENT",
           "BRANCH_NOT_FOUND", "COMMIT_NOT_FOUND", "COMPARE_TARGET_REQUIRED", "CONFLICTING_OPTIONS",
           "DEPENDENCY_IN_WORK", "DEPENDENCY_MISSING", "DEPENDENCY_NOT_AN_INSTANCE", "DEPENDENCY_NOT_A_TYPE",
           "DEVICE_REQUIRED", "EDIT_IN_PROJECT_LIBRARY", "INSTANCE_NOT_FOUND", "INSTANCE_WRITE_PROTECTED",
           "INVALID_ACTION", "INVALID_FIELD", "INVALID_VERSION", "IN_WORK_VERSION_EXISTS", "LIBRARY_ALREADY_OPEN",
           "LIBRARY_EXISTS", "LIBRARY_FILE_NOT_FOUND", "LIBRARY_LOCKED", "LIBRARY_NAME_REQUIRED", "LIBRARY_NOT_FOUND",
           "LIBRARY_NOT_OPEN", "LIBRARY_READ_ONLY", "LIBRARY_TARGET", "LIBRARY_TYPE_NOT_FOUND",
           "LIBRARY_VERSION_MISMATCH", "MASTER_COPY_EXISTS", "MASTER_COPY_NOT_FOUND", "MISSING_FIELD", "NEWER_VERSION",
           "NOT_AN_ARCHIVE", "NOT_A_FOLDER", "NOT_A_LIBRARY", "NOT_A_PROJECT", "NO_IN_WORK_VERSION", "PATH_IS_A_FILE",
           "PROJECT_ALREADY_OPEN", "PROJECT_CLOSING", "PROJECT_CREDENTIALS_REFUSED", "PROJECT_CREDENTIALS_REQUIRED",
           "PROJECT_DAMAGED", "PROJECT_EXISTS", "PROJECT_HELD", "PROJECT_LOCKED", "PROJECT_NEEDS_REOPEN",
           "PROJECT_NOT_FOUND", "PROJECT_UPGRADE_REQUIRED", "PROJECT_VERSION_MISMATCH", "TEST_INSTANCE_MISSING",
           "TYPE_EXISTS", "TYPE_HAS_INSTANCES", "TYPE_INCONSISTENT", "TYPE_IS_DEPENDENCY", "TYPE_NOT_FOUND",
           "TYPE_VERSION_CONFLICT", "UNSAVED_CHANGES", "UNSTORABLE_CHARACTER", "VERSION_IN_WORK", "VERSION_NOT_FOUND",
           "VERSION_NOT_LOADED")

ALREADY_AN_INSTANCE: Final = declare('ALREADY_AN_INSTANCE', 409, 'Already an instance',
    "'…' is already an instance of a library type.")
AMBIGUOUS_MASTER_COPY: Final = declare('AMBIGUOUS_MASTER_COPY', 409, 'Ambiguous master copy',
    "Several master copies are named '…' (…); name one by its path (Folder/Name).")
ARCHIVE_EXISTS: Final = declare('ARCHIVE_EXISTS', 409, 'Archive exists', "The archive '…' already exists.")
ARCHIVE_EXTENSION: Final = declare('ARCHIVE_EXTENSION', 422, 'Archive extension',
    "A … archive must have the extension …, not '…'.")
ARCHIVE_NOT_FOUND: Final = declare('ARCHIVE_NOT_FOUND', 404, 'Archive not found', "The archive '…' was not found.")
ARCHIVE_REJECTED: Final = declare('ARCHIVE_REJECTED', 422, 'Archive rejected',
    'The project archive is not one the server unpacks (a link, a path outside the archive, or too '
    'large).')
ARCHIVE_TARGET: Final = declare('ARCHIVE_TARGET', 422, 'Archive target', 'The archive cannot be written inside ….')
AUTHOR_READ_ONLY: Final = declare('AUTHOR_READ_ONLY', 501, 'Author read only',
    "TIA Portal's Openness cannot set a project's author: Project.Author is read-only (the reference of "
    'the real API, openness_bridge/reference). TIA records the Windows user; create the project without '
    'an author.')
BRANCH_EXISTS: Final = declare('BRANCH_EXISTS', 409, 'Branch exists', "The branch '…' already exists.")
BRANCH_IS_CURRENT: Final = declare('BRANCH_IS_CURRENT', 409, 'Branch is current',
    "'…' is the current branch; check out another one first.")
BRANCH_NOT_FOUND: Final = declare('BRANCH_NOT_FOUND', 404, 'Branch not found', "The remote '…' has no branch '…'.")
COMMIT_NOT_FOUND: Final = declare('COMMIT_NOT_FOUND', 404, 'Commit not found', "The revision '…' was not found.")
COMPARE_TARGET_REQUIRED: Final = declare('COMPARE_TARGET_REQUIRED', 422, 'Compare target required',
    "Name what to compare with: rightVersion, or deviceName for the type's instance.")
CONFLICTING_OPTIONS: Final = declare('CONFLICTING_OPTIONS', 422, 'Conflicting options',
    'SaveFirst and allowUnsaved contradict each other: send one of them (or neither, to be told about '
    'unsaved changes with 409 UNSAVED_CHANGES).')
DEPENDENCY_IN_WORK: Final = declare('DEPENDENCY_IN_WORK', 422, 'Dependency in work',
    "'…' uses '…' …, which is in work; release it first.")
DEPENDENCY_MISSING: Final = declare('DEPENDENCY_MISSING', 409, 'Dependency missing',
    "The type '…' … needs '…' …, which the library no longer has.")
DEPENDENCY_NOT_AN_INSTANCE: Final = declare('DEPENDENCY_NOT_AN_INSTANCE', 409, 'Dependency not an instance',
    "'…' uses '…', which is not an instance of the library type of that name; instantiate the type in "
    'this PLC first.')
DEPENDENCY_NOT_A_TYPE: Final = declare('DEPENDENCY_NOT_A_TYPE', 422, 'Dependency not a type',
    "'…' now uses '…', which is not a library type; make it a type first.")
DEVICE_REQUIRED: Final = declare('DEVICE_REQUIRED', 422, 'Device required',
    "The master copy '…' holds PLC objects: name the PLC (deviceName).")
EDIT_IN_PROJECT_LIBRARY: Final = declare('EDIT_IN_PROJECT_LIBRARY', 422, 'Edit in project library',
    "The types of the global library '…' are not edited there: make or edit the type in the project "
    'library, then copy it over (POST /api/libraries/global/types/actions/update).')
INSTANCE_NOT_FOUND: Final = declare('INSTANCE_NOT_FOUND', 404, 'Instance not found', "'…' has no instance of '…'.")
INSTANCE_WRITE_PROTECTED: Final = declare('INSTANCE_WRITE_PROTECTED', 409, 'Instance write protected',
    "'…' is an instance of the library type '…' …, which is released: the instance is write-protected. "
    "Edit the type first (POST /api/project/library/types/versions with action 'edit'), change its test "
    'instance, then release it.')
INVALID_ACTION: Final = declare('INVALID_ACTION', 422, 'Invalid action',
    "The action the request names is not one of the route's actions; the message lists them.")
INVALID_FIELD: Final = declare('INVALID_FIELD', 422, 'Invalid field',
    'NewName renames a device pasted from a device master copy; objects keep their names.')
INVALID_VERSION: Final = declare('INVALID_VERSION', 422, 'Invalid version',
    "'…' is not a type version; write it as major.minor.patch, e.g. 1.0.0.")
IN_WORK_VERSION_EXISTS: Final = declare('IN_WORK_VERSION_EXISTS', 409, 'In work version exists',
    "'…' in '…' is the test instance of the in-work version …; release or discard it first.")
LIBRARY_ALREADY_OPEN: Final = declare('LIBRARY_ALREADY_OPEN', 409, 'Library already open',
    "A global library named '…' is already open…; close it first.")
LIBRARY_EXISTS: Final = declare('LIBRARY_EXISTS', 409, 'Library exists', "The library folder '…' already exists.")
LIBRARY_FILE_NOT_FOUND: Final = declare('LIBRARY_FILE_NOT_FOUND', 404, 'Library file not found',
    "The global library file '…' was not found.")
LIBRARY_LOCKED: Final = declare('LIBRARY_LOCKED', 423, 'Library locked',
    "The global library '…' is open …in another TIA Portal: …")
LIBRARY_NAME_REQUIRED: Final = declare('LIBRARY_NAME_REQUIRED', 422, 'Library name required',
    'Several global libraries are open (…): name one in libraryName.')
LIBRARY_NOT_FOUND: Final = declare('LIBRARY_NOT_FOUND', 404, 'Library not found',
    "No global library named '…' is open (open: …).")
LIBRARY_NOT_OPEN: Final = declare('LIBRARY_NOT_OPEN', 404, 'Library not open',
    'No global library is open: open one (POST /api/libraries/global/actions/open) or create one (POST '
    '/api/libraries/global).')
LIBRARY_READ_ONLY: Final = declare('LIBRARY_READ_ONLY', 409, 'Library read only',
    "The global library '…' is open read-only; close it and open it with readOnly: false to change it.")
LIBRARY_TARGET: Final = declare('LIBRARY_TARGET', 422, 'Library target',
    "A global library cannot be created inside the folder of the open project '…'; choose another "
    'directory.')
LIBRARY_TYPE_NOT_FOUND: Final = declare('LIBRARY_TYPE_NOT_FOUND', 404, 'Library type not found',
    "The project library has no HMI type '…' (HMI types: …)")
LIBRARY_VERSION_MISMATCH: Final = declare('LIBRARY_VERSION_MISMATCH', 422, 'Library version mismatch',
    "The library '…' is a TIA Portal … library; this portal is …. …")
MASTER_COPY_EXISTS: Final = declare('MASTER_COPY_EXISTS', 409, 'Master copy exists',
    "The master copy '…' already exists in '…'.")
MASTER_COPY_NOT_FOUND: Final = declare('MASTER_COPY_NOT_FOUND', 404, 'Master copy not found',
    "The master copy '…' was not found.")
MISSING_FIELD: Final = declare('MISSING_FIELD', 422, 'Missing field',
    'A field the request needs for this action is missing; the message names it.')
NEWER_VERSION: Final = declare('NEWER_VERSION', 422, 'Newer version',
    '… was exported by TIA Portal …; a … project cannot import documents of a newer version.')
NOT_AN_ARCHIVE: Final = declare('NOT_AN_ARCHIVE', 422, 'Not an archive',
    "'…' is not a TIA Portal archive (.zap16 … .zap21).")
NOT_A_FOLDER: Final = declare('NOT_A_FOLDER', 422, 'Not a folder',
    "The folder '…' cannot be created: a file with that name is in the way.")
NOT_A_LIBRARY: Final = declare('NOT_A_LIBRARY', 422, 'Not a library',
    "'…' is not a TIA Portal global library file (.al16 … .al21).")
NOT_A_PROJECT: Final = declare('NOT_A_PROJECT', 422, 'Not a project',
    "'…' is not a TIA Portal project file (expected .ap17 … .ap21).")
NO_IN_WORK_VERSION: Final = declare('NO_IN_WORK_VERSION', 409, 'No in work version',
    "The type '…' has no in-work version.")
PATH_IS_A_FILE: Final = declare('PATH_IS_A_FILE', 422, 'Path is a file',
    'A file stands where the path needs a folder (the path itself or one of its parents).')
PROJECT_ALREADY_OPEN: Final = declare('PROJECT_ALREADY_OPEN', 409, 'Project already open',
    "Project '…' is already open; TIA Portal can have only one project open. Close it first.")
PROJECT_CLOSING: Final = declare('PROJECT_CLOSING', 503, 'Project closing',
    'Your project on farm agent … is being closed after a call whose outcome is unknown (its unsaved '
    'changes are lost, as when TIA closes it). Retry in a moment, then open it again.')
PROJECT_CREDENTIALS_REFUSED: Final = declare('PROJECT_CREDENTIALS_REFUSED', 403, 'Project credentials refused',
    "TIA Portal refused the credentials of the … user '…' for the protected project '…' (wrong user, "
    'password or user type).')
PROJECT_CREDENTIALS_REQUIRED: Final = declare('PROJECT_CREDENTIALS_REQUIRED', 403, 'Project credentials required',
    "The project '…' is protected (UMAC): opening it needs the name and password of a user who may open "
    'it. Send "credentials": {"user": ..., "password": ..., "userType": "Project" | "Global"}, or store '
    'them on the server (PUT /api/projects/credentials, admin).')
PROJECT_DAMAGED: Final = declare('PROJECT_DAMAGED', 422, 'Project damaged',
    "'…' cannot be opened: it is not a project of this model or it is damaged (…).")
PROJECT_EXISTS: Final = declare('PROJECT_EXISTS', 409, 'Project exists', "The project folder '…' already exists.")
PROJECT_HELD: Final = declare('PROJECT_HELD', 409, 'Project held',
    'A farm agent did not open the project: it is open on another agent in another session (agents lock '
    'the project file they hold); it was closed here again without changes. Retry once that session has '
    'closed it.')
PROJECT_LOCKED: Final = declare('PROJECT_LOCKED', 423, 'Project locked',
    "The project '…' is already opened by another TIA Portal instance (pid …).")
PROJECT_NEEDS_REOPEN: Final = declare('PROJECT_NEEDS_REOPEN', 409, 'Project needs reopen',
    'Cannot …: … The open project is not in a known state; close it without saving and open it again (it '
    'is then as it was at its last save).')
PROJECT_NOT_FOUND: Final = declare('PROJECT_NOT_FOUND', 404, 'Project not found', "The project file '…' was not found.")
PROJECT_UPGRADE_REQUIRED: Final = declare('PROJECT_UPGRADE_REQUIRED', 409, 'Project upgrade required',
    "'…' holds a TIA Portal … project; TIA Portal … opens it only by upgrading it to …, which cannot be "
    'undone (the … project stays as it was). Send "upgrade": true to upgrade and open it.')
PROJECT_VERSION_MISMATCH: Final = declare('PROJECT_VERSION_MISMATCH', 422, 'Project version mismatch',
    "'…' holds a TIA Portal … project; TIA Portal … cannot open a newer project. Open it with TIA Portal "
    '….')
TEST_INSTANCE_MISSING: Final = declare('TEST_INSTANCE_MISSING', 409, 'Test instance missing',
    "The in-work version … of '…' has no test instance; discard the version.")
TYPE_EXISTS: Final = declare('TYPE_EXISTS', 409, 'Type exists', "The library already has a type '…'.")
TYPE_HAS_INSTANCES: Final = declare('TYPE_HAS_INSTANCES', 409, 'Type has instances',
    "The type '…' has instances in the project: …. Delete them first.")
TYPE_INCONSISTENT: Final = declare('TYPE_INCONSISTENT', 422, 'Type inconsistent',
    "The test instance '…' in '…' is inconsistent; compile it before releasing.")
TYPE_IS_DEPENDENCY: Final = declare('TYPE_IS_DEPENDENCY', 409, 'Type is dependency',
    "The types … use '…'; delete them first.")
TYPE_NOT_FOUND: Final = declare('TYPE_NOT_FOUND', 404, 'Type not found',
    "No Openness type is named '…' in the loaded assemblies.…")
TYPE_VERSION_CONFLICT: Final = declare('TYPE_VERSION_CONFLICT', 409, 'Type version conflict',
    "The target library's type '…' has another version …; a released version never changes.")
UNSAVED_CHANGES: Final = declare('UNSAVED_CHANGES', 409, 'Unsaved changes',
    'The project has unsaved changes and TIA Portal archives only a saved project, so allowUnsaved cannot'
    ' be honoured here: send saveFirst: true (or save with POST /api/projects/actions/save) and archive '
    'again.')
UNSTORABLE_CHARACTER: Final = declare('UNSTORABLE_CHARACTER', 422, 'Unstorable character',
    'A text of the request (details.field) holds a character XML 1.0 cannot carry (details.character, '
    'such as U+000B, the vertical tab Word and spreadsheets put for a line break in a cell); TIA stores a'
    " project's texts as XML, so nothing was changed. Remove the character or use a line break.")
VERSION_IN_WORK: Final = declare('VERSION_IN_WORK', 422, 'Version in work',
    'The library type version is in work (not released), and the operation needs a released version.')
VERSION_NOT_FOUND: Final = declare('VERSION_NOT_FOUND', 404, 'Version not found',
    "The type '…' has no version … (it has …).")
VERSION_NOT_LOADED: Final = declare('VERSION_NOT_LOADED', 422, 'Version not loaded',
    'This service loaded the Openness API of TIA Portal …; launching … needs the service restarted for '
    'that version.')
