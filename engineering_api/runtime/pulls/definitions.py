"""Inbound pulls: data an ERP, a weather service or any HTTP(S) source has, written to runtime tags.

A pull has a source (an http(s) URL fetched with GET, with headers and the same auth kinds as a push), an optional
interval, a mapping (tag -> field path in the JSON or XML document, :mod:`.mapping`), and may accept the
document from the ERP itself: ``POST /api/runtime/pulls/{pullId}/webhook`` with a runtime user's (or an OAuth
client's) bearer token holding the ``write`` role. Definitions are kept in the service database (``kv`` rows under
``runtime.pulls.``); the source's token or password is stored encrypted with its own key file, never returned
(``secretSet``) and never logged.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.runtime.kv_records import SecretRecordStore
from engineering_api.runtime.pulls.mapping import check_path
from engineering_api.runtime.outbound.endpoints import (CaCertificate, DefinitionName, EndpointHeaders, EndpointView,
                                                       PushAuth, kept_secret, shown_endpoint)

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.services import Services

__all__ = ("KEY_FILE", "PullDefinition", "PullInput", "PullMapping", "PullSource", "PullStore",
           "SourceView")

KEY_FILE = "runtime-pull-secret.key"


class PullSource(CamelStruct):
    """Where the document is fetched (GET): an http(s) URL, extra headers and auth (as a push's target)."""

    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    headers: EndpointHeaders = msgspec.field(default_factory=dict)
    auth: PushAuth = msgspec.field(default_factory=PushAuth)
    timeout_seconds: Annotated[float, msgspec.Meta(ge=0.5, le=120)] = 10.0
    ca_certificate: CaCertificate | None = None
    """``https://`` only: CA certificate(s) the source's certificate may chain to, PEM, besides the system's trust
    store (as a push target's)."""


class PullMapping(CamelStruct):
    """One runtime tag and the document field its value comes from."""

    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    path: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    """``order.lines[0].qty`` (a leading ``$.`` allowed); in XML the root element first, ``@attr`` for attributes."""


class PullInput(CamelStruct):
    """A pull definition as created or replaced."""

    name: DefinitionName
    mapping: Annotated[list[PullMapping], msgspec.Meta(min_length=1, max_length=1000)]
    source: PullSource | None = None
    """Needed for a scheduled or run-now pull; a webhook-only pull has none."""
    interval_seconds: Annotated[int, msgspec.Meta(ge=10, le=7 * 86400)] | None = None
    """Fetch the source every this many seconds; null: only on ``run`` and webhook."""
    accept_webhook: bool = False
    """Whether the ERP may post the document to ``.../webhook`` (bearer token with the runtime role write)."""
    enabled: bool = True


class SourceView(EndpointView):
    """The source as shown: the secret only as ``secretSet``."""

    ca_certificate: str | None = None


class PullDefinition(CamelStruct):
    """A pull definition as shown (never its secret), with its last run's outcome."""

    pull_id: str
    name: str
    mapping: list[PullMapping]
    source: SourceView | None
    interval_seconds: int | None
    accept_webhook: bool
    enabled: bool
    created_at: str
    updated_at: str
    last_run_at: str | None = None
    last_status: str | None = None
    last_error: str | None = None


def _check(given: PullInput, check_source: Callable[[PullSource], None]) -> None:
    for item in given.mapping:
        check_path(item.path)
    tags = [m.tag for m in given.mapping]
    duplicates = sorted({t for t in tags if tags.count(t) > 1})
    if duplicates:
        raise ValidationError(f"The mapping names {', '.join(duplicates)} more than once.",
                              code=codes.PULL_MAPPING_INVALID)
    if given.source is None:
        if given.interval_seconds is not None:
            raise ValidationError("A pull with an interval needs a source to fetch.", code=codes.PULL_SOURCE_INVALID)
        if not given.accept_webhook:
            raise ValidationError("A pull needs a source, or acceptWebhook: true (the ERP posts the document).",
                                  code=codes.PULL_SOURCE_INVALID)
        return
    check_source(given.source)


def _view(raw: dict[str, object]) -> PullDefinition:
    shown = {k: v for k, v in raw.items() if k != "secretToken"}
    return msgspec.convert(shown, PullDefinition)


class PullStore(SecretRecordStore[PullDefinition]):
    """Pull definitions and their last outcome in the service database; secrets encrypted with their own key."""

    def __init__(self, services: Services, check_source: Callable[[PullSource, tuple[str, ...]], None]) -> None:
        """``check_source``: the table of source kinds' check (:mod:`.source_kinds`, which imports this module's
        types) that every saved source passes, with the hosts the server allows."""
        super().__init__(services, prefix="runtime.pulls.", key_file=KEY_FILE, noun="pull definition",
                         not_found_code=codes.PULL_NOT_FOUND, view=_view)
        self.allowed_targets = services.settings.pull_allowed_targets
        self._check_source = check_source

    def secret(self, pull_id: str) -> str | None:
        """The source's decrypted token or password, for fetching (Raises NotFoundError)."""
        return self._secret_of(self._records.one(pull_id))

    def save(self, given: PullInput, pull_id: str | None = None) -> PullDefinition:
        """Create (no id) or replace a definition; an omitted token/password keeps the stored one for the same URL.

        The caller checks the mapping's tags first. Raises ValidationError (``PULL_MAPPING_INVALID``,
        ``PULL_SOURCE_INVALID``, ``PULL_NAME_TAKEN``), NotFoundError (``PULL_NOT_FOUND``).
        """
        _check(given, lambda source: self._check_source(source, self.allowed_targets))
        with self._lock:
            every = self._records.all()
            old = self._records.one(pull_id, every) if pull_id else None
            if any(i != pull_id and str(r["name"]).lower() == given.name.lower() for i, r in every.items()):
                raise ValidationError(f"A pull is already named {given.name!r}.", code=codes.PULL_NAME_TAKEN)
            source = given.source
            token = None if source is None else kept_secret(self._secrets, source.auth, source.url, old, "source")
            pid = pull_id or uuid.uuid4().hex[:12]
            now = utc_now()
            raw: dict[str, object] = {
                "pullId": pid, "name": given.name, "mapping": msgspec.to_builtins(given.mapping),
                "source": None if source is None else {
                    **shown_endpoint(source.url, source.headers, source.auth, token, source.timeout_seconds),
                    "caCertificate": source.ca_certificate},
                "intervalSeconds": given.interval_seconds, "acceptWebhook": given.accept_webhook,
                "enabled": given.enabled, "secretToken": token,
                "createdAt": (old or {}).get("createdAt") or now, "updatedAt": now,
                "lastRunAt": (old or {}).get("lastRunAt"), "lastStatus": (old or {}).get("lastStatus"),
                "lastError": (old or {}).get("lastError"),
            }
            every[pid] = raw
            self._records.write(every)
            return _view(raw)

    def record_outcome(self, pull_id: str, at: str, status: str, error: str | None) -> None:
        """Keep a run's outcome on its definition (a pull deleted meanwhile is left deleted)."""
        with self._lock:
            every = self._records.all()
            if pull_id in every:
                every[pull_id].update(lastRunAt=at, lastStatus=status, lastError=error)
                self._records.write(every)

