"""The member table: every Openness (and PLCSIM Advanced) member the bridge or its C# stand-in touches, with the
public source of its shape, by area.

The rows are data (``reference/members.tsv``: area, member as C# declares it, what uses it, sources, notes) and so
are the citations their sources name (``reference/member_sources.tsv``: area, key, citation).
``docs/openness-members.md`` is generated from them (``make docs``), ``tests/bridge/test_member_table.py`` fails
when the stand-in declares a member no row names, and the reflection pages mark the types it names as the ones the
bridge uses (:func:`openness_bridge.reflection.member_table_words`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ("MEMBERS_FILE", "SOURCES_FILE", "Citation", "Member", "citations", "member_table_text", "members")

MEMBERS_FILE = Path(__file__).parent / "reference" / "members.tsv"
SOURCES_FILE = Path(__file__).parent / "reference" / "member_sources.tsv"


@dataclass(frozen=True, slots=True)
class Member:
    """One row of the member table (Markdown in every field)."""

    area: str
    member: str
    used_by: str
    source: str
    notes: str


@dataclass(frozen=True, slots=True)
class Citation:
    """One source an area's rows name by ``key`` (``S1``, ``T2``; empty for an explanatory entry)."""

    area: str
    key: str
    citation: str


def _rows(path: Path, width: int) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t") for line in lines if line]
    bad = [row for row in rows if len(row) != width]
    if bad:
        raise ValueError(f"{path.name}: rows without {width} tab-separated fields: {bad[:3]}")
    return rows


@cache
def members() -> tuple[Member, ...]:
    """The rows of ``reference/members.tsv``, in file order (areas in the order they first appear)."""
    return tuple(Member(*row) for row in _rows(MEMBERS_FILE, 5))


@cache
def citations() -> tuple[Citation, ...]:
    """The rows of ``reference/member_sources.tsv``, in file order."""
    return tuple(Citation(*row) for row in _rows(SOURCES_FILE, 3))


def member_table_text() -> str:
    """Every field of the table and its citations, one row a line (what a search for a name reads)."""
    rows = [" ".join((m.member, m.used_by, m.source, m.notes)) for m in members()]
    rows += [c.citation for c in citations()]
    return "\n".join(rows)
