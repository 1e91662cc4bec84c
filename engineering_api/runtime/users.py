"""Runtime users, their roles and their sessions, in the service database.

Runtime users are the people and systems that read and write plant values (an ERP, a dashboard, a phone): they
are not the engineering API's keys. A password is stored as a salted scrypt hash (memory-hard, so a leaked
database costs an attacker real work per guess); a session token is 256 random bits shown once and stored as its
SHA-256 (it is random, so a fast hash is enough, as for API keys in :mod:`engineering_api.lib.security`).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import select

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.tables import runtime_sessions as sessions
from engineering_api.lib.tables import runtime_users as users

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

    from engineering_api.lib.db import Database

__all__ = (
    "PASSWORD_MIN", "RuntimePrincipal", "RuntimeRole", "RuntimeUser", "RuntimeUserStore", "hash_password",
    "verify_password",
)

TOKEN_PREFIX = "rt_"
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
"""Longest password hashed: scrypt's cost does not grow with length, but a megabyte body should not be a password."""
USERNAME_MAX = 64
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
"""Interactive-login parameters (RFC 7914 §2 and OWASP's minimum): ~16 MiB and tens of ms a hash."""

class RuntimeRole(str, enum.Enum):
    """What a runtime user may do; roles are independent (a writer is given ``read`` too, explicitly)."""

    READ = "read"
    """Browse released tags and read their values."""
    WRITE = "write"
    """Write writable released tags."""
    ALARM_ACK = "alarmAck"
    """Acknowledge alarms."""
    ADMIN = "admin"
    """Everything the other roles allow."""


def _encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash``: a fresh 16-byte salt per password."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_encode(salt)}${_encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


_DUMMY_HASH = (f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_encode(os.urandom(16))}"
               f"${_encode(os.urandom(32))}")
"""Verified against when the user does not exist, so an unknown name costs the same time as a wrong password
(the same scrypt parameters). Its digest is random rather than hashed from a random password: no password
matches either way, and the server's start is spared a scrypt (~45 ms of CPU and 16 MiB)."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RuntimeUser(CamelStruct):
    """A runtime user as listed (never the password or its hash)."""

    user_id: str
    username: str
    roles: list[str]
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class RuntimePrincipal:
    """The runtime user behind a bearer token; ``key_id`` and ``audit_role`` are what the audit records."""

    user_id: str
    username: str
    roles: frozenset[str]
    expires_at: str
    session: str = ""
    """The hash of the session's token (what a stream ticket is bound to); never the token."""

    @property
    def key_id(self) -> str:
        """The audit's caller column: ``runtime:<username>``, never confused with an API key id."""
        return f"runtime:{self.username}"

    @property
    def audit_role(self) -> str:
        """The audit's role column: the user's runtime roles."""
        return "runtime:" + ",".join(sorted(self.roles))

    def allows(self, role: RuntimeRole) -> bool:
        """Whether the user has ``role`` (admin has every role)."""
        return role.value in self.roles or RuntimeRole.ADMIN.value in self.roles


def _roles(roles: Iterable[str]) -> list[str]:
    out: list[str] = []
    for role in roles:
        try:
            value = RuntimeRole(role).value
        except ValueError:
            raise ValidationError(f"unknown runtime role {role!r}; use read, write, alarmAck or admin",
                                  code=codes.INVALID_RUNTIME_ROLE) from None
        if value not in out:
            out.append(value)
    return out


