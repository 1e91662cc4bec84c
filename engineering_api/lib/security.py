"""API keys (stored as SHA-256 hashes) and roles.

A key is 256 random bits shown once. Only its hash is stored, so a leaked database does not leak keys;
hashing before the lookup also means the comparison never touches the secret itself.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select

from engineering_api.backend.errors import (
    ConflictError,
    DatabaseUnavailableError,
    InsufficientStorageError,
    NotFoundError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.lib.key_changes import KeyChanges
from engineering_api.lib.roles import Role
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.shared_mark import SharedMark
from engineering_api.lib.tables import api_keys

if TYPE_CHECKING:
    from pathlib import Path

    from litestar.connection import ASGIConnection

    from engineering_api.lib.db import Database

__all__ = ("KEY_NAME_MAX", "ApiKeyInfo", "ApiKeyStore", "Principal", "Role", "ensure_admin_key", "principal_of")

logger = logging.getLogger(__name__)

KEY_PREFIX = "eapi_"
KEY_NAME_MAX = 100
"""Longest key name: a label for people, shown in listings."""
_LAST_USED_EVERY_S = 60.0
REVOCATION_MARK_SUFFIX = "-revocations"
"""The shared revocation mark is the database file's name with this suffix (0600, 8 bytes)."""
_VERIFIED_MAX = 1000
_BY_HASH = (select(api_keys.c.key_id, api_keys.c.name, api_keys.c.role)
            .where(api_keys.c.key_hash == bindparam("digest"), api_keys.c.revoked_at.is_(None)))
"""The lookup of every authenticated request, built once."""
_USED = api_keys.update().where(api_keys.c.key_id == bindparam("key")).values(last_used_at=bindparam("at"))
"""Keys remembered as verified at most; past it a key is looked up on each use (there are never that many)."""




