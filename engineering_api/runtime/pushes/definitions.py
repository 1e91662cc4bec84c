"""Scheduled pushes to an ERP (an "end of shift" report): push definitions and where they are kept.

A push has a schedule (cron, or shift boundaries in an IANA time zone; :mod:`.schedule`), a payload template
(JSON or XML filled with tag values and history aggregates over the period; :mod:`.template`) and an HTTP(S)
target with headers and auth. Deliveries go through the outbox (:mod:`.outbox`). Definitions are kept in the
service database (``kv`` rows under ``runtime.pushes.``); the target's bearer token or basic password is stored
encrypted (Fernet, :mod:`engineering_api.lib.secret_box`, its own key file), never returned (``secretSet``) and
never logged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.runtime.kv_records import SecretRecordStore
from engineering_api.runtime.outbound.endpoints import (CaCertificate, DefinitionName, EndpointHeaders, EndpointView,
                                                       PushAuth, kept_secret, shown_endpoint)

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.services import Services

__all__ = ("PushDefinition", "PushInput", "PushSchedule", "PushStore", "PushTarget", "StoredPush")

KEY_FILE = "runtime-push-secret.key"


class PushSchedule(CamelStruct):
    """When a push runs: a five-field ``cron`` expression or ``shifts`` (``HH:MM`` boundaries), in ``timezone``."""

    cron: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    shifts: Annotated[list[Annotated[str, msgspec.Meta(pattern=r"^\d{2}:\d{2}$")]],
                      msgspec.Meta(min_length=1, max_length=24)] | None = None
    """Shift boundaries such as ``["06:00", "14:00", "22:00"]``: the push at each covers the shift that ended."""
    timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] = "UTC"
    """IANA name (``Europe/Berlin``): boundaries follow its daylight-saving changes."""


class PushTarget(CamelStruct):
    """The ERP endpoint: an http(s) URL (on-site addresses are fine), extra headers and auth."""

    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    method: Literal["POST", "PUT"] = "POST"
    headers: EndpointHeaders = msgspec.field(default_factory=dict)
    auth: PushAuth = msgspec.field(default_factory=PushAuth)
    timeout_seconds: Annotated[float, msgspec.Meta(ge=0.5, le=120)] = 10.0
    ca_certificate: CaCertificate | None = None
    """``https://`` or ``mqtts://``: CA certificate(s) the server's certificate may chain to, PEM, besides the
    system's trust store (a plant's own ERP or broker; AWS IoT Core's Amazon Root CA 1 where the system lacks it)."""


class PushInput(CamelStruct):
    """A push definition as created or replaced."""

    name: DefinitionName
    schedule: PushSchedule
    format: Literal["json", "xml"]
    template: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]
    """The payload with placeholders: ``${delta("Line_DB".Count)}``, ``${avg(...)}``, ``${value(...)}``,
    ``${periodStart}`` ... (see :mod:`engineering_api.runtime.pushes.template`)."""
    target: PushTarget
    enabled: bool = True


class TargetView(EndpointView):
    """The target as shown: the secret only as ``secretSet``."""

    method: str
    client_certificate: str | None = None
    """The client certificate (PEM; public), for ``certificate`` auth."""
    ca_certificate: str | None = None
    access_key_id: str | None = None
    region: str | None = None
    service: str | None = None
    """``awsSigV4``: the access key id, region and service name (the secret access key only as ``secretSet``)."""


class PushDefinition(CamelStruct):
    """A push definition as shown (never its secret)."""

    push_id: str
    name: str
    schedule: PushSchedule
    format: str
    template: str
    target: TargetView
    enabled: bool
    created_at: str
    updated_at: str
    next_run_at: str | None = None


@dataclass(frozen=True)
class StoredPush:
    """A definition with its decrypted secret, for rendering and delivery; ``repr`` leaves the secret out."""

    view: PushDefinition
    secret: str | None = field(default=None, repr=False)

    @property
    def push_id(self) -> str:
        return self.view.push_id


def _view(raw: dict[str, object]) -> PushDefinition:
    shown = {k: v for k, v in raw.items() if k not in ("secretToken", "targetRaw")}
    return msgspec.convert(shown, PushDefinition)


class PushStore(SecretRecordStore[PushDefinition]):
    """Push definitions in the service database; secrets encrypted with their own key file."""

    def __init__(self, services: Services, check_target: Callable[[PushTarget], None]) -> None:
        """``check_target``: the table of transports' check (:mod:`.transports`, which imports this module's types)
        that every saved target passes."""
        super().__init__(services, prefix="runtime.pushes.", key_file=KEY_FILE, noun="push definition",
                         not_found_code=codes.PUSH_NOT_FOUND, view=_view)
        self._check_target = check_target

    def open(self, push_id: str) -> StoredPush:
        """The definition with its secret, for rendering and sending (Raises NotFoundError ``PUSH_NOT_FOUND``)."""
        raw = self._records.one(push_id)
        return StoredPush(_view(raw), self._secret_of(raw))

    def save(self, given: PushInput, push_id: str | None = None) -> PushDefinition:
        """Create (no id) or replace a definition; an omitted token/password keeps the stored one for the same URL.

        The caller checks schedule and template first. Raises ValidationError (``PUSH_TARGET_INVALID``,
        ``PUSH_NAME_TAKEN``), NotFoundError (``PUSH_NOT_FOUND``).
        """
        self._check_target(given.target)
        auth = given.target.auth
        with self._lock:
            every = self._records.all()
            old = self._records.one(push_id, every) if push_id else None
            if any(i != push_id and str(r["name"]).lower() == given.name.lower() for i, r in every.items()):
                raise ValidationError(f"A push is already named {given.name!r}.", code=codes.PUSH_NAME_TAKEN)
            token = kept_secret(self._secrets, auth, given.target.url, old, "target")
            if auth.type == "certificate" and token is None:
                raise ValidationError("certificate auth needs the client certificate's privateKey (PEM).",
                                      code=codes.PUSH_TARGET_INVALID)
            if auth.type == "awsSigV4" and token is None:
                raise ValidationError("awsSigV4 needs the secretAccessKey.", code=codes.PUSH_TARGET_INVALID)
            pid = push_id or uuid.uuid4().hex[:12]
            now = utc_now()
            raw: dict[str, object] = {
                "pushId": pid, "name": given.name, "schedule": msgspec.to_builtins(given.schedule),
                "format": given.format, "template": given.template, "enabled": given.enabled,
                "target": {**shown_endpoint(given.target.url, given.target.headers, auth, token,
                                            given.target.timeout_seconds), "method": given.target.method,
                           "clientCertificate": auth.certificate if auth.type == "certificate" else None,
                           "caCertificate": given.target.ca_certificate,
                           **({"accessKeyId": auth.access_key_id, "region": auth.region, "service": auth.service}
                              if auth.type == "awsSigV4" else {})},
                "secretToken": token, "createdAt": (old or {}).get("createdAt") or now, "updatedAt": now,
            }
            every[pid] = raw
            self._records.write(every)
            return _view(raw)
