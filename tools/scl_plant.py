"""A plant-sized SCL source made of a real one: the blocks of a corpus source repeated, each copy's block names
renamed (``"Timer_DB"`` -> ``"Timer_DB_3"``, every quoted use in the copy too), so the copies neither clash nor
reach into each other and the whole text is as clean as the source it repeats.

The language server's cost tests and ``bench/lsp.py`` open such a text at 2,000 to 16,000 lines.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ("DOORLOCK", "block_names", "plant_source")

DOORLOCK = Path("lopez-dev__Siemens-SCL-Source-Files") / "DoorLock" / "DoorLock.scl"
"""Below the SCL corpus: 20 blocks (PLC data types, DBs, functions using them), clean under ``scl check``."""

_DEFINED = re.compile(r'^[ \t]*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK|TYPE)[ \t]+"([^"\n]+)"',
                      re.IGNORECASE | re.MULTILINE)


def block_names(text: str) -> list[str]:
    """The quoted names of the blocks and types ``text`` defines, in order."""
    return _DEFINED.findall(text)


def plant_source(source: str, lines: int) -> str:
    """``source`` (LF line ends) repeated until the text has at least ``lines`` lines; copy ``k`` > 0 has every
    quoted name of a block ``source`` defines suffixed with ``_k``."""
    source = source.replace("\r\n", "\n").rstrip("\n") + "\n\n"
    names = block_names(source)
    # a function's return value is its name as a local: #TimerCheck := ... in FUNCTION "TimerCheck"
    ordered = sorted(names, key=len, reverse=True)
    quoted = re.compile("|".join([re.escape(f'"{name}"') for name in ordered]
                                 + [re.escape(f"#{name}") + r"\b(?!\")" for name in ordered]))
    copies = [source]
    total = source.count("\n")
    while total < lines:
        suffix = f"_{len(copies)}"
        copies.append(quoted.sub(lambda m: _suffixed(m.group(), suffix), source))
        total += source.count("\n")
    return "".join(copies)


def _suffixed(name: str, suffix: str) -> str:
    return f'{name[:-1]}{suffix}"' if name.endswith('"') else name + suffix
