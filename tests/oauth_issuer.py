"""An OpenID provider on loopback for the OAuth tests: discovery, a JWKS of its current keys, token signing and
fetch counts; ``jwks_answer`` replaces the JWKS's answer (a stalled, endless or broken issuer)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("AUDIENCE", "Issuer")

AUDIENCE = "api://engineering-api-runtime"


class Issuer:
    """An OpenID provider on loopback: discovery, JWKS (the current keys), token signing, fetch counts."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {"k1": rsa.generate_private_key(public_exponent=65537,
                                                                                   key_size=2048)}
        self.fetches = {"discovery": 0, "jwks": 0}
        self.jwks_answer: Callable[[BaseHTTPRequestHandler], None] | None = None
        """Answers ``GET /keys`` instead of the JWKS when set."""
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body: dict[str, Any]
                if self.path == "/.well-known/openid-configuration":
                    issuer.fetches["discovery"] += 1
                    body = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/keys"}
                elif self.path == "/keys":
                    issuer.fetches["jwks"] += 1
                    (issuer.jwks_answer or issuer.send_jwks)(self)
                    return
                else:
                    self.send_error(404)
                    return
                _send_json(self, body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def send_jwks(self, handler: BaseHTTPRequestHandler) -> None:
        """The JWKS of the current keys, as ``handler``'s answer."""
        _send_json(handler, {"keys": [self.jwk(kid) for kid in list(self.keys)]})

    def jwk(self, kid: str) -> dict[str, Any]:
        key: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return {**key, "kid": kid, "use": "sig", "alg": "RS256"}

    def token(self, scope: str | None = "runtime.read", kid: str = "k1", **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.url, "aud": AUDIENCE, "sub": "erp-service", "iat": now, "nbf": now, "exp": now + 600,
                "scope": scope, **claims}
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, self.keys[kid], algorithm="RS256", headers={"kid": kid})


def _send_json(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(raw)))
    handler.end_headers()
    handler.wfile.write(raw)
