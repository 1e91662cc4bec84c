"""OAuth 2.0 access tokens on the runtime API, against a token issuer the test starts on loopback: an HTTP server
that publishes an OpenID discovery document and a JWKS, and signs tokens with its own RSA keys (PyJWT, as an
identity provider would). Valid tokens read and write released tags by their scopes; every bad token is a 401 with
RFC 6750's ``WWW-Authenticate`` and changes nothing; a missing scope is a 403 naming it; a rotated key is fetched."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from engineering_api.config import Settings
from engineering_api.runtime.oauth import OAuthConfig, check_issuer_url
from tests.api.runtime_plant import download_line
from tests.conftest import Headers, assert_error, data
from tests.oauth_issuer import AUDIENCE, Issuer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

RT = "/api/runtime"
RUN_PB = f"{RT}/tags/{quote(chr(34) + 'Run_PB' + chr(34), safe='')}/value"
SETPOINT = f"{RT}/tags/{quote(chr(34) + 'Line_DB' + chr(34) + '.Setpoint', safe='')}/value"


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    running = Issuer()
    yield running
    running.server.shutdown()


@pytest.fixture
def settings(tmp_path: Path, issuer: Issuer) -> Settings:
    return Settings.from_env(data_dir=tmp_path, oauth_issuer=issuer.url, oauth_audience=AUDIENCE)


def _hmac_signed(claims: dict[str, Any], public_pem: bytes) -> str:
    """The classic key-confusion forgery: HS256 with the issuer's public key as the HMAC secret (built by hand, since
    PyJWT itself refuses a PEM key as an HMAC secret)."""
    import base64
    import hashlib
    import hmac

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


def refused_token(answer: Any, description: str) -> None:
    assert_error(answer, 401, "UNAUTHORIZED")
    challenge = answer.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="runtime", error="invalid_token"'), challenge
    assert description in challenge, challenge


def test_access_tokens_read_and_write_by_scope(client: Any, admin_headers: Headers, cpu: dict[str, Any],
                                               issuer: Issuer) -> None:
    download_line(client, admin_headers)
    reader = bearer(issuer.token("runtime.read"))
    me = data(client.get(f"{RT}/users/current", headers=reader))
    assert me["username"] == "oauth:erp-service" and me["roles"] == ["read"], me
    assert data(client.get(SETPOINT, headers=reader))["value"] == 1.5
    # a write needs the write scope: 403 with insufficient_scope naming it, and nothing written
    refused = client.put(SETPOINT, json={"value": 9.5}, headers=reader)
    assert_error(refused, 403, "FORBIDDEN")
    assert 'error="insufficient_scope"' in refused.headers["www-authenticate"]
    assert 'scope="runtime.write"' in refused.headers["www-authenticate"]
    assert data(client.get(SETPOINT, headers=reader))["value"] == 1.5
    # Entra ID writes scp (and app roles as roles): either grants
    writer = bearer(issuer.token(None, scp="runtime.read runtime.write"))
    assert data(client.put(SETPOINT, json={"value": 9.5}, headers=writer))["value"] == 9.5
    app_role = bearer(issuer.token(None, roles=["runtime.admin"]))
    assert data(client.put(RUN_PB, json={"value": True}, headers=app_role))["value"] is True
    # the write is audited with the token's subject as the caller
    rows = client.app.state.services.db.all("SELECT key_id FROM audit WHERE method = 'PUT'")
    assert {dict(r)["key_id"] for r in rows} >= {"runtime:oauth:erp-service"}
    # the tokens' keys were fetched once, through discovery
    assert issuer.fetches == {"discovery": 1, "jwks": 1}, issuer.fetches


def test_bad_tokens_are_401_with_rfc6750_and_change_nothing(client: Any, admin_headers: Headers,
                                                             cpu: dict[str, Any], issuer: Issuer) -> None:
    download_line(client, admin_headers)
    now = int(time.time())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = issuer.keys["k1"].public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    claims = {"iss": issuer.url, "aud": AUDIENCE, "sub": "x", "exp": now + 600, "scope": "runtime.admin"}
    cases = {
        "has expired": issuer.token("runtime.admin", exp=now - 3600, iat=now - 7200, nbf=now - 7200),
        "not valid yet": issuer.token("runtime.admin", nbf=now + 3600),
        "another audience": issuer.token("runtime.admin", aud="api://someone-else"),
        "another issuer": issuer.token("runtime.admin", iss="https://evil.example"),
        "signature is not valid": jwt.encode(claims, other, algorithm="RS256", headers={"kid": "k1"}),
        "algorithm 'none'": jwt.encode(claims, "", algorithm="none"),  # PyJWT's "none" takes no key: "" is none
        "algorithm 'HS256'": _hmac_signed(claims, public_pem),
        "has no sub claim": issuer.token("runtime.admin", sub=None),
        "key the issuer does not publish": jwt.encode(claims, other, algorithm="RS256", headers={"kid": "gone"}),
    }
    for description, token in cases.items():
        refused_token(client.put(SETPOINT, json={"value": 42.0}, headers=bearer(token)), description)
    # within the allowed clock skew (60 s) a just-expired token still passes
    skewed = issuer.token("runtime.read", exp=now - 30)
    assert data(client.get(SETPOINT, headers=bearer(skewed)))["value"] == 1.5
    assert data(client.get(SETPOINT, headers=bearer(issuer.token("runtime.read"))))["value"] == 1.5


def test_a_rotated_key_is_fetched_and_login_tokens_still_work(client: Any, admin_headers: Headers, issuer: Issuer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engineering_api.runtime.jwks.REFETCH_COOLDOWN_S", 0.0)  # no wait between fetches
    first = client.get(f"{RT}/users/current", headers=bearer(issuer.token()))
    assert first.status_code == 200, first.text
    issuer.keys["k2"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rotated = client.get(f"{RT}/users/current", headers=bearer(issuer.token(kid="k2")))
    assert rotated.status_code == 200, rotated.text
    # the API's own login tokens are unaffected
    data(client.post(f"{RT}/users", json={"username": "dash", "password": "correct horse battery",
                                          "roles": ["read"]}, headers=admin_headers), 201)
    token = data(client.post(f"{RT}/auth/login", json={"username": "dash", "password": "correct horse battery"}))
    assert data(client.get(f"{RT}/users/current", headers=bearer(token["token"])))["username"] == "dash"


def test_issuer_settings_are_checked(tmp_path: Path) -> None:
    assert check_issuer_url("http://127.0.0.1:8080/realms/plant", "oauthIssuer")
    assert check_issuer_url("https://login.example.com/tenant/v2.0", "oauthIssuer")
    for url in ("http://idp.example.com/realm", "ftp://127.0.0.1/", "http://10.0.0.5/"):
        with pytest.raises(ValueError, match="https"):
            check_issuer_url(url, "oauthIssuer")
    with pytest.raises(ValueError, match="oauthAudience"):
        OAuthConfig.from_settings(Settings.from_env(data_dir=tmp_path, oauth_issuer="https://idp.example.com"))
    assert OAuthConfig.from_settings(Settings.from_env(data_dir=tmp_path)) is None
