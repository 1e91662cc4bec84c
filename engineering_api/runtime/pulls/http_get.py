"""The HTTP(S) source kind: a pull's document fetched with ``GET`` from an ``http://`` or ``https://`` source.

The request carries the source's headers, ``Accept`` (JSON, then XML) and the auth's header (``bearer``, ``basic``,
``header``). A source on this machine, link-local or a cloud metadata service is refused unless the server allows
its host, when the definition is saved and again (as its name resolves now) before each run. Redirects are not
followed; the document is bounded in size (:data:`~engineering_api.runtime.pulls.mapping.MAX_DOCUMENT_BYTES`) and
in time (the source's ``timeoutSeconds`` for the whole document).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.outbound_targets import refused_target, resolves_to_refused_now
from engineering_api.runtime.outbound.bounded_fetch import read_bounded
from engineering_api.runtime.outbound.endpoints import RESERVED_HEADERS, auth_header, check_ca_certificate
from engineering_api.runtime.outbound.tls import trust_context, untrusted_reason
from engineering_api.runtime.pulls.mapping import MAX_DOCUMENT_BYTES
from engineering_api.runtime.pulls.source_kind import PullSourceKind, RunFailed, SlowAnswer, Unreachable

if TYPE_CHECKING:
    from engineering_api.runtime.pulls.definitions import PullSource, SourceView

__all__ = ("ALLOW_HINT", "HttpGet", "get")

ALLOW_HINT = ("A source on this machine, link-local or a cloud metadata service is fetched only when the server "
              "allows its host: ENGINEERING_API_PULL_ALLOWED_TARGETS (addresses, networks or host names).")


class HttpGet(PullSourceKind):
    """``GET`` from an ERP, a weather service or any HTTP(S) server answering JSON or XML."""

    name: ClassVar[str] = "http"
    schemes: ClassVar[tuple[str, ...]] = ("http", "https")

    def check(self, source: PullSource, allowed: tuple[str, ...]) -> None:
        refused = refused_target(source.url, loopback=True, allowed=allowed)
        if refused is not None:
            raise ValidationError(f"The source URL is refused: {refused}. {ALLOW_HINT}", code=codes.PULL_SOURCE_INVALID)
        check_ca_certificate(source.ca_certificate, source.url, codes.PULL_SOURCE_INVALID)
        auth = source.auth
        reserved = sorted(h for h in source.headers if h.lower() in RESERVED_HEADERS)
        if reserved:
            raise ValidationError(f"The pull sets {', '.join(reserved)} itself; leave it out of source.headers.",
                                  code=codes.PULL_SOURCE_INVALID)
        if auth.type in ("certificate", "awsSigV4"):
            raise ValidationError(f"A pull fetches with none, bearer, basic or header auth, not {auth.type}.",
                                  code=codes.PULL_SOURCE_INVALID)
        if auth.type == "basic" and not auth.username:
            raise ValidationError("Basic auth needs a username.", code=codes.PULL_SOURCE_INVALID)
        if auth.type == "header" and not auth.header_name:
            raise ValidationError("Header auth needs a headerName.", code=codes.PULL_SOURCE_INVALID)

    def prepare(self, source: SourceView, secret: str | None, allowed: tuple[str, ...]) -> dict[str, str]:
        headers = {"Accept": "application/json, application/xml;q=0.9", **source.headers}
        auth = auth_header(source.auth_type, source.username, source.header_name, secret)
        if auth is not None:
            headers[auth[0]] = auth[1]
        refused = resolves_to_refused_now(source.url, loopback=True, allowed=allowed) \
            or refused_target(source.url, loopback=True, allowed=allowed)
        if refused is not None:  # a name that now resolves there, or a definition saved before the rule
            raise RunFailed(f"The source URL is refused: {refused}. {ALLOW_HINT}")
        return headers

    def fetch(self, source: SourceView, headers: dict[str, str], attempt: int) -> tuple[int, bytes, str]:
        import httpx  # here, not at the top: the server's start does not load httpx (with its CLI's rich and pygments)

        try:
            return get(source, headers, attempt)
        except httpx.HTTPError as exc:
            raise Unreachable(untrusted_reason(exc) or f"the source could not be reached ({type(exc).__name__})") \
                from None


def get(source: SourceView, headers: dict[str, str], attempt: int) -> tuple[int, bytes, str]:
    """One attempt's GET of ``source``: its status, and for a 200 its document and content type.

    Raises:
        httpx.HTTPError: no answer within the source's timeout, or none at all.
        SlowAnswer: the document did not arrive within the timeout.
        RunFailed: the document is larger than :data:`MAX_DOCUMENT_BYTES`.
    """
    import httpx

    # httpx's timeout bounds each read; the document as a whole is bounded here (a source sending a byte a second
    # would otherwise hold the run until MAX_DOCUMENT_BYTES)
    deadline = time.monotonic() + source.timeout_seconds
    with httpx.Client(timeout=source.timeout_seconds, follow_redirects=False,
                      verify=trust_context(source.ca_certificate)) as client, \
            client.stream("GET", source.url, headers=headers) as answer:
        if answer.status_code != 200:
            return answer.status_code, b"", ""
        body, in_time = read_bounded(answer, MAX_DOCUMENT_BYTES, deadline)
        if len(body) > MAX_DOCUMENT_BYTES:
            raise RunFailed(f"The source's document is larger than {MAX_DOCUMENT_BYTES} bytes",
                            http_status=answer.status_code, attempts=attempt)
        if not in_time:
            raise SlowAnswer
        return answer.status_code, body, answer.headers.get("content-type", "")
