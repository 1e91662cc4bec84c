"""One declared API error code (:class:`ErrorCode`) and the declaration that binds a code's constant to it
(:func:`declare`), as mypy's ``errorcodes`` binds ``ARG_TYPE`` to its description in one statement.

An area module of :mod:`engineering_api.errors.codes` writes ``TAG_NOT_FOUND: Final = declare('TAG_NOT_FOUND', 404,
...)``: the constant is the code itself (a plain ``str``, so it goes wherever a code goes: an error's ``code=``, a
record's field, the database) and its status, title and meaning are recorded here, once;
:mod:`engineering_api.errors.registry` reads them back (:func:`declared`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("ErrorCode", "declare", "declared")


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One declared code.

    Args:
        code: the stable UPPER_SNAKE name on the wire.
        status: the HTTP status it is answered with.
        title: a short summary of the problem type (the same for every occurrence).
        meaning: what happened and what the client can do about it, in a sentence or two.
        also: further statuses it is deliberately answered with (the reason is in ``meaning``).
    """

    code: str
    status: int
    title: str
    meaning: str
    also: tuple[int, ...] = ()


_DECLARED: dict[str, ErrorCode] = {}


def declare(code: str, status: int, title: str, meaning: str, also: tuple[int, ...] = ()) -> str:
    """Record ``code``'s entry and return the code, for its constant. A code declared twice fails at import."""
    if code in _DECLARED:
        raise ValueError(f"the error code {code} is declared twice")
    _DECLARED[code] = ErrorCode(code, status, title, meaning, also)
    return code


def declared() -> Mapping[str, ErrorCode]:
    """Every code declared so far, in declaration order (the registry imports every area module first)."""
    return MappingProxyType(_DECLARED)
