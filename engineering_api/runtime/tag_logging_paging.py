"""Continuation paging of raw history: a large raw query is answered in pages of ``limit`` values per tag.

When a tag has more raw values in the range than the page holds, its series carries ``continuationPoint`` (the name
the alarm archive and the tag browse use for the same thing); the same query sent again with ``continuationPoint``
answers that tag's next page (and its next point while more remain). The point is opaque to clients: it names the tag,
the range and the position after the last value delivered (the time and how many values at that very millisecond were
delivered, as several samples may share one). It works with any
:class:`~engineering_api.runtime.tag_logging.TagLogStore`: a page is the store's ``raw`` from that time, skipping the
values delivered already.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.runtime.tag_logging import HistoryPoint, TagLogStore, format_ms

__all__ = ("Continuation", "raw_page")


@dataclass(frozen=True)
class Continuation:
    """Where a tag's next page of raw values starts."""

    tag: str
    """The tag's canonical name."""
    start_ms: int
    end_ms: int
    after_ms: int
    skip: int
    """Values at ``after_ms`` delivered already."""

    def encode(self) -> str:
        raw = json.dumps([1, self.tag, self.start_ms, self.end_ms, self.after_ms, self.skip], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Continuation:
        """Raises ValidationError (``INVALID_CONTINUATION_POINT``)."""
        try:
            version, tag, start, end, after, skip = json.loads(base64.urlsafe_b64decode(token
                                                                                        + "=" * (-len(token) % 4)))
            if version != 1 or not isinstance(tag,
                                              str) or not all(isinstance(n, int) for n in (start, end, after, skip)):
                raise ValueError(token)
        except (ValueError, TypeError, binascii.Error):
            raise ValidationError("continuationPoint is not one this server gave out",
                                  code=codes.INVALID_CONTINUATION_POINT) from None
        return cls(tag, start, end, after, skip)


def raw_page(store: TagLogStore, tag: str, start_ms: int, end_ms: int, limit: int,
             after: Continuation | None) -> tuple[list[HistoryPoint], Continuation | None]:
    """One page of ``tag``'s raw values (its canonical name) and where the next starts (None: no more)."""
    begin, skip = (after.after_ms, after.skip) if after is not None else (start_ms, 0)
    rows = store.raw(tag, begin, end_ms, limit + skip + 1)[skip:]
    page = rows[:limit]
    if len(rows) <= limit or not page:
        return [HistoryPoint(timestamp=format_ms(t), value=v) for t, v in page], None
    last = page[-1][0]
    same = sum(1 for t, _ in page if t == last) + (skip if last == begin else 0)
    return ([HistoryPoint(timestamp=format_ms(t), value=v) for t, v in page],
            Continuation(tag, start_ms, end_ms, last, same))
