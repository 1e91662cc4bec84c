"""Every timestamp on the wire (engineering_api.lib.schema.utc_now) is the instant's ISO 8601 text in UTC with
milliseconds and ``Z``, as the standard library writes it, whatever text the calls before it cached: instants in
the same millisecond, the same second, across second, day, month and year boundaries, and leap days."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engineering_api.lib import schema

__all__ = ()

_EDGES = [
    0, 999, 1_000, 59_999, 60_000,  # 1970-01-01, its first second and minute
    951_782_399_999, 951_782_400_000, 951_868_799_999, 951_868_800_000,  # 2000-02-28/29 and 2000-03-01 (leap)
    1_798_761_599_999, 1_798_761_600_000,  # 2026-12-31 23:59:59.999 and 2027-01-01
    4_107_542_399_999, 4_107_542_400_000,  # 2100-02-28 and 2100-03-01 (no leap day)
]


def _expected(millis: int) -> str:
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(milliseconds=millis)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text_at(monkeypatch_ns: list[int], millis: int, sub_millis: int = 0) -> str:
    monkeypatch_ns[0] = millis * 1_000_000 + sub_millis
    return schema.utc_now()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_EDGES) | st.integers(0, 4_200_000_000_000), st.integers(-1_500, 1_500),
                          st.integers(0, 999_999)), min_size=1, max_size=12))
def test_each_instant_reads_as_the_standard_librarys_text(instants: list[tuple[int, int, int]]) -> None:
    now = [0]
    # the module's clock only (hypothesis runs many examples in one test: no fixture per example)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(schema, "time", SimpleNamespace(time_ns=lambda: now[0], strftime=time.strftime,
                                                        gmtime=time.gmtime))
        for base, step, sub_millis in instants:
            for millis in (base, max(0, base + step), base):  # the same second, the next ones, back again
                assert _text_at(now, millis, sub_millis) == _expected(millis)
