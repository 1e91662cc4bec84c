"""The registry of API error codes: each ``code`` a problem response can carry, declared once with its HTTP
status, title and meaning (the declarations are the constants of :mod:`engineering_api.errors.codes`).

A code is part of the wire: clients switch on it (T-IA Connect's client shows ``message``; scripts and the MCP
tools branch on ``code``). So a new code is declared before it is raised, the way mypy declares its error codes
as constants in one module: ``tests/lib/test_error_codes.py`` reads the product's source and fails naming any
raised code the registry lacks, the problem-response writer notes an undeclared code at run time
(:func:`note_code`, which the test suite turns into a failure), and ``docs/error-codes.md`` is generated from the
registry (``make docs``). ``python -m tools.error_code_scan`` lists the raised codes missing from it.

Each problem's ``type`` is ``urn:engineering-api:error:<slug>`` (:func:`type_uri`); the page's entry for a code
carries the same slug as its anchor, so a client goes from a problem's ``type`` to ``docs/error-codes.md#<slug>``.
"""

from __future__ import annotations

import logging
import re
from types import MappingProxyType
from typing import TYPE_CHECKING

from engineering_api.errors import codes
from engineering_api.errors.entry import ErrorCode, declared

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("ERROR_CODES", "FIRMWARE_FAMILY", "HTTP_FAMILY", "TABLE", "ErrorCode", "is_declared", "is_diagnostic",
           "note_code", "slug", "take_undeclared", "type_uri")

logger = logging.getLogger(__name__)


HTTP_FAMILY = re.compile(r"^HTTP_[1-5][0-9][0-9]$")
"""``HTTP_<status>``: the code of a plain HTTP error that has no code of its own (the status says it all)."""


def _table() -> tuple[ErrorCode, ...]:
    """The entry of every constant of :mod:`~engineering_api.errors.codes`, in alphabetical order. A code declared
    in an area module that the namespace does not gather (or not under its own name) fails the import."""
    constants = {name: value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)
                 and not name.startswith("_")}
    strays = sorted({name for name, value in constants.items() if name != value} | (
        set(declared()) ^ set(constants.values())))
    if strays:
        raise ImportError(f"engineering_api.errors.codes does not hold each declared code under its name: {strays}")
    return tuple(declared()[code] for code in sorted(constants.values()))


TABLE: tuple[ErrorCode, ...] = _table()
"""Every declared code's entry, in alphabetical order (the order of ``docs/error-codes.md``)."""

ERROR_CODES: Mapping[str, ErrorCode] = MappingProxyType({entry.code: entry for entry in TABLE})
"""Every declared code, in alphabetical order."""

_undeclared: set[str] = set()


FIRMWARE_FAMILY = re.compile(r"^FIRMWARE_REQUIRES_V[0-9]+(?:_[A-Z0-9]+)*$")
"""``FIRMWARE_REQUIRES_<version>`` (422): the project's TIA version cannot configure that firmware; the code names
the lowest TIA version that can (``FIRMWARE_REQUIRES_V19``), the details the firmware that would do."""


def is_diagnostic(code: str) -> bool:
    """Whether ``code`` is a diagnostic code (``docs/diagnostic-codes.md``): a 422 that refuses generation from a
    source carries the first finding's code (``BLOCK_TOO_LARGE``, ``MISSING_TAG``)."""
    from simatic_xml.diagnostic_codes import CODES

    return code in CODES


def is_declared(code: str) -> bool:
    """Whether ``code`` is declared: a constant of :mod:`~engineering_api.errors.codes`, an ``HTTP_<status>`` or
    ``FIRMWARE_REQUIRES_<version>`` code, or a diagnostic code."""
    return (code in ERROR_CODES or HTTP_FAMILY.match(code) is not None or FIRMWARE_FAMILY.match(code) is not None
            or is_diagnostic(code))


def note_code(code: str) -> None:
    """Note a code on its way to the wire: an undeclared one is logged once and remembered for the tests."""
    if not is_declared(code) and code not in _undeclared:
        _undeclared.add(code)
        logger.warning("error code %s is not declared in engineering_api/errors/codes/", code)


def take_undeclared() -> frozenset[str]:
    """The undeclared codes answered since the last call (the test suite fails a test that answered one)."""
    taken = frozenset(_undeclared)
    _undeclared.difference_update(taken)
    return taken


def slug(code: str) -> str:
    """The code's slug: ``TAG_NOT_FOUND`` -> ``tag-not-found`` (the anchor of its entry on the docs page)."""
    return code.lower().replace("_", "-")


def type_uri(code: str) -> str:
    """The problem ``type`` of a code (RFC 9457 section 3.1.1): a stable identifier, ``urn:engineering-api:error:``
    and the code's slug."""
    return f"urn:engineering-api:error:{slug(code)}"
