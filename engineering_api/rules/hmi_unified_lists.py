"""TIA's rules for a WinCC Unified panel's text lists and graphic lists (both adapters).

A list's ``listRange`` says what its entries stand for, as in TIA's "Text and graphic lists" editor: ``Decimal``
(a value or a range of values), ``Bit`` (the values 0 and 1) or ``BitNumber`` (the number of the set bit, 0..31).
Every entry but the default one names its value (``rangeFrom``; with ``rangeTo`` a range up to it); the values of a
list do not overlap, at most one entry is the default, a text list entry has a text and a graphic list entry names a
project graphic, which must exist (``GRAPHIC_NOT_FOUND``, checked against the project's graphics by
:func:`check_graphics`). Names are unique ignoring case among a panel's text lists and among its graphic lists
(``HmiSoftware.HmiTextLists``/``HmiGraphicLists``, Openness help; sources in openness_bridge/README.md, U7).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Protocol

from engineering_api.backend.areas.hmi_unified import UnifiedGraphicList, UnifiedHmi, UnifiedTextList
from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

__all__ = ("LIST_RANGES", "ListEntry", "check_graphics", "validate_lists")

LIST_RANGES = {"Decimal": (-2**31, 2**31 - 1), "Bit": (0, 1), "BitNumber": (0, 31)}
"""The range kinds of a list and the values their entries may stand for."""


class ListEntry(Protocol):
    """What the range rules read of a text or graphic list entry."""

    @property
    def range_from(self) -> str | None: ...

    @property
    def range_to(self) -> str | None: ...

    @property
    def default(self) -> bool: ...


def _invalid(message: str, **details: Any) -> ValidationError:
    return ValidationError(message, code=codes.INVALID_UNIFIED_DOCUMENT, details=details or None)


def _value(owner: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise _invalid(f"{owner}: {raw!r} is not a whole number.", value=raw) from None
    if not low <= value <= high:
        raise _invalid(f"{owner}: {value} is outside {low}..{high}.", value=raw)
    return value


def _entries(kind: str, listed: UnifiedTextList | UnifiedGraphicList, content: str) -> None:
    """One list's entries: values inside its range kind, no overlaps, one default at most, each with its content."""
    if listed.list_range not in LIST_RANGES:
        raise _invalid(f"The {kind} '{listed.name}' has the range {listed.list_range!r}; one of "
                       f"{', '.join(LIST_RANGES)}.", name=listed.name)
    low, high = LIST_RANGES[listed.list_range]
    spans: list[tuple[int, int]] = []
    defaults = 0
    entries: Sequence[ListEntry] = listed.entries
    for number, entry in enumerate(entries, 1):
        owner = f"Entry {number} of the {kind} '{listed.name}'"
        if not str(getattr(entry, content)).strip():
            raise _invalid(f"{owner} has no {content}.", name=listed.name, entry=number)
        if entry.default:
            defaults += 1
            if entry.range_from is not None or entry.range_to is not None:
                raise _invalid(f"{owner} is the default entry and names a value too.", name=listed.name, entry=number)
            continue
        if entry.range_from is None:
            raise _invalid(f"{owner} names no value (rangeFrom).", name=listed.name, entry=number)
        first = _value(owner, entry.range_from, low, high)
        last = first if entry.range_to is None else _value(owner, entry.range_to, low, high)
        if last < first or (last != first and listed.list_range != "Decimal"):
            raise _invalid(f"{owner} has the range {first}..{last}; only a Decimal list has ranges, from low to high.",
                           name=listed.name, entry=number)
        clash = next((s for s in spans if s[0] <= last and first <= s[1]), None)
        if clash is not None:
            raise _invalid(f"{owner} ({first}..{last}) overlaps {clash[0]}..{clash[1]} of the same list.",
                           name=listed.name, entry=number)
        spans.append((first, last))
    if defaults > 1:
        raise _invalid(f"The {kind} '{listed.name}' has {defaults} default entries; at most one.", name=listed.name)


def validate_lists(model: UnifiedHmi, name_check: Callable[[str, str], None],
                   unique: Callable[[str, Iterable[str]], None]) -> None:
    """The text and graphic lists of one document (``name_check``/``unique``: the document's name rules).

    Raises:
        ValidationError: ``INVALID_UNIFIED_DOCUMENT``.
    """
    for text_list in model.text_lists or ():
        name_check("The text list", text_list.name)
        _entries("text list", text_list, "text")
    for graphic_list in model.graphic_lists or ():
        name_check("The graphic list", graphic_list.name)
        _entries("graphic list", graphic_list, "graphic")
    unique("text list", (t.name for t in model.text_lists or ()))
    unique("graphic list", (g.name for g in model.graphic_lists or ()))


def check_graphics(incoming: UnifiedHmi, graphics: Collection[str], device: str) -> None:
    """Every graphic list entry of ``incoming`` names a project graphic of ``graphics``.

    Raises:
        ValidationError: ``GRAPHIC_NOT_FOUND``.
    """
    known = {g.casefold() for g in graphics}
    for graphic_list in incoming.graphic_lists or ():
        for entry in graphic_list.entries:
            if entry.graphic.casefold() not in known:
                raise ValidationError(
                    f"The graphic list '{graphic_list.name}' of '{device}' shows the project graphic "
                    f"'{entry.graphic}', which the project does not have (import it first: "
                    "…/hmi/project-graphics/actions/import).",
                    code=codes.GRAPHIC_NOT_FOUND, details={"graphicList": graphic_list.name, "graphic": entry.graphic})
