"""The error raised for a bad block spec or design: :class:`SpecError` names the field and the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import SimaticMLError, VersionError

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic

__all__ = ("SpecError", "SpecVersionError", "UndeclaredOperandError")


class SpecError(SimaticMLError):
    """A spec or design is invalid. ``field`` is a JSON-path-like location
    (``interface.Input[2].dataType``, ``networks[0].lad[1][0].contact``); ``reason`` says why."""

    code: str | None = None
    """The diagnostic code a network check reports this error with; None: ``INVALID_NETWORK``."""

    def __init__(self, field: str, reason: str, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason
        self.diagnostics = diagnostics
        """Every finding when there are several (the first is ``field``/``reason``), in the one diagnostic shape."""


class SpecVersionError(SpecError, VersionError):
    """The target version cannot express the spec (GRAPH in V19/V20, a version outside V16…V21).

    It is both a :class:`SpecError` (``field`` is ``version``, so an HTTP layer answers 422 naming it) and a
    :class:`~simatic_xml.errors.VersionError` (what :mod:`simatic_xml.retarget` raises for the same reasons).
    """


class UndeclaredOperandError(SpecError):
    """A ``#name`` of a LAD/FBD/GRAPH network that the block's interface does not declare: reported with the code
    an undeclared operand of an SCL network has, not as a network that cannot be written."""

    code: str | None = "UNDECLARED"
