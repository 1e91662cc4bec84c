"""Cutting an edited text from the last cut (engineering_api.lsp.incremental._cuts with the text before and its
cuts: only the edited stretch searched) checks it whole exactly when cutting it anew does, after each of many
random edits (seeded) that make and break ``NAMESPACE`` lines, ``{{ }}`` pairs, block starts and line ends."""

from __future__ import annotations

import random
from typing import Optional

from engineering_api.lsp.incremental import _cuts

BLOCK = 'FUNCTION "F#" : Void\nBEGIN\n  #x := 1; // {note}}\nEND_FUNCTION\n\n'  # a brace to pair
PIECES = ["NAMESPACE", "END_NAMESPACE", "namespace x", "{{", "}}", "{", "}", "\n", " ", "\t", "//", "x", "ü", "😀",
          'FUNCTION "G"', "FUNCTION_BLOCK", "_", ";"]


def _starts(text: str) -> Optional[list[int]]:
    cut = _cuts(text)
    return cut.starts if cut is not None else None


def _text(rng: random.Random) -> str:
    return "".join(BLOCK.replace("F#", f"F{n}") for n in range(rng.randint(3, 8)))


def _position(text: str, rng: random.Random) -> int:
    """Anywhere, or (half the time) beside a brace, where one typed makes a pair."""
    braces = [i for i, char in enumerate(text) if char in "{}"]
    if braces and rng.random() < 0.5:
        return min(rng.choice(braces) + rng.choice([0, 1]), len(text))
    return rng.randrange(len(text) + 1)


def test_cutting_from_the_last_cut_gives_what_cutting_anew_gives() -> None:
    rng = random.Random(87)
    checked = 0
    for _ in range(30):
        text = _text(rng)
        cuts = _starts(text)
        for _ in range(60):
            at = _position(text, rng)
            removed = rng.choice([0, 0, 1, 2, rng.randint(0, 30)])
            edited = text[:at] + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 2))) + text[at + removed:]
            if edited == text:
                continue
            expected = _starts(edited)
            if cuts is not None and len(cuts) > 2:
                # whole or cut as anew (the cuts may differ: a kept one starts a unit of what lost its block start)
                assert (_cuts(edited, text, cuts) is None) == (expected is None), (text, edited)
                checked += 1
            text, cuts = edited, expected
            if cuts is None and rng.random() < 0.3:  # back to a clean text now and then
                text = _text(rng)
                cuts = _starts(text)
    assert checked > 500
