"""The table of API error codes (:mod:`engineering_api.lib.error_codes`): code, HTTP status, title, meaning.

Generated first from the source by ``python -m tools.error_code_scan --stub`` (the status from the error class or
response that raises the code, the meaning from the message it is raised with, ``…`` marking the parts each
occurrence fills in), then reviewed. A new code goes here, in alphabetical order, before it is raised; ``make
docs`` then regenerates ``docs/error-codes.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ("INTERNAL_TAG", "NOT_ACCESSIBLE", "NO_PARTNER", "NO_PLC_TAG", "PLC_NOT_SIMULATED", "SIMULATION_FAILED",
           "SIMULATION_UNAVAILABLE", "TABLE", "ErrorCode")


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One declared code.

    Args:
        code: the stable UPPER_SNAKE name on the wire.
        status: the HTTP status it is answered with.
        title: a short summary of the problem type (the same for every occurrence).
        meaning: what happened and what the client can do about it, in a sentence or two.
        also: further statuses it is deliberately answered with (the reason is in ``meaning``).
    """

    code: str
    status: int
    title: str
    meaning: str
    also: tuple[int, ...] = ()


E = ErrorCode

# Codes raise sites import, as mypy's ``errorcodes``: those a record sends outside an error answer (in one item of
# a successful answer), where a literal code is easy to miss. TABLE lists each in its alphabetical place.
_NO_VALUE = "An HMI tag read (GET …/hmi/tags/values) gives this tag no value: "

INTERNAL_TAG: Final = E('INTERNAL_TAG', 200, 'Internal tag', _NO_VALUE + (
    'it is an internal tag (no connection), whose value exists only in HMI Runtime, which the server does not '
    'simulate.'))
NOT_ACCESSIBLE: Final = E('NOT_ACCESSIBLE', 200, 'Not accessible', _NO_VALUE + (
    'its PLC tag is not released to HMI in the program downloaded to the simulated PLC (TIA lets an HMI reach a '
    'PLC tag only when its "Accessible from HMI/OPC UA/Web API" is on). Turn it on and download the program '
    'again.'))
NO_PARTNER: Final = E('NO_PARTNER', 200, 'No partner', _NO_VALUE + (
    "its connection names no partner PLC; set the connection's partner."))
NO_PLC_TAG: Final = E('NO_PLC_TAG', 200, 'No PLC tag', _NO_VALUE + 'it is bound to no PLC tag; bind it to one.')
PLC_NOT_SIMULATED: Final = E('PLC_NOT_SIMULATED', 200, 'PLC not simulated', _NO_VALUE + (
    "no powered-on PLCSim instance holds the program of its connection's partner PLC; download the program to a "
    'simulated PLC.'))
SIMULATION_FAILED: Final = E('SIMULATION_FAILED', 200, 'Simulation failed', _NO_VALUE + (
    'reading it from the simulated PLC failed with an error that has no code of its own; the message carries it.'))
SIMULATION_UNAVAILABLE: Final = E('SIMULATION_UNAVAILABLE', 200, 'Simulation unavailable', _NO_VALUE + (
    'the simulated PLCs could not be listed (PLCSim is not available); the message says why.'))

