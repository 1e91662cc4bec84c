"""The console's long tables write names as Jinja did (MarkupSafe's escape, ``urllib``'s ``quote`` of a segment),
through faster paths: compared with those two over random texts, printable ASCII and beyond, every special character
among them (a row a line: the texts hold no line break, as TIA's names hold none)."""

from __future__ import annotations

import random
from urllib.parse import quote

from markupsafe import escape

from engineering_api.console.render.usage_rows import tag_rows, usage_rows
from engineering_api.lib.encoded_paths import segment

_SPECIALS = "&<>\"'/%?#[]@!$()*+,;= ~-._äΩ💡\u00a0"


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    # TIA's names hold no control character
    pool = [chr(c) for c in range(0x20, 0x7F)] + list(_SPECIALS) + [chr(rng.randrange(0x80, 0x3000)) for _ in range(50)]
    return ["".join(rng.choice(pool) for _ in range(rng.randrange(0, 12))) for _ in range(count)]


def test_a_segment_is_quote_of_it_with_nothing_safe():
    for text in _texts(93, 5000):
        assert segment(text) == quote(text, safe=""), repr(text)


def test_rows_escape_and_link_as_markupsafe_and_quote_do():
    texts = _texts(94, 300)
    tags = [{"name": t, "dataType": "Bool", "logicalAddress": "%M0.0", "comment": t} for t in texts]
    rows = str(tag_rows(tags, "PLC/1")).split("\n")
    for text, row in zip(texts, rows, strict=True):
        assert row.startswith(f'<tr data-tag="{escape(text)}"><td><a href="/console/devices/PLC%2F1/tags/'
                              f'{quote(text, safe="")}">{escape(text)}</a></td>'), row
        assert f"<td>{escape(text)}</td>" in row
    uses = [{"block": t, "blockType": "FC", "language": "", "network": None, "networkTitle": "", "access": "Read",
             "operand": t} for t in texts]
    for text, row in zip(texts, str(usage_rows(uses, "PLC_1")).split("\n"), strict=True):
        assert f'cross-references?name={quote(text, safe="")}">{escape(text)}</a>' in row
        assert "<td>Interface</td>" in row
