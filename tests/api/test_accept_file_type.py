"""The download's Accept test (``engineering_api.jobs.transfer``): read from the raw headers and remembered per
header value, it answers what Litestar's ``Accept.best_match`` over the same offer answers, for any value."""

from __future__ import annotations

import itertools
import random
from types import SimpleNamespace
from typing import Any

import pytest
from litestar.datastructures import Accept

from engineering_api.jobs import transfer

__all__ = ()

_TYPES = ("*/*", "application/*", "text/*", "application/json", "application/problem+json", "application/xml",
          "text/plain", "text/csv", transfer.XLSX_TYPE, "application/zip", "application/octet-stream", "image/png",
          "text/html")
_QUALITIES = ("", ";q=1", ";q=0.9", ";q=0.5", ";q=0.1", ";q=0")


def _request(*accept: bytes) -> Any:
    headers = [(b"host", b"127.0.0.1")] + [(b"accept", value) for value in accept]
    return SimpleNamespace(scope={"headers": headers})


def _litestar(value: str) -> str | None:
    """The answer as the route gave it through Litestar's request.accept (the first Accept header)."""
    best = Accept(value).best_match([*transfer._JSON_TYPES, *transfer.FILE_MEDIA_TYPES])
    return best if best in transfer.FILE_MEDIA_TYPES else None


def _values() -> list[str]:
    rng = random.Random(71)  # bounded, reproducible
    single = [t + q for t, q in itertools.product(_TYPES, _QUALITIES)]
    pairs = [", ".join(rng.sample(single, 2)) for _ in range(150)]
    triples = [",".join(rng.sample(single, 3)) for _ in range(150)]
    return single + pairs + triples


@pytest.mark.parametrize("value", _values())
def test_the_answer_is_litestars_for_the_same_accept(value: str) -> None:
    expected = _litestar(value)
    first = transfer._accepted_file_type(_request(value.encode("latin-1")))
    again = transfer._accepted_file_type(_request(value.encode("latin-1"), b"application/xml"))  # the first counts
    assert first == again == expected


def test_no_accept_asks_for_no_file() -> None:
    assert transfer._accepted_file_type(_request()) is None
    assert transfer.wants_file(_request(), None) is None
    assert transfer.wants_file(_request(), True) == ""
    assert transfer.wants_file(_request(b"application/xml"), False) is None


def test_the_values_kept_are_bounded_and_a_common_one_stays_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client sending a new value with every request neither grows what is kept nor keeps ``*/*`` (httpx's and
    curl's) out of it: after any number of them it is parsed once, then answered from what is kept."""
    parsed: list[str] = []

    def counted(value: str) -> Accept:
        parsed.append(value)
        return Accept(value)

    monkeypatch.setattr(transfer, "Accept", counted)
    kept = transfer._file_type_accepted
    kept.cache_clear()
    for n in range(64 * 3):
        value = f"application/xml;q=0.{n % 9 + 1}, text/x-{n}".encode()
        assert transfer._accepted_file_type(_request(value)) == "application/xml"
    for _ in range(3):
        assert transfer._accepted_file_type(_request(b"*/*")) is None
    assert parsed.count("*/*") == 1
    assert kept.cache_info().maxsize == 64 and kept.cache_info().currsize <= 64
