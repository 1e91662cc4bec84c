"""Hover, navigation, completion, symbols and quick fixes (registered on the server)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from engineering_api.ci.program import Loaded

if TYPE_CHECKING:
    from .server import SclLanguageServer

__all__ = ("exports", "register")

T = TypeVar("T")


def exports(piece: Loaded) -> object:
    """What a document declares to the others: its blocks' and types' names, kinds and members (when this
    changes, the other open documents are checked again)."""
    program = piece.program
    return tuple(sorted((bd.name.lower(), bd.kind, bd.number or 0, tuple((v.name, str(v.type), v.section) for v in bd.decls),
                         str(bd.return_type))
                        for bd in list(program.types.values()) + list(program.blocks.values())))


def register(server: SclLanguageServer, guarded: Callable[[Callable[[], T], T], T]) -> None:
    return None
