"""TIA's rules on single fields of tags, constants and tag tables, each refusal with its code and column.

A breach is a :class:`FieldError` (column, code, reason); :func:`raise_field_error` turns it into the port's
``ValidationError``. Used by the fake and by the Openness bridge (which checks before TIA is asked).
"""

from __future__ import annotations

from typing import NoReturn

from engineering_api.backend.areas.tags import TagWarning
from engineering_api.backend.errors import AlreadyExistsError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.addresses import (
    Address,
    AddressError,
    OverlapIndex,
    check_address,
)
from engineering_api.rules.values import (
    RuleError,
    check_name,
    check_value,
    resolve_type,
)

__all__ = (
    "FieldError", "check_constant", "check_table_name", "check_tag", "checked_constant", "checked_tag",
    "overlap_warnings", "raise_field_error", "refuse_taken_name",
)


class FieldError(Exception):
    """A field of a tag or constant breaks one of TIA's rules: the column it concerns, an error code, why."""

    def __init__(self, column: str, code: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.code, self.reason = column, code, reason



def check_tag(name: str, data_type: str, address: str, udts: dict[str, str]) -> tuple[str, Address]:
    """Validate the three rule-bearing fields of a tag; returns the canonical type and the address."""
    try:
        check_name(name, "tag")
    except RuleError as exc:
        raise FieldError("Name", codes.INVALID_NAME, str(exc)) from None
    try:
        canonical, structured = resolve_type(data_type, udts)
    except RuleError as exc:
        raise FieldError("Data Type", codes.UNKNOWN_DATA_TYPE, str(exc)) from None
    try:
        parsed = check_address(address, canonical, structured=structured)
    except AddressError as exc:
        code = codes.ADDRESS_NOT_ALLOWED if "data block address" in str(exc) else codes.INVALID_ADDRESS
        raise FieldError("Logical Address", code, str(exc)) from None
    return canonical, parsed


def check_constant(name: str, data_type: str, value: str) -> tuple[str, str]:
    try:
        check_name(name, "constant")
    except RuleError as exc:
        raise FieldError("Name", codes.INVALID_NAME, str(exc)) from None
    try:
        canonical, _ = resolve_type(data_type, {}, for_constant=True)
    except RuleError as exc:
        raise FieldError("Data Type", codes.UNKNOWN_DATA_TYPE, str(exc)) from None
    try:
        return canonical, check_value(canonical, value)
    except RuleError as exc:
        raise FieldError("Value", codes.INVALID_VALUE, str(exc)) from None


def raise_field_error(exc: FieldError, subject: str) -> NoReturn:
    raise ValidationError(f"{subject}: {exc.reason}", code=exc.code, details={"field": exc.column}) from None


def checked_tag(name: str, data_type: str, address: str, udts: dict[str, str]) -> tuple[str, Address]:
    """:func:`check_tag` for one tag a client creates or changes: a breach is the port's ``ValidationError``."""
    try:
        return check_tag(name, data_type, address, udts)
    except FieldError as exc:
        raise_field_error(exc, f"Tag '{name}'")


def checked_constant(name: str, data_type: str, value: str) -> tuple[str, str]:
    """:func:`check_constant` for one user constant a client creates or changes: a breach is the port's
    ``ValidationError``."""
    try:
        return check_constant(name, data_type, value)
    except FieldError as exc:
        raise_field_error(exc, f"Constant '{name}'")


def refuse_taken_name(
    name: str, holder: tuple[str, str, str] | None, code: str, *, across_tables: bool = False,
) -> None:
    """Refuse ``name`` when ``holder`` is not None: (kind, table, name) of the tag, user constant or system constant
    that has it in the PLC's namespace (names are unique across all tag tables, case-insensitively).

    Raises:
        AlreadyExistsError: ``code``; with ``across_tables`` the message says the names are unique PLC-wide.
    """
    if holder is None:
        return
    kind, table, held = holder
    hint = "; names are unique across all tag tables of the PLC" if across_tables else ""
    raise AlreadyExistsError(f"The name '{name}' is already used by the {kind} '{held}' in '{table}'{hint}.", code=code)


def check_table_name(name: str) -> str:
    try:
        check_name(name, "tag table")
    except RuleError as exc:
        raise ValidationError(str(exc), code=codes.INVALID_NAME) from None
    if any(ch in name for ch in "/\\"):
        raise ValidationError("the tag table name must not contain / or \\", code=codes.INVALID_NAME)
    return name


def overlap_warnings(index: OverlapIndex, name: str, address: Address, data_type: str) -> list[TagWarning]:
    return [
        TagWarning(
            code=codes.ADDRESS_OVERLAP, tag=name, other_tag=other,
            message=f"The address {address.text} of '{name}' overlaps {other_address} of '{other}'.",
        )
        for other, other_address in index.add(name, address, data_type)
    ]
