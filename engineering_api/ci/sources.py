"""Check a source held in memory (an editor's unsaved text) with other files as its context.

The entry of ``engineering-api lsp``: the same reading (:func:`.program.load`), compile
(:func:`engineering_api.rules.compiler.check.check`, the one check entry), settings and suppressions
(:func:`.config.apply_config`) and cap as ``scl check``, so an editor shows what the pipeline reports. Each file of the
context is read once into a :class:`~.program.Loaded` of its own (a *piece*); a check puts the pieces and the checked
text together into one closed program and compiles only the objects of the checked text. Without context this is exactly
``scl check`` of that one file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

from simatic_xml.diagnostics import Diagnostic, capped

from .config import CheckConfig, apply_config
from engineering_api.rules.compiler.check import Loaded, check

from .program import load

if TYPE_CHECKING:
    from engineering_api.rules.compiler.program import BlockDef

__all__ = ("Segments", "check_segments", "check_text", "merge", "read_piece", "segments")


def read_piece(path: str, data: Optional[bytes] = None, *, cpu_family: Optional[str] = None) -> Loaded:
    """One file read on its own (``data``: its bytes, instead of reading the disk)."""
    return load([path], cpu_family=cpu_family, texts=None if data is None else {path: data})


def _objects(piece: Loaded) -> list[BlockDef]:
    """A piece's blocks and types in the order its file defines them (so duplicates pair up as when it was read)."""
    program = piece.program
    found = list(program.types.values()) + list(program.blocks.values()) + [d for d, _ in program.duplicates]
    return sorted(found, key=lambda bd: (bd.line, bd.col))


def merge(pieces: Iterable[Loaded], *, cpu_family: Optional[str] = None) -> Loaded:
    """One closed program of the pieces, in order: a name defined twice is a duplicate of the first, a tag or
    constant keeps its first definition (as one :func:`.program.load` of all the files)."""
    from engineering_api.rules.compiler.program import Program

    merged = Loaded(Program(closed=True, strict_types=True, cpu_family=cpu_family), [])
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
    merged = merge([*context, piece], cpu_family=cpu_family)
    found = check(merged, info=True, only={path})
    kept, _ = apply_config(config, found, texts={path: text})
    return piece, capped(kept)


# ------------------------------------------------------------------------------------- re-checking one block
_BLOCK_START = re.compile(r'^[ \t]*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK|TYPE)[ \t]+'
                          r'(?:"[^"\n]*"|[^\W\d]\w*)', re.IGNORECASE | re.MULTILINE)
_WHOLE_FILE = re.compile(r"^[ \t]*(?:NAMESPACE|END_NAMESPACE)\b", re.IGNORECASE | re.MULTILINE)
_UNREAD = frozenset({"SYNTAX_ERROR", "CLASSIC_SCL", "NOT_SCL", "READ_ERROR", "CHECKER_FAILED"})


def segments(text: str) -> Optional[list[tuple[int, str]]]:
    """The text cut before each block's first line (each part with the 0-based line it starts on), or None when
    it cannot be cut safely: one block, or a software unit's ``NAMESPACE``, which names every block in it."""
    starts = [m.start() for m in _BLOCK_START.finditer(text)]
    if len(starts) < 2 or _WHOLE_FILE.search(text):
        return None
    cuts = [0, *starts[1:], len(text)]
    return [(text.count("\n", 0, a), text[a:b]) for a, b in zip(cuts, cuts[1:])]


@dataclass
class Segments:
    """What the last check of one document found, block by block (see :func:`check_text` with ``segments``)."""

    pieces: dict[tuple[int, str], Loaded] = field(default_factory=dict)
    found: dict[tuple[int, str], list[Diagnostic]] = field(default_factory=dict)
    key: object = None


def _exports(pieces: Sequence[Loaded]) -> object:
    return tuple((bd.name.lower(), bd.kind, bd.number, str(bd.return_type), bd.instance_of,
                  tuple((v.name, str(v.type), v.section) for v in bd.decls))
                 for piece in pieces for bd in _objects(piece))


def check_segments(path: str, text: str, context: Sequence[Loaded], memory: Segments, *, config: CheckConfig,
                   cpu_family: Optional[str] = None) -> tuple[Loaded, list[Diagnostic]]:
    """:func:`check_text`, reading and compiling again only the blocks whose text changed since the last call
    with ``memory``: an editor's edit touches one block of a source of many. The rest is reused while the
    document's interfaces (names, kinds, numbers, members) and its context stay the same. Whatever the cut cannot
    give as the whole file gives it (a syntax error: the file holds nothing then; two blocks of one name) is
    checked as a whole."""
    parts = segments(text)
    if parts is None:
        memory.pieces.clear()
        memory.found.clear()
        return check_text(path, text, context, config=config, cpu_family=cpu_family)
    pieces = []
    for index, (line, part) in enumerate(parts):
        piece = memory.pieces.get((line, part))
        if piece is None:  # a part of its own name (with the file's suffix), its lines where the file has them
            piece = read_piece(f"{path}.part{index}{os.path.splitext(path)[1]}",
                               ("\n" * line + part).encode("utf-8", "replace"), cpu_family=cpu_family)
        pieces.append(piece)
    names = [bd.name.lower() for piece in pieces for bd in _objects(piece)]
    if any(d.code in _UNREAD for piece in pieces for d in piece.diagnostics) or len(names) != len(set(names)):
        memory.pieces.clear()
        memory.found.clear()
        return check_text(path, text, context, config=config, cpu_family=cpu_family)
    interfaces = (tuple(id(p) for p in context), _exports(pieces))
    if interfaces != memory.key:
        memory.found.clear()
        memory.key = interfaces
    memory.pieces = {(line, part): piece for (line, part), piece in zip(parts, pieces)}
    stale = {piece.files[0] for (line, part), piece in zip(parts, pieces) if (line, part) not in memory.found}
    merged = merge([*context, *pieces], cpu_family=cpu_family)
    fresh = check(merged, info=True, only=stale) if stale else []
    by_file: dict[str, list[Diagnostic]] = {}
    for d in fresh:
        by_file.setdefault(d.file or "", []).append(d)
    found: list[Diagnostic] = []
    for (line, part), piece in zip(parts, pieces):
        if (line, part) not in memory.found:
            memory.found[(line, part)] = by_file.get(piece.files[0], [])
        found += memory.found[(line, part)]
    memory.found = {(line, part): memory.found[(line, part)] for line, part in parts}
    for d in found:
        d.file = path
    kept, _ = apply_config(config, [_copy(d) for d in found], texts={path: text})
    return _as_one(path, pieces), capped(kept)


def _copy(d: Diagnostic) -> Diagnostic:
    """A finding to hand out (settings change severities in place; the remembered one must stay as found)."""
    return Diagnostic(d.message, d.line, d.column, d.block, d.severity, d.file, d.code, d.network)


def _as_one(path: str, pieces: Sequence[Loaded]) -> Loaded:
    """The pieces of one document as the piece of its file (the context of the other documents)."""
    one = merge(pieces)
    one.files = [path]
    for key in one.file_of:
        one.file_of[key] = path
    return one
