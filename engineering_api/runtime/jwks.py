"""The OAuth issuer's signing keys (JWKS, RFC 7517), trusted for a bounded time.

A key the issuer withdraws must stop being accepted: the set is kept for the issuer's ``Cache-Control: max-age``,
never longer than ``oauthJwksCacheSeconds`` nor shorter than :data:`MIN_LIFESPAN_S` (or the setting, when it is
shorter), and an expired set is never used, even when the issuer cannot be reached then. A token naming a key id
the set lacks fetches it again, at most once per :data:`REFETCH_COOLDOWN_S` (a flood of made-up key ids must not
become a flood of fetches at the issuer), failed attempts included.

One fetch at a time, on a thread of its own, shared by every token that needs it: a request waits on it with a
bounded wait (on the event loop with :meth:`JwksCache.wait`, holding no worker thread; a synchronous caller with
:meth:`JwksCache.key`), so an issuer that is slow or away delays only the requests that carry its tokens. The
answer itself is read through :func:`~engineering_api.runtime.outbound.bounded_fetch.fetch_json`: at most
:data:`MAX_JWKS_BYTES`, within ``oauthJwksTimeoutSeconds`` (:data:`FETCH_SECONDS`) for the whole answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter
from typing import TYPE_CHECKING

from engineering_api.runtime.outbound.bounded_fetch import FetchFailed, fetch_json

if TYPE_CHECKING:
    from collections.abc import Callable

    import jwt

__all__ = ("FETCH_SECONDS", "MAX_JWKS_BYTES", "MIN_LIFESPAN_S", "REFETCH_COOLDOWN_S", "JwksCache",
           "KeysUnavailable")

FETCH_SECONDS = 5.0
"""The default of ``oauthJwksTimeoutSeconds``: the whole answer of the issuer (JWKS or discovery), and how long a
token waits for it."""
MAX_JWKS_BYTES = 1_000_000
"""A JWKS holds a few keys of a few kilobytes; a larger one is refused (as a larger discovery document is)."""
MIN_LIFESPAN_S = 30.0
"""The shortest time a fetched set is kept, whatever ``max-age`` says (``no-store`` would fetch on every token)."""
REFETCH_COOLDOWN_S = 30.0
"""Fetches for an unknown key id (or after a failed fetch) at most this often."""
_SYMMETRIC = frozenset({"oct"})


class KeysUnavailable(Exception):  # a refusal of the token, with the issuer's reason: answered 401, not a fault
    """No key for the token: ``reason`` is a metric label (``unknown_key``, ``invalid``, or a fetch's reason)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class _Fetch:
    """One fetch in flight; its waiters are woken when it ends (threads by the event, coroutines by a callback)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._wakers: list[Callable[[], None]] = []

    def on_done(self, wake: Callable[[], None]) -> None:
        with self._lock:
            if not self.done.is_set():
                self._wakers.append(wake)
                return
        wake()

    def finish(self) -> None:
        with self._lock:
            self.done.set()
            wakers, self._wakers = self._wakers, []
        for wake in wakers:
            wake()


class JwksCache:
    """The keys of one JWKS URL (given by ``locate``, which may read the discovery document), by key id."""

    def __init__(self, locate: Callable[[], str], lifespan_s: float, fetch_s: float = FETCH_SECONDS) -> None:
        self._locate = locate
        self._lifespan = float(lifespan_s)
        self.fetch_seconds = float(fetch_s)
        """The whole answer, and a waiter's longest wait (``oauthJwksTimeoutSeconds``)."""
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fresh_until = 0.0
        self._attempted_at: float | None = None
        self._error: KeysUnavailable | None = None
        self._fetch: _Fetch | None = None
        self.failures: Counter[str] = Counter()
        """Failed fetches by reason (``engineering_api_runtime_oauth_jwks_failures_total``)."""
        self.fetches = 0

    @property
    def cooldown(self) -> float:
        """Seconds between fetches for unknown key ids: never longer than the set lives."""
        return min(REFETCH_COOLDOWN_S, self._lifespan)

    def key(self, kid: str | None, *, wait: bool = True) -> jwt.PyJWK:
        """The key ``kid`` of a set still fresh; fetches the set when it is due and ``wait``s (at most
        :data:`FETCH_SECONDS`) for the fetch. Without ``wait`` it decides from what it has.

        Raises:
            KeysUnavailable: the set lacks the key, or could not be had (its reason).
        """
        fetch = self._due(kid)
        if fetch is not None and wait:
            fetch.done.wait(self.fetch_seconds)
        return self._decide(kid)

    async def wait(self, kid: str | None) -> None:
        """Wait, on the event loop and holding no thread, for a fetch ``kid`` makes due (at most
        :data:`FETCH_SECONDS`); then :meth:`key` without ``wait`` answers."""
        fetch = self._due(kid)
        if fetch is None:
            return
        loop = asyncio.get_running_loop()
        ended: asyncio.Future[None] = loop.create_future()

        def end() -> None:
            if not ended.done():  # a waiter that gave up cancelled it
                ended.set_result(None)

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed while the fetch ran: nobody waits
                loop.call_soon_threadsafe(end)

        fetch.on_done(wake)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ended, self.fetch_seconds)

    def _due(self, kid: str | None) -> _Fetch | None:
        """The fetch to wait on: the one in flight, or one started now when the set expired or lacks ``kid``
        and the last attempt is older than the cooldown; None when what is kept must do."""
        with self._lock:
            if self._fetch is not None:
                return self._fetch
            now = time.monotonic()
            fresh = now < self._fresh_until
            if fresh and kid in self._keys:
                return None
            if self._attempted_at is not None and now - self._attempted_at < self.cooldown:
                return None
            self._attempted_at = now
            self._fetch = fetch = _Fetch()
        # a thread of its own: a slow issuer holds it, never a worker another request needs
        threading.Thread(target=self._run, args=(fetch,), name="oauth-jwks", daemon=True).start()
        return fetch

    def _decide(self, kid: str | None) -> jwt.PyJWK:
        with self._lock:
            if time.monotonic() >= self._fresh_until:
                if self._fetch is not None and self._error is None:
                    raise KeysUnavailable("slow", f"The issuer's keys (JWKS) did not arrive within "
                                                  f"{self.fetch_seconds:g} s")
                raise self._error or KeysUnavailable("unreachable", "The issuer's keys (JWKS) could not be fetched")
            found = self._keys.get(kid or "")
            if found is None:
                raise KeysUnavailable("unknown_key", "The access token is signed with a key the issuer does not "
                                                     "publish")
            return found

    def _run(self, fetch: _Fetch) -> None:
        import jwt  # here, not at the top: the server's start does not load PyJWT and cryptography

        keys: dict[str, jwt.PyJWK] | None = None
        lifespan = 0.0
        error: KeysUnavailable | None = None
        try:
            fetched = fetch_json(self._locate(), MAX_JWKS_BYTES, self.fetch_seconds)
            keys = _signing_keys(fetched.document)
            age = self._lifespan if fetched.max_age is None else float(fetched.max_age)
            lifespan = max(min(age, self._lifespan), min(MIN_LIFESPAN_S, self._lifespan))
        except FetchFailed as exc:
            error = KeysUnavailable(exc.reason, f"The issuer's keys (JWKS) {exc}")
        except KeysUnavailable as exc:
            error = exc
        except jwt.PyJWTError as exc:
            error = KeysUnavailable("invalid", f"The issuer's keys (JWKS) are not a valid JWK Set ({exc})")
        except Exception as exc:  # the waiters must be woken whatever happened: said in the refusal
            error = KeysUnavailable("invalid", f"The issuer's keys (JWKS) could not be read ({type(exc).__name__})")
        with self._lock:
            self._fetch = None
            self.fetches += 1
            if keys is not None:
                self._keys, self._error = keys, None
                self._fresh_until = time.monotonic() + lifespan
            else:
                # an expired set is not kept for a failed fetch: trust ends with its time
                self._error = error
                if error is not None:
                    self.failures[error.reason] += 1
        fetch.finish()


def _signing_keys(document: object) -> dict[str, jwt.PyJWK]:
    """The public signing keys of a JWK Set by key id (as PyJWT's ``PyJWKClient`` picks them).

    Raises:
        KeysUnavailable: not a JWK Set, or none of its keys usable.
        jwt.PyJWTError: PyJWT's refusal of the set.
    """
    import jwt

    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeysUnavailable("invalid", "The issuer's keys (JWKS) are not a JWK Set (no \"keys\" list)")
    keys = {key.key_id: key for key in jwt.PyJWKSet.from_dict(document).keys
            if key.key_id and key.public_key_use in ("sig", None) and key.key_type not in _SYMMETRIC}
    if not keys:
        raise KeysUnavailable("invalid", "The issuer's keys (JWKS) hold no public signing key with a key id")
    return keys
