"""Name rules for generated blocks, members and tags.

TIA's exact rules are not published in one place; these are conservative (everything accepted here
is accepted by TIA, as far as the corpus and the editor's refusals show):

* **block / UDT / tag-table / tag names**: 1–125 characters; no ``"``, ``'``, ``\\``, ``/``, ``*``,
  ``?``, ``<``, ``>``, ``|``, ``%``, ``#``, ``[``, ``]``, no control characters and no
  leading or trailing blank. (The corpus has names with blanks, ``-`` and ``.``: TIA itself exported
  ``fb_ClockGenerator_V15.0.2`` and the shared corpus's SOURCES.tsv marks that source ``accept``; ``:`` too,
  as in the ESS PLCFactory sources' ``DEV_TS2-010CRM:WtrC-Virt-100_iDB``, also marked ``accept``.)
* **member names**: 1–128 characters; no ``"`` (a member name is written ``#"…"`` when it is not an
  identifier, so only the quote itself cannot be in it), no control characters and no leading or trailing
  blank. Real TIA sources carry ``"Status.Ack"`` (corpus), ``:`` in names (ESS PLCFactory, marked accept)
  and ``"Power [%]"`` (a TIA-exported source from a public repository outside the corpus), so ``.``, ``:``,
  ``[``, ``]``, ``%`` and ``#`` are allowed.
* Member names are unique **case-insensitively across all sections** of one interface (TIA refuses
  ``Start`` in Input next to ``start`` in Static); nested struct members are unique within their struct.
"""

from __future__ import annotations

from .errors import SpecError

__all__ = ("check_block_name", "check_header_field", "check_member_name", "BLOCK_NAME_MAX", "HEADER_FIELD_MAX",
           "MEMBER_NAME_MAX")

BLOCK_NAME_MAX = 125
HEADER_FIELD_MAX = 125
"""Block header ``Author``/``Family``/``Name`` (SCL ``AUTHOR``/``FAMILY``/``NAME``). STEP 7 classic limited
them to 8 characters of letters, digits and ``_``; TIA Portal does not: TIA's own exports in the shared
corpus carry ``SIEMENS SUP Applications`` (24 characters, blanks), ``Joni_Lahtonen`` and ``G.DEJEAN``, and
sources with ``AUTHOR : 'SIEMENS AG'`` are accepted. No Siemens page stating the exact limit was found in
the available references; 125 (TIA's limit for object names) is used as the bound, and only line breaks
and control characters are refused (a header value is one line of the source)."""
MEMBER_NAME_MAX = 128
_BLOCK_FORBIDDEN = set("\"'\\/*?<>|%#[]")
_MEMBER_FORBIDDEN = set('"')


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


def check_header_field(value: object, field: str) -> str:
    """A block header field (author, family, header name) TIA accepts, or :class:`SpecError`."""
    if not isinstance(value, str):
        raise SpecError(field, "must be a string")
    if len(value) > HEADER_FIELD_MAX:
        raise SpecError(field, f"header fields are at most {HEADER_FIELD_MAX} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise SpecError(field, "header fields are one line without control characters")
    return value


def check_member_name(name: object, field: str) -> str:
    """A valid interface member name, or :class:`SpecError`."""
    return _check(name, field, MEMBER_NAME_MAX, _MEMBER_FORBIDDEN, "member")