def check_password(password: str) -> None:
    """Raises ValidationError (WEAK_PASSWORD) for a password shorter than ``PASSWORD_MIN`` or too long."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationError(f"a runtime password has {PASSWORD_MIN}..{PASSWORD_MAX} characters",
                              code=codes.WEAK_PASSWORD)


class RuntimeUserStore:
    """Creates, lists, changes and deletes runtime users; opens, checks and ends their sessions."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    # ----- users ----------------------------------------------------------------------------------
    def list(self) -> list[RuntimeUser]:
        """Every runtime user, by name."""
        rows = self._db.all(select(users).order_by(users.c.username_key))
        return [self._user(row) for row in rows]

    def get(self, user_id: str) -> RuntimeUser:
        """Raises NotFoundError (RUNTIME_USER_NOT_FOUND)."""
        row = self._db.one(select(users).where(users.c.user_id == user_id))
        if row is None:
            raise NotFoundError(f"no runtime user with id {user_id!r}", code=codes.RUNTIME_USER_NOT_FOUND)
        return self._user(row)

    def create(self, username: str, password: str, roles: Iterable[str]) -> RuntimeUser:
        """Raises ValidationError (name, password, roles) or AlreadyExistsError (the name, case-insensitively)."""
        name = username.strip()
        if not name or len(name) > USERNAME_MAX or any(c.isspace() or not c.isprintable() for c in name):
            raise ValidationError(f"a runtime user name has 1..{USERNAME_MAX} printable characters without spaces",
                                  code=codes.INVALID_USERNAME)
        check_password(password)
        role_list = _roles(roles)
        now = utc_now()
        user_id = uuid.uuid4().hex[:12]
        with self._db.transaction() as conn:
            if conn.execute(select(users.c.user_id).where(users.c.username_key == name.lower())).fetchone():
                raise AlreadyExistsError(f"a runtime user {name!r} exists", code=codes.RUNTIME_USER_EXISTS)
            conn.execute(users.insert().values(
                user_id=user_id, username=name, username_key=name.lower(), password_hash=hash_password(password),
                roles=",".join(role_list), created_at=now, updated_at=now))
        return self.get(user_id)

    def update(self, user_id: str, *, password: str | None, roles: Iterable[str] | None) -> RuntimeUser:
        """Change the password and/or roles; either ends the user's sessions (they log in again).

        Raises:
            NotFoundError: no such user.
            ValidationError: a bad password or role.
        """
        self.get(user_id)
        changes: dict[str, Any] = {}
        if password is not None:
            check_password(password)
            changes["password_hash"] = hash_password(password)
        if roles is not None:
            changes["roles"] = ",".join(_roles(roles))
        if changes:
            with self._db.transaction() as conn:
                conn.execute(users.update().where(users.c.user_id == user_id).values(**changes, updated_at=utc_now()))
                conn.execute(sessions.delete().where(sessions.c.user_id == user_id))
        return self.get(user_id)

    def delete(self, user_id: str) -> RuntimeUser:
        """Delete a user and end its sessions. Raises NotFoundError."""
        user = self.get(user_id)
        with self._db.transaction() as conn:
            conn.execute(sessions.delete().where(sessions.c.user_id == user_id))
            conn.execute(users.delete().where(users.c.user_id == user_id))
        return user

    # ----- sessions -------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> RuntimeUser | None:
        """The user when the password matches, else None (an unknown name costs one hash too)."""
        row = self._db.one(select(users).where(users.c.username_key == username.strip().lower()))
        if len(password) > PASSWORD_MAX:
            return None
        matched = verify_password(password, row["password_hash"] if row is not None else _DUMMY_HASH)
        return self._user(row) if row is not None and matched else None

    def open_session(self, user: RuntimeUser, lifetime_s: float, client: str | None) -> tuple[str, str]:
        """A new bearer token for ``user`` and its expiry (ISO 8601); only the token's hash is stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._clock()
        self._db.execute(sessions.delete().where(sessions.c.expires_at <= now))  # expired ones go on the way
        self._db.execute(sessions.insert().values(token_hash=_token_hash(token), user_id=user.user_id,
                                                  created_at=utc_now(), expires_at=now + lifetime_s, client=client))
        return token, _iso(now + lifetime_s)

    def principal(self, token: str) -> RuntimePrincipal | None:
        """The user of a live session, or None (unknown, ended or expired token, deleted user)."""
        return self.session_principal(_token_hash(token))

    def session_principal(self, session: str) -> RuntimePrincipal | None:
        """The user of the live session whose token hashes to ``session``, or None."""
        row = self._db.one(
            select(users.c.user_id, users.c.username, users.c.roles, sessions.c.expires_at)
            .join_from(sessions, users, users.c.user_id == sessions.c.user_id)
            .where(sessions.c.token_hash == session))
        if row is None or row["expires_at"] <= self._clock():
            return None
        roles = frozenset(r for r in row["roles"].split(",") if r)
        return RuntimePrincipal(row["user_id"], row["username"], roles, _iso(row["expires_at"]), session)

    def end_session(self, token: str) -> bool:
        """End the session of ``token``; False when there was none."""
        return bool(self._db.execute(sessions.delete().where(sessions.c.token_hash == _token_hash(token))))

    @staticmethod
    def _user(row: Mapping[str, Any]) -> RuntimeUser:
        r = dict(row)
        return RuntimeUser(user_id=r["user_id"], username=r["username"], roles=[x for x in r["roles"].split(",") if x],
                           created_at=r["created_at"], updated_at=r["updated_at"])
