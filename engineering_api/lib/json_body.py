"""Malformed JSON bodies become 400 answers, never 500s.

msgspec raises ``UnicodeDecodeError`` for invalid UTF-8 inside a string and ``RecursionError`` for deep
nesting; Litestar only turns its own ``SerializationException`` into a 400. A body that decodes but nests
deeper than :data:`MAX_JSON_DEPTH` is refused too, because later steps (key normalisation, conversion into
Structs, encoding a job's result) recurse through it and would hit the interpreter's limit half-way.
"""

from __future__ import annotations

from typing import Any, NoReturn

from litestar.exceptions import ClientException

from engineering_api.errors import codes
from engineering_api.lib.bounded_json import MAX_DOCUMENT_DEPTH, JsonTooDeep, check_depth

__all__ = ("MAX_JSON_DEPTH", "body_decode_error", "check_json_depth")

MAX_JSON_DEPTH = MAX_DOCUMENT_DEPTH
"""Deepest nesting of arrays and objects a body may have (every outside document's, :mod:`.bounded_json`)."""

def _bad_request(code: str, message: str) -> ClientException:
    return ClientException(detail=message, extra={"code": code})


def _utf8_offset(body: bytes) -> int | None:
    """Offset of the first byte that is not UTF-8 in the whole body (msgspec reports it per string)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def body_decode_error(body: bytes, exc: BaseException) -> NoReturn:
    """Raise the 400 for a body msgspec or Litestar could not decode (``exc``).

    Invalid UTF-8 is named with its offset in the whole body: msgspec reports it within one string, or (outside
    strings) only as a malformed character.
    """
    if isinstance(exc, RecursionError):
        raise _too_deep() from None
    offset = _utf8_offset(body)
    if offset is not None:
        raise _bad_request(
            codes.INVALID_JSON,
            f"The request body is not valid UTF-8 at byte offset {offset} (0x{body[offset]:02x}); "
            "send JSON encoded as UTF-8.",
        ) from None
    raise _bad_request(codes.INVALID_JSON, f"The request body is not valid JSON: {exc}") from None


def _too_deep() -> ClientException:
    return _bad_request(
        codes.JSON_TOO_DEEP,
        f"The request body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep; flatten it.",
    )


def check_json_depth(body: bytes, value: Any) -> None:
    """Raise a 400 if ``value`` (decoded from ``body``) nests deeper than :data:`MAX_JSON_DEPTH`."""
    try:
        check_depth(body, value, MAX_JSON_DEPTH)
    except JsonTooDeep:
        raise _too_deep() from None
