"""The runtime API's state: users and sessions, login limits, its settings and the tag source.

One :class:`RuntimeService` per app, kept in ``services.notes["runtime"]`` (:func:`runtime_of`), so the guard
middleware (bearer tokens) and the routes share it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib import legacy_history
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.ratelimit import TokenBuckets
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.connections import ConnectionStore, SwitchedSource
from engineering_api.runtime.alarms import AlarmService
from engineering_api.runtime.tag_logging import DatabaseHistoryStore, TagLoggingService
from engineering_api.runtime.monitor import RuntimeMonitor
from engineering_api.runtime.oauth import OAuthConfig, OAuthRefused, OAuthValidator, looks_like_jwt
from engineering_api.runtime.on_worker import WorkerBackend
from engineering_api.runtime.simulated import SimulatedSource
from engineering_api.runtime.subscriptions import SubscriptionHub
from engineering_api.runtime.users import RuntimePrincipal, RuntimeRole, RuntimeUserStore

if TYPE_CHECKING:
    from engineering_api.runtime.sources import TagSource
    from engineering_api.runtime.users import RuntimeUser
    from engineering_api.services import Services

__all__ = (
    "LoginRefused", "Refusal", "RuntimeService", "RuntimeSettings", "existing_runtime", "runtime_of",
    "start_runtime_monitor", "stop_runtime_monitor",
)

_NOTE = "runtime"
_CREATE_LOCK = threading.Lock()


class RuntimeSettings(CamelStruct):
    """Settings of the runtime API (admin), kept in the service's database."""

    token_lifetime_seconds: Annotated[int, msgspec.Meta(ge=60, le=7 * 86400)] = 3600
    """How long a login's bearer token stays valid (60 s .. 7 days)."""
    login_failures_per_user: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 5
    """Failed logins a minute for one user name before it answers 429 (whatever the address)."""
    login_failures_per_address: Annotated[int, msgspec.Meta(ge=1, le=10000)] = 20
    """Failed logins a minute from one client address before it answers 429 (whatever the name)."""
    requests_per_token_per_minute: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 600
    """Requests a minute one bearer token may make before it answers 429 with Retry-After (each token its own)."""
    engineering_session: Annotated[str, msgspec.Meta(pattern=r"^[^/]{1,128}/[A-Za-z0-9._-]{1,64}$")] | None = None
    """Farm only: the engineering session whose PLCSim instances the runtime API serves, as ``<API key
    name>/<session>`` (that key's ``X-Engineering-Session``); null: the default session, which every key shares.
    A farm gives each session its own portal, so a PLC an engineer downloaded in a named session is only there."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request is refused before its handler: an RFC 9457 answer to send."""

    status: int
    code: str
    message: str
    headers: dict[str, str] | None = None
    caller: RuntimePrincipal | None = None
    """The user refused for lack of a role (a 403 is audited with its caller)."""


