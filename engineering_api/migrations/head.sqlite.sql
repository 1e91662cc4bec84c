-- revision 0006
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
)
;
CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    operation TEXT NOT NULL,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    input TEXT,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    key_id TEXT,
    idempotency_key TEXT
, request_id TEXT)
;
CREATE INDEX jobs_status ON jobs(status)
;
CREATE INDEX jobs_created ON jobs(created_at)
;
CREATE UNIQUE INDEX jobs_idempotency ON jobs(key_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL
;
CREATE TABLE api_keys (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE, 
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
)
;
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT,
    role TEXT,
    client TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    job_id TEXT,
    count INTEGER NOT NULL DEFAULT 1,
    last_at TEXT,
    via TEXT NOT NULL DEFAULT 'rest',
    session_id TEXT
)
;
CREATE TABLE kv (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
;
CREATE TABLE runtime_users (
    user_id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
;
CREATE TABLE runtime_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at REAL NOT NULL,
    client TEXT
)
;
CREATE INDEX runtime_sessions_user ON runtime_sessions(user_id)
;
CREATE TABLE runtime_alarm_defs (
    name_key TEXT PRIMARY KEY,
    body TEXT NOT NULL
)
;
CREATE TABLE runtime_alarms (
    alarm_id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_key TEXT NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL
)
;
CREATE INDEX runtime_alarms_open ON runtime_alarms(closed, source_key)
;
CREATE TABLE runtime_alarm_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alarm_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    class TEXT NOT NULL,
    text TEXT NOT NULL,
    body TEXT NOT NULL
)
;
CREATE INDEX runtime_alarm_log_at ON runtime_alarm_log(at)
;
CREATE TABLE runtime_push_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    push_id TEXT NOT NULL,
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    response_code INTEGER,
    payload TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    UNIQUE (push_id, period_end)
)
;
CREATE INDEX runtime_push_outbox_due ON runtime_push_outbox(status, next_attempt_at)
;
CREATE TABLE snapshots (
    id TEXT PRIMARY KEY,
    project_path TEXT NOT NULL,
    device TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    comment TEXT,
    created_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL
)
;
CREATE INDEX snapshots_object ON snapshots(project_path, device, kind, name, created_at)
;
CREATE INDEX snapshots_created ON snapshots(created_at)
;
CREATE TABLE assistant_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id TEXT NOT NULL,
    project_key TEXT,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    at TEXT NOT NULL,
    tool_calls TEXT
)
;
CREATE INDEX assistant_history_key ON assistant_history(key_id, project_key)
;
CREATE TABLE client_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT,
    event TEXT NOT NULL
)
;
CREATE TABLE pipeline_schedules (
	id VARCHAR(191) NOT NULL, 
	next_run_time FLOAT, 
	job_state BLOB NOT NULL, 
	PRIMARY KEY (id)
)
;
CREATE INDEX ix_pipeline_schedules_next_run_time ON pipeline_schedules (next_run_time)
;
CREATE TABLE push_schedules (
	id VARCHAR(191) NOT NULL, 
	next_run_time FLOAT, 
	job_state BLOB NOT NULL, 
	PRIMARY KEY (id)
)
;
CREATE INDEX ix_push_schedules_next_run_time ON push_schedules (next_run_time)
;
CREATE TABLE runtime_history (
	id INTEGER NOT NULL, 
	tag TEXT NOT NULL, 
	t BIGINT NOT NULL, 
	value FLOAT NOT NULL, 
	PRIMARY KEY (id)
)
;
CREATE INDEX runtime_history_tag_t ON runtime_history (tag, t)
;
CREATE TABLE idempotency_keys (
	caller TEXT NOT NULL, 
	idempotency_key TEXT NOT NULL, 
	operation TEXT NOT NULL, 
	request_hash TEXT NOT NULL, 
	state TEXT NOT NULL, 
	owner TEXT NOT NULL, 
	lease_until BIGINT NOT NULL, 
	status INTEGER, 
	headers TEXT, 
	body BLOB, 
	created_at TEXT NOT NULL, 
	expires_at BIGINT NOT NULL, 
	PRIMARY KEY (caller, idempotency_key)
)
;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)
;
