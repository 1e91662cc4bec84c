"""Check a source held in memory (an editor's unsaved text) with other files as its context.

The entry of ``engineering-api lsp``: the same reading (:func:`.program.load`), compile
(:func:`engineering_api.rules.compiler.check.check`, the one check entry), settings and suppressions
(:func:`.config.apply_config`) and cap as ``scl check``, so an editor shows what the pipeline reports. Each file of the
context is read once into a :class:`~.program.Loaded` of its own (a *piece*); a check puts the pieces and the checked
text together into one closed program and compiles only the objects of the checked text. Without context this is exactly
``scl check`` of that one file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional

from simatic_xml.diagnostics import Diagnostic, capped

from .config import CheckConfig, apply_config
from engineering_api.rules.compiler.check import Loaded, check

from .program import load

if TYPE_CHECKING:
    from engineering_api.rules.compiler.program import BlockDef
    from engineering_api.rules.compiler.style import StyleSettings

__all__ = ("check_text", "merge", "read_piece")


def read_piece(path: str, data: Optional[bytes] = None, *, cpu_family: Optional[str] = None) -> Loaded:
    """One file read on its own (``data``: its bytes, instead of reading the disk)."""
    return load([path], cpu_family=cpu_family, texts=None if data is None else {path: data})


def _objects(piece: Loaded) -> list[BlockDef]:
    """A piece's blocks and types in the order its file defines them (so duplicates pair up as when it was read)."""
    program = piece.program
    found = list(program.types.values()) + list(program.blocks.values()) + [d for d, _ in program.duplicates]
    return sorted(found, key=lambda bd: (bd.line, bd.col))


def merge(pieces: Iterable[Loaded], *, cpu_family: Optional[str] = None, style: Optional[StyleSettings] = None
          ) -> Loaded:
    """One closed program of the pieces, in order: a name defined twice is a duplicate of the first, a tag or
    constant keeps its first definition (as one :func:`.program.load` of all the files); its blocks are checked
    with the ``style`` rules."""
    from engineering_api.rules.compiler.program import Program

    merged = Loaded(Program(closed=True, cpu_family=cpu_family, style=style), [])
    program = merged.program
    for piece in pieces:
        merged.files += piece.files
        merged.diagnostics += piece.diagnostics
        merged.documents.update(piece.documents)
        merged.auto_numbered |= piece.auto_numbered
        merged.lines += piece.lines
        merged.scl += piece.scl  # the sources whose declarations the check reads as generation does
        merged.tags += piece.tags  # the tag tables' tags, judged together
        for bd in _objects(piece):
            merged.file_of[id(bd)] = piece.file_of.get(id(bd), piece.files[0] if piece.files else "")
            program.add(bd)
        for name, var in piece.program.tags.items():
            program.tags.setdefault(name, var)
        for name, var in piece.program.constants.items():
            program.constants.setdefault(name, var)
    return merged


def check_text(path: str, text: str, context: Iterable[Loaded] = (), *, config: CheckConfig,
               cpu_family: Optional[str] = None) -> tuple[Loaded, list[Diagnostic]]:
    """The findings of the source ``text`` (file ``path``) as ``scl check`` reports them, the objects of
    ``context`` being there too (a ``MISSING_*`` for what none defines), and the piece read from ``text``.

    A text TIA could not hold (a NUL byte: a binary file) is a ``NOT_SCL`` warning, one the reader trips on a
    ``CHECKER_FAILED`` warning: never an exception."""
    # An editor's text may hold lone surrogates (JSON carries them): each becomes "?", one character for one, so
    # the columns stay those of the text.
    piece = read_piece(path, text.encode("utf-8", "replace"), cpu_family=cpu_family)
    merged = merge([*context, piece], cpu_family=cpu_family, style=config.style)
    found = check(merged, info=True, only={path})
    kept, _ = apply_config(config, found, texts={path: text})
    return piece, capped(kept)