class LoginRefused(Exception):  # a refusal, answered by the route, not a fault
    """A login refused: wrong credentials (401) or too many failures (429)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


class RuntimeService:
    """Users, sessions, login limits and the tag source of the runtime API."""

    def __init__(self, services: Services, source: TagSource | None = None) -> None:
        self.users = RuntimeUserStore(services.db)
        # the simulated PLCs, or the real ones mapped to connections, as the admin chose (GET|PUT tag-source)
        self._services = services
        self._kv = KeyValueStore(services.db, "runtime.")
        self._session = self._caller_of(self.settings().engineering_session)
        # the port, from this API's threads, on the TIA worker (in a farm: of the chosen session)
        backend: Any = WorkerBackend(services, session=lambda: self._session)
        self.connections = ConnectionStore(services)
        """The connections to real PLCs and their tag mappings (the admin's connection calls)."""
        self.source: TagSource = source or SwitchedSource(self.connections, SimulatedSource(backend))
        self._limiter = services.limiter
        self.failures_by_user = TokenBuckets()
        self.failures_by_address = TokenBuckets()
        self.requests_by_token = TokenBuckets()
        oauth = OAuthConfig.from_settings(services.settings)
        self.oauth = OAuthValidator(oauth) if oauth is not None else None
        """Access tokens of the plant's identity provider, when an issuer is configured (runtime.oauth)."""
        # alarms, history and subscriptions of the simulated CPU the source serves (engineering_api.runtime.monitor)
        self.hub = SubscriptionHub()
        self.alarms = AlarmService(services.db, on_change=self.hub.on_alarm)
        # a history file of an older release in this node's data dir, when the database was upgraded by another node
        legacy_history.adopt(services.db, services.settings.data_dir)
        self.history = TagLoggingService(services.db, DatabaseHistoryStore(services.db))
        polled = self.source.polled if isinstance(self.source, SwitchedSource) else (lambda: None)
        self.monitor = RuntimeMonitor(backend, SimulatedSource(backend), self.alarms, self.history, self.hub, polled)

    # ----- settings ---------------------------------------------------------------------------------
    @property
    def services(self) -> Services:
        """The app's services (an admin call's own stores: the OPC UA servers)."""
        return self._services

    def settings(self) -> RuntimeSettings:
        """The saved settings (defaults for what was never set)."""
        saved = self._kv.get("settings") or {}
        return msgspec.convert(saved, RuntimeSettings)

    def save_settings(self, new: RuntimeSettings) -> RuntimeSettings:
        """Store ``new``; tokens already issued keep their expiry.

        Raises ValidationError: an ``engineeringSession`` on a server that is not a farm (``NOT_A_FARM``), or naming
        no active API key (``API_KEY_NOT_FOUND``).
        """
        if new.engineering_session is not None:
            if not self._services.settings.farm_url:
                raise ValidationError("engineeringSession names a farm session; this server runs embedded, where "
                                      "every session shares the one portal. Leave it null.", code=codes.NOT_A_FARM)
            if self._caller_of(new.engineering_session) is None:
                name = new.engineering_session.rsplit("/", 1)[0]
                raise ValidationError(f"No active API key named {name!r}: engineeringSession is <API key name>/"
                                      "<session>, as that key's X-Engineering-Session.", code=codes.API_KEY_NOT_FOUND)
        self._kv.set("settings", msgspec.to_builtins(new))
        self._session = self._caller_of(new.engineering_session)
        self.monitor.changed()  # what it monitors lives on the other session's PLCs now
        return new

    def _caller_of(self, session: str | None) -> str | None:
        """The dispatcher's name of ``<key name>/<session>`` (``<key id>/<session>``), or None (default session, or
        no such active key)."""
        if session is None:
            return None
        name, _, session_name = session.rpartition("/")
        key = next((k for k in self._services.keys.list() if k.name == name and k.revoked_at is None), None)
        return f"{key.key_id}/{session_name}" if key is not None else None

    # ----- sessions ---------------------------------------------------------------------------------
    def login(self, username: str, password: str, client: str | None) -> tuple[RuntimeUser, str, str]:
        """(user, token, expiresAt) for valid credentials.

        A name or address past its budget of failures a minute is refused before the password is hashed, so a
        guessing run costs the server nothing; a success costs no budget.

        Raises:
            LoginRefused: 401 INVALID_CREDENTIALS, or 429 TOO_MANY_LOGIN_FAILURES with Retry-After.
        """
        cfg = self.settings()
        name_key = username.strip().lower()
        address = client or ""
        wait = max(self.failures_by_user.wait(name_key, cfg.login_failures_per_user),
                   self.failures_by_address.wait(address, cfg.login_failures_per_address))
        if wait:
            raise LoginRefused(Refusal(
                429, codes.TOO_MANY_LOGIN_FAILURES,
                f"Too many failed logins for this user or from this address; retry after {wait} s",
                {"retry-after": str(wait)},
            ))
        user = self.users.authenticate(username, password)
        if user is None:
            self.failures_by_user.take(name_key, cfg.login_failures_per_user)
            self.failures_by_address.take(address, cfg.login_failures_per_address)
            raise LoginRefused(Refusal(401, codes.INVALID_CREDENTIALS, "Wrong user name or password"))
        token, expires_at = self.users.open_session(user, cfg.token_lifetime_seconds, client)
        return user, token, expires_at

    def check_bearer(
        self, authorization: str | None, needed: str, client: str | None, requests_per_minute: int,
        failures_per_minute: int, *, wait_for_issuer: bool = True,
    ) -> RuntimePrincipal | Refusal:
        """The runtime user of an ``Authorization: Bearer`` header with the role ``needed``, or the refusal.

        401 for a missing, malformed, unknown or expired token (a wrong token costs the address a failed
        authentication, as a wrong API key does), 429 for such a token from an address past its failures or for
        a user past the request budget, 403 without the role (the refusal names the caller). A valid token is
        never refused for its address's failures: another process's guesses must not lock out a real client.
        ``wait_for_issuer``: an OAuth access token may wait for its issuer's keys (False on the event loop, after
        :meth:`OAuthValidator.wait_for_keys`).
        """
        address = client or ""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() == "bearer" and self.oauth is not None and looks_like_jwt(token.strip()):
            return self._check_access_token(self.oauth, token.strip(), needed, address, requests_per_minute,
                                            failures_per_minute, wait_for_issuer)
        principal = self.users.principal(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if principal is None:
            blocked = self._blocked(address, failures_per_minute)
            if blocked is not None:
                return blocked
        if not authorization:
            return Refusal(401, codes.UNAUTHORIZED, "A runtime bearer token is required (Authorization: Bearer <token> "
                                                "from POST /api/runtime/auth/login)", _CHALLENGE)
        return self._admit(principal, needed, address, requests_per_minute, failures_per_minute)

    def _check_access_token(
        self, oauth: OAuthValidator, token: str, needed: str, address: str, requests_per_minute: int,
        failures_per_minute: int, wait_for_issuer: bool,
    ) -> RuntimePrincipal | Refusal:
        """:meth:`check_bearer` for an OAuth 2.0 access token of the configured issuer (RFC 6750's answers)."""
        try:
            principal = oauth.principal(token, wait=wait_for_issuer)
        except OAuthRefused as refused:
            blocked = self._blocked(address, failures_per_minute)
            if blocked is not None:
                return blocked
            self._limiter.auth_failures.take(address, failures_per_minute)
            return Refusal(refused.status, codes.UNAUTHORIZED, refused.description,
                           {"www-authenticate": refused.challenge})
        answer = self._admit(principal, needed, address, requests_per_minute, failures_per_minute)
        if isinstance(answer, Refusal) and answer.status == 403:
            scope = oauth.config.scope_of(needed)
            insufficient = OAuthRefused(403, "insufficient_scope", f"The access token lacks the scope {scope}", scope)
            return Refusal(403, codes.FORBIDDEN, f"This operation needs the scope {scope!r} (runtime role {needed}); "
                                             "ask the identity provider's administrator to grant it",
                           {"www-authenticate": insufficient.challenge}, caller=answer.caller)
        return answer

    def check_ticket(
        self, subscription_id: str, ticket: str, needed: str, client: str | None, requests_per_minute: int,
        failures_per_minute: int,
    ) -> RuntimePrincipal | Refusal:
        """As :meth:`check_bearer`, for a subscription's stream ticket (``?ticket=``, for browsers' EventSource,
        which cannot send a header): the user of the session that made the subscription, while it lasts."""
        address = client or ""
        session = self.hub.ticket_session(subscription_id, ticket)
        principal = self.users.session_principal(session) if session else None
        if principal is None:
            blocked = self._blocked(address, failures_per_minute)
            if blocked is not None:
                return blocked
        return self._admit(principal, needed, address, requests_per_minute, failures_per_minute)

    def _blocked(self, address: str, failures_per_minute: int) -> Refusal | None:
        """429 for an address past its budget of failed authentications (asked only of a credential that failed)."""
        wait = self._limiter.auth_failures.wait(address, failures_per_minute)
        if not wait:
            return None
        return Refusal(429, codes.TOO_MANY_FAILED_AUTHENTICATIONS,
                       f"More than {failures_per_minute} failed authentications a minute from this address; "
                       f"retry after {wait} s", {"retry-after": str(wait)})

    def _admit(
        self, principal: RuntimePrincipal | None, needed: str, address: str, requests_per_minute: int,
        failures_per_minute: int,
    ) -> RuntimePrincipal | Refusal:
        """The principal of a checked credential past the rate limits and with the role, or the refusal."""
        limiter = self._limiter
        if principal is None:
            limiter.auth_failures.take(address, failures_per_minute)
            return Refusal(401, codes.UNAUTHORIZED, "The bearer token (or stream ticket) is not valid or has expired; "
                                                "log in again", {"www-authenticate": 'Bearer error="invalid_token"'})
        retry = limiter.requests.take(principal.key_id, requests_per_minute)
        if retry:
            return Refusal(429, codes.RATE_LIMITED, f"Rate limit of {requests_per_minute} requests per minute exceeded",
                           {"retry-after": str(retry)})
        per_token = self.settings().requests_per_token_per_minute
        retry = self.requests_by_token.take(principal.session, per_token)
        if retry:
            return Refusal(429, codes.RATE_LIMITED,
                           f"Rate limit of {per_token} requests per minute for this bearer token "
                                                f"exceeded; retry after {retry} s", {"retry-after": str(retry)})
        if needed != "any" and not principal.allows(RuntimeRole(needed)):
            return Refusal(403, codes.FORBIDDEN, f"This operation needs the runtime role {needed}; user "
                                             f"{principal.username!r} has "
                                             f"{', '.join(sorted(principal.roles)) or 'none'}",
                           caller=principal)
        return principal


_CHALLENGE = {"www-authenticate": 'Bearer realm="runtime"'}


def existing_runtime(services: Services) -> RuntimeService | None:
    """The app's runtime service if something made it already (the metrics read it, never make it)."""
    service: RuntimeService | None = services.notes.get(_NOTE)
    return service


def runtime_of(services: Services) -> RuntimeService:
    """The app's runtime service, made on first use."""
    service = services.notes.get(_NOTE)
    if service is None:
        with _CREATE_LOCK:
            service = services.notes.get(_NOTE)
            if service is None:
                service = services.notes[_NOTE] = RuntimeService(services)
    return service


def principal_of(scope: Any) -> RuntimePrincipal:
    """The runtime user the guard put on the request."""
    user = scope.get("user")
    if not isinstance(user, RuntimePrincipal):  # the guard always sets it on runtime routes
        raise RuntimeError("runtime route reached without a runtime principal")
    return user


def _configured(services: Services) -> bool:
    """Whether alarm definitions or logging settings exist, read without creating the runtime service."""
    db = services.db
    if KeyValueStore(db, "runtime.history.").get("settings"):
        return True
    return db.has_table("runtime_alarm_defs") and db.one("SELECT 1 FROM runtime_alarm_defs LIMIT 1") is not None


def start_runtime_monitor(services: Services) -> None:
    """At the app's start: pump in the background when alarms or logging are configured, so a restarted server
    goes on logging and raising alarms before anyone asks (otherwise the first runtime request starts it)."""
    if _configured(services):
        runtime_of(services).monitor.start()


def stop_runtime_monitor(services: Services) -> None:
    """At the app's end: stop the background pump and close the real PLCs' sessions, if the runtime service was
    made."""
    runtime = services.notes.get(_NOTE)
    if runtime is not None:
        runtime.monitor.stop()
        if isinstance(runtime.source, SwitchedSource):
            runtime.source.connections.close()  # after the monitor, which polls through them