TABLE: tuple[E, ...] = (
    E('ADDRESS_NOT_ALLOWED', 422, 'Address not allowed',
      'A PLC tag cannot have a data block address (%DB…); TIA takes only I, Q and M addresses for a'
      ' tag.'),
    E('ADDRESS_OVERLAP', 200, 'Address overlap',
      "A warning of a created, changed or imported PLC tag, not an error: its address overlaps another tag's, "
      'which TIA accepts and warns about; the warning names the other tag (otherTag).'),
    E('AGENT_CALL_FAILED', 500, 'Agent call failed',
      "A farm agent's call failed with an error the server does not know as a domain error; the "
      "message carries the agent's."),
    E('AGENT_LOST', 503, 'Agent lost',
      'The farm agent running the call went away while the call was queued or running; the call did'
      " not complete and will not run. Changes since the project's last save are lost; open it "
      'again.'),
    E('AGENT_NAME_TAKEN', 409, 'Agent name taken',
      'A farm agent did not start: another live agent holds its name (the name defaults to the host name, which '
      'hosts cloned from one template share) and renewed it for a whole lease; the message names its host and pid. '
      'Give each agent its own --name.'),
    E('AGENT_NOT_FOUND', 404, 'Agent not found', 'No live farm agent named …; live agents: ….'),
    E('ALARM_ALREADY_ACKNOWLEDGED', 409, 'Alarm already acknowledged', 'Alarm … is already acknowledged.'),
    E('ALARM_DEFINITION_EXISTS', 409, 'Alarm definition exists', 'An alarm definition "…" exists.'),
    E('ALARM_DEFINITION_NOT_FOUND', 404, 'Alarm definition not found', 'No alarm definition "…".'),
    E('ALARM_NEEDS_NO_ACKNOWLEDGEMENT', 409, 'Alarm needs no acknowledgement',
      'Alarm … is of class …, which needs no acknowledgement.'),
    E('ALARM_NOT_FOUND', 404, 'Alarm not found', 'No current alarm with that ID.'),
    E('ALREADY_AN_INSTANCE', 409, 'Already an instance', "'…' is already an instance of a library type."),
    E('ALREADY_ATTACHED', 409, 'Already attached',
      'Already attached to TIA Portal (pid …); detach or shut it down first.'),
    E('ALREADY_EXISTS', 409, 'Already exists',
      'An object with that name already exists where names must be unique; nothing was created.'),
    E('AMBIGUOUS_MASTER_COPY', 409, 'Ambiguous master copy',
      "Several master copies are named '…' (…); name one by its path (Folder/Name)."),
    E('AMBIGUOUS_TYPE', 422, 'Ambiguous type', "Several enums are named '…'; name one by its full name."),
    E('API_KEY_INVALID', 422, 'API key invalid',
      'ApiKey may hold only visible ASCII characters: no spaces, line breaks or other control '
      'characters, and no non-ASCII letters (was a line break copied with it?)'),
    E('API_KEY_NOT_FOUND', 422, 'API key not found',
      "No active API key named …: engineeringSession is <API key name>/<session>, as that key's "
      'X-Engineering-Session.'),
    E('ARCHIVE_EXISTS', 409, 'Archive exists', "The archive '…' already exists."),
    E('ARCHIVE_EXTENSION', 422, 'Archive extension', "A … archive must have the extension …, not '…'."),
    E('ARCHIVE_NOT_FOUND', 404, 'Archive not found', "The archive '…' was not found."),
    E('ARCHIVE_REJECTED', 422, 'Archive rejected',
      'The project archive is not one the server unpacks (a link, a path outside the archive, or '
      'too large).'),
    E('ARCHIVE_TARGET', 422, 'Archive target', 'The archive cannot be written inside ….'),
    E('ARTICLE_NOT_FOUND', 404, 'Article not found',
      "The article number '…' is not in the hardware catalog of TIA Portal."),
    E('ASSISTANT_BUSY', 409, 'Assistant busy',
      'The assistant is still answering your previous message; wait for it or POST '
      '/api/assistant/stop'),
    E('ASSISTANT_PROVIDER_FAILED', 500, 'Assistant provider failed',
      "The assistant's language-model provider failed or refused the request."),
    E('AUTHOR_READ_ONLY', 501, 'Author read only',
      "TIA Portal's Openness cannot set a project's author: Project.Author is read-only (the "
      'reference of the real API, openness_bridge/reference). TIA records the Windows user; create '
      'the project without an author.'),
    E('BAD_REQUEST', 400, 'Bad request',
      'The request is malformed (a body that is not JSON, invalid UTF-8, nested too deep, or a '
      'malformed parameter).'),
    E('BASE_URL_REFUSED', 422, 'Base URL refused',
      'BaseUrl is refused: …. Private LAN addresses (a workstation running Ollama) are fine.'),
    E('BLOCK_INCONSISTENT', 409, 'Block inconsistent',
      "'…' is inconsistent and still is after compiling it (… error(s)); TIA cannot export an "
      'inconsistent block. Fix the errors and compile again.'),
    E('BLOCK_NOT_FOUND', 404, 'Block not found',
      "The block '…' was not found. A block in a software unit's namespace is named Namespace.Name:"
      ' use ….'),
    E('BLOCK_NUMBER_IN_USE', 409, 'Block number in use', "The block number … … is already used by '…'."),
    E('BLOCK_TOO_LARGE', 422, 'Block too large',
      "The block is over TIA's size limit for one block; nothing was imported or generated. Split "
      'it into smaller blocks; the details give the size and the limit.'),
    E('BODY_TOO_LARGE', 413, 'Body too large',
      'The request body is larger than the server accepts; nothing ran (an Idempotency-Key stays '
      'free).'),
    E('BRANCH_EXISTS', 409, 'Branch exists', "The branch '…' already exists."),
    E('BRANCH_IS_CURRENT', 409, 'Branch is current', "'…' is the current branch; check out another one first."),
    E('BRANCH_NOT_FOUND', 404, 'Branch not found', "The remote '…' has no branch '…'."),
    E('BRIDGE_ERROR', 500, 'Bridge error', 'Project.Archive wrote … files instead of one archive.'),
    E('BRIDGE_NOT_YET_IMPLEMENTED', 501, 'Bridge not yet implemented',
      "The Openness bridge does not implement '…' yet. Use --backend fake for this operation; "
      'openness_bridge/README.md lists what the bridge serves.'),
    E('BUSY', 409, 'Busy', 'The portal or the object is busy with another operation; retry later.'),
    E('CALL_EXPIRED', 503, 'Call expired',
      'A farm agent dropped the call unrun: it arrived past an expiry an older API node set by its own clock, which '
      'the agent host judged by its own (the hosts disagree on the time). Nothing ran; upgrade the API node or set '
      'the hosts\' clocks, then retry.'),
    E('CANCELED', 409, 'Canceled',
      'The job or call was canceled by its caller before it finished; a farm call canceled while '
      'still queued answers 503.', also=(503,)),
    E('COMMAND_NOT_FOUND', 404, 'Command not found', 'No route or operation matches …; see GET /api/command/list'),
    E('COMMIT_NOT_FOUND', 404, 'Commit not found', "The revision '…' was not found."),
    E('COMPARE_TARGET_REQUIRED', 422, 'Compare target required',
      "Name what to compare with: rightVersion, or deviceName for the type's instance."),
    E('CONFLICT', 409, 'Conflict',
      'The request is valid, but the current state forbids it (for example a project is already '
      'open); nothing changed.'),
    E('CONFLICTING_OPTIONS', 422, 'Conflicting options',
      'SaveFirst and allowUnsaved contradict each other: send one of them (or neither, to be told '
      'about unsaved changes with 409 UNSAVED_CHANGES).'),
    E('CONNECTION_EXISTS', 409, 'Connection exists',
      'An HMI connection of that name exists in the device; send overwrite=true to replace it '
      "(TIA's ImportOptions.Override)."),
    E('CONNECTION_FAILED', 503, 'Connection failed',
      "The PLC a runtime connection names did not answer; its items fail, the other connections' "
      'items still answer.'),
    E('CONNECTION_INVALID', 422, 'Connection invalid',
      'SecurityMode None goes with securityPolicy None, Sign or SignAndEncrypt with Basic256Sha256.'),
    E('CONNECTION_IN_USE', 409, 'Connection in use',
      "The connection '…' is used by the tags …; delete or rebind them first."),
    E('CONNECTION_NAME_TAKEN', 422, 'Connection name taken', 'A runtime connection is already named ….'),
    E('CONNECTION_NOT_FOUND', 422, 'Connection not found',
      'The connection does not exist (or the device has none): 404 when the URL names it, 422 when '
      'the body refers to it.', also=(404,)),
    E('CONSTANT_EXISTS', 409, 'Constant exists',
      "A user constant or tag of that name already exists in the PLC's tag tables (names are unique"
      ' across them).'),
    E('CONSTANT_NOT_FOUND', 404, 'Constant not found', "The user constant '…' was not found in the tag table '…'."),
    E('CONTENT_AND_PATH', 400, 'Content and path',
      'Send only one of …: the file comes either from a path inside the file roots or inline, not '
      'both.'),
    E('CPU_ACCESS_DENIED', 403, 'CPU access denied',
      'The CPU is protected by its access level and the operation needs a higher one; the message '
      'says which and how to get it.'),
    E('CPU_IN_RUN', 409, 'CPU in run',
      'The CPU "…" is in RUN. A download stops it; send {"stopCpu": true} to confirm the stop (and '
      '"startAfterDownload": true to start it again afterwards).'),
    E('CPU_NOT_RUNNING', 409, 'CPU not running', 'The CPU "…" is not in RUN (it is …). Set it to RUN first.'),
    E('CPU_STATE', 422, 'CPU state',
      "The simulated CPU's state does not allow reading or forcing the watch table's operands now; "
      'the message says which state is needed.'),
    E('CPU_STOPPED_BY_ERROR', 409, 'CPU stopped by error',
      'The CPU "…" stayed in STOP after Run(): its startup failed. Read its diagnostic buffer in '
      'TIA Portal (Online & diagnostics), fix the program, download and run again.'),
    E('DATABASE_UNAVAILABLE', 503, 'Database unavailable',
      'The service database cannot be reached now (a PostgreSQL restart or failover, an unreadable SQLite '
      'file); nothing was changed. Retry after a moment; /api/health says Degraded with the reason meanwhile.'),
    E('DEFAULT_TAG_TABLE', 409, 'Default tag table',
      "The operation is not possible on the PLC's default tag table (it cannot be deleted, renamed "
      'or moved).'),
    E('DEPENDENCY_IN_WORK', 422, 'Dependency in work', "'…' uses '…' …, which is in work; release it first."),
    E('DEPENDENCY_MISSING', 409, 'Dependency missing', "The type '…' … needs '…' …, which the library no longer has."),
    E('DEPENDENCY_NOT_AN_INSTANCE', 409, 'Dependency not an instance',
      "'…' uses '…', which is not an instance of the library type of that name; instantiate the "
      'type in this PLC first.'),
    E('DEPENDENCY_NOT_A_TYPE', 422, 'Dependency not a type',
      "'…' now uses '…', which is not a library type; make it a type first."),
    E('DEVICE_EXISTS', 409, 'Device exists',
      "The station '…' exists; a station is restored only when it is missing (delete it first)."),
    E('DEVICE_NOT_FOUND', 404, 'Device not found', "The device '…' was not found in project '…'."),
    E('DEVICE_OFFLINE', 409, 'Device offline',
      "The device '…' is offline. Go online with its CPU first; forcing acts on the online CPU."),
    E('DEVICE_REQUIRED', 422, 'Device required', "The master copy '…' holds PLC objects: name the PLC (deviceName)."),
    E('DOWNLOAD_COMPILE_FAILED', 409, 'Download compile failed',
      'The software of "…" does not compile; nothing would be downloaded. Compile it (POST '
      '/api/devices/…/actions/compile-software-sync) to see the errors.'),
    E('DOWNLOAD_FAILED', 409, 'Download failed',
      'The download to "…" was canceled: the data blocks … would be reinitialized, and '
      'DataBlockReinitialization was answered NoAction.'),
    E('DUPLICATE_FILE', 422, 'Duplicate file', 'Two files have the same name; import them in separate calls.'),
    E('EDIT_IN_PROJECT_LIBRARY', 422, 'Edit in project library',
      "The types of the global library '…' are not edited there: make or edit the type in the "
      'project library, then copy it over (POST /api/libraries/global/types/actions/update).'),
    E('EMPTY_QUERY', 422, 'Empty query', 'The search query must not be empty.'),
    E('ENGINEERING_ERROR', 500, 'Engineering error',
      'A domain error without a more specific code (raised by code that names no code of its own; '
      'the message says what failed).'),
    E('ENTRY_NOT_FOUND', 404, 'Entry not found', "The … '…' has no entries …; nothing was removed."),
    E('EXPORT_NOT_FOUND', 404, 'Export not found',
      'The export succeeded but wrote no file this route could send (a retry with the same '
      "Idempotency-Key finds the first call's temporary file gone): export again with a new key, or"
      ' to a path and fetch it with GET /api/files?path='),
    E('FACEPLATE_TYPE_NOT_FOUND', 422, 'Faceplate type not found',
      "The faceplate instance '…' of the screen '…' uses the faceplate type '…' V …, which the "
      'project library does not have; TIA imports a screen only when the types of its faceplate '
      'instances are in the project.'),
    E('FAILSAFE_LEVEL_NOT_AVAILABLE', 422, 'Failsafe level not available',
      "'…' exists only on F-CPUs; this CPU's levels are …."),
    E('FARM_BROKER_UNREACHABLE', 503, 'Farm broker unreachable',
      "The farm's Redis restarted while … was being handed to agent …, and the broker connection "
      'lost it: it did not run and will not. Retry.'),
    E('FARM_NOT_CONFIGURED', 501, 'Farm not configured',
      'This server runs embedded (one in-process backend): it has no farm agents. Start it with '
      "'engineering-api serve --farm <broker>'."),
    E('FILES_NOT_READ', 422, 'Files not read',
      "'…' was not read: a FIFO, not a regular file (also: a device, a link leaving the folder, a file over the "
      'size limit, a folder nested too deep); nothing was imported. Every file not read is in details.files.'),
    E('FILES_OUTSIDE_LAYOUT', 501, 'Files outside layout',
      'The target holds files that are not objects of the layout: …. Only stations and program '
      'objects are brought into the project; nothing was changed.'),
    E('FILE_EXISTS', 409, 'File exists',
      'The target file already exists and is not overwritten unless the request says so (overwrite:'
      ' true).'),
    E('FILE_NOT_FOUND', 404, 'File not found',
      'A file or object the request names does not exist (a path on disk or an object of the open '
      'project).'),
    E('FILE_TOO_LARGE', 422, 'File too large', 'The file is larger than the size limit; the message says the limit.'),
    E('FOLDER_EXISTS', 409, 'Folder exists', "'…' of '…' already has the user folder '…'."),
    E('FOLDER_NOT_FOUND', 404, 'Folder not found',
      'The folder (block group, tag table folder, software unit, library folder, ...) the request '
      'names does not exist: 404 when the URL names it, 422 when the body refers to it.', also=(422,)),
    E('FORBIDDEN', 403, 'Forbidden',
      "The request is not allowed: the key's role is below what the operation needs, or the Origin "
      'is not allowed.'),
    E('FORCE_NOT_CONFIRMED', 409, 'Force not confirmed',
      'The CPU "…" is in RUN: forcing changes what the machine does. Send {"confirm": true} to '
      'force anyway.'),
    E('FORCE_TABLE_EXISTS', 409, 'Force table exists',
      "The PLC already has its force table '…'; a CPU has exactly one force table. Add entries to "
      'it, or delete it first.'),
    E('FORCE_TABLE_NOT_FOUND', 404, 'Force table not found',
      'The PLC has no force table of that name (a watch table of that name does not count).'),
    E('FORCING_ACTIVE', 409, 'Forcing active',
      "The force table '…' is forcing … in the CPU. Stop forcing first, or send stopForcing=true to"
      ' remove its forces and delete it.'),
    E('FUNCTION_RIGHT_MISSING', 403, 'Function right missing',
      "The project user lacks the function right this needs (FunctionRightNotFoundException); grant it in "
      "the project's user management (UMAC) or sign in as a user who has it."),
    E('GRAPHIC_EXISTS', 409, 'Graphic exists', "The project graphic '…' exists. Send overwrite=true to replace it."),
    E('GRAPHIC_LIST_EXISTS', 409, 'Graphic list exists',
      'A graphic list of that name exists in the HMI device; send overwrite=true to replace it '
      "(TIA's ImportOptions.Override)."),
    E('GRAPHIC_LIST_NOT_FOUND', 404, 'Graphic list not found', 'The HMI device has no graphic list of that name.'),
    E('GRAPHIC_NOT_FOUND', 404, 'Graphic not found',
      'The project graphic does not exist: 404 when the URL names it, 422 when the body refers to '
      'it.', also=(422,)),
    E('GRAPHIC_TOO_LARGE', 422, 'Graphic too large', '… is … bytes; a project graphic may have at most ….'),
    E('GRAPHIC_TYPE_MISMATCH', 422, 'Graphic type mismatch',
      "The graphic's content is of another image format than its name's extension says; name it "
      'after its format.'),
    E('HEADLESS', 501, 'Headless',
      'A … browser dialog needs a desktop session on the server; this server runs headless. Send '
      'paths relative to the configured file roots instead (GET /api/settings shows fileRoots).'),
    E('HISTORY_DISABLED', 409, 'History disabled', 'Snapshot history is not enabled on this server.'),
    E('HISTORY_ENTRY_NOT_FOUND', 404, 'History entry not found', "'…' is not in the project history."),
    E('HMI_TAG_NOT_FOUND', 404, 'HMI tag not found', "The HMI tag(s) … were not found in '…'."),
    E('HOST_LOCKOUT', 422, 'Host lockout',
      'AllowedHosts must include …, the host this request came through, or this client would get '
      '421 on every request; … are always allowed.'),
    E('HOST_NOT_ALLOWED', 421, 'Host not allowed', 'Host … is not allowed; see settings.allowedHosts'),
    E('IDEMPOTENCY_KEY_IN_FLIGHT', 409, 'Idempotency key in flight',
      'The first request with Idempotency-Key … is still running: retry after it ends.'),
    E('IDEMPOTENCY_KEY_REUSED', 422, 'Idempotency key reused',
      'The Idempotency-Key was already used for a different request; send a new key.'),
    E('IDEMPOTENT_OUTCOME_UNKNOWN', 503, 'Idempotent outcome unknown',
      'The first request with this Idempotency-Key was interrupted (its server process stopped or '
      'its answer was lost) before its answer was stored: the call may or may not have run. Check '
      'its effect, then send a new key.'),
    E('IMAGE_NOT_FOUND', 404, 'Image not found', "No image is available for '…'."),
    E('IMPORT_FAILED', 422, 'Import failed', '… of … documents could not be imported; nothing was imported.'),
    E('IMPORT_REFUSED', 422, 'Import refused',
      "A document holds what TIA's import refuses (a network whose UId names two elements, a type that contains "
      "itself); details.files gives each document's findings, with the code and line the check reports; nothing "
      "was imported."),
    E('IMPORT_ROWS_INVALID', 422, 'Import rows invalid',
      '… problem(s) in the import; nothing was imported. First: row …, …: …'),
    E('INSTANCE_AMBIGUOUS', 409, 'Instance ambiguous',
      'No instance… is bound to the device "…" and several instances without an IP address exist '
      '(…). Name one with instanceName.'),
    E('INSTANCE_MISMATCH', 409, 'Instance mismatch',
      'The device "…" (…) is bound to the instance "…", which has its IP address, not to "…". Leave'
      ' instanceName out, or change the addresses.'),
    E('INSTANCE_NOT_FOUND', 404, 'Instance not found', "'…' has no instance of '…'."),
    E('INSTANCE_OFF', 409, 'Instance off',
      'The simulated PLC "…" is not powered on; power it on and download a program before serving '
      'it over OPC UA.'),
    E('INSTANCE_OF_MISSING', 422, 'Instance of missing',
      "The instance data block '…' refers to '…', which does not exist; import the function block "
      'first.'),
    E('INSTANCE_WRITE_PROTECTED', 409, 'Instance write protected',
      "'…' is an instance of the library type '…' …, which is released: the instance is write-"
      'protected. Edit the type first (POST /api/project/library/types/versions with action '
      "'edit'), change its test instance, then release it."),
    E('INSUFFICIENT_STORAGE', 507, 'Insufficient storage',
      'The disk (or the database) is full: nothing was written; `details.path` names where, when '
      'known. Free space and retry.'),
    E('INTERFACE_NOT_EDITABLE', 422, 'Interface not editable', "The interface of '…' (…) cannot be edited here"),
    E('INTERFACE_NOT_FOUND', 404, 'Interface not found', "The device '…' has no interface '…' (it has: …)."),
    E('INTERNAL_ERROR', 500, 'Internal error', 'An unexpected server error (a bug); the server log has the details.'),
    INTERNAL_TAG,
    E('INTERRUPTED', 503, 'Interrupted',
      'The API node stopped before this operation changed anything: it never ran (the job has no '
      'startedAt), it only reads, or only its read … completed; the rest of the operation never runs. '
      'Retry with a new Idempotency-Key. In a farm also a call of a job another API node took over '
      '(details.cause JOB_TAKEN_OVER: its own node was taken for lost): that call did not run.'),
    E('INTERVAL_REQUIRED', 422, 'Interval required', 'Aggregation=… needs an interval (seconds, or 15m, 8h...).'),
    E('INVALID_ACCESS_LEVEL', 422, 'Invalid access level',
      'Unknown access level …. Known: … (or full, read, hmi, none).'),
    E('INVALID_ACTION', 422, 'Invalid action',
      "The action the request names is not one of the route's actions; the message lists them."),
    E('INVALID_ADDRESS', 422, 'Invalid address',
      "The tag's logical address is not one TIA takes for its data type (area, byte and bit, "
      'width).'),
    E('INVALID_ALARM_DEFINITION', 422, 'Invalid alarm definition',
      'An alarm definition lacks a field its kind needs (discrete: tag; analog: tag and limit; '
      'program: source).'),
    E('INVALID_AML', 422, 'Invalid AML',
      'The AutomationML document cannot be imported; the message names the device and the reason.'),
    E('INVALID_BASE64', 400, 'Invalid base64', '… is not valid base64 (RFC 4648, with padding, no line breaks).'),
    E('INVALID_BRANCH_NAME', 422, 'Invalid branch name', "'…' is not a valid branch name."),
    E('INVALID_CONNECTION_DATA', 422, 'Invalid connection data',
      'ConnectionData must be JSON like [{"name":"jobhub"}]: …'),
    E('INVALID_CONNECTION_TOKEN', 422, 'Invalid connection token',
      'ConnectionToken is required (from /signalr/negotiate)'),
    E('INVALID_CONTINUATION_POINT', 422, 'Invalid continuation point',
      'ContinuationPoint names a tag the runtime no longer has (a new program was downloaded); '
      'start again without it'),
    E('INVALID_CREDENTIALS', 401, 'Invalid credentials', 'Wrong runtime user name or password.'),
    E('INVALID_DEVICE', 422, 'Invalid device', 'A station is restored under its own name; leave deviceName out.'),
    E('INVALID_FIELD', 422, 'Invalid field',
      'NewName renames a device pasted from a device master copy; objects keep their names.'),
    E('INVALID_FILTER', 422, 'Invalid filter', 'The Openness reference search filter is empty or too long.'),
    E('INVALID_FOLDER', 422, 'Invalid folder',
      "'…' is not a usable folder path: …. Choose other names (a path looks like 'Motors/Pumps')."),
    E('INVALID_HOST_HEADER', 400, 'Invalid host header', 'Host … is not a host name or address with an optional port'),
    E('INVALID_IDEMPOTENCY_KEY', 400, 'Invalid idempotency key', 'The Idempotency-Key header is empty or too long.'),
    E('INVALID_INTERVAL', 422, 'Invalid interval', 'Interval must be a positive number of seconds, or with s/m/h/d: …'),
    E('INVALID_IP_ADDRESS', 422, 'Invalid IP address', 'The IP address … is the network or broadcast address of ….'),
    E('INVALID_JSON', 400, 'Invalid JSON',
      'The request body is not valid UTF-8 at byte offset … (0x…); send JSON encoded as UTF-8.'),
    E('INVALID_KEY_NAME', 422, 'Invalid key name', 'A key name has at most … characters'),
    E('INVALID_MESSAGE', 422, 'Invalid message', 'The commit message is empty.'),
    E('INVALID_MESSAGE_ID', 422, 'Invalid message ID', 'MessageId must be the C value of the previous poll, not …'),
    E('INVALID_NAME', 422, 'Invalid name',
      "A name breaks TIA's naming rules for that kind of object (length, characters, blanks); the "
      'message names the rule.'),
    E('INVALID_OBJECT_NAME', 422, 'Invalid object name',
      'ObjectName names no object (a tag, DB member, block or type)'),
    E('INVALID_OPERAND', 422, 'Invalid operand',
      'Invalid operands (nothing was added; send allowInvalid=true to keep them as invalid '
      'entries):'),
    E('INVALID_PASSWORD', 422, 'Invalid password',
      'The password does not meet the password guideline: …..… characters with at least one letter '
      'and one digit.'),
    E('INVALID_PATH', 400, 'Invalid path',
      'A path is not acceptable: 400 when the request URL holds a control character, 422 when a '
      'library path in the body is not valid.', also=(422,)),
    E('INVALID_REMOTE_NAME', 422, 'Invalid remote name', "'…' is not a valid remote name."),
    E('INVALID_REVISION', 422, 'Invalid revision',
      'To needs from: give both revisions, or neither for the pending changes.'),
    E('INVALID_ROUTER_ADDRESS', 422, 'Invalid router address', 'The router address … must be another address in ….'),
    E('INVALID_RUNTIME_ROLE', 422, 'Invalid runtime role',
      'Unknown runtime role …; use read, write, alarmAck or admin'),
    E('INVALID_SIMATICML', 422, 'Invalid SimaticML',
      "The SimaticML (TIA's XML export format) document is not one TIA would import; the message "
      'names the element and the rule (an import of a file: details.files gives the finding at its line, as '
      '`simaticml check` reports it).'),
    E('INVALID_SPEC', 422, 'Invalid spec',
      'The description of the object to create or change is not valid; the message names the field '
      'and the rule.'),
    E('INVALID_SUBNET_MASK', 422, 'Invalid subnet mask',
      "'…' is not a valid subnet mask (it must be contiguous, like 255.255.255.0)."),
    E('INVALID_TAGS', 422, 'Invalid tags',
      'A tag history query names no tags, or more than it may (the message says the limit).'),
    E('INVALID_TAG_FILE', 422, 'Invalid tag file',
      'The tag file is not a CSV or Excel tag file this API reads; the message says why.'),
    E('INVALID_TIME', 422, 'Invalid time', 'A time is not an ISO 8601 date-time.'),
    E('INVALID_TIME_RANGE', 422, 'Invalid time range', "The time range's end (to) is not after its start (from)."),
    E('INVALID_TYPE_NAME', 422, 'Invalid type name', 'The Openness type name is empty, too long or not a type name.'),
    E('INVALID_UNIFIED_DOCUMENT', 422, 'Invalid unified document',
      'The WinCC Unified document has no part of the kind being imported (screens, tags, scripts, '
      '...).'),
    E('INVALID_USERNAME', 422, 'Invalid username', 'A runtime user name has 1..… printable characters without spaces'),
    E('INVALID_USER_NAME', 422, 'Invalid user name',
      'A user name has 1..… characters, no leading or trailing blanks and no control characters.'),
    E('INVALID_VALUE', 422, 'Invalid value', '…: a force needs a value of an elementary data type.'),
    E('INVALID_VCS_PATH', 422, 'Invalid VCS path',
      "'…' is not an object file of the repository (<Device>/<…>/.../<Name>.xml)."),
    E('INVALID_VERSION', 422, 'Invalid version',
      "'…' is not a type version; write it as major.minor.patch, e.g. 1.0.0."),
    E('INVALID_XML', 400, 'Invalid XML', 'The body is not XML this API reads: …'),
    E('IN_WORK_VERSION_EXISTS', 409, 'In work version exists',
      "'…' in '…' is the test instance of the in-work version …; release or discard it first."),
    E('JOB_FAILED', 500, 'Job failed',
      "An MCP tool's job failed without an error of its own; the message carries the job's."),
    E('JOB_FINISHED', 409, 'Job finished',
      'The job has already ended (completed, failed or canceled), so it cannot be canceled or '
      'changed.'),
    E('JOB_NOT_FOUND', 404, 'Job not found', 'No job with that ID.'),
    E('JSON_TOO_DEEP', 400, 'JSON too deep',
      'The request body nests arrays and objects more than … levels deep; flatten it.'),
    E('KEY_NOT_FOUND', 404, 'Key not found', 'No active API key with that ID.'),
    E('LAST_ADMIN_KEY', 409, 'Last admin key',
      '… is the last active admin key; create another admin key first (POST /api/security/keys or '
      'engineering-api keys create --role admin), then revoke this one'),
    E('LIBRARY_ALREADY_OPEN', 409, 'Library already open',
      "A global library named '…' is already open…; close it first."),
    E('LIBRARY_EXISTS', 409, 'Library exists', "The library folder '…' already exists."),
    E('LIBRARY_FILE_NOT_FOUND', 404, 'Library file not found', "The global library file '…' was not found."),
    E('LIBRARY_LOCKED', 423, 'Library locked', "The global library '…' is open …in another TIA Portal: …"),
    E('LIBRARY_NAME_REQUIRED', 422, 'Library name required',
      'Several global libraries are open (…): name one in libraryName.'),
    E('LIBRARY_NOT_FOUND', 404, 'Library not found', "No global library named '…' is open (open: …)."),
    E('LIBRARY_NOT_OPEN', 404, 'Library not open',
      'No global library is open: open one (POST /api/libraries/global/actions/open) or create one '
      '(POST /api/libraries/global).'),
    E('LIBRARY_READ_ONLY', 409, 'Library read only',
      "The global library '…' is open read-only; close it and open it with readOnly: false to "
      'change it.'),
    E('LIBRARY_TARGET', 422, 'Library target',
      "A global library cannot be created inside the folder of the open project '…'; choose another"
      ' directory.'),
    E('LIBRARY_TYPE_NOT_FOUND', 404, 'Library type not found',
      "The project library has no HMI type '…' (HMI types: …)"),
    E('LIBRARY_VERSION_MISMATCH', 422, 'Library version mismatch',
      "The library '…' is a TIA Portal … library; this portal is …. …"),
    E('LICENSE_NOT_FOUND', 409, 'License not found',
      "TIA Portal found no licence for this (LicenseNotFoundException); check the licence with the "
      "Automation License Manager, then repeat the request."),
    E('LOCAL_KEY_DISABLED', 404, 'Local key disabled',
      'The local key is off; an admin turns it on with PUT /api/settings/compatibility '
      '{"localKeyEnabled": true}'),
    E('LOCAL_KEY_LOOPBACK_ONLY', 403, 'Local key loopback only',
      'The local key is handed only to clients on this machine: …'),
    E('LOCKED', 423, 'Locked',
      'The object is locked by someone else (for example a project opened by another portal); '
      'nothing changed.'),
    E('LOGGING_NOT_CONFIGURED', 404, 'Logging not configured', 'The tag is not logged, so it has no history.'),
    E('MAPPING_INVALID', 422, 'Mapping invalid',
      '…: S7 address … is not one of DB1.DBX0.1, DB1.DBB0, DB1.DBW0, DB1.DBD0, M0.0, MW0, I0.0, '
      'QW0.'),
    E('MASTER_COPY_EXISTS', 409, 'Master copy exists', "The master copy '…' already exists in '…'."),
    E('MASTER_COPY_NOT_FOUND', 404, 'Master copy not found', "The master copy '…' was not found."),
    E('MASTER_SECRET_NEEDS_V17', 422, 'Master secret needs v17',
      'The master secret for confidential PLC configuration data exists from TIA Portal V17; this '
      'TIA Portal (…) or this CPU offers no PlcMasterSecretConfigurator.'),
    E('MASTER_SECRET_NOT_SET', 409, 'Master secret not set', "'…' has no master secret."),
    E('MASTER_SECRET_SET', 409, 'Master secret set', "'…' already has a master secret; use action 'change'."),
    E('MCP_SESSION_NOT_FOUND', 404, 'MCP session not found', 'No MCP session …; GET /mcp/sessions lists them'),
    E('MEMBER_EXISTS', 409, 'Member exists', "'…' already has a member '…'."),
    E('MEMBER_IN_USE', 409, 'Member in use', "'…' is still used in '…' (…); change the networks first."),
    E('MEMBER_NOT_FOUND', 404, 'Member not found', "'…' has no member '…'."),
    E('MERGE_CONFLICT', 409, 'Merge conflict',
      "Merging '…' into '…' conflicts in … object(s): …. Nothing was changed."),
    E('METHOD_NOT_ALLOWED', 405, 'Method not allowed', 'The route exists but does not take this HTTP method.'),
    E('METRICS_NOT_ALLOWED', 403, 'Metrics not allowed',
      'This client may not read /metrics; see the settings metricsClients and metricsRole '
      '(docs/operations.md)'),
    E('MISSING_FIELD', 422, 'Missing field',
      'A field the request needs for this action is missing; the message names it.'),
    E('MISSING_PRODUCTS', 409, 'Missing products',
      "The project uses TIA Portal products (options, hardware support packages) this installation lacks "
      "(MissingProductsException); install them, then open it again."),
    E('NAME_MISMATCH', 422, 'Name mismatch',
      "The document defines '…', not '…'; a UDT keeps its name when updated (rename it instead)."),
    E('NEWER_VERSION', 422, 'Newer version',
      '… was exported by TIA Portal …; a … project cannot import documents of a newer version.'),
    E('NOTHING_LOADED', 409, 'Nothing loaded',
      'The CPU "…" holds no program; download one first (POST /api/devices/…/actions/download-'
      'sync).'),
    E('NOTHING_TO_COMMIT', 409, 'Nothing to commit', 'Nothing to commit: the open project matches the last commit.'),
    E('NOTHING_TO_FORCE', 422, 'Nothing to force', "The force table '…' has no entry with a force value to force."),
    E('NOT_ACCEPTABLE', 406, 'Not acceptable',
      'The export wrote … files (a folder); they come as one zip: ask with Accept: application/zip '
      '(or download=true), or fetch each with GET /api/files?path=.'),
    NOT_ACCESSIBLE,
    E('NOT_AN_ARCHIVE', 422, 'Not an archive', "'…' is not a TIA Portal archive (.zap16 … .zap21)."),
    E('NOT_AN_ENUM', 422, 'Not an enum', 'The Openness type the request names is not an enumeration.'),
    E('NOT_AN_ETHERNET_INTERFACE', 422, 'Not an Ethernet interface',
      "'…' of '…' is a … interface; only PROFINET/Ethernet interfaces have an IP address."),
    E('NOT_AN_HMI', 422, 'Not an HMI',
      "The device '…' is not an HMI panel (no device item offers an HmiTarget or HmiSoftware); it "
      'has no screens, HMI tags or connections.'),
    E('NOT_A_BLOCK', 422, 'Not a block',
      '… holds a …, not a program block (PLC data types and tag tables have their own routes).'),
    E('NOT_A_CLASSIC_PANEL', 422, 'Not a classic panel',
      "'…' is a WinCC Unified panel: it runs JavaScript, not VB scripts, so it has no VB script "
      'types or instances of them.'),
    E('NOT_A_DATA_BLOCK', 422, 'Not a data block', "'…' is a …; only data blocks have start values."),
    E('NOT_A_DEVICE', 422, 'Not a device', '… (…) is a module; plug it into a device instead of adding it as one.'),
    E('NOT_A_FARM', 422, 'Not a farm',
      'EngineeringSession names a farm session; this server runs embedded, where every session '
      'shares the one portal. Leave it null.'),
    E('NOT_A_FOLDER', 422, 'Not a folder', "The folder '…' cannot be created: a file with that name is in the way."),
    E('NOT_A_LIBRARY', 422, 'Not a library', "'…' is not a TIA Portal global library file (.al16 … .al21)."),
    E('NOT_A_PLC', 422, 'Not a PLC',
      "The device '…' has no PLC software (no device item offers a SoftwareContainer with "
      'PlcSoftware); it is not a PLC.'),
    E('NOT_A_PROJECT', 422, 'Not a project', "'…' is not a TIA Portal project file (expected .ap17 … .ap21)."),
    E('NOT_A_REGULAR_FILE', 422, 'Not a regular file',
      'The target holds entries that are not regular files (a symbolic link or a submodule): …. '
      'They are never brought into the project; nothing was changed.'),
    E('NOT_A_TEST_RUN', 404, 'Not a test run', "The job '…' is not a test run."),
    E('NOT_A_UDT', 422, 'Not a UDT', '… holds a …, not a PLC data type.'),
    E('NOT_A_UNIFIED_PANEL', 422, 'Not a unified panel',
      "'…' is a classic (WinCC Comfort/Advanced/Basic) panel, not a Unified one; its screens, tags "
      'and connections are SimaticML documents (import and export them).'),
    E('NOT_COMPILABLE', 422, 'Not compilable', "No device item of '…' offers a hardware compile."),
    E('NOT_DOWNLOADED', 409, 'Not downloaded',
      'The data block "…" is not in the program of "…". Download the device first (POST '
      '/api/devices/…/actions/download-sync).'),
    E('NOT_FORCEABLE', 422, 'Not forceable',
      '… cannot be forced: an S7-1500 forces only inputs and outputs (%I…:P, %Q…:P and tags at '
      'those addresses).'),
    E('NOT_FOUND', 404, 'Not found',
      'The object the request names (project, device, block, job, key, ...) does not exist.'),
    E('NOT_IN_THIS_TIA_VERSION', 501, 'Not in this TIA version',
      'The operation needs an Openness member the attached TIA Portal version does not have; the '
      'message names it.'),
    E('NOT_MODELLED', 501, 'Not modelled',
      'The fake models no instances of … types (only of VB script types); use TIA Portal.'),
    E('NOT_ONLINE', 409, 'Not online',
      'Loading start values as actual values needs an online connection. The device "…" is offline.'
      ' Go online first (POST /api/devices/…/online).'),
    E('NOT_PROTECTABLE', 422, 'Not protectable', "'…' (…) is not an S7-1200/1500 CPU; it has no access levels."),
    E('NOT_SUPPORTED', 501, 'Not supported',
      'This backend cannot honestly perform the operation; the message says why.'),
    E('NOT_TYPEABLE', 422, 'Not typeable',
      "'…' is a screen of '…'. TIA makes a faceplate type from objects selected on a screen and "
      'puts a faceplate instance in their place; the fake does not model faceplates (the SimaticML '
      'of a faceplate instance is unknown to it). Types of a classic panel are made of its VB '
      'scripts here.'),
    E('NO_ASSISTANT_PROVIDER', 501, 'No assistant provider',
      'No AI provider is configured for the assistant; an admin sets one with PUT … ({provider: '
      'openai|anthropic, model, baseUrl, apiKey})'),
    E('NO_BOUND_INSTANCE', 404, 'No bound instance',
      'No simulation instance is bound to the device, so it cannot go online over PLCSIM; the '
      'message says how to bind one.'),
    E('NO_COMMITS', 409, 'No commits', 'The repository has no commit yet; commit before branching.'),
    E('NO_DESIGN_LOADED', 404, 'No design loaded',
      'No design specification is loaded; POST /api/design-spec/load first.'),
    E('NO_DISPLAY', 422, 'No display', "'…' (…) has no display; only S7-1500 CPUs have one."),
    E('NO_ENTRIES', 422, 'No entries', 'No operands were sent; name the entries to remove by their operands.'),
    E('NO_FREE_AGENT', 503, 'No free agent', 'No farm agent is free to run the call; retry later.'),
    E('NO_GENERATION_RUNNING', 404, 'No generation running',
      'The assistant is not answering any message of yours right now'),
    E('NO_INTERFACE', 422, 'No interface', "The device '…' has no PROFINET/Ethernet interface to give an IP address."),
    E('NO_IN_WORK_VERSION', 409, 'No in work version', "The type '…' has no in-work version."),
    E('NO_NETWORKS', 422, 'No networks', "'…' is a …; only OB, FB and FC have networks."),
    E('NO_OPENNESS_EQUIVALENT', 501, 'No openness equivalent',
      'TIA Openness has no call that does this, so the operation cannot be performed on a real '
      'portal; the message says which call is missing.'),
    NO_PARTNER,
    E('NO_PLCSIM_EQUIVALENT', 501, 'No PLCSIM equivalent',
      "PLCSIM Advanced's API has no equivalent: …. The fake backend's simulated CPUs serve it (the runtime "
      "API's samples and alarm events, snapshots of a CPU's state); against a real CPU the runtime API uses an "
      "OPC UA source."),
    E('NO_PLCSIM_ROUTE', 409, 'No PLCSIM route',
      "TIA offers no route to PLCSIM for '…' (mode …, PC interface PLCSIM): install PLCSIM Advanced"
      ' on the machine running TIA Portal.'),
    NO_PLC_TAG,
    E('NO_PORTAL_ATTACHED', 503, 'No portal attached',
      'No TIA Portal is attached. Launch one (POST /api/instance/actions/launch) or attach to a '
      'running one (POST /api/instance/actions/attach).'),
    E('NO_PREVIEW', 422, 'No preview', '… has no dry run: it is not a destructive operation.'),
    E('NO_PROJECT_LANGUAGE', 422, 'No project language', 'The project has no language to write the comment in.'),
    E('NO_PROJECT_OPEN', 409, 'No project open',
      'The operation needs an open project and none is open in the attached portal; open one first.'),
    E('NO_SCL_SOURCE', 422, 'No SCL source', "No SCL source for '…': …."),
    E('OBJECT_EXISTS', 409, 'Object exists',
      'An object of that name already exists in the target; rename or delete it first.'),
    E('OBJECT_NOT_FOUND', 404, 'Object not found', 'The object the request names does not exist in the open project.'),
    E('ONLINE_FAILED', 409, 'Online failed',
      'TIA could not go online with "…" (state …); the instance "…" did not answer at the device\'s '
      'address over PLCSIM.'),
    E('ONLINE_WITH_OTHER_INSTANCE', 409, 'Online with other instance',
      'The device "…" is online with the instance "…"; go offline (DELETE /api/devices/…/online) '
      'before using "…".'),
    E('OPCUA_SERVER_FAILED', 409, 'OPC UA server failed', 'The OPC UA server of … could not listen on …: …'),
    E('OPCUA_SERVER_NOT_FOUND', 404, 'OPC UA server not found', 'No OPC UA server runs for the simulated PLC "…".'),
    E('OPENNESS_ACCESS_DENIED', 403, 'Openness access denied',
      'TIA Openness refused access (EngineeringSecurityException): the user running the server is '
      'not in the Siemens TIA Openness group, or the object is protected.'),
    E('OPENNESS_CALLBACK_FAILED', 500, 'Openness callback failed',
      "An answer this service gave TIA Portal (a confirmation, a download or a credentials callback) failed "
      "(EngineeringDelegateInvocationException); the inner exception says why."),
    E('OPENNESS_ERROR', 500, 'Openness error',
      'TIA Openness raised an EngineeringException the bridge has no more specific code for.'),
    E('OPENNESS_NOT_SUPPORTED', 501, 'Openness not supported',
      'TIA Openness says the object does not support this (EngineeringNotSupportedException).'),
    E('OPENNESS_OBJECT_DISPOSED', 409, 'Openness object disposed',
      '… The object went away (closed or deleted in TIA Portal) and could not be found again.'),
    E('OPENNESS_OUT_OF_MEMORY', 503, 'Openness out of memory',
      "TIA Portal ran out of memory (EngineeringOutOfMemoryException); save, restart TIA Portal and split "
      "the operation. The session is kept."),
    E('OPENNESS_REFUSED', 500, 'Openness refused',
      'TIA Openness refused the call (EngineeringTargetInvocationException); the message carries '
      "TIA's reason."),
    E('OPENNESS_RUNTIME_ERROR', 500, 'Openness runtime error',
      'TIA Openness failed inside the portal (EngineeringRuntimeException).'),
    E('OPENNESS_USER_ABORTED', 409, 'Openness user aborted',
      "Someone canceled the operation in TIA Portal, a dialog or its progress window "
      "(EngineeringUserAbortException); repeat the request."),
    E('OPERAND_NOT_LOADED', 409, 'Operand not loaded',
      'A watch table operand is not in the program loaded into the simulated CPU; download the '
      'program first.'),
    E('OPERATION_NOT_FOUND', 404, 'Operation not found', 'Unknown operation …; GET /api/command/list lists them'),
    E('ORIGIN_NOT_ALLOWED', 403, 'Origin not allowed',
      "The request's Origin header is not one of the allowed origins (corsOrigins)."),
    E('OTHER_PROJECT', 409, 'Other project', "The snapshot belongs to the project '…', which is not the open project."),
    E('OUTCOME_UNKNOWN', 503, 'Outcome unknown',
      'The call was sent to an agent, or the change had started on an API node, but its outcome is '
      'not known (the agent, the broker or the node went away); check its effect before retrying.'),
    E('PASSWORDS_NOT_DISTINCT', 422, 'Passwords not distinct',
      'Two access levels cannot have the same password (nor the display password).'),
    E('PASSWORD_LEVEL_NOT_PROTECTED', 422, 'Password level not protected',
      "A password for '…' is not possible while the protection level is '…': TIA takes passwords "
      'only for the levels above the selected one (…).'),
    E('PASSWORD_NOT_SET', 404, 'Password not set', "'…' has no display password."),
    E('PASSWORD_OR_REMOVE', 422, 'Password or remove',
      'Send either "password" (to set it) or "remove": true (to remove it).'),
    E('PASSWORD_POLICY_SETTINGS_INVALID', 422, 'Password policy settings invalid',
      "TIA Portal refused the password policy settings (PasswordPolicySettingsException); correct them as "
      "its message says."),
    E('PASSWORD_POLICY_VIOLATION', 422, 'Password policy violation',
      "The password does not meet the project's password policy "
      "(EngineeringPasswordPolicyViolationException); choose one that does."),
    E('PASSWORD_REQUIRED', 422, 'Password required',
      "The protection level '…' needs a password for … (TIA requires the password of the "
      'unprotected row as soon as the CPU is protected).'),
    E('PATH_IS_A_FILE', 422, 'Path is a file',
      'A file stands where the path needs a folder (the path itself or one of its parents).'),
    E('PATH_OR_CONTENT_REQUIRED', 400, 'Path or content required',
      'Send … (a file inside the file roots) or the file itself as … (text) or … (binary).'),
    E('PATH_REJECTED', 422, 'Path rejected',
      'A file system path is not acceptable: outside the allowed roots, a file where a folder is '
      'needed, or the reverse.'),
    E('PERMISSION_DENIED', 403, 'Permission denied',
      'TIA refused access (Openness user group, firewall, a protected object); nothing changed.'),
    E('PIPELINES_LIMIT', 409, 'Pipelines limit', 'At most … pipelines can be stored; delete some first.'),
    E('PIPELINE_EXECUTION_NOT_FOUND', 404, 'Pipeline execution not found',
      'No pipeline execution with id "…" (the newest … are kept; GET /api/pipelines/executions '
      'lists them).'),
    E('PIPELINE_EXISTS', 409, 'Pipeline exists',
      'A pipeline named "…" already exists; send "overwrite": true to replace it.'),
    E('PIPELINE_FAILED', 409, 'Pipeline failed',
      'Pipeline "…" failed: … (GET /api/pipelines/executions/… shows every step).'),
    E('PIPELINE_INVALID', 422, 'Pipeline invalid',
      "Step '…' needs the … role, but a scheduled run has the engineer role; run this pipeline by "
      'hand instead.'),
    E('PIPELINE_NOT_FOUND', 404, 'Pipeline not found',
      'The pipeline "…" does not exist (GET /api/pipelines lists them).'),
    E('PIPELINE_REFERENCE', 422, 'Pipeline reference', "'${…}' has no value in this run."),
    E('PIPELINE_SCHEDULE_INVALID', 422, 'Pipeline schedule invalid',
      "Cron expression '…': … (five fields: minute hour day month day-of-week, e.g. '0 2 * * *')."),
    E('PIPELINE_STEP_INVALID', 422, 'Pipeline step invalid', 'Invalid parameters for …: …'),
    E('PIPELINE_STEP_TIMEOUT', 504, 'Pipeline step timeout', "Step '…' took longer than its … s timeout"),
    E('PIPELINE_STEP_VERDICT', 422, 'Pipeline step verdict',
      'The step ran, but its result fails the verdict the pipeline asks of it.'),
    E('PIPELINE_STORE_UNAVAILABLE', 409, 'Pipeline store unavailable',
      'This server keeps no state; pipelines cannot be stored.'),
    E('PIPELINE_TEMPLATE_NOT_FOUND', 404, 'Pipeline template not found',
      "No pipeline template '…' (GET /api/pipelines/templates lists them: …)."),
    E('PIPELINE_VARIABLE_MISSING', 422, 'Pipeline variable missing',
      'The pipeline "…" needs a value for …: pass {"variables": {"…": ...}} to the run, or save the'
      ' pipeline with a default.'),
    E('PIPELINE_VARIABLE_UNKNOWN', 422, 'Pipeline variable unknown',
      'The pipeline "…" declares no variable … (it has: …).'),
    PLC_NOT_SIMULATED,
    E('PORTAL_CONNECTION_LOST', 503, 'Portal connection lost',
      '… The connection to TIA Portal was lost; the session will attach again on the next request.'),
    E('PORTAL_NOT_FOUND', 404, 'Portal not found', 'No TIA Portal process with pid … is running.'),
    E('PORTAL_SESSION_ENDED', 503, 'Portal session ended',
      'TIA Portal (pid …) ended this Openness session (TiaPortal.Disposed: the portal was closed). Launch a'
      ' portal or attach to a running one, then open the project again.'),
    E('PORTAL_UNAVAILABLE', 503, 'Portal unavailable',
      'No TIA Portal is attached, or it stopped answering; retry when a portal is attached.'),
    E('PRODIAG_NOT_AVAILABLE', 501, 'ProDiag not available',
      'ProDiag export needs the ProDiag option and supervisions defined on the block; this project '
      'model has neither, so there is nothing to export.'),
    E('PROGRAM_NOT_IN_PROJECT', 409, 'Program not in project',
      'The program in "…" was downloaded from "…", which is no PLC of the open project; the '
      "released tags are read from that PLC's flags in its project. Open the project it was "
      'downloaded from.'),
    E('PROJECT_ALREADY_OPEN', 409, 'Project already open',
      "Project '…' is already open; TIA Portal can have only one project open. Close it first."),
    E('PROJECT_CLOSING', 503, 'Project closing',
      'Your project on farm agent … is being closed after a call whose outcome is unknown (its '
      'unsaved changes are lost, as when TIA closes it). Retry in a moment, then open it again.'),
    E('PROJECT_CREDENTIALS_REFUSED', 403, 'Project credentials refused',
      "TIA Portal refused the credentials of the … user '…' for the protected project '…' (wrong "
      'user, password or user type).'),
    E('PROJECT_CREDENTIALS_REQUIRED', 403, 'Project credentials required',
      "The project '…' is protected (UMAC): opening it needs the name and password of a user who "
      'may open it. Send "credentials": {"user": ..., "password": ..., "userType": "Project" | '
      '"Global"}, or store them on the server (PUT /api/projects/credentials, admin).'),
    E('PROJECT_DAMAGED', 422, 'Project damaged',
      "'…' cannot be opened: it is not a project of this model or it is damaged (…)."),
    E('PROJECT_EXISTS', 409, 'Project exists', "The project folder '…' already exists."),
    E('PROJECT_HELD', 409, 'Project held',
      'A farm agent did not open the project: it is open on another agent in another session (agents lock the '
      'project file they hold); it was closed here again without changes. Retry once that session has closed it.'),
    E('PROJECT_LOCKED', 423, 'Project locked',
      "The project '…' is already opened by another TIA Portal instance (pid …)."),
    E('PROJECT_NEEDS_REOPEN', 409, 'Project needs reopen',
      'Cannot …: … The open project is not in a known state; close it without saving and open it '
      'again (it is then as it was at its last save).'),
    E('PROJECT_NOT_FOUND', 404, 'Project not found', "The project file '…' was not found."),
    E('PROJECT_UPGRADE_REQUIRED', 409, 'Project upgrade required',
      "'…' holds a TIA Portal … project; TIA Portal … opens it only by upgrading it to …, which "
      'cannot be undone (the … project stays as it was). Send "upgrade": true to upgrade and open '
      'it.'),
    E('PROJECT_VERSION_MISMATCH', 422, 'Project version mismatch',
      "'…' holds a TIA Portal … project; TIA Portal … cannot open a newer project. Open it with TIA"
      ' Portal ….'),
    E('PROMPT_NOT_SUPPORTED', 501, 'Prompt not supported',
      "This route generates from a JSON block spec ('spec') or a template ('template', see GET "
      '/api/blockgeneration/templates), not from prose. To start from a description, ask the '
      'assistant (POST /api/assistant/chat) or an MCP client: it writes the spec and calls this '
      'route.'),
    E('PULL_MAPPING_FAILED', 422, 'Pull mapping failed',
      "The document posted to a pull's webhook does not fit its mapping (a field missing, a value not of its "
      "tag's type or range, not JSON or XML); nothing was written, details.failedFields names each field."),
    E('PULL_MAPPING_INVALID', 422, 'Pull mapping invalid',
      "A pull's mapping cannot be written: a field path that is not one (names, @attributes, [index]), a tag "
      "named twice, or a tag that is unknown, read-only or of a type a pull does not write; nothing was saved."),
    E('PULL_NAME_TAKEN', 422, 'Pull name taken', 'Another pull already has this name; pick another.'),
    E('PULL_NEEDS_MERGE', 409, 'Pull needs merge',
      "'…' and '…/…' have diverged; merge '…/…' (POST /api/source-control/merge)."),
    E('PULL_NOT_FOUND', 404, 'Pull not found',
      'No pull has this id (or, on the webhook, none with this id accepts a webhook).'),
    E('PULL_SOURCE_INVALID', 422, 'Pull source invalid',
      "A pull's source cannot be fetched as given: not an http(s) URL, credentials in the URL, a header the pull "
      "sets itself, auth without its parts, or no source on a pull that fetches; nothing was saved."),
    E('PUSH_DELIVERY_NOT_FOUND', 404, 'Push delivery not found', 'The push has no delivery for that period.'),
    E('PUSH_NAME_TAKEN', 422, 'Push name taken', 'Another push already has that name.'),
    E('PUSH_NOT_FOUND', 404, 'Push not found', 'No push definition with that ID.'),
    E('PUSH_PERIOD_INVALID', 422, 'Push period invalid', 'PeriodEnd is in the future; that period has not ended.'),
    E('PUSH_REJECTED', 409, 'Push rejected',
      "The remote '…' has commits on '…' that this repository lacks; pull first."),
    E('PUSH_SCHEDULE_INVALID', 422, 'Push schedule invalid',
      'The push schedule is not valid; the message names the field.'),
    E('PUSH_TAG_UNKNOWN', 404, 'Push tag unknown',
      'A tag a push names is unknown or not released to the runtime: 404 when the URL names it, 422'
      ' when the body refers to it.', also=(422,)),
    E('PUSH_TARGET_INVALID', 422, 'Push target invalid',
      'Header auth needs a headerName that is neither set by the push (Authorization aside) nor in '
      'target.headers.'),
    E('PUSH_TEMPLATE_INVALID', 422, 'Push template invalid',
      'The push body template is not valid; the message names the problem.'),
    E('PUSH_VALUE_UNKNOWN', 422, 'Push value unknown',
      'Value(…) at …: the tag is not logged, so its value at the end of this past period is unknown'
      ' (log it: PUT /api/runtime/history/settings).'),
    E('RATE_LIMITED', 429, 'Rate limited',
      "The key's rate limit is exceeded; Retry-After and X-RateLimit-Reset say when to retry."),
    E('RECURSIVE_TYPE', 422, 'Recursive type', "'…' would contain itself (…); TIA refuses recursive data types."),
    E('REMOTE_EXISTS', 409, 'Remote exists', "The remote '…' already exists."),
    E('REMOTE_NOT_A_REPOSITORY', 422, 'Remote not a repository',
      "'…' is not a git repository (create one with 'git init --bare')."),
    E('REMOTE_NOT_FOUND', 404, 'Remote not found', "The remote '…' was not found."),
    E('REMOTE_NOT_LOCAL', 422, 'Remote not local',
      "'…' is not a local path: remotes must be git repositories inside the server's file roots."),
    E('REPOSITORY_LOCKED', 409, 'Repository locked',
      "The project's repository is being written by another process (its lock file … is held); "
      'retry when that process is done.'),
    E('ROLE_NOT_FOUND', 422, 'Role not found', "The role '…' does not exist. Roles: …."),
    E('ROLLBACK_FAILED', 409, 'Rollback failed',
      'The change failed (…: …), and putting the project back failed too: …. The project is marked '
      'as needing a reopen: close it without saving and open it again; saving it is refused until '
      'then.'),
    E('ROUTE_NOT_FOUND', 404, 'Route not found', 'No route answers this path.'),
    E('RUNTIME_FAULT', 500, 'Runtime fault',
      'The PLC runtime failed to answer (a fault of the runtime, not of the request).'),
    E('RUNTIME_NOT_RUNNING', 503, 'Runtime not running',
      'No PLC runtime is running (no simulated PLC is powered on with a program).'),
    E('RUNTIME_PLC_AMBIGUOUS', 409, 'Runtime PLC ambiguous',
      'Several simulated PLCs are powered on (…); connect the one the runtime serves (POST '
      '/api/simulation/connect).'),
    E('RUNTIME_SOURCE_UNAVAILABLE', 501, 'Runtime source unavailable',
      "The runtime API reads this server's simulated PLCs, and this backend has no simulated PLC "
      'engine.'),
    E('RUNTIME_USER_EXISTS', 409, 'Runtime user exists', 'A runtime user of that name already exists.'),
    E('RUNTIME_USER_NOT_FOUND', 404, 'Runtime user not found', 'No runtime user with that ID.'),
    E('SCHEMA_MIGRATION_FAILED', 500, 'Schema migration failed',
      'The database schema could not be brought to this version; nothing was served from it.'),
    E('SCHEMA_NEWER_THAN_BUILD', 500, 'Schema newer than build',
      'The database was upgraded by a newer release than this one; nothing was changed. Run that release or a '
      'newer one.'),
    E('SCL_SYNTAX_ERROR', 422, 'SCL syntax error',
      "The SCL source sent for generation does not parse; the message gives the first error's "
      'block, line and column.'),
    E('SCREEN_EXISTS', 409, 'Screen exists',
      "A screen of that name exists in the HMI device; send overwrite=true to replace it (TIA's "
      'ImportOptions.Override).'),
    E('SCREEN_NOT_FOUND', 404, 'Screen not found', "The screen '…' was not found in '…'."),
    E('SCREEN_NOT_RENDERABLE', 422, 'Screen not renderable', "The screen '…' cannot be drawn: …."),
    E('SCREEN_NUMBER_NOT_UNIQUE', 422, 'Screen number not unique',
      "The screen number '…' for screen '…' is not unique for this device (the screen '…' has it)."),
    E('SCREEN_SIZE_MISMATCH', 422, 'Screen size mismatch',
      "The screen '…' is …x…; this panel's screens are …x…. A screen is imported only into a device"
      ' of its size.'),
    E('SCRIPT_EXISTS', 409, 'Script exists',
      "A VB script of that name exists in the HMI device; send overwrite=true to replace it (TIA's "
      'ImportOptions.Override).'),
    E('SCRIPT_NOT_FOUND', 404, 'Script not found', "The script module '…' was not found in '…'."),
    E('SECTION_NOT_FOUND', 404, 'Section not found', 'No documentation section of that name.'),
    E('SERVICE_UNAVAILABLE', 503, 'Service unavailable',
      'The service cannot answer now (starting, stopping, or a participant it needs is down); retry'
      ' later.'),
    E('SETTING_FROM_ENVIRONMENT', 409, 'Setting from environment',
      "… is set by the server's environment (ENGINEERING_API_…), which wins over saved settings; "
      'change it there and restart the server.'),
    E('SETTING_NOT_CHANGEABLE', 422, 'Setting not changeable', 'Nothing was saved: …. Changeable: ….'),
    E('SHUTDOWN_NOT_SUPPORTED', 501, 'Shutdown not supported',
      "This server cannot stop itself: it was not started by 'engineering-api serve' (or an ASGI "
      'server through engineering_api.asgi:create) on a POSIX system; stop it where it was started.'),
    E('SIGNALR_CONNECTION_NOT_FOUND', 404, 'Signalr connection not found',
      'No such SignalR connection (aborted, or expired because it was not polled); negotiate again'),
    E('SIMATICML_VERSION_NOT_SUPPORTED', 422, 'SimaticML version not supported',
      "The document was exported by a TIA Portal version this one cannot import "
      "(SimaticMLVersionNotSupportedException); use an export of this version or an older one it reads."),
    E('SIMULATION_ERROR', 409, 'Simulation error',
      'The simulated PLC refused the call with an error this API has no more specific code for; the'
      ' message carries its reason.'),
    SIMULATION_FAILED,
    E('SIMULATION_SUPPORT_DISABLED', 409, 'Simulation support disabled',
      'The project "…" does not support simulation, so it cannot be downloaded to PLCSIM. Enable '
      '"Support simulation during block compilation" in the project properties (POST '
      '/api/projects/actions/simulation-support {"enabled": true}) and download again.'),
    SIMULATION_UNAVAILABLE,
    E('SIM_BAD_STEP', 422, 'Simulation bad step', 'Give either a number of cycles or a time in milliseconds.'),
    E('SIM_BATCH_SIZE', 422, 'Simulation batch size', 'A batch holds 1..… tags (got …).'),
    E('SIM_COMMUNICATION_INTERFACE', 409, 'Simulation communication interface',
      "PLCSIM Advanced's communication interface is wrong or not available for the instance "
      '(WrongCommunicationInterface, CommunicationInterfaceNotAvailable).'),
    E('SIM_CPU_TYPE_READ_ONLY', 422, 'Simulation CPU type read only',
      'The CPU type of "…" is … and cannot be changed; create a new instance for another CPU type.'),
    E('SIM_ENGINE_UNAVAILABLE', 501, 'Simulation engine unavailable',
      'PLCSIM Advanced is not installed on this machine (no '
      'Siemens.Simatic.Simulation.Runtime.Api.x64.dll under '
      "HKLM\\SOFTWARE\\Wow6432Node\\Siemens\\Shared Tools\\PLCSIMADV_SimRT 'Path'\\API\\<version>), so "
      'there is no virtual PLC to create or drive. Install S7-PLCSIM Advanced and restart the '
      'service.'),
    E('SIM_FREE_RUNNING', 409, 'Simulation free running',
      'The instance "…" runs freely (operating mode Default). Set the operating mode to SingleStep '
      'or TimespanSynchronized to step virtual time.'),
    E('SIM_INSTANCES_RUNNING', 409, 'Simulation instances running',
      'Power off every instance before changing the network mode (… are on).'),
    E('SIM_INSTANCE_EXISTS', 409, 'Simulation instance exists', 'An instance named "…" already exists.'),
    E('SIM_INSTANCE_LIMIT', 409, 'Simulation instance limit', 'PLCSIM Advanced runs at most … instances.'),
    E('SIM_INSTANCE_NOT_FOUND', 404, 'Simulation instance not found', 'The simulation instance "…" does not exist.'),
    E('SIM_INSTANCE_NOT_OFF', 409, 'Simulation instance not off',
      'The instance "…" is …; power it off before deleting it.'),
    E('SIM_INVALID_ARGUMENT', 422, 'Simulation invalid argument',
      'An argument of a simulation call is not valid (instance name, address, value, range); the '
      'message names it.'),
    E('SIM_INVALID_OPERATING_STATE', 409, 'Simulation invalid operating state',
      'The PLCSIM Advanced instance is in an operating state that does not allow the call '
      '(InvalidOperatingState).'),
    E('SIM_IP_IN_USE', 409, 'Simulation IP in use', 'Two interfaces cannot have the same IP address.'),
    E('SIM_LEGACY_NOT_SUPPORTED', 501, 'Simulation legacy not supported',
      'Legacy S7-PLCSIM projects (.plc, S7-300/400) cannot be imported: PLCSIM Advanced simulates '
      'only S7-1500 and ET 200SP CPUs and its API (SimulationRuntimeManager, IInstance) has no call'
      ' that reads a legacy PLCSIM project; it only restores its own archives '
      '(IInstance.RetrieveStorage). Create an instance (or apply a profile) and download the '
      'program from the TIA project instead.'),
    E('SIM_NOT_CONNECTED', 409, 'Simulation not connected',
      'No simulation instance is connected (POST /api/simulation/connect).'),
    E('SIM_NO_LICENSE', 409, 'Simulation no license',
      'No PLCSIM Advanced license is available (LicenseNotFound, NoLicenseAvailable).'),
    E('SIM_PROFILE_EXISTS', 409, 'Simulation profile exists',
      'The profile "…" exists; send overwrite=true to replace it.'),
    E('SIM_PROFILE_INVALID', 422, 'Simulation profile invalid', 'The profile "…" is damaged (…); save it again.'),
    E('SIM_PROFILE_NOT_FOUND', 404, 'Simulation profile not found', 'No simulation profile of that name.'),
    E('SIM_RUNTIME_STOPPED', 409, 'Simulation runtime stopped',
      'The PLCSIM Advanced Runtime Manager is not running and its API cannot start it: start '
      'S7-PLCSIM Advanced on this machine, then retry.'),
    E('SIM_SNAPSHOT_CPU_RUNNING', 409, 'Simulation snapshot CPU running',
      'The CPU of the instance is in RUN, so a snapshot is not restored onto it (PLCSIM Advanced restores a memory '
      'card only onto a powered-off instance). Stop it first (POST …/stop with {"confirm": true}), then restore: '
      "the CPU goes back to the snapshot's operating state."),
    E('SIM_SNAPSHOT_EXISTS', 409, 'Simulation snapshot exists',
      'The instance already has a snapshot of that name (names are case-insensitive). Delete it first, or take the '
      'snapshot under another name.'),
    E('SIM_SNAPSHOT_LIMIT', 409, 'Simulation snapshot limit', 'The instance keeps at most … snapshots. Delete one '
      'first.'),
    E('SIM_SNAPSHOT_NAME_INVALID', 422, 'Simulation snapshot name invalid',
      '"…" is not a valid snapshot name: use 1 to 64 letters, digits, _ - . and inner blanks, starting with a '
      'letter, a digit or _.'),
    E('SIM_SNAPSHOT_NOT_FOUND', 404, 'Simulation snapshot not found',
      'The instance has no snapshot of that name. List its snapshots (GET …/snapshots).'),
    E('SIM_SNAPSHOT_PROGRAM_CHANGED', 409, 'Simulation snapshot program changed',
      'Another program was downloaded to the instance since the snapshot was taken, so its data blocks may not '
      'fit. Download the program it was taken with, or take a new snapshot.'),
    E('SIM_TAG_LIST_NOT_UP_TO_DATE', 409, 'Simulation tag list not up to date',
      'The tag list of "…" is out of date after a download. Refresh it (POST '
      '/api/simulation/tags/refresh) or connect again.'),
    E('SIM_TAG_NOT_FOUND', 404, 'Simulation tag not found',
      'The simulated PLC has no tag of that name (DoesNotExist): list its tags, or download the '
      'program that declares it.'),
    E('SIM_TAG_NOT_SUPPORTED', 422, 'Simulation tag not supported',
      "The simulated PLC cannot read or write this tag's data type (NotSupported)."),
    E('SIM_TAG_TYPE_MISMATCH', 422, 'Simulation tag type mismatch',
      "The value's type does not match the tag's data type (TypeMismatch)."),
    E('SIM_TIMEOUT', 409, 'Simulation timeout',
      'The simulation instance did not reach the wanted state within the time limit.'),
    E('SNAPSHOT_MISMATCH', 422, 'Snapshot mismatch', "The snapshot '…' is of … '…' on '…', not of '…'."),
    E('SNAPSHOT_NOT_FOUND', 404, 'Snapshot not found', "There is no snapshot of '…' on '…'."),
    E('SOURCE_EXISTS', 409, 'Source exists', "The external source '…' already exists."),
    E('SOURCE_NOT_FOUND', 404, 'Source not found', "The external source '…' was not found."),
    E('STALE_AGENT_INSTANCE', 503, 'Stale agent instance',
      'A farm call was addressed to an earlier run of its agent, which was lost (the agent restarted); it was not '
      'run. As with AGENT_LOST, the project that run held is gone: open it again (as at its last save).'),
    E('STALE_FENCING_TOKEN', 409, 'Stale fencing token',
      'A farm call came from a session that no longer holds the project on its agent (its ownership ended, or '
      'another session holds the project there); it was not run. Open the project again.'),
    E('STOP_NOT_CONFIRMED', 409, 'Stop not confirmed',
      'The CPU "…" is in RUN; … halts the process it controls. Send {"confirm": true} to go ahead.'),
    E('SUBSCRIPTION_NOT_FOUND', 404, 'Subscription not found', 'No subscription … of this user.'),
    E('SYSTEM_CONSTANT_READ_ONLY', 422, 'System constant read only',
      "'…' is a system constant; system constants are read-only."),
    E('TABLE_EXISTS', 409, 'Table exists', "A … named '…' already exists."),
    E('TABLE_KIND_MISMATCH', 409, 'Table kind mismatch',
      'A watch table cannot be replaced by a force table, nor the reverse.'),
    E('TAG_EXISTS', 409, 'Tag exists',
      "The tag '…' exists in the tag table '…' of '…' (HMI tag names are unique in the device)."),
    E('TAG_NAME_TAKEN', 422, 'Tag name taken', 'The runtime tag … is mapped twice.'),
    E('TAG_NOT_FORCEABLE', 422, 'Tag not forceable',
      'The tag cannot be forced: an S7-1500 forces only inputs and outputs (peripheral %I…:P, '
      '%Q…:P).'),
    E('TAG_NOT_FOUND', 404, 'Tag not found',
      'The tag does not exist in the named tag table or PLC: 404 when the URL names it, 422 when '
      'the body refers to it.', also=(422,)),
    E('TAG_NOT_WRITABLE', 403, 'Tag not writable',
      'The tag is released read-only (not writable from HMI/OPC UA/Web API), or the PLC refused the'
      ' write.'),
    E('TAG_TABLE_EXISTS', 409, 'Tag table exists', "The tag table '…' already exists."),
    E('TAG_TABLE_NOT_FOUND', 404, 'Tag table not found', "The tag table '…' was not found in '…'."),
    E('TEMPLATE_NOT_FOUND', 404, 'Template not found', "No template '…' (templates: …)."),
    E('TESTS_LIMIT', 409, 'Tests limit', 'At most … test cases can be stored; delete some first.'),
    E('TESTS_NOT_FOUND', 404, 'Tests not found',
      'No test case is declared for the device "…"; create cases with "deviceName": "…" (POST '
      '/api/testharness/tests).'),
    E('TEST_CASE_INVALID', 422, 'Test case invalid',
      'Test case "…" asserts nothing: add at least one expect (or assert) to "steps" (a case '
      'without assertions would always pass).'),
    E('TEST_EXISTS', 409, 'Test exists', 'A test case named "…" already exists; send "overwrite": true to replace it.'),
    E('TEST_INSTANCE_MISSING', 409, 'Test instance missing',
      "The in-work version … of '…' has no test instance; discard the version."),
    E('TEST_NAME_INVALID', 422, 'Test name invalid',
      '"…" is not a valid test case name: use letters, digits, "_", "-", "." and spaces (at most '
      '100), starting with a letter, digit or "_".'),
    E('TEST_NOT_FOUND', 404, 'Test not found',
      'The test case "…"… does not exist (GET /api/testharness/tests lists them).'),
    E('TEST_RUN_NOT_FOUND', 404, 'Test run not found', 'No test run with id "…" (only the last … runs are kept).'),
    E('TEST_STORE_UNAVAILABLE', 409, 'Test store unavailable',
      'This server keeps no state; test cases cannot be stored.'),
    E('TEXT_LIST_EXISTS', 409, 'Text list exists',
      "A text list of that name exists in the HMI device; send overwrite=true to replace it (TIA's "
      'ImportOptions.Override).'),
    E('TEXT_LIST_NOT_FOUND', 404, 'Text list not found', 'The HMI device has no text list of that name.'),
    E('TIMEOUT', 504, 'Timeout',
      'A backend call exceeded its time limit; whether it took effect is stated in the message when'
      ' known.'),
    E('TLS_NOT_TRUSTED', 409, 'TLS not trusted',
      "The PLC of '…' presents a TLS certificate (…) that was not trusted, so TIA did not connect. "
      'Send "trustTls": true to trust it (or set the server setting trust_plc_certificates).'),
    E('TOO_MANY_FAILED_AUTHENTICATIONS', 429, 'Too many failed authentications',
      'More than … failed authentications a minute from this address; retry after … s with a valid '
      'X-API-Key'),
    E('TOO_MANY_LOGIN_FAILURES', 429, 'Too many login failures',
      'Too many failed logins from this client; Retry-After says when to try again.'),
    E('TOO_MANY_POINTS', 422, 'Too many points', 'More than … intervals; choose a longer interval or a shorter range.'),
    E('TOO_MANY_ROLES', 422, 'Too many roles', 'A project user would have more roles than TIA allows.'),
    E('TOO_MANY_USERS', 422, 'Too many users', 'A project has at most … users besides Anonymous.'),
    E('TRANSPORT_NOT_SUPPORTED', 422, 'Transport not supported',
      'Transport … is not offered; this server speaks longPolling only'),
    E('TYPE_EXISTS', 409, 'Type exists', "The library already has a type '…'."),
    E('TYPE_HAS_INSTANCES', 409, 'Type has instances',
      "The type '…' has instances in the project: …. Delete them first."),
    E('TYPE_INCONSISTENT', 422, 'Type inconsistent',
      "The test instance '…' in '…' is inconsistent; compile it before releasing."),
    E('TYPE_IN_USE', 409, 'Type in use', "The PLC data type '…' is used by …; delete those first or pass force=true."),
    E('TYPE_IS_DEPENDENCY', 409, 'Type is dependency', "The types … use '…'; delete them first."),
    E('TYPE_MISMATCH', 422, 'Type mismatch', "The value does not fit the tag's data type (type or range)."),
    E('TYPE_NOT_FOUND', 404, 'Type not found', "No Openness type is named '…' in the loaded assemblies.…"),
    E('TYPE_VERSION_CONFLICT', 409, 'Type version conflict',
      "The target library's type '…' has another version …; a released version never changes."),
    E('UDT_NOT_FOUND', 404, 'UDT not found', "The PLC data type '…' was not found."),
    E('UMAC_NEEDS_V18', 422, 'Umac needs v18',
      'Project user management through Openness (UmacConfigurator) needs a TIA Portal with '
      'Siemens.Engineering.Umac (V17 or newer); this is ….'),
    E('UNAUTHORIZED', 401, 'Unauthorized', 'A valid X-API-Key header is required (missing, unknown or revoked key).'),
    E('UNCOMMITTED_CHANGES', 409, 'Uncommitted changes',
      'The open project has … change(s) not committed; commit them first.'),
    E('UNIFIED_NOT_SUPPORTED', 501, 'Unified not supported',
      "'…' is a WinCC Unified panel (…). Unified objects have no SimaticML in Openness (they are an"
      ' object model, served by the Unified routes and documents).'),
    E('UNKNOWN_DATA_TYPE', 422, 'Unknown data type',
      'The data type is neither an elementary TIA type nor a PLC data type (UDT) of the PLC.'),
    E('UNKNOWN_FIRMWARE', 422, 'Unknown firmware', '… has no firmware … in the hardware catalog (known: …).'),
    E('UNKNOWN_HUB', 422, 'Unknown hub', 'Hub … could not be resolved; this server has …'),
    E('UNKNOWN_PORT_METHOD', 500, 'Unknown port method',
      'A farm agent was asked to run a method its backend does not have (an API node and an agent of different '
      'versions); it was not run. Run the same version on the API nodes and the agents.'),
    E('UNKNOWN_TOOL', 404, 'Unknown tool', 'The MCP tool name is not known; find_tools searches the tools.'),
    E('UNSAVED_CHANGES', 409, 'Unsaved changes',
      'The project has unsaved changes and TIA Portal archives only a saved project, so '
      'allowUnsaved cannot be honoured here: send saveFirst: true (or save with POST '
      '/api/projects/actions/save) and archive again.'),
    E('UNSTORABLE_CHARACTER', 422, 'Unstorable character',
      'A text of the request (details.field) holds a character XML 1.0 cannot carry (details.character, such as'
      ' U+000B, the vertical tab Word and spreadsheets put for a line break in a cell); TIA stores a project\'s'
      ' texts as XML, so nothing was changed. Remove the character or use a line break.'),
    E('UNSUPPORTED_GRAPHIC', 422, 'Unsupported graphic',
      'The graphic is not one TIA takes as a project graphic (its format or content); the message '
      'says why.'),
    E('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type',
      "The request body's Content-Type is not one this route reads."),
    E('UNSUPPORTED_OBJECT', 422, 'Unsupported object',
      "…: '…' documents cannot be imported as program objects (blocks, PLC data types, tag tables)."),
    E('UPGRADE_NOT_SIMULATED', 501, 'Upgrade not simulated',
      "'…' holds a TIA Portal … project; the simulated TIA Portal … cannot upgrade projects (a real"
      ' TIA Portal does, with Projects.OpenWithUpgrade). Upgrade it in TIA Portal, or use the '
      'openness backend.'),
    E('UPLOAD_APPLY_FAILED', 422, 'Upload apply failed',
      "The uploaded object '…' cannot replace the offline one: … Nothing was changed."),
    E('USER_EXISTS', 409, 'User exists', "The project user '…' exists."),
    E('VALIDATION_FAILED', 422, 'Validation failed',
      "The input breaks a rule (TIA's or the API's): a field's value, format or combination is not "
      'accepted; the message names the field and the rule, and nothing changed.'),
    E('VCS_NOT_INITIALIZED', 409, 'VCS not initialized',
      'Source control is not initialized for the open project; call POST /api/source-control/init '
      'first.'),
    E('VERSION_CANNOT_EXPRESS', 422, 'Version cannot express',
      "The object uses something the project's TIA version cannot store; the message says what."),
    E('VERSION_IN_WORK', 422, 'Version in work',
      'The library type version is in work (not released), and the operation needs a released '
      'version.'),
    E('VERSION_NOT_FOUND', 404, 'Version not found', "The type '…' has no version … (it has …)."),
    E('VERSION_NOT_INSTALLED', 422, 'Version not installed', 'TIA Portal … is not installed (installed: …).'),
    E('VERSION_NOT_LOADED', 422, 'Version not loaded',
      'This service loaded the Openness API of TIA Portal …; launching … needs the service '
      'restarted for that version.'),
    E('WATCH_TABLE_NOT_FOUND', 404, 'Watch table not found',
      'The PLC has no watch table of that name (a force table of that name does not count).'),
    E('WEAK_PASSWORD', 422, 'Weak password', 'A runtime password has …..… characters'),
    E('WHITELIST_NOT_ELEVATED', 403, 'Whitelist not elevated',
      'Writing HKLM\\… was refused: whitelisting needs the service to run elevated (as '
      'administrator), or an administrator adds the entry once.'),
    E('WRONG_PASSWORD', 403, 'Wrong password', 'TIA refused the current master secret password.'),
    E('WRONG_TABLE_KIND', 422, 'Wrong table kind',
      'The operand belongs in a watch table of another kind (watch table or force table) than the '
      "entry's."),
    E('XLSX_REFUSED', 422, 'XLSX refused',
      'The Excel file was refused unopened as unsafe (a DTD, or too large, too compressed or too '
      'many members when unpacked); nothing was imported.'),
)
