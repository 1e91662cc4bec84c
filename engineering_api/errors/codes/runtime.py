"""Codes of the runtime: simulated PLCs (PLCSim), their tags, watch and force tables, alarms, pushes and
pulls, OPC UA, snapshots, runtime users.

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("ALARM_ALREADY_ACKNOWLEDGED", "ALARM_DEFINITION_EXISTS", "ALARM_DEFINITION_NOT_FOUND",
           "ALARM_NEEDS_NO_ACKNOWLEDGEMENT", "ALARM_NOT_FOUND", "API_KEY_NOT_FOUND", "CONNECTION_FAILED",
           "CONNECTION_INVALID", "CONNECTION_NAME_TAKEN", "CPU_NOT_RUNNING", "CPU_STATE", "CPU_STOPPED_BY_ERROR",
           "DEVICE_OFFLINE", "ENTRY_NOT_FOUND", "FORCE_NOT_CONFIRMED", "FORCE_TABLE_EXISTS", "FORCE_TABLE_NOT_FOUND",
           "FORCING_ACTIVE", "HISTORY_DISABLED", "INSTANCE_OFF", "INTERVAL_REQUIRED", "INVALID_ALARM_DEFINITION",
           "INVALID_CONNECTION_DATA", "INVALID_CONNECTION_TOKEN", "INVALID_CONTINUATION_POINT", "INVALID_CREDENTIALS",
           "INVALID_INTERVAL", "INVALID_MESSAGE_ID", "INVALID_OPERAND", "INVALID_RUNTIME_ROLE", "INVALID_TAGS",
           "INVALID_TIME", "INVALID_TIME_RANGE", "INVALID_USERNAME", "INVALID_VALUE", "LOGGING_NOT_CONFIGURED",
           "MAPPING_INVALID", "NOTHING_TO_FORCE", "NOT_A_FARM", "NOT_FORCEABLE", "NO_ENTRIES", "NO_PLCSIM_EQUIVALENT",
           "OPCUA_SERVER_FAILED", "OPCUA_SERVER_NOT_FOUND", "OPERAND_NOT_LOADED", "OTHER_PROJECT",
           "PROGRAM_NOT_IN_PROJECT", "PULL_MAPPING_FAILED", "PULL_MAPPING_INVALID", "PULL_NAME_TAKEN",
           "PULL_NEEDS_MERGE", "PULL_NOT_FOUND", "PULL_SOURCE_INVALID", "PUSH_DELIVERY_NOT_FOUND", "PUSH_NAME_TAKEN",
           "PUSH_NOT_FOUND", "PUSH_PERIOD_INVALID", "PUSH_REJECTED", "PUSH_SCHEDULE_INVALID", "PUSH_TAG_UNKNOWN",
           "PUSH_TARGET_INVALID", "PUSH_TEMPLATE_INVALID", "PUSH_VALUE_UNKNOWN", "RUNTIME_FAULT",
           "RUNTIME_NOT_RUNNING", "RUNTIME_PLC_AMBIGUOUS", "RUNTIME_SOURCE_UNAVAILABLE", "RUNTIME_USER_EXISTS",
           "RUNTIME_USER_NOT_FOUND", "SIGNALR_CONNECTION_NOT_FOUND", "SIMULATION_ERROR", "SIM_BAD_STEP",
           "SIM_BATCH_SIZE", "SIM_COMMUNICATION_INTERFACE", "SIM_CPU_TYPE_READ_ONLY", "SIM_ENGINE_UNAVAILABLE",
           "SIM_FREE_RUNNING", "SIM_INSTANCES_RUNNING", "SIM_INSTANCE_EXISTS", "SIM_INSTANCE_LIMIT",
           "SIM_INSTANCE_NOT_FOUND", "SIM_INSTANCE_NOT_OFF", "SIM_INVALID_ARGUMENT", "SIM_INVALID_OPERATING_STATE",
           "SIM_IP_IN_USE", "SIM_LEGACY_NOT_SUPPORTED", "SIM_NOT_CONNECTED", "SIM_NO_LICENSE", "SIM_PROFILE_EXISTS",
           "SIM_PROFILE_INVALID", "SIM_PROFILE_NOT_FOUND", "SIM_RUNTIME_STOPPED", "SIM_SNAPSHOT_CPU_RUNNING",
           "SIM_SNAPSHOT_EXISTS", "SIM_SNAPSHOT_LIMIT", "SIM_SNAPSHOT_NAME_INVALID", "SIM_SNAPSHOT_NOT_FOUND",
           "SIM_SNAPSHOT_PROGRAM_CHANGED", "SIM_TAG_LIST_NOT_UP_TO_DATE", "SIM_TAG_NOT_FOUND", "SIM_TAG_NOT_SUPPORTED",
           "SIM_TAG_TYPE_MISMATCH", "SIM_TIMEOUT", "SNAPSHOT_MISMATCH", "SNAPSHOT_NOT_FOUND", "SUBSCRIPTION_NOT_FOUND",
           "TABLE_EXISTS", "TABLE_KIND_MISMATCH", "TAG_NAME_TAKEN", "TAG_NOT_FORCEABLE", "TAG_NOT_FOUND",
           "TAG_NOT_WRITABLE", "TOO_MANY_LOGIN_FAILURES", "TOO_MANY_POINTS", "TRANSPORT_NOT_SUPPORTED",
           "TYPE_MISMATCH", "UNAUTHORIZED", "UNKNOWN_HUB", "WATCH_TABLE_NOT_FOUND", "WEAK_PASSWORD",
           "WRONG_TABLE_KIND")

ALARM_ALREADY_ACKNOWLEDGED: Final = declare('ALARM_ALREADY_ACKNOWLEDGED', 409, 'Alarm already acknowledged',
    'Alarm … is already acknowledged.')
ALARM_DEFINITION_EXISTS: Final = declare('ALARM_DEFINITION_EXISTS', 409, 'Alarm definition exists',
    'An alarm definition "…" exists.')
ALARM_DEFINITION_NOT_FOUND: Final = declare('ALARM_DEFINITION_NOT_FOUND', 404, 'Alarm definition not found',
    'No alarm definition "…".')
ALARM_NEEDS_NO_ACKNOWLEDGEMENT: Final = declare('ALARM_NEEDS_NO_ACKNOWLEDGEMENT', 409, 'Alarm needs no acknowledgement',
    'Alarm … is of class …, which needs no acknowledgement.')
ALARM_NOT_FOUND: Final = declare('ALARM_NOT_FOUND', 404, 'Alarm not found', 'No current alarm with that ID.')
API_KEY_NOT_FOUND: Final = declare('API_KEY_NOT_FOUND', 422, 'API key not found',
    "No active API key named …: engineeringSession is <API key name>/<session>, as that key's "
    'X-Engineering-Session.')
CONNECTION_FAILED: Final = declare('CONNECTION_FAILED', 503, 'Connection failed',
    "The PLC a runtime connection names did not answer; its items fail, the other connections' items "
    'still answer.')
CONNECTION_INVALID: Final = declare('CONNECTION_INVALID', 422, 'Connection invalid',
    'SecurityMode None goes with securityPolicy None, Sign or SignAndEncrypt with Basic256Sha256.')
CONNECTION_NAME_TAKEN: Final = declare('CONNECTION_NAME_TAKEN', 422, 'Connection name taken',
    'A runtime connection is already named ….')
CPU_NOT_RUNNING: Final = declare('CPU_NOT_RUNNING', 409, 'CPU not running',
    'The CPU "…" is not in RUN (it is …). Set it to RUN first.')
CPU_STATE: Final = declare('CPU_STATE', 422, 'CPU state',
    "The simulated CPU's state does not allow reading or forcing the watch table's operands now; the "
    'message says which state is needed.')
CPU_STOPPED_BY_ERROR: Final = declare('CPU_STOPPED_BY_ERROR', 409, 'CPU stopped by error',
    'The CPU "…" stayed in STOP after Run(): its startup failed. Read its diagnostic buffer in TIA Portal'
    ' (Online & diagnostics), fix the program, download and run again.')
DEVICE_OFFLINE: Final = declare('DEVICE_OFFLINE', 409, 'Device offline',
    "The device '…' is offline. Go online with its CPU first; forcing acts on the online CPU.")
ENTRY_NOT_FOUND: Final = declare('ENTRY_NOT_FOUND', 404, 'Entry not found',
    "The … '…' has no entries …; nothing was removed.")
FORCE_NOT_CONFIRMED: Final = declare('FORCE_NOT_CONFIRMED', 409, 'Force not confirmed',
    'The CPU "…" is in RUN: forcing changes what the machine does. Send {"confirm": true} to force '
    'anyway.')
FORCE_TABLE_EXISTS: Final = declare('FORCE_TABLE_EXISTS', 409, 'Force table exists',
    "The PLC already has its force table '…'; a CPU has exactly one force table. Add entries to it, or "
    'delete it first.')
FORCE_TABLE_NOT_FOUND: Final = declare('FORCE_TABLE_NOT_FOUND', 404, 'Force table not found',
    'The PLC has no force table of that name (a watch table of that name does not count).')
FORCING_ACTIVE: Final = declare('FORCING_ACTIVE', 409, 'Forcing active',
    "The force table '…' is forcing … in the CPU. Stop forcing first, or send stopForcing=true to remove "
    'its forces and delete it.')
HISTORY_DISABLED: Final = declare('HISTORY_DISABLED', 409, 'History disabled',
    'Snapshot history is not enabled on this server.')
INSTANCE_OFF: Final = declare('INSTANCE_OFF', 409, 'Instance off',
    'The simulated PLC "…" is not powered on; power it on and download a program before serving it over '
    'OPC UA.')
INTERVAL_REQUIRED: Final = declare('INTERVAL_REQUIRED', 422, 'Interval required',
    'Aggregation=… needs an interval (seconds, or 15m, 8h...).')
INVALID_ALARM_DEFINITION: Final = declare('INVALID_ALARM_DEFINITION', 422, 'Invalid alarm definition',
    'An alarm definition lacks a field its kind needs (discrete: tag; analog: tag and limit; program: '
    'source).')
INVALID_CONNECTION_DATA: Final = declare('INVALID_CONNECTION_DATA', 422, 'Invalid connection data',
    'ConnectionData must be JSON like [{"name":"jobhub"}]: …')
INVALID_CONNECTION_TOKEN: Final = declare('INVALID_CONNECTION_TOKEN', 422, 'Invalid connection token',
    'ConnectionToken is required (from /signalr/negotiate)')
INVALID_CONTINUATION_POINT: Final = declare('INVALID_CONTINUATION_POINT', 422, 'Invalid continuation point',
    'ContinuationPoint names a tag the runtime no longer has (a new program was downloaded); start again '
    'without it')
INVALID_CREDENTIALS: Final = declare('INVALID_CREDENTIALS', 401, 'Invalid credentials',
    'Wrong runtime user name or password.')
INVALID_INTERVAL: Final = declare('INVALID_INTERVAL', 422, 'Invalid interval',
    'Interval must be a positive number of seconds, or with s/m/h/d: …')
INVALID_MESSAGE_ID: Final = declare('INVALID_MESSAGE_ID', 422, 'Invalid message ID',
    'MessageId must be the C value of the previous poll, not …')
INVALID_OPERAND: Final = declare('INVALID_OPERAND', 422, 'Invalid operand',
    'Invalid operands (nothing was added; send allowInvalid=true to keep them as invalid entries):')
INVALID_RUNTIME_ROLE: Final = declare('INVALID_RUNTIME_ROLE', 422, 'Invalid runtime role',
    'Unknown runtime role …; use read, write, alarmAck or admin')
INVALID_TAGS: Final = declare('INVALID_TAGS', 422, 'Invalid tags',
    'A tag history query names no tags, or more than it may (the message says the limit).')
INVALID_TIME: Final = declare('INVALID_TIME', 422, 'Invalid time', 'A time is not an ISO 8601 date-time.')
INVALID_TIME_RANGE: Final = declare('INVALID_TIME_RANGE', 422, 'Invalid time range',
    "The time range's end (to) is not after its start (from).")
INVALID_USERNAME: Final = declare('INVALID_USERNAME', 422, 'Invalid username',
    'A runtime user name has 1..… printable characters without spaces')
INVALID_VALUE: Final = declare('INVALID_VALUE', 422, 'Invalid value',
    '…: a force needs a value of an elementary data type.')
LOGGING_NOT_CONFIGURED: Final = declare('LOGGING_NOT_CONFIGURED', 404, 'Logging not configured',
    'The tag is not logged, so it has no history.')
MAPPING_INVALID: Final = declare('MAPPING_INVALID', 422, 'Mapping invalid',
    '…: S7 address … is not one of DB1.DBX0.1, DB1.DBB0, DB1.DBW0, DB1.DBD0, M0.0, MW0, I0.0, QW0.')
NOTHING_TO_FORCE: Final = declare('NOTHING_TO_FORCE', 422, 'Nothing to force',
    "The force table '…' has no entry with a force value to force.")
NOT_A_FARM: Final = declare('NOT_A_FARM', 422, 'Not a farm',
    'EngineeringSession names a farm session; this server runs embedded, where every session shares the '
    'one portal. Leave it null.')
NOT_FORCEABLE: Final = declare('NOT_FORCEABLE', 422, 'Not forceable',
    '… cannot be forced: an S7-1500 forces only inputs and outputs (%I…:P, %Q…:P and tags at those '
    'addresses).')
NO_ENTRIES: Final = declare('NO_ENTRIES', 422, 'No entries',
    'No operands were sent; name the entries to remove by their operands.')
NO_PLCSIM_EQUIVALENT: Final = declare('NO_PLCSIM_EQUIVALENT', 501, 'No PLCSIM equivalent',
    "PLCSIM Advanced's API has no equivalent: …. The fake backend's simulated CPUs serve it (the runtime "
    "API's samples and alarm events, snapshots of a CPU's state); against a real CPU the runtime API uses"
    ' an OPC UA source.')
OPCUA_SERVER_FAILED: Final = declare('OPCUA_SERVER_FAILED', 409, 'OPC UA server failed',
    'The OPC UA server of … could not listen on …: …')
OPCUA_SERVER_NOT_FOUND: Final = declare('OPCUA_SERVER_NOT_FOUND', 404, 'OPC UA server not found',
    'No OPC UA server runs for the simulated PLC "…".')
OPERAND_NOT_LOADED: Final = declare('OPERAND_NOT_LOADED', 409, 'Operand not loaded',
    'A watch table operand is not in the program loaded into the simulated CPU; download the program '
    'first.')
OTHER_PROJECT: Final = declare('OTHER_PROJECT', 409, 'Other project',
    "The snapshot belongs to the project '…', which is not the open project.")
PROGRAM_NOT_IN_PROJECT: Final = declare('PROGRAM_NOT_IN_PROJECT', 409, 'Program not in project',
    'The program in "…" was downloaded from "…", which is no PLC of the open project; the released tags '
    "are read from that PLC's flags in its project. Open the project it was downloaded from.")
PULL_MAPPING_FAILED: Final = declare('PULL_MAPPING_FAILED', 422, 'Pull mapping failed',
    "The document posted to a pull's webhook does not fit its mapping (a field missing, a value not of "
    "its tag's type or range, not JSON or XML); nothing was written, details.failedFields names each "
    'field.')
PULL_MAPPING_INVALID: Final = declare('PULL_MAPPING_INVALID', 422, 'Pull mapping invalid',
    "A pull's mapping cannot be written: a field path that is not one (names, @attributes, [index]), a "
    'tag named twice, or a tag that is unknown, read-only or of a type a pull does not write; nothing was'
    ' saved.')
PULL_NAME_TAKEN: Final = declare('PULL_NAME_TAKEN', 422, 'Pull name taken',
    'Another pull already has this name; pick another.')
PULL_NEEDS_MERGE: Final = declare('PULL_NEEDS_MERGE', 409, 'Pull needs merge',
    "'…' and '…/…' have diverged; merge '…/…' (POST /api/source-control/merge).")
PULL_NOT_FOUND: Final = declare('PULL_NOT_FOUND', 404, 'Pull not found',
    'No pull has this id (or, on the webhook, none with this id accepts a webhook).')
PULL_SOURCE_INVALID: Final = declare('PULL_SOURCE_INVALID', 422, 'Pull source invalid',
    "A pull's source cannot be fetched as given: not an http(s) URL, credentials in the URL, a header the"
    ' pull sets itself, auth without its parts, or no source on a pull that fetches; nothing was saved.')
PUSH_DELIVERY_NOT_FOUND: Final = declare('PUSH_DELIVERY_NOT_FOUND', 404, 'Push delivery not found',
    'The push has no delivery for that period.')
PUSH_NAME_TAKEN: Final = declare('PUSH_NAME_TAKEN', 422, 'Push name taken', 'Another push already has that name.')
PUSH_NOT_FOUND: Final = declare('PUSH_NOT_FOUND', 404, 'Push not found', 'No push definition with that ID.')
PUSH_PERIOD_INVALID: Final = declare('PUSH_PERIOD_INVALID', 422, 'Push period invalid',
    'PeriodEnd is in the future; that period has not ended.')
PUSH_REJECTED: Final = declare('PUSH_REJECTED', 409, 'Push rejected',
    "The remote '…' has commits on '…' that this repository lacks; pull first.")
PUSH_SCHEDULE_INVALID: Final = declare('PUSH_SCHEDULE_INVALID', 422, 'Push schedule invalid',
    'The push schedule is not valid; the message names the field.')
PUSH_TAG_UNKNOWN: Final = declare('PUSH_TAG_UNKNOWN', 404, 'Push tag unknown',
    'A tag a push names is unknown or not released to the runtime: 404 when the URL names it, 422 when '
    'the body refers to it.', also=(422,))
PUSH_TARGET_INVALID: Final = declare('PUSH_TARGET_INVALID', 422, 'Push target invalid',
    'Header auth needs a headerName that is neither set by the push (Authorization aside) nor in '
    'target.headers.')
PUSH_TEMPLATE_INVALID: Final = declare('PUSH_TEMPLATE_INVALID', 422, 'Push template invalid',
    'The push body template is not valid; the message names the problem.')
PUSH_VALUE_UNKNOWN: Final = declare('PUSH_VALUE_UNKNOWN', 422, 'Push value unknown',
    'Value(…) at …: the tag is not logged, so its value at the end of this past period is unknown (log '
    'it: PUT /api/runtime/history/settings).')
RUNTIME_FAULT: Final = declare('RUNTIME_FAULT', 500, 'Runtime fault',
    'The PLC runtime failed to answer (a fault of the runtime, not of the request).')
RUNTIME_NOT_RUNNING: Final = declare('RUNTIME_NOT_RUNNING', 503, 'Runtime not running',
    'No PLC runtime is running (no simulated PLC is powered on with a program).')
RUNTIME_PLC_AMBIGUOUS: Final = declare('RUNTIME_PLC_AMBIGUOUS', 409, 'Runtime PLC ambiguous',
    'Several simulated PLCs are powered on (…); connect the one the runtime serves (POST '
    '/api/simulation/connect).')
RUNTIME_SOURCE_UNAVAILABLE: Final = declare('RUNTIME_SOURCE_UNAVAILABLE', 501, 'Runtime source unavailable',
    "The runtime API reads this server's simulated PLCs, and this backend has no simulated PLC engine.")
RUNTIME_USER_EXISTS: Final = declare('RUNTIME_USER_EXISTS', 409, 'Runtime user exists',
    'A runtime user of that name already exists.')
RUNTIME_USER_NOT_FOUND: Final = declare('RUNTIME_USER_NOT_FOUND', 404, 'Runtime user not found',
    'No runtime user with that ID.')
SIGNALR_CONNECTION_NOT_FOUND: Final = declare('SIGNALR_CONNECTION_NOT_FOUND', 404, 'Signalr connection not found',
    'No such SignalR connection (aborted, or expired because it was not polled); negotiate again')
SIMULATION_ERROR: Final = declare('SIMULATION_ERROR', 409, 'Simulation error',
    'The simulated PLC refused the call with an error this API has no more specific code for; the message'
    ' carries its reason.')
SIM_BAD_STEP: Final = declare('SIM_BAD_STEP', 422, 'Simulation bad step',
    'Give either a number of cycles or a time in milliseconds.')
SIM_BATCH_SIZE: Final = declare('SIM_BATCH_SIZE', 422, 'Simulation batch size', 'A batch holds 1..… tags (got …).')
SIM_COMMUNICATION_INTERFACE: Final = declare('SIM_COMMUNICATION_INTERFACE', 409, 'Simulation communication interface',
    "PLCSIM Advanced's communication interface is wrong or not available for the instance "
    '(WrongCommunicationInterface, CommunicationInterfaceNotAvailable).')
SIM_CPU_TYPE_READ_ONLY: Final = declare('SIM_CPU_TYPE_READ_ONLY', 422, 'Simulation CPU type read only',
    'The CPU type of "…" is … and cannot be changed; create a new instance for another CPU type.')
SIM_ENGINE_UNAVAILABLE: Final = declare('SIM_ENGINE_UNAVAILABLE', 501, 'Simulation engine unavailable',
    'PLCSIM Advanced is not installed on this machine (no Siemens.Simatic.Simulation.Runtime.Api.x64.dll '
    "under HKLM\\SOFTWARE\\Wow6432Node\\Siemens\\Shared Tools\\PLCSIMADV_SimRT 'Path'\\API\\<version>), so there"
    ' is no virtual PLC to create or drive. Install S7-PLCSIM Advanced and restart the service.')
SIM_FREE_RUNNING: Final = declare('SIM_FREE_RUNNING', 409, 'Simulation free running',
    'The instance "…" runs freely (operating mode Default). Set the operating mode to SingleStep or '
    'TimespanSynchronized to step virtual time.')
SIM_INSTANCES_RUNNING: Final = declare('SIM_INSTANCES_RUNNING', 409, 'Simulation instances running',
    'Power off every instance before changing the network mode (… are on).')
SIM_INSTANCE_EXISTS: Final = declare('SIM_INSTANCE_EXISTS', 409, 'Simulation instance exists',
    'An instance named "…" already exists.')
SIM_INSTANCE_LIMIT: Final = declare('SIM_INSTANCE_LIMIT', 409, 'Simulation instance limit',
    'PLCSIM Advanced runs at most … instances.')
SIM_INSTANCE_NOT_FOUND: Final = declare('SIM_INSTANCE_NOT_FOUND', 404, 'Simulation instance not found',
    'The simulation instance "…" does not exist.')
SIM_INSTANCE_NOT_OFF: Final = declare('SIM_INSTANCE_NOT_OFF', 409, 'Simulation instance not off',
    'The instance "…" is …; power it off before deleting it.')
SIM_INVALID_ARGUMENT: Final = declare('SIM_INVALID_ARGUMENT', 422, 'Simulation invalid argument',
    'An argument of a simulation call is not valid (instance name, address, value, range); the message '
    'names it.')
SIM_INVALID_OPERATING_STATE: Final = declare('SIM_INVALID_OPERATING_STATE', 409, 'Simulation invalid operating state',
    'The PLCSIM Advanced instance is in an operating state that does not allow the call '
    '(InvalidOperatingState).')
SIM_IP_IN_USE: Final = declare('SIM_IP_IN_USE', 409, 'Simulation IP in use',
    'Two interfaces cannot have the same IP address.')
SIM_LEGACY_NOT_SUPPORTED: Final = declare('SIM_LEGACY_NOT_SUPPORTED', 501, 'Simulation legacy not supported',
    'Legacy S7-PLCSIM projects (.plc, S7-300/400) cannot be imported: PLCSIM Advanced simulates only '
    'S7-1500 and ET 200SP CPUs and its API (SimulationRuntimeManager, IInstance) has no call that reads a'
    ' legacy PLCSIM project; it only restores its own archives (IInstance.RetrieveStorage). Create an '
    'instance (or apply a profile) and download the program from the TIA project instead.')
SIM_NOT_CONNECTED: Final = declare('SIM_NOT_CONNECTED', 409, 'Simulation not connected',
    'No simulation instance is connected (POST /api/simulation/connect).')
SIM_NO_LICENSE: Final = declare('SIM_NO_LICENSE', 409, 'Simulation no license',
    'No PLCSIM Advanced license is available (LicenseNotFound, NoLicenseAvailable).')
SIM_PROFILE_EXISTS: Final = declare('SIM_PROFILE_EXISTS', 409, 'Simulation profile exists',
    'The profile "…" exists; send overwrite=true to replace it.')
SIM_PROFILE_INVALID: Final = declare('SIM_PROFILE_INVALID', 422, 'Simulation profile invalid',
    'The profile "…" is damaged (…); save it again.')
SIM_PROFILE_NOT_FOUND: Final = declare('SIM_PROFILE_NOT_FOUND', 404, 'Simulation profile not found',
    'No simulation profile of that name.')
SIM_RUNTIME_STOPPED: Final = declare('SIM_RUNTIME_STOPPED', 409, 'Simulation runtime stopped',
    'The PLCSIM Advanced Runtime Manager is not running and its API cannot start it: start S7-PLCSIM '
    'Advanced on this machine, then retry.')
SIM_SNAPSHOT_CPU_RUNNING: Final = declare('SIM_SNAPSHOT_CPU_RUNNING', 409, 'Simulation snapshot CPU running',
    'The CPU of the instance is in RUN, so a snapshot is not restored onto it (PLCSIM Advanced restores a'
    ' memory card only onto a powered-off instance). Stop it first (POST …/stop with {"confirm": true}), '
    "then restore: the CPU goes back to the snapshot's operating state.")
SIM_SNAPSHOT_EXISTS: Final = declare('SIM_SNAPSHOT_EXISTS', 409, 'Simulation snapshot exists',
    'The instance already has a snapshot of that name (names are case-insensitive). Delete it first, or '
    'take the snapshot under another name.')
SIM_SNAPSHOT_LIMIT: Final = declare('SIM_SNAPSHOT_LIMIT', 409, 'Simulation snapshot limit',
    'The instance keeps at most … snapshots. Delete one first.')
SIM_SNAPSHOT_NAME_INVALID: Final = declare('SIM_SNAPSHOT_NAME_INVALID', 422, 'Simulation snapshot name invalid',
    '"…" is not a valid snapshot name: use 1 to 64 letters, digits, _ - . and inner blanks, starting with'
    ' a letter, a digit or _.')
SIM_SNAPSHOT_NOT_FOUND: Final = declare('SIM_SNAPSHOT_NOT_FOUND', 404, 'Simulation snapshot not found',
    'The instance has no snapshot of that name. List its snapshots (GET …/snapshots).')
SIM_SNAPSHOT_PROGRAM_CHANGED: Final = declare(
    'SIM_SNAPSHOT_PROGRAM_CHANGED', 409, 'Simulation snapshot program changed',
    'Another program was downloaded to the instance since the snapshot was taken, so its data blocks may '
    'not fit. Download the program it was taken with, or take a new snapshot.')
SIM_TAG_LIST_NOT_UP_TO_DATE: Final = declare('SIM_TAG_LIST_NOT_UP_TO_DATE', 409, 'Simulation tag list not up to date',
    'The tag list of "…" is out of date after a download. Refresh it (POST /api/simulation/tags/refresh) '
    'or connect again.')
SIM_TAG_NOT_FOUND: Final = declare('SIM_TAG_NOT_FOUND', 404, 'Simulation tag not found',
    'The simulated PLC has no tag of that name (DoesNotExist): list its tags, or download the program '
    'that declares it.')
SIM_TAG_NOT_SUPPORTED: Final = declare('SIM_TAG_NOT_SUPPORTED', 422, 'Simulation tag not supported',
    "The simulated PLC cannot read or write this tag's data type (NotSupported).")
SIM_TAG_TYPE_MISMATCH: Final = declare('SIM_TAG_TYPE_MISMATCH', 422, 'Simulation tag type mismatch',
    "The value's type does not match the tag's data type (TypeMismatch).")
SIM_TIMEOUT: Final = declare('SIM_TIMEOUT', 409, 'Simulation timeout',
    'The simulation instance did not reach the wanted state within the time limit.')
SNAPSHOT_MISMATCH: Final = declare('SNAPSHOT_MISMATCH', 422, 'Snapshot mismatch',
    "The snapshot '…' is of … '…' on '…', not of '…'.")
SNAPSHOT_NOT_FOUND: Final = declare('SNAPSHOT_NOT_FOUND', 404, 'Snapshot not found',
    "There is no snapshot of '…' on '…'.")
SUBSCRIPTION_NOT_FOUND: Final = declare('SUBSCRIPTION_NOT_FOUND', 404, 'Subscription not found',
    'No subscription … of this user.')
TABLE_EXISTS: Final = declare('TABLE_EXISTS', 409, 'Table exists', "A … named '…' already exists.")
TABLE_KIND_MISMATCH: Final = declare('TABLE_KIND_MISMATCH', 409, 'Table kind mismatch',
    'A watch table cannot be replaced by a force table, nor the reverse.')
TAG_NAME_TAKEN: Final = declare('TAG_NAME_TAKEN', 422, 'Tag name taken', 'The runtime tag … is mapped twice.')
TAG_NOT_FORCEABLE: Final = declare('TAG_NOT_FORCEABLE', 422, 'Tag not forceable',
    'The tag cannot be forced: an S7-1500 forces only inputs and outputs (peripheral %I…:P, %Q…:P).')
TAG_NOT_FOUND: Final = declare('TAG_NOT_FOUND', 404, 'Tag not found',
    'The tag does not exist in the named tag table or PLC: 404 when the URL names it, 422 when the body '
    'refers to it.', also=(422,))
TAG_NOT_WRITABLE: Final = declare('TAG_NOT_WRITABLE', 403, 'Tag not writable',
    'The tag is released read-only (not writable from HMI/OPC UA/Web API), or the PLC refused the write.')
TOO_MANY_LOGIN_FAILURES: Final = declare('TOO_MANY_LOGIN_FAILURES', 429, 'Too many login failures',
    'Too many failed logins from this client; Retry-After says when to try again.')
TOO_MANY_POINTS: Final = declare('TOO_MANY_POINTS', 422, 'Too many points',
    'More than … intervals; choose a longer interval or a shorter range.')
TRANSPORT_NOT_SUPPORTED: Final = declare('TRANSPORT_NOT_SUPPORTED', 422, 'Transport not supported',
    'Transport … is not offered; this server speaks longPolling only')
TYPE_MISMATCH: Final = declare('TYPE_MISMATCH', 422, 'Type mismatch',
    "The value does not fit the tag's data type (type or range).")
UNAUTHORIZED: Final = declare('UNAUTHORIZED', 401, 'Unauthorized',
    'A valid X-API-Key header is required (missing, unknown or revoked key).')
UNKNOWN_HUB: Final = declare('UNKNOWN_HUB', 422, 'Unknown hub', 'Hub … could not be resolved; this server has …')
WATCH_TABLE_NOT_FOUND: Final = declare('WATCH_TABLE_NOT_FOUND', 404, 'Watch table not found',
    'The PLC has no watch table of that name (a force table of that name does not count).')
WEAK_PASSWORD: Final = declare('WEAK_PASSWORD', 422, 'Weak password', 'A runtime password has …..… characters')
WRONG_TABLE_KIND: Final = declare('WRONG_TABLE_KIND', 422, 'Wrong table kind',
    "The operand belongs in a watch table of another kind (watch table or force table) than the entry's.")
