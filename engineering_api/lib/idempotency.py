"""The ``Idempotency-Key`` of a call that runs inline (the runtime API's changes): its key store and its ASGI layer.

The derived engineering routes find a retry by its job (:meth:`engineering_api.jobs.manager.JobManager.start`). A
runtime call runs no job, so its keys live in a table of their own (:data:`~engineering_api.lib.tables.
idempotency_keys`), one row per caller and key, following the IETF draft "The Idempotency-Key HTTP Header Field"
(draft-ietf-httpapi-idempotency-key-header-07, section 2.6 "Error Handling"):

- the first request with a key claims it (``inFlight``), runs, and stores its answer (``done``);
- a retry of the same request gets that stored answer, marked ``Idempotent-Replayed: true``; the work is not done
  again;
- the same key with another request (method, path, query or body differ) answers 422 ``IDEMPOTENCY_KEY_REUSED``;
- a retry while the first is still running answers 409 ``IDEMPOTENCY_KEY_IN_FLIGHT`` (``Retry-After: 1``).

A claim holds a lease of :data:`LEASE_SECONDS`, renewed while its process runs the call. A process that died between
doing the work and storing the answer renews nothing: once the lease has lapsed the next retry settles the key as
503 ``IDEMPOTENT_OUTCOME_UNKNOWN`` (the work may or may not have run; look, then send a new key), stored as the
key's answer, so the client is blocked for at most :data:`LEASE_SECONDS` and is never told a success nobody saw.

Secrets: the store keeps a SHA-256 of the request, never the request; the stored answer has every field named like
a secret (:func:`engineering_api.lib.redact.redacted`) replaced, so an echoed password is never kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.enums import ScopeType
from sqlalchemy import and_, delete, select, update

from engineering_api.backend.errors import InsufficientStorageError
from engineering_api.errors import codes
from engineering_api.lib.redact import redacted
from engineering_api.lib.responses import error_body, send_problem
from engineering_api.lib.schema import utc_now
from engineering_api.lib.tables import idempotency_keys

if TYPE_CHECKING:
    from litestar.types import ASGIApp, HTTPReceiveMessage, Message, Receive, Scope, Send

    from engineering_api.lib.db import Database

__all__ = (
    "IN_FLIGHT_CODE", "KEY_HEADER", "LEASE_SECONDS", "MAX_KEY_LENGTH", "OUTCOME_UNKNOWN_CODE", "REPLAYED_HEADER",
    "REUSED_CODE", "IdempotencyKeys", "StoredAnswer", "run_keyed",
)

logger = logging.getLogger(__name__)

KEY_HEADER = "Idempotency-Key"
"""The request header that names a retry's key, here and on the derived routes (``engineering_api.web.routes``)."""
_KEY_HEADER_RAW = KEY_HEADER.lower().encode("latin-1")
"""As it stands in an ASGI scope's headers."""
REPLAYED_HEADER = "Idempotent-Replayed"
"""Set (``true``) on an answer read back from the key store: this request did not run the call."""
IN_FLIGHT_CODE = codes.IDEMPOTENCY_KEY_IN_FLIGHT
REUSED_CODE = codes.IDEMPOTENCY_KEY_REUSED
OUTCOME_UNKNOWN_CODE = codes.IDEMPOTENT_OUTCOME_UNKNOWN
LEASE_SECONDS = 30.0
"""How long a claim holds without its process renewing it (every third of it while the call runs): the longest a
client waits (409) after the process running its call died."""
MAX_KEY_LENGTH = 200
"""The longest key, here and on the derived routes (``engineering_api.web.routes.IDEMPOTENCY_PARAMETER``)."""
_KEPT_HEADERS = frozenset({b"content-type", b"location", b"etag"})
"""The answer's headers a replay repeats; the others (request id, length, date) belong to each answer."""
_PURGE_EVERY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A key's answer: status, the headers that matter, the body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def request_hash(method: str, path: str, query: bytes, body: bytes) -> str:
    """The request's fingerprint: a SHA-256 of method, path, query and body (the body never stored itself)."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _stored_body(body: bytes, content_type: str) -> bytes:
    """The body as stored: a JSON answer without the values of fields named like secrets."""
    if "json" not in content_type:
        return body
    try:
        return msgspec.json.encode(redacted(msgspec.json.decode(body)))
    except msgspec.DecodeError:
        return body


class IdempotencyKeys:
    """The runtime calls' keys in the service database; one instance per app, which names its process (``owner``)."""

    def __init__(self, db: Database, retention_hours: float) -> None:
        self._db = db
        self.retention_ms = int(retention_hours * 3600 * 1000)
        """How long a key is kept: as long as a derived route's job (``job_retention_hours``), so a retry finds
        its key on both kinds of route for the same time."""
        self.owner = uuid.uuid4().hex
        """This process's claims (a restarted process is a new owner)."""
        self._purged_at = 0.0

    def _where(self, caller: str, key: str) -> Any:
        return and_(idempotency_keys.c.caller == caller, idempotency_keys.c.idempotency_key == key)

    def claim(self, caller: str, key: str, operation: str, fingerprint: str) -> dict[str, Any] | None:
        """Claim the key for this request: None when claimed, else the key's row as it stands."""
        now = _now_ms()
        self._purge(now)
        row = {"caller": caller, "idempotency_key": key, "operation": operation, "request_hash": fingerprint,
               "state": "inFlight", "owner": self.owner, "lease_until": now + int(LEASE_SECONDS * 1000),
               "created_at": utc_now(), "expires_at": now + self.retention_ms}
        for _ in range(2):
            if self._db.insert_new(idempotency_keys, row, ("caller", "idempotency_key")):
                return None
            found = self._db.one(select(idempotency_keys).where(self._where(caller, key)))
            if found is None:
                continue  # purged between the two statements
            if found["expires_at"] >= now:
                return dict(found)
            self._db.execute(delete(idempotency_keys).where(
                self._where(caller, key), idempotency_keys.c.expires_at < now))
        raise RuntimeError(f"idempotency key {key!r} could not be claimed")  # pragma: no cover - a racing purge

    def renew(self, caller: str, key: str) -> None:
        """Extend this process's claim (the call still runs)."""
        self._db.execute(update(idempotency_keys).where(
            self._where(caller, key), idempotency_keys.c.state == "inFlight", idempotency_keys.c.owner == self.owner,
        ).values(lease_until=_now_ms() + int(LEASE_SECONDS * 1000)))

    def finish(self, caller: str, key: str, answer: StoredAnswer, *, owner: str | None = None) -> bool:
        """Store the answer of the claim of ``owner`` (this process by default); False when that claim was settled
        meanwhile (its lease had lapsed), whose stored answer then stays."""
        content_type = next((value for name, value in answer.headers if name == "content-type"), "")
        return bool(self._db.execute(update(idempotency_keys).where(
            self._where(caller, key), idempotency_keys.c.state == "inFlight",
            idempotency_keys.c.owner == (owner or self.owner),
        ).values(state="done", status=answer.status, headers=msgspec.json.encode(answer.headers).decode(),
                 body=_stored_body(answer.body, content_type))))

    def settle_lapsed(self, caller: str, key: str, row: dict[str, Any], path: str) -> StoredAnswer | None:
        """The stored answer of a claim whose lease lapsed (its process died before storing the answer): 503
        :data:`OUTCOME_UNKNOWN_CODE`; None while the lease holds."""
        if row["lease_until"] >= _now_ms():
            return None
        return self.settle_unknown(caller, key, row["operation"], path, owner=row["owner"])

    def settle_unknown(self, caller: str, key: str, operation: str, path: str, *, owner: str) -> StoredAnswer:
        """Store 503 :data:`OUTCOME_UNKNOWN_CODE` as the answer of ``owner``'s claim and return the key's answer
        (the one stored first, should the claim's owner have stored its own meanwhile)."""
        unknown = StoredAnswer(503, [("content-type", "application/problem+json")], msgspec.json.encode(error_body(
            503, OUTCOME_UNKNOWN_CODE,
            "The first request with this Idempotency-Key was interrupted (its server process stopped or its answer "
            "was lost) before its answer was stored: the call may or may not have run. Check its effect, then send "
            "a new key.", instance=path, details={"operation": operation})))
        self.finish(caller, key, unknown, owner=owner)
        found = self._db.one(select(idempotency_keys).where(self._where(caller, key)))
        return stored(dict(found)) if found is not None and found["state"] == "done" else unknown

    def _purge(self, now: int) -> None:
        if time.monotonic() - self._purged_at < _PURGE_EVERY_SECONDS:
            return
        self._purged_at = time.monotonic()
        self._db.execute(delete(idempotency_keys).where(idempotency_keys.c.expires_at < now))


