"""Server configuration: one dataclass, defaults safe for a plant network.

Precedence, lowest first: defaults, settings an admin saved through ``POST /api/settings``, ``ENGINEERING_API_*``
variables, explicit overrides (CLI flags). A runtime setting the environment gives cannot be changed through the
API, so an operator can always undo a bad saved setting (``allowedHosts`` that locks clients out) by setting the
variable and restarting.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

__all__ = ("LOG_LEVELS", "LOOPBACK_HOSTS", "RUNTIME_SETTING_NAMES", "Settings")

BackendName = Literal["fake", "openness"]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
"""Host header values always accepted: a client on the server's own machine can never be locked out."""
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
"""The values of ``logLevel`` (``--log-level``)."""
DEFAULT_ALLOWED_HOSTS: tuple[str, ...] = LOOPBACK_HOSTS
"""``allowed_hosts`` when nothing sets it. The test suite adds the name Litestar's test client sends."""


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs. CLI flags and ``ENGINEERING_API_*`` variables override."""

    data_dir: Path = Path("var")
    """Holds the SQLite database, the admin key file and the default workspace."""
    host: str = "127.0.0.1"
    """Bind address; loopback unless an operator opts in to remote access."""
    port: int = 9000
    """TCP port, as T-IA Connect's default; ``serve`` without a port takes the next free one up to 9100."""
    instance_registry: bool = True
    """``serve`` records itself in T-IA Connect's instance registry (``%APPDATA%\\FeelAutomCorp\\T-IA-Connect\\
    instances.json``), where the vendor's client finds a server on another port, and removes itself on exit."""
    tls_cert_file: str = ""
    """``serve`` speaks HTTPS with this certificate chain (PEM); with :attr:`tls_key_file`. The port then answers no
    plain HTTP. A renewed certificate is read at ``kill -HUP <serve pid>`` (docs/cli.md, "HTTPS")."""
    tls_key_file: str = ""
    """The private key (PEM) of :attr:`tls_cert_file`."""
    hsts_seconds: int = 0
    """With HTTPS, ``Strict-Transport-Security: max-age=<this>`` on every answer (RFC 6797); 0: not sent."""
    oauth_issuer: str = ""
    """The runtime API accepts OAuth 2.0 access tokens (JWT) of this issuer besides its own login tokens; empty: none.
    HTTPS, or plain HTTP on a loopback address (docs/runtime-api.md, "OAuth 2.0 access tokens")."""
    oauth_audience: str = ""
    """The ``aud`` an access token must carry (this API's identifier at the identity provider); needed with an
    issuer."""
    oauth_jwks_url: str = ""
    """Where the issuer publishes its keys (JWKS); empty: found through the issuer's OpenID discovery document."""
    oauth_read_scope: str = "runtime.read"
    """The token scope (or app role) that grants the runtime role ``read``."""
    oauth_write_scope: str = "runtime.write"
    """The token scope (or app role) that grants the runtime role ``write``."""
    oauth_alarm_ack_scope: str = "runtime.alarmAck"
    """The token scope (or app role) that grants the runtime role ``alarmAck``."""
    oauth_admin_scope: str = "runtime.admin"
    """The token scope (or app role) that grants the runtime role ``admin``."""
    oauth_leeway_seconds: int = 60
    """Clock skew allowed on a token's ``exp`` and ``nbf``."""
    oauth_jwks_cache_seconds: int = 300
    """The longest the issuer's keys (JWKS) are trusted after a fetch; the issuer's ``Cache-Control: max-age``
    shortens it (not below 30 s, or this when shorter). A key the issuer withdraws is refused at most this long
    after (engineering_api.runtime.jwks)."""
    oauth_jwks_timeout_seconds: float = 5.0
    """The whole answer of the issuer's keys (or discovery document), and the longest a token waits for it."""
    backend: BackendName = "fake"
    """``fake`` (in-process TIA model) or ``openness`` (TIA Portal over pythonnet, Windows only)."""
    tia_version: str = "V19"
    """Version of portals the fake launches."""
    fake_auto_launch: bool = True
    """The fake starts like a workstation where a headless TIA Portal is already running and attached."""
    file_roots: tuple[Path, ...] = ()
    """Directories request paths may point into; empty means ``<data_dir>/workspace``."""
    allowed_hosts: tuple[str, ...] = field(default_factory=lambda: DEFAULT_ALLOWED_HOSTS)
    """Accepted ``Host`` header names, compared without the port and case-insensitively (DNS-rebinding
    protection). ``LOOPBACK_HOSTS`` are always added. Set by ``ENGINEERING_API_ALLOWED_HOSTS``, it wins over the
    value saved through the API."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed by CORS; none until configured."""
    rate_limit_per_minute: int = 6000
    """Requests per minute per API key, across all routes."""
    auth_failures_per_minute: int = 30
    """Wrong API keys (401) a client address may send per minute; past it, a wrong key from that address answers
    429 until the budget refills. A valid key is always served, and a missing key is not counted: it guesses
    nothing."""
    console_session_hours: float = 12.0
    """A console session ends this long after its sign-in however busy it is (an absolute lifetime, on top of the
    8 hours a session may stay unused): a stolen session cookie is worth at most a working day."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses of TLS-terminating reverse proxies (IPs or CIDR networks): from them, and only from them,
    ``X-Forwarded-Proto: https`` makes the request https (the console's session cookie is then ``Secure`` and its
    redirects stay on https), and ``X-Forwarded-For`` names the client that ``/metrics`` access and the access log
    go by. Empty: the headers are ignored."""
    max_body_bytes: int = 8 * 1024 * 1024
    """Largest accepted request body; larger ones get 413."""
    call_timeout_seconds: float = 120.0
    """Default time limit for one backend call."""
    job_timeout_seconds: float = 1800.0
    """Time limit for one long-running operation."""
    job_retention_hours: float = 24.0
    """Finished jobs older than this are swept away."""
    sweep_interval_minutes: float = 15.0
    """How often the retention sweep runs."""
    auto_snapshot: bool = False
    """Snapshot a block, UDT or tag table before every change made through the API."""
    snapshot_retention_days: float = 30.0
    """Snapshots older than this are removed by the cleanup job (0 keeps them all)."""
    snapshot_max_per_object: int = 50
    """At most this many snapshots are kept per object; the oldest go first (0: no limit)."""
    snapshot_cleanup_interval_hours: float = 6.0
    """How often the snapshot cleanup runs."""
    db: str | None = None
    """``postgresql://…``: the API node's jobs, keys, audit and state in PostgreSQL instead of the SQLite file
    (an API node that must not lose its disk); the password is never printed or logged."""
    farm_url: str | None = None
    """A farm's broker (``redis://…`` or ``amqp://…``): backend calls go to agents instead of this process."""
    farm_path_map: tuple[str, ...] = ()
    """``NODE_PREFIX=AGENT_PREFIX`` pairs: where agents see the shared storage the API node sees at NODE_PREFIX
    (``/mnt/tia=\\\\filer\\tia`` for Windows agents of a Linux node); paths are rewritten both ways."""
    farm_state_url: str | None = None
    """Redis for a farm's results, heartbeats and claims; the broker when that is Redis."""
    farm_outage_grace_seconds: float = 30.0
    """After Redis was away, how long a farm's sessions keep agents that have not reported yet, and how long a new
    call waits for Redis before 503 ``FARM_BROKER_UNREACHABLE``."""
    farm_lease_seconds: float = 5.0
    """A farm agent's lease: its heartbeat record lives this long in Redis (rewritten every second); an agent
    silent that long is taken as gone. The API node waits this long after a Redis restart for the agents'
    heartbeats to bring back the claims a Redis that lost its data forgot."""
    farm_lease_grace_seconds: float = 5.0
    """After a farm agent's lease lapsed, how long the API node waits for the same agent instance to come back (a
    short partition, a connection reset, a paused VM) before its sessions are told 503 ``AGENT_LOST`` and their
    projects closed: a reconnect within it keeps the session's unsaved work."""
    trust_plc_certificates: bool = False
    """Answer TIA's TLS trust prompt (a CPU presenting a certificate, V17 on) with "trusted" when a call does not say
    (``trustTls``); every answer is reported in the call's result and logged."""
    access_log: Literal["off", "json"] = "off"
    """``json``: one JSON line per request on stderr (logger ``engineering_api.access``): method, route template,
    status, duration, key id (never the key) and request id. See docs/operations.md."""
    log_level: str | None = None
    """``DEBUG``, ``INFO``, ``WARNING`` or ``ERROR``: the level of the server's (or an agent's) log on stderr, one
    line per record with its request id. None: Python's default (warnings and errors, bare). See
    docs/operations.md."""
    tracing: bool = False
    """OpenTelemetry spans of requests, jobs, port calls, farm calls and agents, to the process's tracer provider
    (the ``tracing`` extra). See docs/operations.md."""
    metrics_clients: tuple[str, ...] = ("127.0.0.1", "::1")
    """Client addresses or networks (``10.0.0.0/24``) that may read ``GET /metrics`` without a key; loopback only
    by default, so a server opened to the network does not publish its metrics. Empty: none."""
    pull_allowed_targets: tuple[str, ...] = ()
    """Hosts a runtime pull may fetch from although they are loopback, link-local or a cloud metadata service
    (addresses, networks such as ``127.0.0.0/8``, or host names): an ERP on this machine, a lab's or a test's
    server. Empty (the default): none, so an admin's pull cannot read the server's neighbours or its cloud
    instance's credentials. See docs/runtime-api.md."""
    metrics_role: str | None = None
    """A role (``viewer``, ``engineer``, ``admin``) whose API key may read ``GET /metrics`` from any address; none by
    default."""
    debug: bool = False
    """Litestar debug mode (tracebacks in responses); never on in production."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Settings saved through ``POST /api/settings`` that only clients read."""
    from_environment: frozenset[str] = frozenset()
    """Runtime settings given by ``ENGINEERING_API_*`` variables: saved settings do not override them."""

    def __post_init__(self) -> None:
        for entry in self.trusted_proxies:  # a wrong entry stops the start with its reason, not every request
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"trustedProxies: {entry!r} is not an IP address or a CIDR network") from None
        if self.access_log not in ("off", "json"):
            raise ValueError(f"accessLog must be 'off' or 'json', not {self.access_log!r}")
        if self.log_level is not None:
            object.__setattr__(self, "log_level", self.log_level.strip().upper())
            if self.log_level not in LOG_LEVELS:
                raise ValueError(f"logLevel must be one of {', '.join(LOG_LEVELS)}, not {self.log_level!r}")
        if self.metrics_role not in (None, "viewer", "engineer", "admin"):
            raise ValueError(f"metricsRole must be viewer, engineer or admin, not {self.metrics_role!r}")
        missing = tuple(host for host in LOOPBACK_HOSTS if host not in self.allowed_hosts)
        if missing:
            object.__setattr__(self, "allowed_hosts", (*self.allowed_hosts, *missing))

    @property
    def roots(self) -> tuple[Path, ...]:
        """The effective file roots."""
        return self.file_roots or (self.data_dir / "workspace",)

    @property
    def database_path(self) -> Path:
        """The SQLite file."""
        return self.data_dir / "engineering-api.sqlite3"

    @property
    def database_target(self) -> Path | str:
        """Where the service database is: the ``db`` URL when given, else the SQLite file."""
        return self.db or self.database_path

    @property
    def database_shown(self) -> str:
        """:attr:`database_target` as it may be printed: a URL without its password."""
        if not self.db:
            return str(self.database_path)
        scheme, _, rest = self.db.partition("://")
        credentials, at, host = rest.rpartition("@")
        return f"{scheme}://{credentials.split(':', 1)[0]}{at}{host}" if at else self.db

    @property
    def secret_path(self) -> Path:
        """Where the first admin key is written (mode 0600)."""
        return self.data_dir / "api.secret"

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ``ENGINEERING_API_<FIELD>`` variables, then explicit overrides."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = os.environ.get(f"ENGINEERING_API_{item.name.upper()}")
            if raw is not None and item.name not in ("extra", "from_environment"):
                values[item.name] = _coerce(item.name, raw)
        values["from_environment"] = frozenset(values) & RUNTIME_SETTING_NAMES
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        return replace(settings, data_dir=Path(settings.data_dir).resolve())

    def with_runtime(self, changes: dict[str, Any]) -> Settings:
        """A copy with the runtime-changeable settings updated (see ``RUNTIME_SETTING_NAMES``)."""
        known = {k: _coerce(k, v) for k, v in changes.items() if k in RUNTIME_SETTING_NAMES}
        return replace(self, **known)

    def with_saved(self, saved: dict[str, Any]) -> Settings:
        """A copy with the settings saved through the API, except those the environment gives.

        ``saved`` must hold only valid values, as ``engineering_api.domain.system.saved_settings`` returns them.
        """
        return self.with_runtime({k: v for k, v in saved.items() if k not in self.from_environment})


RUNTIME_SETTING_NAMES = frozenset(
    {
        "allowed_hosts",
        "cors_origins",
        "rate_limit_per_minute",
        "auth_failures_per_minute",
        "call_timeout_seconds",
        "job_timeout_seconds",
        "job_retention_hours",
        "auto_snapshot",
        "snapshot_retention_days",
        "snapshot_max_per_object",
    }
)
"""Settings an admin may change through the API without a restart."""


def _coerce(name: str, raw: Any) -> Any:
    kinds = {item.name: item.type for item in fields(Settings)}
    kind = str(kinds.get(name, "str"))
    if "tuple" in kind:
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        items = [str(i).strip() for i in items if str(i).strip()]
        return tuple(Path(i) for i in items) if "Path" in kind else tuple(items)
    if kind.startswith("int"):
        return int(raw)
    if kind.startswith("float"):
        return float(raw)
    if kind.startswith("bool"):
        return raw if isinstance(raw, bool) else str(raw).lower() in {"1", "true", "yes", "on"}
    if kind.startswith("Path"):
        return Path(raw)
    return raw
