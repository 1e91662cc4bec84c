"""OAuth 2.0 access tokens on the runtime API: the plant's identity provider grants a service access.

The runtime API is then an OAuth 2.0 *resource server* (RFC 6749 section 1.1): it accepts a JWT access token (RFC
9068) issued by the configured issuer, besides its own login tokens, and checks it as RFC 9068 section 4 asks:

- the signature, with the issuer's published keys (JWKS, RFC 7517), fetched from ``oauthJwksUrl`` or found through
  the issuer's discovery document (OpenID Connect Discovery 1.0, ``/.well-known/openid-configuration``), trusted
  for a bounded time and fetched again when a token names a key id the cache lacks (key rotation), as
  :mod:`engineering_api.runtime.jwks` says; asymmetric algorithms only, so ``alg: none`` and an HMAC signed with
  the public key are refused;
- ``iss`` equal to the configured issuer, ``aud`` containing the configured audience, ``exp`` and ``nbf`` within
  the allowed clock skew (``oauthLeewaySeconds``);
- the runtime roles from the token's scopes (``scope``, space-separated, RFC 8693 section 4.2; or ``scp``, a list,
  as Microsoft Entra ID writes it) and ``roles`` (Entra ID's app roles), each mapped by a configured scope name.

Refusals follow RFC 6750 section 3: 401 with ``WWW-Authenticate: Bearer error="invalid_token"`` and a description
for a token that fails a check, 403 with ``error="insufficient_scope"`` and the scope needed for a valid token that
lacks it. PyJWT does the cryptography; nothing here is hand-written crypto.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import threading
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engineering_api.runtime.outbound.bounded_fetch import FetchFailed, fetch_json
from engineering_api.runtime.jwks import FETCH_SECONDS, JwksCache, KeysUnavailable
from engineering_api.runtime.users import RuntimePrincipal, RuntimeRole

if TYPE_CHECKING:
    from engineering_api.config import Settings

__all__ = ("ASYMMETRIC_ALGORITHMS", "OAuthConfig", "OAuthRefused", "OAuthValidator", "check_issuer_url",
           "looks_like_jwt")

ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
"""What an issuer may sign with: public-key algorithms only (RFC 9068 section 4: ``none`` is refused; an HMAC
would need a secret shared with the issuer, and accepting one lets a public key forge tokens)."""

_MAX_DOCUMENT_BYTES = 1_000_000
_SUBJECT = re.compile(r"^[\w.@:+\-]{1,128}$")


def looks_like_jwt(token: str) -> bool:
    """Whether ``token`` has a JWS compact form (three base64url parts, the last empty for ``alg: none``, which
    is then refused with its reason); the API's own tokens have no dot."""
    head, body, _ = (token.split(".") + ["", ""])[:3]
    return token.count(".") == 2 and bool(head) and bool(body)


def check_issuer_url(url: str, what: str) -> str:
    """``url`` when it may be trusted: HTTPS, or plain HTTP on a loopback address (a test's or a local issuer).

    Raises:
        ValueError: another scheme, or plain HTTP to a host that is not loopback.
    """
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and host:
        loopback = host == "localhost"
        if not loopback:
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = False
        if loopback:
            return url
        raise ValueError(f"{what} {url!r} is plain HTTP to a host that is not loopback; use https://")
    raise ValueError(f"{what} {url!r} is not an https:// URL")