def stored(row: dict[str, Any]) -> StoredAnswer:
    """The answer of a ``done`` row."""
    headers = [(str(name), str(value)) for name, value in msgspec.json.decode(row["headers"] or "[]")]
    return StoredAnswer(int(row["status"]), headers, bytes(row["body"] or b""))


async def _send_stored(send: Send, answer: StoredAnswer) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    headers += [(b"content-length", str(len(answer.body)).encode()), (REPLAYED_HEADER.lower().encode(), b"true")]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it exceeds ``limit`` bytes (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _renewing(store: IdempotencyKeys, caller: str, key: str) -> None:
    while True:
        await asyncio.sleep(LEASE_SECONDS / 3)
        store.renew(caller, key)


async def run_keyed(app: ASGIApp, store: IdempotencyKeys, operation: str, scope: Scope, receive: Receive,
                    send: Send, *, max_body: int) -> bool:
    """Run a changing inline call under its ``Idempotency-Key`` (none: it simply runs) for the authenticated caller
    ``scope['auth']``; True when the answer was a stored one (the call did not run for this request).

    The body is read here, before Litestar's own limit applies, so a body over ``max_body`` bytes answers 413 at
    once, claims nothing and is not read further (the key stays free for a retry with a smaller body)."""
    raw = next((value for name, value in scope["headers"] if name == _KEY_HEADER_RAW), None)
    if raw is None or scope["type"] != ScopeType.HTTP:
        await app(scope, receive, send)
        return False
    key = raw.decode("latin-1")
    path = scope["path"]
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        await send_problem(send, 400, codes.INVALID_IDEMPOTENCY_KEY,
                           f"The Idempotency-Key header must be 1 to {MAX_KEY_LENGTH} characters, not blank: send a "
                           "key of your choosing (a UUID, say) or leave the header out.", path)
        return False
    body = await _read_body(receive, max_body)
    if body is None:
        await send_problem(send, 413, codes.BODY_TOO_LARGE,
                           f"Request body too large: the server accepts at most {max_body} bytes; nothing ran and "
                           f"Idempotency-Key {key!r} is still free.", path)
        return False
    caller = str(scope.get("auth") or "")
    fingerprint = request_hash(scope["method"], path, scope.get("query_string", b""), body)
    try:
        row = store.claim(caller, key, operation, fingerprint)
    except InsufficientStorageError as exc:  # no claim, so the call does not run
        await send_problem(send, 507, exc.code, exc.message, path, details=exc.details)
        return False
    if row is not None:
        return await _answer_claimed(store, caller, key, operation, fingerprint, row, scope["path"], send)
    await _run_claimed(app, store, caller, key, operation, body, scope, send)
    return False


async def _answer_claimed(store: IdempotencyKeys, caller: str, key: str, operation: str, fingerprint: str,
                          row: dict[str, Any], path: str, send: Send) -> bool:
    """Answer a request whose key was claimed before: 422, the stored answer (True), or 409 while it runs."""
    if row["request_hash"] != fingerprint or row["operation"] != operation:
        await send_problem(send, 422, REUSED_CODE,
                           f"Idempotency-Key {key!r} was already used for a different request ({row['operation']}); "
                           "use a new key for a new request.", path)
        return False
    answer = stored(row) if row["state"] == "done" else store.settle_lapsed(caller, key, row, path)
    if answer is None:
        await send_problem(send, 409, IN_FLIGHT_CODE,
                           f"The first request with Idempotency-Key {key!r} is still running: retry after it ends.",
                           path, headers={"Retry-After": "1"})
        return False
    await _send_stored(send, answer)
    return True


async def _run_claimed(app: ASGIApp, store: IdempotencyKeys, caller: str, key: str, operation: str, body: bytes,
                       scope: Scope, send: Send) -> None:
    """Run the call whose key this request claimed, and store its answer (an answer not seen whole: unknown)."""
    sent_body = False

    async def replay_body() -> HTTPReceiveMessage:
        nonlocal sent_body
        if sent_body:
            return {"type": "http.disconnect"}
        sent_body = True
        return {"type": "http.request", "body": body, "more_body": False}

    status: int | None = None
    headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []
    complete = False

    async def capture(message: Message) -> None:
        nonlocal status, complete
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.extend((name.decode("latin-1").lower(), value.decode("latin-1"))
                           for name, value in message.get("headers", ()) if name.lower() in _KEPT_HEADERS)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            complete = not message.get("more_body", False)
        await send(message)

    renewal = asyncio.create_task(_renewing(store, caller, key))
    try:
        await app(scope, replay_body, capture)
    finally:
        renewal.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewal
        try:
            if status is not None and complete:
                store.finish(caller, key, StoredAnswer(status, headers, b"".join(chunks)))
            else:  # the call raised past the app or its client left: whether it ran is not known here
                store.settle_unknown(caller, key, operation, scope["path"], owner=store.owner)
        except InsufficientStorageError:  # the claim lapses: a retry hears IDEMPOTENT_OUTCOME_UNKNOWN
            logger.warning("the answer of idempotency key %r of %s could not be stored: the disk is full", key,
                           operation)
