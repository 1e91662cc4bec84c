"""The Schemathesis gate's slices of the API, its checks and seed."""

from __future__ import annotations

import os
import zlib
from typing import TYPE_CHECKING, Any

from schemathesis.core.failures import ServerError
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

if TYPE_CHECKING:
    from schemathesis import Case


__all__ = ("CHECKS", "SEED", "SLICES", "httpx_kwargs", "no_server_error", "slice_filter", "slice_of")

SEED = int(os.environ.get("GATE_SEED", "20261122"))


def no_server_error(ctx: Any, response: Any, case: Case) -> None:
    """Nothing >= 500 but 501 (documented: no equivalent on this backend, or no desktop for a dialog).

    Schemathesis' own ``not_a_server_error`` may re-send the request through its network transport; this
    check only reads the answer, so every request stays in-process.
    """
    if response.status_code >= 500 and response.status_code != 501:
        raise ServerError(operation=case.operation.label, status_code=response.status_code)

CHECKS = [no_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          unsupported_method]
"""The checks of every answer. ``unsupported_method`` judges only the undeclared-method probes: without it, a
route answering such a probe 200 would pass, since 200 is documented for the path's declared operation."""


def httpx_kwargs(case: Case, headers: dict[str, str]) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(base_url="http://testserver.local", headers=headers)
    request: dict[str, Any] = {
        "method": kwargs["method"], "url": kwargs["url"], "headers": kwargs.get("headers"),
        "params": kwargs.get("params") or None,
    }
    # Schemathesis speaks `requests`: a JSON body comes as `json`, raw bytes or a form as `data`, multipart as `files`.
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    body = kwargs.get("data")
    if isinstance(body, (bytes, str)):
        request["content"] = body
    elif body is not None:
        request["data"] = body
    if kwargs.get("files"):
        request["files"] = _multipart(kwargs["files"])
    return request


def _multipart(files: Any) -> list[tuple[str, Any]]:
    """`requests`' multipart fields for httpx, which takes only bytes, text or files as part content: a generated
    number or object is sent as its text, as `requests` itself does (``str(value)``)."""
    parts = []
    for name, value in (files.items() if isinstance(files, dict) else files):
        filename, content, *rest = value if isinstance(value, tuple) else (None, value)
        if not isinstance(content, (bytes, str)) and not hasattr(content, "read"):
            content = str(content)
        parts.append((name, (filename, content, *rest)))
    return parts

SLICES = 4
"""The operations are checked in this many tests, so that xdist spreads them over its workers (the whole gate is
minutes of CPU); each path falls in one slice by a hash of its template, so together they check every operation.
By path, not by operation: a schema sends a path's undeclared methods once for all its operations, so a path whose
operations were split over two slices would be probed twice (~370 requests more over the gate)."""


def slice_of(path: str) -> int:
    """The slice that checks the operations of ``path`` (an OpenAPI path template)."""
    return zlib.crc32(path.encode()) % SLICES


def slice_filter(index: int) -> Any:
    def matches(ctx: Any) -> bool:
        return slice_of(ctx.operation.path) == index
    return matches
