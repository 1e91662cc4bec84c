"""Name rules for generated blocks, members and tags.

TIA's exact rules are not published in one place; these are conservative (everything accepted here
is accepted by TIA, as far as the corpus and the editor's refusals show):

* **block / UDT / tag-table / tag names**: 1–125 characters; no ``"``, ``'``, ``\\``, ``/``, ``*``,
  ``?``, ``<``, ``>``, ``|``, ``:``, ``%``, ``#``, ``[``, ``]``, ``.``, no control characters and no
  leading or trailing blank. (The corpus has names with blanks and ``-``; those are allowed.)
* **member names**: 1–128 characters; no ``"``, ``#``, ``.``, ``[``, ``]``, ``%``, ``:``, no control
  characters and no leading or trailing blank.
* Member names are unique **case-insensitively across all sections** of one interface (TIA refuses
  ``Start`` in Input next to ``start`` in Static); nested struct members are unique within their struct.
"""

from __future__ import annotations

from .errors import SpecError

__all__ = ("check_block_name", "check_member_name", "BLOCK_NAME_MAX", "MEMBER_NAME_MAX")

BLOCK_NAME_MAX = 125
MEMBER_NAME_MAX = 128
_BLOCK_FORBIDDEN = set("\"'\\/*?<>|:%#[].")
_MEMBER_FORBIDDEN = set('"#.[]%:')


def _check(name: object, field: str, limit: int, forbidden: set[str], what: str) -> str:
    if not isinstance(name, str) or name == "":
        raise SpecError(field, f"{what} name must be a non-empty string")
    if len(name) > limit:
        raise SpecError(field, f"{what} name is longer than {limit} characters")
    if name != name.strip():
        raise SpecError(field, f"{what} name must not start or end with blanks")
    for ch in name:
        if ch in forbidden:
            raise SpecError(field, f"{what} name must not contain {ch!r}")
        if ord(ch) < 32 or ord(ch) == 127:
            raise SpecError(field, f"{what} name must not contain control characters")
    return name


def check_block_name(name: object, field: str) -> str:
    """A valid block/UDT/tag name, or :class:`SpecError`."""
    return _check(name, field, BLOCK_NAME_MAX, _BLOCK_FORBIDDEN, "block")


def check_member_name(name: object, field: str) -> str:
    """A valid interface member name, or :class:`SpecError`."""
    return _check(name, field, MEMBER_NAME_MAX, _MEMBER_FORBIDDEN, "member")
