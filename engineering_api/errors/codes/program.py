"""Codes of the PLC program and the objects it is made of: blocks, tags and tag tables, UDTs, constants,
imports and exports, downloads, and the codes every area shares (``NOT_FOUND``, ``CONFLICT``...).

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("ADDRESS_NOT_ALLOWED", "ADDRESS_OVERLAP", "ALREADY_ATTACHED", "ALREADY_EXISTS", "AMBIGUOUS_TYPE",
           "BLOCK_INCONSISTENT", "BLOCK_NOT_FOUND", "BLOCK_NUMBER_IN_USE", "BLOCK_TOO_LARGE", "BUSY",
           "COMMAND_NOT_FOUND", "CONFLICT", "CONSTANT_EXISTS", "CONSTANT_NOT_FOUND", "CPU_IN_RUN",
           "DATABASE_UNAVAILABLE", "DEFAULT_TAG_TABLE", "DEVICE_NOT_FOUND", "DOWNLOAD_COMPILE_FAILED",
           "DOWNLOAD_FAILED", "DUPLICATE_FILE", "ENGINEERING_ERROR", "FAILSAFE_LEVEL_NOT_AVAILABLE", "FILES_NOT_READ",
           "FILES_OUTSIDE_LAYOUT", "FILE_EXISTS", "FILE_NOT_FOUND", "FILE_TOO_LARGE", "FOLDER_EXISTS",
           "FOLDER_NOT_FOUND", "FUNCTION_RIGHT_MISSING", "GRAPHIC_LIST_NOT_FOUND", "HEADLESS",
           "HISTORY_ENTRY_NOT_FOUND", "HOST_LOCKOUT", "IMPORT_FAILED", "IMPORT_REFUSED", "IMPORT_ROWS_INVALID",
           "INSTANCE_AMBIGUOUS", "INSTANCE_MISMATCH", "INSTANCE_OF_MISSING", "INSUFFICIENT_STORAGE",
           "INTERFACE_NOT_EDITABLE", "INVALID_ADDRESS", "INVALID_BRANCH_NAME", "INVALID_DEVICE", "INVALID_FILTER",
           "INVALID_FOLDER", "INVALID_MESSAGE", "INVALID_NAME", "INVALID_OBJECT_NAME", "INVALID_PASSWORD",
           "INVALID_REMOTE_NAME", "INVALID_REVISION", "INVALID_SIMATICML", "INVALID_SPEC", "INVALID_TAG_FILE",
           "INVALID_TYPE_NAME", "INVALID_USER_NAME", "INVALID_VCS_PATH", "LICENSE_NOT_FOUND", "LOCAL_KEY_DISABLED",
           "LOCAL_KEY_LOOPBACK_ONLY", "LOCKED", "MEMBER_EXISTS", "MEMBER_IN_USE", "MEMBER_NOT_FOUND", "MERGE_CONFLICT",
           "MISSING_PRODUCTS", "NAME_MISMATCH", "NOTHING_LOADED", "NOTHING_TO_COMMIT", "NOT_AN_ENUM", "NOT_A_BLOCK",
           "NOT_A_DATA_BLOCK", "NOT_A_PLC", "NOT_A_REGULAR_FILE", "NOT_A_UDT", "NOT_DOWNLOADED", "NOT_FOUND",
           "NOT_IN_THIS_TIA_VERSION", "NOT_ONLINE", "NOT_SUPPORTED", "NO_BOUND_INSTANCE", "NO_COMMITS",
           "NO_DESIGN_LOADED", "NO_NETWORKS", "NO_PLCSIM_ROUTE", "NO_PORTAL_ATTACHED", "NO_PROJECT_LANGUAGE",
           "NO_PROJECT_OPEN", "NO_SCL_SOURCE", "OBJECT_EXISTS", "OBJECT_NOT_FOUND", "ONLINE_FAILED",
           "ONLINE_WITH_OTHER_INSTANCE", "PATH_REJECTED", "PERMISSION_DENIED", "PRODIAG_NOT_AVAILABLE",
           "PROMPT_NOT_SUPPORTED", "RECURSIVE_TYPE", "REMOTE_EXISTS", "REMOTE_NOT_A_REPOSITORY", "REMOTE_NOT_FOUND",
           "REMOTE_NOT_LOCAL", "REPOSITORY_LOCKED", "ROLE_NOT_FOUND", "ROLLBACK_FAILED", "SCL_SYNTAX_ERROR",
           "SECTION_NOT_FOUND", "SETTING_FROM_ENVIRONMENT", "SETTING_NOT_CHANGEABLE", "SHUTDOWN_NOT_SUPPORTED",
           "SIMATICML_VERSION_NOT_SUPPORTED", "SIMULATION_SUPPORT_DISABLED", "SOURCE_EXISTS", "SOURCE_NOT_FOUND",
           "STOP_NOT_CONFIRMED", "SYSTEM_CONSTANT_READ_ONLY", "TAG_EXISTS", "TAG_TABLE_EXISTS", "TAG_TABLE_NOT_FOUND",
           "TEMPLATE_NOT_FOUND", "TESTS_LIMIT", "TESTS_NOT_FOUND", "TEST_CASE_INVALID", "TEST_EXISTS",
           "TEST_NAME_INVALID", "TEST_NOT_FOUND", "TEST_RUN_NOT_FOUND", "TEST_STORE_UNAVAILABLE",
           "TEXT_LIST_NOT_FOUND", "TIMEOUT", "TLS_NOT_TRUSTED", "TOO_MANY_ROLES", "TOO_MANY_USERS", "TYPE_IN_USE",
           "UDT_NOT_FOUND", "UNCOMMITTED_CHANGES", "UNKNOWN_DATA_TYPE", "UNSUPPORTED_OBJECT", "UPGRADE_NOT_SIMULATED",
           "UPLOAD_APPLY_FAILED", "USER_EXISTS", "VALIDATION_FAILED", "VCS_NOT_INITIALIZED", "VERSION_CANNOT_EXPRESS",
           "VERSION_NOT_INSTALLED", "WHITELIST_NOT_ELEVATED", "XLSX_REFUSED")

ADDRESS_NOT_ALLOWED: Final = declare('ADDRESS_NOT_ALLOWED', 422, 'Address not allowed',
    'A PLC tag cannot have a data block address (%DB…); TIA takes only I, Q and M addresses for a tag.')
ADDRESS_OVERLAP: Final = declare('ADDRESS_OVERLAP', 200, 'Address overlap',
    'A warning of a created, changed or imported PLC tag, not an error: its address overlaps another '
    "tag's, which TIA accepts and warns about; the warning names the other tag (otherTag).")
ALREADY_ATTACHED: Final = declare('ALREADY_ATTACHED', 409, 'Already attached',
    'Already attached to TIA Portal (pid …); detach or shut it down first.')
ALREADY_EXISTS: Final = declare('ALREADY_EXISTS', 409, 'Already exists',
    'An object with that name already exists where names must be unique; nothing was created.')
AMBIGUOUS_TYPE: Final = declare('AMBIGUOUS_TYPE', 422, 'Ambiguous type',
    "Several enums are named '…'; name one by its full name.")
BLOCK_INCONSISTENT: Final = declare('BLOCK_INCONSISTENT', 409, 'Block inconsistent',
    "'…' is inconsistent and still is after compiling it (… error(s)); TIA cannot export an inconsistent "
    'block. Fix the errors and compile again.')
BLOCK_NOT_FOUND: Final = declare('BLOCK_NOT_FOUND', 404, 'Block not found',
    "The block '…' was not found. A block in a software unit's namespace is named Namespace.Name: use ….")
BLOCK_NUMBER_IN_USE: Final = declare('BLOCK_NUMBER_IN_USE', 409, 'Block number in use',
    "The block number … … is already used by '…'.")
BLOCK_TOO_LARGE: Final = declare('BLOCK_TOO_LARGE', 422, 'Block too large',
    "The block is over TIA's size limit for one block; nothing was imported or generated. Split it into "
    'smaller blocks; the details give the size and the limit.')
BUSY: Final = declare('BUSY', 409, 'Busy', 'The portal or the object is busy with another operation; retry later.')
COMMAND_NOT_FOUND: Final = declare('COMMAND_NOT_FOUND', 404, 'Command not found',
    'No route or operation matches …; see GET /api/command/list')
CONFLICT: Final = declare('CONFLICT', 409, 'Conflict',
    'The request is valid, but the current state forbids it (for example a project is already open); '
    'nothing changed.')
CONSTANT_EXISTS: Final = declare('CONSTANT_EXISTS', 409, 'Constant exists',
    "A user constant or tag of that name already exists in the PLC's tag tables (names are unique across "
    'them).')
CONSTANT_NOT_FOUND: Final = declare('CONSTANT_NOT_FOUND', 404, 'Constant not found',
    "The user constant '…' was not found in the tag table '…'.")
CPU_IN_RUN: Final = declare('CPU_IN_RUN', 409, 'CPU in run',
    'The CPU "…" is in RUN. A download stops it; send {"stopCpu": true} to confirm the stop (and '
    '"startAfterDownload": true to start it again afterwards).')
DATABASE_UNAVAILABLE: Final = declare('DATABASE_UNAVAILABLE', 503, 'Database unavailable',
    'The service database cannot be reached now (a PostgreSQL restart or failover, an unreadable SQLite '
    'file); nothing was changed. Retry after a moment; /api/health says Degraded with the reason '
    'meanwhile.')
DEFAULT_TAG_TABLE: Final = declare('DEFAULT_TAG_TABLE', 409, 'Default tag table',
    "The operation is not possible on the PLC's default tag table (it cannot be deleted, renamed or "
    'moved).')
DEVICE_NOT_FOUND: Final = declare('DEVICE_NOT_FOUND', 404, 'Device not found',
    "The device '…' was not found in project '…'.")
DOWNLOAD_COMPILE_FAILED: Final = declare('DOWNLOAD_COMPILE_FAILED', 409, 'Download compile failed',
    'The software of "…" does not compile; nothing would be downloaded. Compile it (POST '
    '/api/devices/…/actions/compile-software-sync) to see the errors.')
DOWNLOAD_FAILED: Final = declare('DOWNLOAD_FAILED', 409, 'Download failed',
    'The download to "…" was canceled: the data blocks … would be reinitialized, and '
    'DataBlockReinitialization was answered NoAction.')
DUPLICATE_FILE: Final = declare('DUPLICATE_FILE', 422, 'Duplicate file',
    'Two files have the same name; import them in separate calls.')
ENGINEERING_ERROR: Final = declare('ENGINEERING_ERROR', 500, 'Engineering error',
    'A domain error without a more specific code (raised by code that names no code of its own; the '
    'message says what failed).')
FAILSAFE_LEVEL_NOT_AVAILABLE: Final = declare('FAILSAFE_LEVEL_NOT_AVAILABLE', 422, 'Failsafe level not available',
    "'…' exists only on F-CPUs; this CPU's levels are ….")
FILES_NOT_READ: Final = declare('FILES_NOT_READ', 422, 'Files not read',
    "'…' was not read: a FIFO, not a regular file (also: a device, a link leaving the folder, a file over"
    ' the size limit, a folder nested too deep); nothing was imported. Every file not read is in '
    'details.files.')
FILES_OUTSIDE_LAYOUT: Final = declare('FILES_OUTSIDE_LAYOUT', 501, 'Files outside layout',
    'The target holds files that are not objects of the layout: …. Only stations and program objects are '
    'brought into the project; nothing was changed.')
FILE_EXISTS: Final = declare('FILE_EXISTS', 409, 'File exists',
    'The target file already exists and is not overwritten unless the request says so (overwrite: true).')
FILE_NOT_FOUND: Final = declare('FILE_NOT_FOUND', 404, 'File not found',
    'A file or object the request names does not exist (a path on disk or an object of the open project).')
FILE_TOO_LARGE: Final = declare('FILE_TOO_LARGE', 422, 'File too large',
    'The file is larger than the size limit; the message says the limit.')
FOLDER_EXISTS: Final = declare('FOLDER_EXISTS', 409, 'Folder exists', "'…' of '…' already has the user folder '…'.")
FOLDER_NOT_FOUND: Final = declare('FOLDER_NOT_FOUND', 404, 'Folder not found',
    'The folder (block group, tag table folder, software unit, library folder, ...) the request names '
    'does not exist: 404 when the URL names it, 422 when the body refers to it.', also=(422,))
FUNCTION_RIGHT_MISSING: Final = declare('FUNCTION_RIGHT_MISSING', 403, 'Function right missing',
    'The project user lacks the function right this needs (FunctionRightNotFoundException); grant it in '
    "the project's user management (UMAC) or sign in as a user who has it.")
GRAPHIC_LIST_NOT_FOUND: Final = declare('GRAPHIC_LIST_NOT_FOUND', 404, 'Graphic list not found',
    'The HMI device has no graphic list of that name.')
HEADLESS: Final = declare('HEADLESS', 501, 'Headless',
    'A … browser dialog needs a desktop session on the server; this server runs headless. Send paths '
    'relative to the configured file roots instead (GET /api/settings shows fileRoots).')
HISTORY_ENTRY_NOT_FOUND: Final = declare('HISTORY_ENTRY_NOT_FOUND', 404, 'History entry not found',
    "'…' is not in the project history.")
HOST_LOCKOUT: Final = declare('HOST_LOCKOUT', 422, 'Host lockout',
    'AllowedHosts must include …, the host this request came through, or this client would get 421 on '
    'every request; … are always allowed.')
IMPORT_FAILED: Final = declare('IMPORT_FAILED', 422, 'Import failed',
    '… of … documents could not be imported; nothing was imported.')
IMPORT_REFUSED: Final = declare('IMPORT_REFUSED', 422, 'Import refused',
    "A document holds what TIA's import refuses (a network whose UId names two elements, a type that "
    "contains itself); details.files gives each document's findings, with the code and line the check "
    'reports; nothing was imported.')
IMPORT_ROWS_INVALID: Final = declare('IMPORT_ROWS_INVALID', 422, 'Import rows invalid',
    '… problem(s) in the import; nothing was imported. First: row …, …: …')
INSTANCE_AMBIGUOUS: Final = declare('INSTANCE_AMBIGUOUS', 409, 'Instance ambiguous',
    'No instance… is bound to the device "…" and several instances without an IP address exist (…). Name '
    'one with instanceName.')
INSTANCE_MISMATCH: Final = declare('INSTANCE_MISMATCH', 409, 'Instance mismatch',
    'The device "…" (…) is bound to the instance "…", which has its IP address, not to "…". Leave '
    'instanceName out, or change the addresses.')
INSTANCE_OF_MISSING: Final = declare('INSTANCE_OF_MISSING', 422, 'Instance of missing',
    "The instance data block '…' refers to '…', which does not exist; import the function block first.")
INSUFFICIENT_STORAGE: Final = declare('INSUFFICIENT_STORAGE', 507, 'Insufficient storage',
    'The disk (or the database) is full: nothing was written; `details.path` names where, when known. '
    'Free space and retry.')
INTERFACE_NOT_EDITABLE: Final = declare('INTERFACE_NOT_EDITABLE', 422, 'Interface not editable',
    "The interface of '…' (…) cannot be edited here")
INVALID_ADDRESS: Final = declare('INVALID_ADDRESS', 422, 'Invalid address',
    "The tag's logical address is not one TIA takes for its data type (area, byte and bit, width).")
INVALID_BRANCH_NAME: Final = declare('INVALID_BRANCH_NAME', 422, 'Invalid branch name',
    "'…' is not a valid branch name.")
INVALID_DEVICE: Final = declare('INVALID_DEVICE', 422, 'Invalid device',
    'A station is restored under its own name; leave deviceName out.')
INVALID_FILTER: Final = declare('INVALID_FILTER', 422, 'Invalid filter',
    'The Openness reference search filter is empty or too long.')
INVALID_FOLDER: Final = declare('INVALID_FOLDER', 422, 'Invalid folder',
    "'…' is not a usable folder path: …. Choose other names (a path looks like 'Motors/Pumps').")
INVALID_MESSAGE: Final = declare('INVALID_MESSAGE', 422, 'Invalid message', 'The commit message is empty.')
INVALID_NAME: Final = declare('INVALID_NAME', 422, 'Invalid name',
    "A name breaks TIA's naming rules for that kind of object (length, characters, blanks); the message "
    'names the rule.')
INVALID_OBJECT_NAME: Final = declare('INVALID_OBJECT_NAME', 422, 'Invalid object name',
    'ObjectName names no object (a tag, DB member, block or type)')
INVALID_PASSWORD: Final = declare('INVALID_PASSWORD', 422, 'Invalid password',
    'The password does not meet the password guideline: …..… characters with at least one letter and one '
    'digit.')
INVALID_REMOTE_NAME: Final = declare('INVALID_REMOTE_NAME', 422, 'Invalid remote name',
    "'…' is not a valid remote name.")
INVALID_REVISION: Final = declare('INVALID_REVISION', 422, 'Invalid revision',
    'To needs from: give both revisions, or neither for the pending changes.')
INVALID_SIMATICML: Final = declare('INVALID_SIMATICML', 422, 'Invalid SimaticML',
    "The SimaticML (TIA's XML export format) document is not one TIA would import; the message names the "
    'element and the rule (an import of a file: details.files gives the finding at its line, as '
    '`simaticml check` reports it).')
INVALID_SPEC: Final = declare('INVALID_SPEC', 422, 'Invalid spec',
    'The description of the object to create or change is not valid; the message names the field and the '
    'rule.')
INVALID_TAG_FILE: Final = declare('INVALID_TAG_FILE', 422, 'Invalid tag file',
    'The tag file is not a CSV or Excel tag file this API reads; the message says why.')
INVALID_TYPE_NAME: Final = declare('INVALID_TYPE_NAME', 422, 'Invalid type name',
    'The Openness type name is empty, too long or not a type name.')
INVALID_USER_NAME: Final = declare('INVALID_USER_NAME', 422, 'Invalid user name',
    'A user name has 1..… characters, no leading or trailing blanks and no control characters.')
INVALID_VCS_PATH: Final = declare('INVALID_VCS_PATH', 422, 'Invalid VCS path',
    "'…' is not an object file of the repository (<Device>/<…>/.../<Name>.xml).")
LICENSE_NOT_FOUND: Final = declare('LICENSE_NOT_FOUND', 409, 'License not found',
    'TIA Portal found no licence for this (LicenseNotFoundException); check the licence with the '
    'Automation License Manager, then repeat the request.')
LOCAL_KEY_DISABLED: Final = declare('LOCAL_KEY_DISABLED', 404, 'Local key disabled',
    'The local key is off; an admin turns it on with PUT /api/settings/compatibility {"localKeyEnabled": '
    'true}')
LOCAL_KEY_LOOPBACK_ONLY: Final = declare('LOCAL_KEY_LOOPBACK_ONLY', 403, 'Local key loopback only',
    'The local key is handed only to clients on this machine: …')
LOCKED: Final = declare('LOCKED', 423, 'Locked',
    'The object is locked by someone else (for example a project opened by another portal); nothing '
    'changed.')
MEMBER_EXISTS: Final = declare('MEMBER_EXISTS', 409, 'Member exists', "'…' already has a member '…'.")
MEMBER_IN_USE: Final = declare('MEMBER_IN_USE', 409, 'Member in use',
    "'…' is still used in '…' (…); change the networks first.")
MEMBER_NOT_FOUND: Final = declare('MEMBER_NOT_FOUND', 404, 'Member not found', "'…' has no member '…'.")
MERGE_CONFLICT: Final = declare('MERGE_CONFLICT', 409, 'Merge conflict',
    "Merging '…' into '…' conflicts in … object(s): …. Nothing was changed.")
MISSING_PRODUCTS: Final = declare('MISSING_PRODUCTS', 409, 'Missing products',
    'The project uses TIA Portal products (options, hardware support packages) this installation lacks '
    '(MissingProductsException); install them, then open it again.')
NAME_MISMATCH: Final = declare('NAME_MISMATCH', 422, 'Name mismatch',
    "The document defines '…', not '…'; a UDT keeps its name when updated (rename it instead).")
NOTHING_LOADED: Final = declare('NOTHING_LOADED', 409, 'Nothing loaded',
    'The CPU "…" holds no program; download one first (POST /api/devices/…/actions/download-sync).')
NOTHING_TO_COMMIT: Final = declare('NOTHING_TO_COMMIT', 409, 'Nothing to commit',
    'Nothing to commit: the open project matches the last commit.')
NOT_AN_ENUM: Final = declare('NOT_AN_ENUM', 422, 'Not an enum',
    'The Openness type the request names is not an enumeration.')
NOT_A_BLOCK: Final = declare('NOT_A_BLOCK', 422, 'Not a block',
    '… holds a …, not a program block (PLC data types and tag tables have their own routes).')
NOT_A_DATA_BLOCK: Final = declare('NOT_A_DATA_BLOCK', 422, 'Not a data block',
    "'…' is a …; only data blocks have start values.")
NOT_A_PLC: Final = declare('NOT_A_PLC', 422, 'Not a PLC',
    "The device '…' has no PLC software (no device item offers a SoftwareContainer with PlcSoftware); it "
    'is not a PLC.')
NOT_A_REGULAR_FILE: Final = declare('NOT_A_REGULAR_FILE', 422, 'Not a regular file',
    'The target holds entries that are not regular files (a symbolic link or a submodule): …. They are '
    'never brought into the project; nothing was changed.')
NOT_A_UDT: Final = declare('NOT_A_UDT', 422, 'Not a UDT', '… holds a …, not a PLC data type.')
NOT_DOWNLOADED: Final = declare('NOT_DOWNLOADED', 409, 'Not downloaded',
    'The data block "…" is not in the program of "…". Download the device first (POST '
    '/api/devices/…/actions/download-sync).')
NOT_FOUND: Final = declare('NOT_FOUND', 404, 'Not found',
    'The object the request names (project, device, block, job, key, ...) does not exist.')
NOT_IN_THIS_TIA_VERSION: Final = declare('NOT_IN_THIS_TIA_VERSION', 501, 'Not in this TIA version',
    'The operation needs an Openness member the attached TIA Portal version does not have; the message '
    'names it.')
NOT_ONLINE: Final = declare('NOT_ONLINE', 409, 'Not online',
    'Loading start values as actual values needs an online connection. The device "…" is offline. Go '
    'online first (POST /api/devices/…/online).')
NOT_SUPPORTED: Final = declare('NOT_SUPPORTED', 501, 'Not supported',
    'This backend cannot honestly perform the operation; the message says why.')
NO_BOUND_INSTANCE: Final = declare('NO_BOUND_INSTANCE', 404, 'No bound instance',
    'No simulation instance is bound to the device, so it cannot go online over PLCSIM; the message says '
    'how to bind one.')
NO_COMMITS: Final = declare('NO_COMMITS', 409, 'No commits',
    'The repository has no commit yet; commit before branching.')
NO_DESIGN_LOADED: Final = declare('NO_DESIGN_LOADED', 404, 'No design loaded',
    'No design specification is loaded; POST /api/design-spec/load first.')
NO_NETWORKS: Final = declare('NO_NETWORKS', 422, 'No networks', "'…' is a …; only OB, FB and FC have networks.")
NO_PLCSIM_ROUTE: Final = declare('NO_PLCSIM_ROUTE', 409, 'No PLCSIM route',
    "TIA offers no route to PLCSIM for '…' (mode …, PC interface PLCSIM): install PLCSIM Advanced on the "
    'machine running TIA Portal.')
NO_PORTAL_ATTACHED: Final = declare('NO_PORTAL_ATTACHED', 503, 'No portal attached',
    'No TIA Portal is attached. Launch one (POST /api/instance/actions/launch) or attach to a running one'
    ' (POST /api/instance/actions/attach).')
NO_PROJECT_LANGUAGE: Final = declare('NO_PROJECT_LANGUAGE', 422, 'No project language',
    'The project has no language to write the comment in.')
NO_PROJECT_OPEN: Final = declare('NO_PROJECT_OPEN', 409, 'No project open',
    'The operation needs an open project and none is open in the attached portal; open one first.')
NO_SCL_SOURCE: Final = declare('NO_SCL_SOURCE', 422, 'No SCL source', "No SCL source for '…': ….")
OBJECT_EXISTS: Final = declare('OBJECT_EXISTS', 409, 'Object exists',
    'An object of that name already exists in the target; rename or delete it first.')
OBJECT_NOT_FOUND: Final = declare('OBJECT_NOT_FOUND', 404, 'Object not found',
    'The object the request names does not exist in the open project.')
ONLINE_FAILED: Final = declare('ONLINE_FAILED', 409, 'Online failed',
    'TIA could not go online with "…" (state …); the instance "…" did not answer at the device\'s address '
    'over PLCSIM.')
ONLINE_WITH_OTHER_INSTANCE: Final = declare('ONLINE_WITH_OTHER_INSTANCE', 409, 'Online with other instance',
    'The device "…" is online with the instance "…"; go offline (DELETE /api/devices/…/online) before '
    'using "…".')
PATH_REJECTED: Final = declare('PATH_REJECTED', 422, 'Path rejected',
    'A file system path is not acceptable: outside the allowed roots, a file where a folder is needed, or'
    ' the reverse.')
PERMISSION_DENIED: Final = declare('PERMISSION_DENIED', 403, 'Permission denied',
    'TIA refused access (Openness user group, firewall, a protected object); nothing changed.')
PRODIAG_NOT_AVAILABLE: Final = declare('PRODIAG_NOT_AVAILABLE', 501, 'ProDiag not available',
    'ProDiag export needs the ProDiag option and supervisions defined on the block; this project model '
    'has neither, so there is nothing to export.')
PROMPT_NOT_SUPPORTED: Final = declare('PROMPT_NOT_SUPPORTED', 501, 'Prompt not supported',
    "This route generates from a JSON block spec ('spec') or a template ('template', see GET "
    '/api/blockgeneration/templates), not from prose. To start from a description, ask the assistant '
    '(POST /api/assistant/chat) or an MCP client: it writes the spec and calls this route.')
RECURSIVE_TYPE: Final = declare('RECURSIVE_TYPE', 422, 'Recursive type',
    "'…' would contain itself (…); TIA refuses recursive data types.")
REMOTE_EXISTS: Final = declare('REMOTE_EXISTS', 409, 'Remote exists', "The remote '…' already exists.")
REMOTE_NOT_A_REPOSITORY: Final = declare('REMOTE_NOT_A_REPOSITORY', 422, 'Remote not a repository',
    "'…' is not a git repository (create one with 'git init --bare').")
REMOTE_NOT_FOUND: Final = declare('REMOTE_NOT_FOUND', 404, 'Remote not found', "The remote '…' was not found.")
REMOTE_NOT_LOCAL: Final = declare('REMOTE_NOT_LOCAL', 422, 'Remote not local',
    "'…' is not a local path: remotes must be git repositories inside the server's file roots.")
REPOSITORY_LOCKED: Final = declare('REPOSITORY_LOCKED', 409, 'Repository locked',
    "The project's repository is being written by another process (its lock file … is held); retry when "
    'that process is done.')
ROLE_NOT_FOUND: Final = declare('ROLE_NOT_FOUND', 422, 'Role not found', "The role '…' does not exist. Roles: ….")
ROLLBACK_FAILED: Final = declare('ROLLBACK_FAILED', 409, 'Rollback failed',
    'The change failed (…: …), and putting the project back failed too: …. The project is marked as '
    'needing a reopen: close it without saving and open it again; saving it is refused until then.')
SCL_SYNTAX_ERROR: Final = declare('SCL_SYNTAX_ERROR', 422, 'SCL syntax error',
    "The SCL source sent for generation does not parse; the message gives the first error's block, line "
    'and column.')
SECTION_NOT_FOUND: Final = declare('SECTION_NOT_FOUND', 404, 'Section not found',
    'No documentation section of that name.')
SETTING_FROM_ENVIRONMENT: Final = declare('SETTING_FROM_ENVIRONMENT', 409, 'Setting from environment',
    "… is set by the server's environment (ENGINEERING_API_…), which wins over saved settings; change it "
    'there and restart the server.')
SETTING_NOT_CHANGEABLE: Final = declare('SETTING_NOT_CHANGEABLE', 422, 'Setting not changeable',
    'Nothing was saved: …. Changeable: ….')
SHUTDOWN_NOT_SUPPORTED: Final = declare('SHUTDOWN_NOT_SUPPORTED', 501, 'Shutdown not supported',
    "This server cannot stop itself: it was not started by 'engineering-api serve' (or an ASGI server "
    'through engineering_api.asgi:create) on a POSIX system; stop it where it was started.')
SIMATICML_VERSION_NOT_SUPPORTED: Final = declare(
    'SIMATICML_VERSION_NOT_SUPPORTED', 422, 'SimaticML version not supported',
    'The document was exported by a TIA Portal version this one cannot import '
    '(SimaticMLVersionNotSupportedException); use an export of this version or an older one it reads.')
SIMULATION_SUPPORT_DISABLED: Final = declare('SIMULATION_SUPPORT_DISABLED', 409, 'Simulation support disabled',
    'The project "…" does not support simulation, so it cannot be downloaded to PLCSIM. Enable "Support '
    'simulation during block compilation" in the project properties (POST '
    '/api/projects/actions/simulation-support {"enabled": true}) and download again.')
SOURCE_EXISTS: Final = declare('SOURCE_EXISTS', 409, 'Source exists', "The external source '…' already exists.")
SOURCE_NOT_FOUND: Final = declare('SOURCE_NOT_FOUND', 404, 'Source not found', "The external source '…' was not found.")
STOP_NOT_CONFIRMED: Final = declare('STOP_NOT_CONFIRMED', 409, 'Stop not confirmed',
    'The CPU "…" is in RUN; … halts the process it controls. Send {"confirm": true} to go ahead.')
SYSTEM_CONSTANT_READ_ONLY: Final = declare('SYSTEM_CONSTANT_READ_ONLY', 422, 'System constant read only',
    "'…' is a system constant; system constants are read-only.")
TAG_EXISTS: Final = declare('TAG_EXISTS', 409, 'Tag exists',
    "The tag '…' exists in the tag table '…' of '…' (HMI tag names are unique in the device).")
TAG_TABLE_EXISTS: Final = declare('TAG_TABLE_EXISTS', 409, 'Tag table exists', "The tag table '…' already exists.")
TAG_TABLE_NOT_FOUND: Final = declare('TAG_TABLE_NOT_FOUND', 404, 'Tag table not found',
    "The tag table '…' was not found in '…'.")
TEMPLATE_NOT_FOUND: Final = declare('TEMPLATE_NOT_FOUND', 404, 'Template not found', "No template '…' (templates: …).")
TESTS_LIMIT: Final = declare('TESTS_LIMIT', 409, 'Tests limit',
    'At most … test cases can be stored; delete some first.')
TESTS_NOT_FOUND: Final = declare('TESTS_NOT_FOUND', 404, 'Tests not found',
    'No test case is declared for the device "…"; create cases with "deviceName": "…" (POST '
    '/api/testharness/tests).')
TEST_CASE_INVALID: Final = declare('TEST_CASE_INVALID', 422, 'Test case invalid',
    'Test case "…" asserts nothing: add at least one expect (or assert) to "steps" (a case without '
    'assertions would always pass).')
TEST_EXISTS: Final = declare('TEST_EXISTS', 409, 'Test exists',
    'A test case named "…" already exists; send "overwrite": true to replace it.')
TEST_NAME_INVALID: Final = declare('TEST_NAME_INVALID', 422, 'Test name invalid',
    '"…" is not a valid test case name: use letters, digits, "_", "-", "." and spaces (at most 100), '
    'starting with a letter, digit or "_".')
TEST_NOT_FOUND: Final = declare('TEST_NOT_FOUND', 404, 'Test not found',
    'The test case "…"… does not exist (GET /api/testharness/tests lists them).')
TEST_RUN_NOT_FOUND: Final = declare('TEST_RUN_NOT_FOUND', 404, 'Test run not found',
    'No test run with id "…" (only the last … runs are kept).')
TEST_STORE_UNAVAILABLE: Final = declare('TEST_STORE_UNAVAILABLE', 409, 'Test store unavailable',
    'This server keeps no state; test cases cannot be stored.')
TEXT_LIST_NOT_FOUND: Final = declare('TEXT_LIST_NOT_FOUND', 404, 'Text list not found',
    'The HMI device has no text list of that name.')
TIMEOUT: Final = declare('TIMEOUT', 504, 'Timeout',
    'A backend call exceeded its time limit; whether it took effect is stated in the message when known.')
TLS_NOT_TRUSTED: Final = declare('TLS_NOT_TRUSTED', 409, 'TLS not trusted',
    "The PLC of '…' presents a TLS certificate (…) that was not trusted, so TIA did not connect. Send "
    '"trustTls": true to trust it (or set the server setting trust_plc_certificates).')
TOO_MANY_ROLES: Final = declare('TOO_MANY_ROLES', 422, 'Too many roles',
    'A project user would have more roles than TIA allows.')
TOO_MANY_USERS: Final = declare('TOO_MANY_USERS', 422, 'Too many users',
    'A project has at most … users besides Anonymous.')
TYPE_IN_USE: Final = declare('TYPE_IN_USE', 409, 'Type in use',
    "The PLC data type '…' is used by …; delete those first or pass force=true.")
UDT_NOT_FOUND: Final = declare('UDT_NOT_FOUND', 404, 'UDT not found', "The PLC data type '…' was not found.")
UNCOMMITTED_CHANGES: Final = declare('UNCOMMITTED_CHANGES', 409, 'Uncommitted changes',
    'The open project has … change(s) not committed; commit them first.')
UNKNOWN_DATA_TYPE: Final = declare('UNKNOWN_DATA_TYPE', 422, 'Unknown data type',
    'The data type is neither an elementary TIA type nor a PLC data type (UDT) of the PLC.')
UNSUPPORTED_OBJECT: Final = declare('UNSUPPORTED_OBJECT', 422, 'Unsupported object',
    "…: '…' documents cannot be imported as program objects (blocks, PLC data types, tag tables).")
UPGRADE_NOT_SIMULATED: Final = declare('UPGRADE_NOT_SIMULATED', 501, 'Upgrade not simulated',
    "'…' holds a TIA Portal … project; the simulated TIA Portal … cannot upgrade projects (a real TIA "
    'Portal does, with Projects.OpenWithUpgrade). Upgrade it in TIA Portal, or use the openness backend.')
UPLOAD_APPLY_FAILED: Final = declare('UPLOAD_APPLY_FAILED', 422, 'Upload apply failed',
    "The uploaded object '…' cannot replace the offline one: … Nothing was changed.")
USER_EXISTS: Final = declare('USER_EXISTS', 409, 'User exists', "The project user '…' exists.")
VALIDATION_FAILED: Final = declare('VALIDATION_FAILED', 422, 'Validation failed',
    "The input breaks a rule (TIA's or the API's): a field's value, format or combination is not "
    'accepted; the message names the field and the rule, and nothing changed.')
VCS_NOT_INITIALIZED: Final = declare('VCS_NOT_INITIALIZED', 409, 'VCS not initialized',
    'Source control is not initialized for the open project; call POST /api/source-control/init first.')
VERSION_CANNOT_EXPRESS: Final = declare('VERSION_CANNOT_EXPRESS', 422, 'Version cannot express',
    "The object uses something the project's TIA version cannot store; the message says what.")
VERSION_NOT_INSTALLED: Final = declare('VERSION_NOT_INSTALLED', 422, 'Version not installed',
    'TIA Portal … is not installed (installed: …).')
WHITELIST_NOT_ELEVATED: Final = declare('WHITELIST_NOT_ELEVATED', 403, 'Whitelist not elevated',
    'Writing HKLM\\… was refused: whitelisting needs the service to run elevated (as administrator), or an'
    ' administrator adds the entry once.')
XLSX_REFUSED: Final = declare('XLSX_REFUSED', 422, 'XLSX refused',
    'The Excel file was refused unopened as unsafe (a DTD, or too large, too compressed or too many '
    'members when unpacked); nothing was imported.')