@dataclass(frozen=True, slots=True)
class OAuthConfig:
    """What the operator configured (``ENGINEERING_API_OAUTH_*`` or ``serve --oauth-*``)."""

    issuer: str
    audience: str
    jwks_url: str = ""
    scopes: tuple[tuple[str, str], ...] = ()
    """(scope, runtime role) pairs."""
    leeway_seconds: int = 60
    jwks_cache_seconds: int = 300
    """The longest the issuer's keys are trusted after they were fetched (its ``max-age`` may shorten it)."""
    jwks_timeout_seconds: float = FETCH_SECONDS
    """The whole answer of the issuer's keys or discovery document, and a token's longest wait for it."""

    @classmethod
    def from_settings(cls, settings: Settings) -> OAuthConfig | None:
        """The configuration, or None when no issuer is set.

        Raises:
            ValueError: an issuer without an audience, or an issuer or JWKS URL that is neither HTTPS nor loopback.
        """
        if not settings.oauth_issuer:
            return None
        if not settings.oauth_audience:
            raise ValueError("oauthIssuer is set without oauthAudience: a token meant for another service would be "
                             "accepted; set ENGINEERING_API_OAUTH_AUDIENCE (serve --oauth-audience)")
        check_issuer_url(settings.oauth_issuer, "oauthIssuer")
        if settings.oauth_jwks_url:
            check_issuer_url(settings.oauth_jwks_url, "oauthJwksUrl")
        if settings.oauth_jwks_cache_seconds < 1:
            raise ValueError(f"oauthJwksCacheSeconds must be at least 1, not {settings.oauth_jwks_cache_seconds}")
        if not 0 < settings.oauth_jwks_timeout_seconds <= 600:
            raise ValueError("oauthJwksTimeoutSeconds must be more than 0 and at most 600, not "
                             f"{settings.oauth_jwks_timeout_seconds:g}")
        scopes = ((settings.oauth_read_scope, RuntimeRole.READ.value),
                  (settings.oauth_write_scope, RuntimeRole.WRITE.value),
                  (settings.oauth_alarm_ack_scope, RuntimeRole.ALARM_ACK.value),
                  (settings.oauth_admin_scope, RuntimeRole.ADMIN.value))
        return cls(issuer=settings.oauth_issuer, audience=settings.oauth_audience, jwks_url=settings.oauth_jwks_url,
                   scopes=tuple((s, r) for s, r in scopes if s), leeway_seconds=settings.oauth_leeway_seconds,
                   jwks_cache_seconds=settings.oauth_jwks_cache_seconds,
                   jwks_timeout_seconds=settings.oauth_jwks_timeout_seconds)

    def scope_of(self, role: str) -> str:
        """The scope that grants ``role`` (what a 403 names)."""
        return next((s for s, r in self.scopes if r == role), role)