class _NothingChanged(Exception):
    """Rolls back a key change that changed no row (a refused revocation): its trigger's notification with it."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a request."""

    key_id: str
    name: str
    role: Role


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The principal a guard authenticated for a request (the REST guard by key, the console's by session)."""
    principal: Principal = connection.scope["user"]
    return principal


class ApiKeyInfo(CamelStruct):
    """A key as listed (never the secret)."""

    key_id: str
    name: str
    role: str
    prefix: str
    created_at: str
    revoked_at: str | None = None
    last_used_at: str | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiKeyStore:
    """Creates, verifies, lists and revokes keys: the one implementation behind the CLI and the key routes.

    A verified key is remembered (by its hash) only while no key was revoked: every store on the same SQLite file
    shares a revocation mark in memory (:class:`~engineering_api.lib.shared_mark.SharedMark`, a file beside the
    database) that a revocation moves once it is committed, whichever process made it (the CLI, another server),
    and this store's own revocations forget every key at once. So a revoked key stops working on the next
    request, and a request with a key in use costs no lookup and no system call. An in-memory database falls back
    to SQLite's change mark (:meth:`Database.change_mark`). On PostgreSQL the keys table's trigger notifies every
    node of each committed key change, whoever made it, and each store listens
    (:class:`~engineering_api.lib.key_changes.KeyChanges`, started by the first verification): a key in use
    costs no round trip, so a silent server holds no request with one.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._verified: dict[str, Principal] = {}
        """Key hash -> principal, valid while the revocation mark is :attr:`_mark`."""
        self._mark: bytes | int | None = None
        file = db.file
        self._shared = SharedMark(file.with_name(file.name + REVOCATION_MARK_SUFFIX)) if file is not None else None
        self._changes: KeyChanges | None = None
        """PostgreSQL's key changes, listened to from the first verification on."""
        self._revocations = 0
        """Revocations through this store: a lookup that overlapped one is not remembered."""
        # key_id -> monotonic time of the last last_used_at write, so a busy key costs one write a minute.
        self._last_used_written: dict[str, float] = {}

    def create(self, name: str, role: Role | str) -> tuple[ApiKeyInfo, str]:
        """Create a key; returns its listing and the secret, which is not stored.

        Raises:
            ValidationError: unknown role, or a name empty or longer than ``KEY_NAME_MAX``.
        """
        try:
            role = Role(role)
        except ValueError:
            raise ValidationError(f"unknown role {role!r}; use viewer, engineer or admin") from None
        if not name.strip():
            raise ValidationError("a key needs a name", code=codes.INVALID_KEY_NAME)
        if len(name.strip()) > KEY_NAME_MAX:
            raise ValidationError(f"a key name has at most {KEY_NAME_MAX} characters", code=codes.INVALID_KEY_NAME)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        info = ApiKeyInfo(
            key_id=uuid.uuid4().hex[:12], name=name.strip(), role=role.value, prefix=secret[:10], created_at=utc_now()
        )
        self._changed(api_keys.insert().values(
            key_id=info.key_id, name=info.name, role=info.role, key_hash=_hash(secret), prefix=info.prefix,
            created_at=info.created_at))
        if self._shared is not None:  # not needed for safety (a new key is in no cache), kept for every key change
            self._shared.move()
        return info, secret

    def verify(self, secret: str) -> Principal | None:
        """The principal for a presented key, or None when unknown or revoked."""
        digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()  # _hash, in line: every request asks
        mark = self._shared.read() if self._shared is not None else self._change_mark()
        if mark != self._mark or mark is None:
            self._verified.clear()
            self._mark = mark
        principal = self._verified.get(digest)
        if principal is None:
            revocations = self._revocations
            row = self._db.one(_BY_HASH, {"digest": digest})
            if row is None:
                return None
            principal = Principal(key_id=row["key_id"], name=row["name"], role=Role(row["role"]))
            if mark is not None and revocations == self._revocations and len(self._verified) < _VERIFIED_MAX:
                self._verified[digest] = principal
        now = time.monotonic()
        if now - self._last_used_written.get(principal.key_id, -_LAST_USED_EVERY_S) >= _LAST_USED_EVERY_S:
            try:
                self._db.execute(_USED, {"at": utc_now(), "key": principal.key_id})
            except InsufficientStorageError:  # bookkeeping only: a full disk must not refuse a valid key
                logger.warning("last use of key %s not recorded: the disk is full", principal.key_id)
            except DatabaseUnavailableError:  # nor a database away, for a key verified before
                logger.warning("last use of key %s not recorded: the database is unreachable", principal.key_id)
            else:
                self._last_used_written[principal.key_id] = now
        return principal

    def _change_mark(self) -> bytes | int | None:
        if not self._db.postgres:
            return self._db.change_mark()
        if self._changes is None:
            self._changes = KeyChanges(self._db.driver_url(), lambda: self._db.closed)
        return self._changes.mark()

    def _changed(self, statement: Any) -> int:
        """Run a key change. On PostgreSQL the keys table's trigger notifies every node at its commit (migration
        0006); a statement that changed nothing is rolled back, so it notifies nobody, and a change this store made
        is answered once its own listener has the notification (or has given up listening)."""
        if not self._db.postgres:
            return self._db.execute(statement)
        before = self._changes.mark() if self._changes is not None else None
        try:
            with self._db.transaction() as tx:
                changed = tx.execute(statement).rowcount
                if not changed:
                    raise _NothingChanged
        except _NothingChanged:
            return 0
        if self._changes is not None and not self._changes.wait_past(before):
            self._verified.clear()  # the listener missed it: remember nothing until it listens again
        return changed

    def _forget(self) -> None:
        self._revocations += 1
        self._verified.clear()

    def list(self) -> list[ApiKeyInfo]:
        """Every key, newest first."""
        c = api_keys.c
        rows = self._db.all(select(c.key_id, c.name, c.role, c.prefix, c.created_at, c.revoked_at, c.last_used_at)
                            .order_by(c.created_at.desc()))
        return [ApiKeyInfo(**dict(row)) for row in rows]

    def revoke(self, key_id: str) -> ApiKeyInfo:
        """Revoke a key at once (every server sharing the database refuses it from its next request).

        Raises:
            NotFoundError: no such key, or already revoked.
            ConflictError: it is the last active admin key (nobody could manage keys through the API after).
        """
        c = api_keys.c
        other = api_keys.alias("other")
        active_admins = (select(func.count()).select_from(other)
                         .where(other.c.role == "admin", other.c.revoked_at.is_(None)).scalar_subquery())
        changed = self._changed(
            api_keys.update()
            .where(c.key_id == key_id, c.revoked_at.is_(None), (c.role != "admin") | (active_admins > 1))
            .values(revoked_at=utc_now())
        )
        if changed and self._shared is not None:
            self._shared.move()  # after the commit: every store on this file looks its keys up again
        self._forget()  # this store's own cache, whatever the mark
        if not changed:
            active = self._db.one(select(c.role).where(c.key_id == key_id, c.revoked_at.is_(None)))
            if active is None:
                raise NotFoundError(f"no active API key with id {key_id!r}", code=codes.KEY_NOT_FOUND)
            raise ConflictError(
                f"{key_id!r} is the last active admin key; create another admin key first "
                "(POST /api/security/keys or engineering-api keys create --role admin), then revoke this one",
                code=codes.LAST_ADMIN_KEY,
            )
        return next(k for k in self.list() if k.key_id == key_id)

    def count_active(self) -> int:
        """How many keys are not revoked."""
        row = self._db.one(select(func.count().label("n")).select_from(api_keys)
                           .where(api_keys.c.revoked_at.is_(None)))
        return int(row["n"]) if row else 0


def ensure_admin_key(store: ApiKeyStore, secret_path: Path) -> Path | None:
    """On first start, create an admin key and write it to ``secret_path`` with mode 0600.

    Returns the path when a key was created, None when keys already existed.
    """
    if store.count_active() > 0:
        return None
    _, secret = store.create("initial admin", Role.ADMIN)
    secret_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    os.chmod(secret_path, 0o600)
    return secret_path
