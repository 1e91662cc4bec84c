"""The webhook transport: a push's payload sent to an ``http://`` or ``https://`` target with ``POST`` or ``PUT``.

The request carries the target's headers, ``Content-Type``, the period's ``Idempotency-Key`` and the auth's header
(``bearer``, ``basic``, ``header``), or is signed with AWS Signature Version 4 (``awsSigV4``,
:mod:`engineering_api.runtime.outbound.aws_sigv4`). A 2xx delivers; no answer, 408, 425, 429 or a 5xx may pass
later (retried, after the target's ``Retry-After`` seconds if it asks for longer); another status is final.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import TYPE_CHECKING, Any, ClassVar

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.runtime.oauth import check_issuer_url
from engineering_api.runtime.outbound.aws_sigv4 import sign
from engineering_api.runtime.outbound.bounded_fetch import read_bounded
from engineering_api.runtime.outbound.endpoints import RESERVED_HEADERS, auth_header, check_ca_certificate
from engineering_api.runtime.outbound.tls import trust_context, untrusted_reason
from engineering_api.runtime.pushes.transport import Attempt, PushTransport, idempotency_key

if TYPE_CHECKING:
    from engineering_api.runtime.pushes.definitions import PushTarget, StoredPush

__all__ = ("Webhook", "push_auth_header", "request_headers", "signed")

_RETRIED = {408, 425, 429}
_ERROR_BODY_BYTES = 65_536
"""How much of a refusal's body is read for the record (the stored error is cut shorter after redaction)."""


def push_auth_header(push: StoredPush) -> tuple[str, str, str] | None:
    """(header, value, value with the secret redacted) of the push's auth, or None."""
    target = push.view.target
    return auth_header(target.auth_type, target.username, target.header_name, push.secret)


def request_headers(push: StoredPush, end_ms: int) -> dict[str, str]:
    """The headers of the request delivering the period ending at ``end_ms`` (before an AWS signature)."""
    headers = dict(push.view.target.headers)
    headers["Content-Type"] = "application/xml" if push.view.format == "xml" else "application/json"
    headers["Idempotency-Key"] = idempotency_key(push.push_id, end_ms)
    auth = push_auth_header(push)
    if auth is not None:
        headers[auth[0]] = auth[1]
    return headers


def signed(push: StoredPush, headers: dict[str, str], body: bytes) -> dict[str, str]:
    """``headers`` signed with AWS Signature Version 4 when the push's auth is ``awsSigV4``, else as they are."""
    target = push.view.target
    if target.auth_type != "awsSigV4" or not push.secret:
        return headers
    # the body's hash as a signed header: Amazon S3 refuses a request without it ("Common Request Headers", Amazon
    # S3 API Reference), the other services take it as one more signed header
    headers = {**headers, "X-Amz-Content-Sha256": hashlib.sha256(body).hexdigest()}
    return sign(target.method, target.url, headers, body, access_key_id=target.access_key_id or "",
                secret_access_key=push.secret, region=target.region or "", service=target.service or "",
                now=dt.datetime.now(dt.UTC))


class Webhook(PushTransport):
    """HTTP(S) ``POST``/``PUT`` to an ERP, an API gateway, an IoT hub's HTTPS endpoint or S3."""

    name: ClassVar[str] = "webhook"
    schemes: ClassVar[tuple[str, ...]] = ("http", "https")

    def check(self, target: PushTarget) -> None:
        if target.auth.type == "certificate":
            raise ValidationError("Client certificates are for mqtts:// targets.", code=codes.PUSH_TARGET_INVALID)
        check_ca_certificate(target.ca_certificate, target.url, codes.PUSH_TARGET_INVALID)
        if target.auth.type == "awsSigV4":
            _check_aws(target)
        reserved = sorted(h for h in target.headers if h.lower() in RESERVED_HEADERS)
        if reserved:
            raise ValidationError(f"The push sets {', '.join(reserved)} itself; leave it out of target.headers.",
                                  code=codes.PUSH_TARGET_INVALID)
        auth = target.auth
        if auth.type == "basic" and not auth.username:
            raise ValidationError("Basic auth needs a username.", code=codes.PUSH_TARGET_INVALID)
        if auth.type == "header":
            name = (auth.header_name or "").lower()
            # Authorization is the push's own only for bearer and basic: header auth may set it, as an Azure IoT Hub
            # needs ("Authorization: SharedAccessSignature sr=...&sig=...&se=...").
            if not name or name in RESERVED_HEADERS - {"authorization"} or \
                    name in {h.lower() for h in target.headers}:
                raise ValidationError("Header auth needs a headerName that is neither set by the push (Authorization "
                                      "aside) nor in target.headers.", code=codes.PUSH_TARGET_INVALID)

    def deliver(self, push: StoredPush, payload: str, period_end_ms: int) -> Attempt:
        code, error, wait = _send(push, payload, period_end_ms)
        method = push.view.target.method
        if code is not None and 200 <= code < 300:
            return Attempt(True, False, None, method, code, response_code=code)
        retry = code is None or code in _RETRIED or code >= 500
        return Attempt(False, retry, error or f"HTTP {code}", method, code or 502, response_code=code,
                       wait_seconds=wait)


def _check_aws(target: PushTarget) -> None:
    auth = target.auth
    if not (auth.access_key_id and auth.region and auth.service):
        raise ValidationError("awsSigV4 needs accessKeyId, region and service (and secretAccessKey when first set).",
                              code=codes.PUSH_TARGET_INVALID)
    try:
        check_issuer_url(target.url, "An AWS-signed target")  # https, or loopback for a local test endpoint
    except ValueError as exc:
        raise ValidationError(str(exc), code=codes.PUSH_TARGET_INVALID) from None


def _send(push: StoredPush, payload: str, end_ms: int) -> tuple[int | None, str | None, int]:
    """(status or None without an answer, error text, seconds the target's Retry-After asks to wait)."""
    import httpx  # here, not at the top: the server's start does not load httpx (with its CLI's rich and pygments)

    target = push.view.target
    try:
        # no proxies from the environment: an ERP on site is reached directly; redirects are not followed, so
        # the secret never goes to a host it was not entered for
        body = payload.encode("utf-8")
        headers = signed(push, request_headers(push, end_ms), body)
        with httpx.Client(timeout=target.timeout_seconds, follow_redirects=False, trust_env=False,
                          verify=trust_context(target.ca_certificate)) as client, \
                client.stream(target.method, target.url, content=body, headers=headers) as response:
            if 200 <= response.status_code < 300:  # the target took it: its body is not needed
                return response.status_code, None, 0
            text = _bounded_text(response, time.monotonic() + target.timeout_seconds)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # ValueError: a header httpx cannot encode
        return None, untrusted_reason(exc) or f"{type(exc).__name__}: {exc}", 0
    retry_after = response.headers.get("retry-after", "").strip()
    wait = int(retry_after) if retry_after.isascii() and retry_after.isdigit() else 0  # seconds; a date: ignored
    # the whole answer: it is redacted before it is cut short, so no piece of a secret stays at the cut
    return response.status_code, f"HTTP {response.status_code}: {text}", wait


def _bounded_text(response: Any, deadline: float) -> str:
    """The start of a refusal's body, read until ``deadline`` (:func:`read_bounded`)."""
    body, in_time = read_bounded(response, _ERROR_BODY_BYTES - 1, deadline)
    cut = "" if in_time else " (the answer was cut: it took longer than the push's timeout)"
    return body[:_ERROR_BODY_BYTES].decode(response.encoding or "utf-8", errors="replace") + cut
