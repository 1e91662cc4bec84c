"""Codes of the request itself and the service's plumbing: bodies, authentication and keys,
idempotency, jobs, the MCP and the assistant.

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("API_KEY_INVALID", "ASSISTANT_BUSY", "ASSISTANT_PROVIDER_FAILED", "BAD_REQUEST", "BASE_URL_REFUSED",
           "BODY_TOO_LARGE", "CONTENT_AND_PATH", "CPU_ACCESS_DENIED", "EXPORT_NOT_FOUND", "FORBIDDEN",
           "HOST_NOT_ALLOWED", "IDEMPOTENCY_KEY_IN_FLIGHT", "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENT_OUTCOME_UNKNOWN",
           "INTERNAL_ERROR", "INVALID_ACCESS_LEVEL", "INVALID_BASE64", "INVALID_HOST_HEADER",
           "INVALID_IDEMPOTENCY_KEY", "INVALID_JSON", "INVALID_KEY_NAME", "INVALID_PATH", "INVALID_XML", "JOB_FAILED",
           "JOB_FINISHED", "JOB_NOT_FOUND", "JSON_TOO_DEEP", "KEY_NOT_FOUND", "LAST_ADMIN_KEY",
           "MASTER_SECRET_NEEDS_V17", "MASTER_SECRET_NOT_SET", "MASTER_SECRET_SET", "MCP_SESSION_NOT_FOUND",
           "METHOD_NOT_ALLOWED", "METRICS_NOT_ALLOWED", "NOT_ACCEPTABLE", "NOT_A_TEST_RUN", "NOT_PROTECTABLE",
           "NO_ASSISTANT_PROVIDER", "NO_DISPLAY", "NO_GENERATION_RUNNING", "NO_PREVIEW", "OPERATION_NOT_FOUND",
           "ORIGIN_NOT_ALLOWED", "PASSWORDS_NOT_DISTINCT", "PASSWORD_LEVEL_NOT_PROTECTED", "PASSWORD_NOT_SET",
           "PASSWORD_OR_REMOVE", "PASSWORD_POLICY_SETTINGS_INVALID", "PASSWORD_POLICY_VIOLATION", "PASSWORD_REQUIRED",
           "PATH_OR_CONTENT_REQUIRED", "RATE_LIMITED", "ROUTE_NOT_FOUND", "SCHEMA_MIGRATION_FAILED",
           "SCHEMA_NEWER_THAN_BUILD", "SERVICE_UNAVAILABLE", "TOO_MANY_FAILED_AUTHENTICATIONS", "UMAC_NEEDS_V18",
           "UNKNOWN_TOOL", "UNSUPPORTED_MEDIA_TYPE", "WRONG_PASSWORD")

API_KEY_INVALID: Final = declare('API_KEY_INVALID', 422, 'API key invalid',
    'ApiKey may hold only visible ASCII characters: no spaces, line breaks or other control characters, '
    'and no non-ASCII letters (was a line break copied with it?)')
ASSISTANT_BUSY: Final = declare('ASSISTANT_BUSY', 409, 'Assistant busy',
    'The assistant is still answering your previous message; wait for it or POST /api/assistant/stop')
ASSISTANT_PROVIDER_FAILED: Final = declare('ASSISTANT_PROVIDER_FAILED', 500, 'Assistant provider failed',
    "The assistant's language-model provider failed or refused the request.")
BAD_REQUEST: Final = declare('BAD_REQUEST', 400, 'Bad request',
    'The request is malformed (a body that is not JSON, invalid UTF-8, nested too deep, or a malformed '
    'parameter).')
BASE_URL_REFUSED: Final = declare('BASE_URL_REFUSED', 422, 'Base URL refused',
    'BaseUrl is refused: …. Private LAN addresses (a workstation running Ollama) are fine.')
BODY_TOO_LARGE: Final = declare('BODY_TOO_LARGE', 413, 'Body too large',
    'The request body is larger than the server accepts; nothing ran (an Idempotency-Key stays free).')
CONTENT_AND_PATH: Final = declare('CONTENT_AND_PATH', 400, 'Content and path',
    'Send only one of …: the file comes either from a path inside the file roots or inline, not both.')
CPU_ACCESS_DENIED: Final = declare('CPU_ACCESS_DENIED', 403, 'CPU access denied',
    'The CPU is protected by its access level and the operation needs a higher one; the message says '
    'which and how to get it.')
EXPORT_NOT_FOUND: Final = declare('EXPORT_NOT_FOUND', 404, 'Export not found',
    'The export succeeded but wrote no file this route could send (a retry with the same Idempotency-Key '
    "finds the first call's temporary file gone): export again with a new key, or to a path and fetch it "
    'with GET /api/files?path=')
FORBIDDEN: Final = declare('FORBIDDEN', 403, 'Forbidden',
    "The request is not allowed: the key's role is below what the operation needs, or the Origin is not "
    'allowed.')
HOST_NOT_ALLOWED: Final = declare('HOST_NOT_ALLOWED', 421, 'Host not allowed',
    'Host … is not allowed; see settings.allowedHosts')
IDEMPOTENCY_KEY_IN_FLIGHT: Final = declare('IDEMPOTENCY_KEY_IN_FLIGHT', 409, 'Idempotency key in flight',
    'The first request with Idempotency-Key … is still running: retry after it ends.')
IDEMPOTENCY_KEY_REUSED: Final = declare('IDEMPOTENCY_KEY_REUSED', 422, 'Idempotency key reused',
    'The Idempotency-Key was already used for a different request; send a new key.')
IDEMPOTENT_OUTCOME_UNKNOWN: Final = declare('IDEMPOTENT_OUTCOME_UNKNOWN', 503, 'Idempotent outcome unknown',
    'The first request with this Idempotency-Key was interrupted (its server process stopped or its '
    'answer was lost) before its answer was stored: the call may or may not have run. Check its effect, '
    'then send a new key.')
INTERNAL_ERROR: Final = declare('INTERNAL_ERROR', 500, 'Internal error',
    'An unexpected server error (a bug); the server log has the details.')
INVALID_ACCESS_LEVEL: Final = declare('INVALID_ACCESS_LEVEL', 422, 'Invalid access level',
    'Unknown access level …. Known: … (or full, read, hmi, none).')
INVALID_BASE64: Final = declare('INVALID_BASE64', 400, 'Invalid base64',
    '… is not valid base64 (RFC 4648, with padding, no line breaks).')
INVALID_HOST_HEADER: Final = declare('INVALID_HOST_HEADER', 400, 'Invalid host header',
    'Host … is not a host name or address with an optional port')
INVALID_IDEMPOTENCY_KEY: Final = declare('INVALID_IDEMPOTENCY_KEY', 400, 'Invalid idempotency key',
    'The Idempotency-Key header is empty or too long.')
INVALID_JSON: Final = declare('INVALID_JSON', 400, 'Invalid JSON',
    'The request body is not valid UTF-8 at byte offset … (0x…); send JSON encoded as UTF-8.')
INVALID_KEY_NAME: Final = declare('INVALID_KEY_NAME', 422, 'Invalid key name', 'A key name has at most … characters')
INVALID_PATH: Final = declare('INVALID_PATH', 400, 'Invalid path',
    'A path is not acceptable: 400 when the request URL holds a control character, 422 when a library '
    'path in the body is not valid.', also=(422,))
INVALID_XML: Final = declare('INVALID_XML', 400, 'Invalid XML', 'The body is not XML this API reads: …')
JOB_FAILED: Final = declare('JOB_FAILED', 500, 'Job failed',
    "An MCP tool's job failed without an error of its own; the message carries the job's.")
JOB_FINISHED: Final = declare('JOB_FINISHED', 409, 'Job finished',
    'The job has already ended (completed, failed or canceled), so it cannot be canceled or changed.')
JOB_NOT_FOUND: Final = declare('JOB_NOT_FOUND', 404, 'Job not found', 'No job with that ID.')
JSON_TOO_DEEP: Final = declare('JSON_TOO_DEEP', 400, 'JSON too deep',
    'The request body nests arrays and objects more than … levels deep; flatten it.')
KEY_NOT_FOUND: Final = declare('KEY_NOT_FOUND', 404, 'Key not found', 'No active API key with that ID.')
LAST_ADMIN_KEY: Final = declare('LAST_ADMIN_KEY', 409, 'Last admin key',
    '… is the last active admin key; create another admin key first (POST /api/security/keys or '
    'engineering-api keys create --role admin), then revoke this one')
MASTER_SECRET_NEEDS_V17: Final = declare('MASTER_SECRET_NEEDS_V17', 422, 'Master secret needs v17',
    'The master secret for confidential PLC configuration data exists from TIA Portal V17; this TIA '
    'Portal (…) or this CPU offers no PlcMasterSecretConfigurator.')
MASTER_SECRET_NOT_SET: Final = declare('MASTER_SECRET_NOT_SET', 409, 'Master secret not set',
    "'…' has no master secret.")
MASTER_SECRET_SET: Final = declare('MASTER_SECRET_SET', 409, 'Master secret set',
    "'…' already has a master secret; use action 'change'.")
MCP_SESSION_NOT_FOUND: Final = declare('MCP_SESSION_NOT_FOUND', 404, 'MCP session not found',
    'No MCP session …; GET /mcp/sessions lists them')
METHOD_NOT_ALLOWED: Final = declare('METHOD_NOT_ALLOWED', 405, 'Method not allowed',
    'The route exists but does not take this HTTP method.')
METRICS_NOT_ALLOWED: Final = declare('METRICS_NOT_ALLOWED', 403, 'Metrics not allowed',
    'This client may not read /metrics; see the settings metricsClients and metricsRole '
    '(docs/operations.md)')
NOT_ACCEPTABLE: Final = declare('NOT_ACCEPTABLE', 406, 'Not acceptable',
    'The export wrote … files (a folder); they come as one zip: ask with Accept: application/zip (or '
    'download=true), or fetch each with GET /api/files?path=.')
NOT_A_TEST_RUN: Final = declare('NOT_A_TEST_RUN', 404, 'Not a test run', "The job '…' is not a test run.")
NOT_PROTECTABLE: Final = declare('NOT_PROTECTABLE', 422, 'Not protectable',
    "'…' (…) is not an S7-1200/1500 CPU; it has no access levels.")
NO_ASSISTANT_PROVIDER: Final = declare('NO_ASSISTANT_PROVIDER', 501, 'No assistant provider',
    'No AI provider is configured for the assistant; an admin sets one with PUT … ({provider: '
    'openai|anthropic, model, baseUrl, apiKey})')
NO_DISPLAY: Final = declare('NO_DISPLAY', 422, 'No display', "'…' (…) has no display; only S7-1500 CPUs have one.")
NO_GENERATION_RUNNING: Final = declare('NO_GENERATION_RUNNING', 404, 'No generation running',
    'The assistant is not answering any message of yours right now')
NO_PREVIEW: Final = declare('NO_PREVIEW', 422, 'No preview', '… has no dry run: it is not a destructive operation.')
OPERATION_NOT_FOUND: Final = declare('OPERATION_NOT_FOUND', 404, 'Operation not found',
    'Unknown operation …; GET /api/command/list lists them')
ORIGIN_NOT_ALLOWED: Final = declare('ORIGIN_NOT_ALLOWED', 403, 'Origin not allowed',
    "The request's Origin header is not one of the allowed origins (corsOrigins).")
PASSWORDS_NOT_DISTINCT: Final = declare('PASSWORDS_NOT_DISTINCT', 422, 'Passwords not distinct',
    'Two access levels cannot have the same password (nor the display password).')
PASSWORD_LEVEL_NOT_PROTECTED: Final = declare('PASSWORD_LEVEL_NOT_PROTECTED', 422, 'Password level not protected',
    "A password for '…' is not possible while the protection level is '…': TIA takes passwords only for "
    'the levels above the selected one (…).')
PASSWORD_NOT_SET: Final = declare('PASSWORD_NOT_SET', 404, 'Password not set', "'…' has no display password.")
PASSWORD_OR_REMOVE: Final = declare('PASSWORD_OR_REMOVE', 422, 'Password or remove',
    'Send either "password" (to set it) or "remove": true (to remove it).')
PASSWORD_POLICY_SETTINGS_INVALID: Final = declare(
    'PASSWORD_POLICY_SETTINGS_INVALID', 422, 'Password policy settings invalid',
    'TIA Portal refused the password policy settings (PasswordPolicySettingsException); correct them as '
    'its message says.')
PASSWORD_POLICY_VIOLATION: Final = declare('PASSWORD_POLICY_VIOLATION', 422, 'Password policy violation',
    "The password does not meet the project's password policy "
    '(EngineeringPasswordPolicyViolationException); choose one that does.')
PASSWORD_REQUIRED: Final = declare('PASSWORD_REQUIRED', 422, 'Password required',
    "The protection level '…' needs a password for … (TIA requires the password of the unprotected row as"
    ' soon as the CPU is protected).')
PATH_OR_CONTENT_REQUIRED: Final = declare('PATH_OR_CONTENT_REQUIRED', 400, 'Path or content required',
    'Send … (a file inside the file roots) or the file itself as … (text) or … (binary).')
RATE_LIMITED: Final = declare('RATE_LIMITED', 429, 'Rate limited',
    "The key's rate limit is exceeded; Retry-After and X-RateLimit-Reset say when to retry.")
ROUTE_NOT_FOUND: Final = declare('ROUTE_NOT_FOUND', 404, 'Route not found', 'No route answers this path.')
SCHEMA_MIGRATION_FAILED: Final = declare('SCHEMA_MIGRATION_FAILED', 500, 'Schema migration failed',
    'The database schema could not be brought to this version; nothing was served from it.')
SCHEMA_NEWER_THAN_BUILD: Final = declare('SCHEMA_NEWER_THAN_BUILD', 500, 'Schema newer than build',
    'The database was upgraded by a newer release than this one; nothing was changed. Run that release or'
    ' a newer one.')
SERVICE_UNAVAILABLE: Final = declare('SERVICE_UNAVAILABLE', 503, 'Service unavailable',
    'The service cannot answer now (starting, stopping, or a participant it needs is down); retry later.')
TOO_MANY_FAILED_AUTHENTICATIONS: Final = declare(
    'TOO_MANY_FAILED_AUTHENTICATIONS', 429, 'Too many failed authentications',
    'More than … failed authentications a minute from this address; retry after … s with a valid X-API-'
    'Key')
UMAC_NEEDS_V18: Final = declare('UMAC_NEEDS_V18', 422, 'Umac needs v18',
    'Project user management through Openness (UmacConfigurator) needs a TIA Portal with '
    'Siemens.Engineering.Umac (V17 or newer); this is ….')
UNKNOWN_TOOL: Final = declare('UNKNOWN_TOOL', 404, 'Unknown tool',
    'The MCP tool name is not known; find_tools searches the tools.')
UNSUPPORTED_MEDIA_TYPE: Final = declare('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type',
    "The request body's Content-Type is not one this route reads.")
WRONG_PASSWORD: Final = declare('WRONG_PASSWORD', 403, 'Wrong password',
    'TIA refused the current master secret password.')
