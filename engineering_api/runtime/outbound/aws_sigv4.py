"""AWS Signature Version 4 for a push's HTTPS request (API Gateway, IoT Core's HTTPS publish, any AWS endpoint).

The signing process as AWS documents it ("Create a signed AWS API request", AWS Identity and Access Management User
Guide): a canonical request (method, URI path URI-encoded once per segment, sorted and encoded query, the signed
headers lower-cased and sorted, the payload's SHA-256), the string to sign over the credential scope
``<date>/<region>/<service>/aws4_request``, a signing key derived by HMAC-SHA256 from the secret access key, and the
``Authorization`` header. Tested against AWS's published vectors (the Signature Version 4 test suite's
``get-vanilla`` and query-order cases, the S3 "GET Object" example). Only hashlib's SHA-256 and HMAC are used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.parse
from collections.abc import Mapping

__all__ = ("ALGORITHM", "sign")

ALGORITHM = "AWS4-HMAC-SHA256"
_UNRESERVED = "-_.~"


def _encode(text: str) -> str:
    return urllib.parse.quote(text, safe=_UNRESERVED)


def _canonical_query(query: str) -> str:
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(pairs))


def _canonical_path(path: str, service: str) -> str:
    if not path:
        return "/"
    if service == "s3":  # S3 signs the path as sent (no normalisation, no second encoding)
        return path
    segments = [urllib.parse.unquote(s) for s in path.split("/")]
    return "/".join(_encode(s) for s in segments)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sign(method: str, url: str, headers: Mapping[str, str], body: bytes, *, access_key_id: str,
         secret_access_key: str, region: str, service: str, now: dt.datetime,
         session_token: str | None = None) -> dict[str, str]:
    """``headers`` plus ``Host``, ``X-Amz-Date`` (and ``X-Amz-Security-Token``) and the ``Authorization`` that signs
    them all with the request's method, URL and body."""
    parts = urllib.parse.urlsplit(url)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    signed = {k: v for k, v in headers.items() if k.lower() not in ("host", "x-amz-date", "authorization")}
    host = parts.hostname or ""
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    signed["Host"] = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    signed["X-Amz-Date"] = stamp
    if session_token:
        signed["X-Amz-Security-Token"] = session_token
    canonical_headers = sorted((k.lower(), " ".join(v.strip().split())) for k, v in signed.items())
    header_names = ";".join(k for k, _ in canonical_headers)
    canonical = "\n".join((
        method.upper(), _canonical_path(parts.path, service), _canonical_query(parts.query),
        "".join(f"{k}:{v}\n" for k, v in canonical_headers), header_names, hashlib.sha256(body).hexdigest(),
    ))
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join((ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()))
    key = _hmac(("AWS4" + secret_access_key).encode("utf-8"), stamp[:8])
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    signed["Authorization"] = (f"{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={header_names}, "
                               f"Signature={signature}")
    return signed