class OAuthRefused(Exception):  # a refusal answered as RFC 6750 says, not a fault
    """A token refused: ``status`` 401 (``invalid_token``) or 403 (``insufficient_scope``)."""

    def __init__(self, status: int, error: str, description: str, scope: str | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.scope = scope

    @property
    def challenge(self) -> str:
        """The ``WWW-Authenticate`` value (RFC 6750 section 3)."""
        text = self.description.replace("\\", "\\\\").replace('"', "'")
        value = f'Bearer realm="runtime", error="{self.error}", error_description="{text}"'
        return value + (f', scope="{self.scope}"' if self.scope else "")


class OAuthValidator:
    """Checks access tokens of one issuer; its keys are fetched on first use and trusted for a bounded time
    (:class:`~engineering_api.runtime.jwks.JwksCache`; thread-safe)."""

    def __init__(self, config: OAuthConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._jwks_uri = config.jwks_url
        self.keys = JwksCache(self._jwks_url, config.jwks_cache_seconds, config.jwks_timeout_seconds)
        """The issuer's keys, their fetches and failures (``/metrics``)."""

    def _jwks_url(self) -> str:
        """The JWKS URL: configured, or the discovery document's (read once; run on the cache's fetch thread).

        Raises:
            KeysUnavailable: the discovery document could not be read, or names another issuer or no usable URL.
        """
        with self._lock:
            if self._jwks_uri:
                return self._jwks_uri
        discovery = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            document = fetch_json(discovery, _MAX_DOCUMENT_BYTES, self.config.jwks_timeout_seconds).document
        except FetchFailed as exc:
            raise KeysUnavailable(exc.reason, f"The issuer's discovery document {exc}") from None
        if not isinstance(document, dict) or document.get("issuer") != self.config.issuer \
                or not isinstance(document.get("jwks_uri"), str):
            raise KeysUnavailable("invalid", "The issuer's discovery document names another issuer or no jwks_uri")
        try:
            url = check_issuer_url(document["jwks_uri"], "jwks_uri")
        except ValueError as exc:
            raise KeysUnavailable("invalid", str(exc)) from None
        with self._lock:
            self._jwks_uri = url
        return url

    async def wait_for_keys(self, token: str) -> None:
        """Wait on the event loop, holding no worker thread, for the keys ``token`` needs when they must be
        fetched (at most the fetch's deadline); then :meth:`principal` with ``wait=False`` does no I/O."""
        import jwt  # here, not at the top: the server's start does not load PyJWT and cryptography

        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return  # refused by principal() with its reason
        await self.keys.wait(kid if isinstance(kid, str) else None)

    def principal(self, token: str, *, wait: bool = True) -> RuntimePrincipal:
        """The caller of a valid access token, with the runtime roles its scopes grant; ``wait``: for keys that
        must be fetched (a synchronous caller), else decided on the keys at hand (after :meth:`wait_for_keys`).

        Raises:
            OAuthRefused: 401 for a token that fails a check (signature, algorithm, issuer, audience, expiry,
                not-before, unknown key, keys out of reach).
        """
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise OAuthRefused(401, "invalid_token", "The access token is not a well-formed JWT") from None
        if header.get("alg") not in ASYMMETRIC_ALGORITHMS:
            raise OAuthRefused(401, "invalid_token", f"The access token's algorithm {str(header.get('alg'))[:20]!r} "
                                                     "is not accepted (public-key algorithms only)")
        kid = header.get("kid")
        try:
            key = self.keys.key(kid if isinstance(kid, str) else None, wait=wait)
        except KeysUnavailable as exc:
            raise OAuthRefused(401, "invalid_token", str(exc)) from None
        try:
            claims = jwt.decode(token, key, algorithms=list(ASYMMETRIC_ALGORITHMS), audience=self.config.audience,
                                issuer=self.config.issuer, leeway=self.config.leeway_seconds,
                                options={"require": ["exp", "iss", "aud", "sub"]})
        except jwt.ExpiredSignatureError:
            raise OAuthRefused(401, "invalid_token", "The access token has expired") from None
        except jwt.ImmatureSignatureError:
            raise OAuthRefused(401, "invalid_token", "The access token is not valid yet (nbf)") from None
        except jwt.InvalidAudienceError:
            raise OAuthRefused(401, "invalid_token", "The access token is meant for another audience") from None
        except jwt.InvalidIssuerError:
            raise OAuthRefused(401, "invalid_token", "The access token comes from another issuer") from None
        except jwt.MissingRequiredClaimError as exc:
            raise OAuthRefused(401, "invalid_token", f"The access token has no {exc.claim} claim") from None
        except jwt.PyJWTError:
            raise OAuthRefused(401, "invalid_token", "The access token's signature is not valid") from None
        return self._principal(claims, token)

    def _principal(self, claims: dict[str, Any], token: str) -> RuntimePrincipal:
        granted: set[str] = set()
        scope = claims.get("scope")
        if isinstance(scope, str):
            granted.update(scope.split())
        for claim in ("scp", "roles"):
            value = claims.get(claim)
            if isinstance(value, str):
                granted.update(value.split())
            elif isinstance(value, list):
                granted.update(str(v) for v in value)
        roles = frozenset(role for name, role in self.config.scopes if name in granted)
        subject = str(claims["sub"])
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        # the subject enters the audit and the logs: an unusual one is named by its hash instead
        shown = subject if _SUBJECT.match(subject) else "sub-" + hashlib.sha256(subject.encode()).hexdigest()[:16]
        expires = datetime.fromtimestamp(int(claims["exp"]), tz=UTC).isoformat().replace("+00:00", "Z")
        return RuntimePrincipal(user_id=f"oauth:{shown}", username=f"oauth:{shown}", roles=roles,
                                expires_at=expires, session=digest)
