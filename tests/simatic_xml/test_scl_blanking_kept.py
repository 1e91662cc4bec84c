"""The blanked forms kept by text (``simatic_xml.scl_blanking``, ``generate.checks``) hold no long text: one refused
for its size (up to the 8 MB request limit) stayed in memory with its blanked copy after its request."""

from __future__ import annotations

from typing import Any

from simatic_xml import scl_blanking
from simatic_xml.generate import checks
from simatic_xml.scl_blanking import LONGEST_KEPT, blank_block_comments, blank_comments_and_strings

CACHES: tuple[Any, ...] = (scl_blanking._blanked_comments_kept, scl_blanking._blanked_all_kept,
                           checks._local_positions)


def _blanked(text: str) -> tuple[str, str, list[tuple[str, int, int]]]:
    return (blank_block_comments(text, regions=True), blank_comments_and_strings(text),
            checks.scl_local_positions(text))


def test_a_long_text_is_blanked_alike_and_not_kept() -> None:
    line = "#x := 1; (* c *) s := 'a(*'; // d\n"
    repeats = LONGEST_KEPT // len(line) + 1
    for cache in CACHES:
        cache.cache_clear()
    long_blanked = _blanked(line * repeats)
    assert [cache.cache_info().currsize for cache in CACHES] == [0, 0, 0]  # nothing of the long text kept
    one = _blanked(line)
    assert all(cache.cache_info().currsize for cache in CACHES)  # a short text is
    assert long_blanked[0] == one[0] * repeats and long_blanked[1] == one[1] * repeats
    assert [name for name, _, _ in long_blanked[2]] == ["x"] * repeats
    assert long_blanked[2][-1][1:] == (repeats, 1)  # the last #x: its line and column
