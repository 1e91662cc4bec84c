"""Checking an open document block by block, so that one edit costs what its block costs, not what the file costs.

A source holds many blocks; a keystroke changes one. The text is cut into *units* at the lines that open a block
(``FUNCTION_BLOCK "x"``, ``TYPE "y"`` ...); each unit is read on its own (its lines counted from 1) and kept by its
text, so a unit whose text did not change is neither read nor compiled again, wherever it moved. Its findings are
kept too, and compiled again only when what it reads may have changed:

* the unit's own text (a new unit);
* the interface (names, kinds, numbers, members, return type) of an object it uses, directly or through a type
  (:attr:`~engineering_api.rules.compiler.program.BlockDef.uses`, as the checker filled it);
* anything program-wide: the context (other files, other open documents), the names, kinds or numbers of the
  document's objects (a ``MISSING_*`` elsewhere may come or go, block numbers are judged against each other), or
  an interface edit while there is context (its objects' uses are not known): then every unit is compiled again.

Whatever the cut cannot give exactly as a check of the whole file gives it is checked whole: a unit that does not
read (a syntax error: the file holds nothing then, and the lexer's view of the whole text decides the message), a
name defined twice, a software unit's ``NAMESPACE``, a template's ``{{ }}``, more findings than the cap keeps.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Callable, NamedTuple, Optional, Sequence

from simatic_xml.diagnostics import DIAGNOSTIC_CAP, Diagnostic

from engineering_api.ci.config import CheckConfig, apply_config
from engineering_api.ci.sources import check_text, merge, read_piece
from engineering_api.rules.compiler.check import Loaded, check, check_edited

if TYPE_CHECKING:
    from engineering_api.rules.compiler.program import BlockDef

__all__ = ("DocumentCheck", "Unit")

_BLOCK_START = re.compile(r'^[ \t]*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK|TYPE)[ \t]+'
                          r'(?:"[^"\n]*"|[^\W\d]\w*)', re.IGNORECASE | re.MULTILINE)
_WHOLE_FILE = re.compile(r"^[ \t]*(?:NAMESPACE|END_NAMESPACE)\b", re.IGNORECASE | re.MULTILINE)
_UNREAD = frozenset({"SYNTAX_ERROR", "CLASSIC_SCL", "NOT_SCL", "READ_ERROR", "CHECKER_FAILED"})


class Cut(NamedTuple):
    """Where the units of a text start, and how many units of the last text cut it keeps as they were at its
    start and at its end (None: cut anew)."""

    starts: list[int]
    kept: Optional[tuple[int, int]] = None


def _cuts(text: str, before: str = "", cuts: Sequence[int] = ()) -> Optional[Cut]:
    """Where the units of ``text`` start (the first at 0), or None when the text must be checked whole: one block,
    a software unit's ``NAMESPACE`` (it names every block in it), a template's ``{{ ... }}`` (the parser refuses
    the whole file for it, wherever the two halves are). ``before`` and its ``cuts``: the last text cut, whose cuts
    outside the edited stretch are kept (searching 500 kB for block starts costs more than compiling a block)."""
    edited = _edited(text, before) if len(cuts) > 2 else None
    if _whole_file(text, edited):
        return None
    cut = _kept_cuts(text, before, cuts, edited) if edited is not None else None
    if cut is None:
        cut = Cut([m.start() for m in _BLOCK_START.finditer(text)])
    if len(cut.starts) < 2:
        return None
    cut.starts[0] = 0
    return cut


def _edited(text: str, before: str) -> tuple[int, int]:
    """How many characters at the start and at the end ``text`` and ``before`` share (not overlapping)."""
    same_start = _common_length(text, before, lambda a, b: text[a:b] == before[a:b])
    same_end = _common_length(text, before, lambda a, b: text[len(text) - b:len(text) - a]
                              == before[len(before) - b:len(before) - a])
    return same_start, min(same_end, len(text) - same_start, len(before) - same_start)


def _whole_file(text: str, edited: Optional[tuple[int, int]]) -> bool:
    """Whether ``text`` has a ``NAMESPACE`` line or a ``{{`` before a ``}}``. With ``edited`` (:func:`_edited`
    of a text that had neither, as a text cut has), only what the edit may have made is searched: a new
    ``NAMESPACE`` is on a line the edit touched, a new pair has a half that overlaps the edit. Searching the
    whole text costs milliseconds at 16,000 lines (lowering it alone 6 ms when it holds a character outside
    Latin-1), on each keystroke."""
    if edited is None:
        template = text.find("{{")
        return ("amespace" in text.lower() and _WHOLE_FILE.search(text) is not None) or (
            template >= 0 and text.find("}}", template) >= 0)
    same_start, same_end = edited
    stop = len(text) - same_end  # the first character after the edit
    line_end = text.find("\n", stop)
    if _WHOLE_FILE.search(text, text.rfind("\n", 0, same_start) + 1, len(text) if line_end < 0 else line_end):
        return True
    low, high = max(same_start - 1, 0), min(stop + 1, len(text))  # a half overlapping the edit lies in here
    opening, closing = text.find("{{", low, high), text.rfind("}}", low, high)
    return (opening >= 0 and text.find("}}", opening) >= 0) or (closing >= 0 and text.find("{{", 0, closing) >= 0)


def _kept_cuts(text: str, before: str, cuts: Sequence[int], edited: tuple[int, int]) -> Optional[Cut]:
    """The cuts of ``text``: those of ``before`` with the edited stretch searched again, one unit around it on
    each side (a block's first line in the stretch may have changed); None when that cannot be told so."""
    same_start, same_end = edited
    first = max(bisect_right(cuts, same_start) - 2, 0)  # the unit before the one the edit starts in
    last = bisect_left(cuts, len(before) - same_end) + 1  # the unit after the one it ends in
    if last >= len(cuts):
        return None
    shift = len(text) - len(before)
    start, end = cuts[first], cuts[last] + shift
    if (start and not _BLOCK_START.match(text, start)) or not _BLOCK_START.match(text, end):
        return None
    found = [m.start() for m in _BLOCK_START.finditer(text, start, end)]
    if start and (not found or found[0] != start):
        return None
    return Cut([*cuts[:first], *([0] if not start and (not found or found[0]) else []), *found,
                *[cut + shift for cut in cuts[last:]]], (first, len(cuts) - last))


_STRETCH = 1 << 16
"""Characters compared at once when looking for where two texts part: a few comparisons of a 500 kB text."""


def _common_length(text: str, before: str, same: Callable[[int, int], bool]) -> int:
    """The largest n of 0..min(len) such that ``same(0, n)``, where ``same(a, b)`` says whether the stretch from
    a to b matches, given that up to a does. Stretch by stretch, then halving the one that differs: a binary
    search over the whole length copied and compared half the text some 20 times per keystroke."""
    limit = min(len(text), len(before))
    low = 0
    while low + _STRETCH <= limit and same(low, low + _STRETCH):
        low += _STRETCH
    known, high = low, min(low + _STRETCH, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if same(known, middle):
            low = middle
        else:
            high = middle - 1
    return low


def _objects(piece: Loaded) -> list[BlockDef]:
    program = piece.program
    return sorted(list(program.types.values()) + list(program.blocks.values()), key=lambda bd: (bd.line, bd.col))


def _interface(bd: BlockDef) -> object:
    """What another block's check reads of ``bd``: its kind, number, return type, instance, members."""
    return (bd.kind, bd.number, str(bd.return_type), bd.instance_of, bd.iec_check, tuple(sorted(bd.overlays)),
            tuple((v.name, str(v.type), v.section) for v in bd.decls))


@dataclass(eq=False)
class Unit:
    """One block of the document (with the comments and blank lines after it), read on its own."""

    text: str
    file: str
    """The unit's own file name (the document's, numbered): its findings and objects are told apart by it."""
    piece: Loaded
    newlines: int
    unread: bool
    identity: list[tuple[str, str, Optional[int]]]
    """(lower name, kind, number) of each object: what the program-wide rules and name look-ups see."""
    interface: list[object]
    names: frozenset[str] = frozenset()
    found: Optional[list[Diagnostic]] = None
    """The last findings (settings applied, lines of the unit); None: to compile."""

    @classmethod
    def read(cls, text: str, file: str, cpu_family: Optional[str]) -> Unit:
        piece = read_piece(file, text.encode("utf-8", "replace"), cpu_family=cpu_family)
        objects = _objects(piece)
        return cls(text, file, piece, text.count("\n"), any(d.code in _UNREAD for d in piece.diagnostics),
                   [(bd.name.lower(), bd.kind, bd.number) for bd in objects], [_interface(bd) for bd in objects],
                   frozenset(bd.name.lower() for bd in objects))

    def uses(self) -> set[str]:
        """Lower names of what the unit's objects used at their last compile."""
        return {name.lower() for bd in _objects(self.piece) for name in bd.uses}


@dataclass
class DocumentCheck:
    """What the checks of one open document found, unit by unit; :meth:`check` reuses what an edit left alone."""

    path: str
    config: CheckConfig
    cpu_family: Optional[str] = None
    units: list[Unit] = field(default_factory=list)
    by_text: dict[str, Unit] = field(default_factory=dict)
    merged: Optional[Loaded] = None
    """The context and the units as one program, kept between checks: an edit swaps its unit's objects in."""
    context_key: list[int] = field(default_factory=list)
    identity_key: list[object] = field(default_factory=list)
    fbs: list[str] = field(default_factory=list)
    udts: list[str] = field(default_factory=list)
    """The names of the program's FBs and UDTs (the declaration rules read them; they change with the names)."""
    serial: int = 0
    text: str = ""
    cuts: list[int] = field(default_factory=list)
    """The last text cut into units, and where its units start."""
    cut_units: list[Unit] = field(default_factory=list)
    """The units of the last text cut, one per cut (``units``: those of the last text compiled)."""
    whole: bool = True
    """The last text was checked whole (the units and ``merged`` are still those of the last text cut: an edit
    mending a syntax error compiles only what changed since)."""

    def check(self, text: str, context: Sequence[Loaded]) -> tuple[Optional[Loaded], list[Diagnostic]]:
        """The findings of ``text`` as :func:`~engineering_api.ci.sources.check_text` gives them, and the piece
        read from the whole text when it was checked whole (else None: :meth:`whole_piece` reads it on demand)."""
        cut = _cuts(text, self.text, self.cuts)
        if cut is None:
            return self._whole(text, context)
        head, tail = cut.kept if cut.kept is not None and len(self.cut_units) == len(self.cuts) else (0, 0)
        self.text, self.cuts = text, cut.starts
        # the units the cut kept are those of the last text: only the others are sliced and looked up by their
        # text (slicing, hashing and comparing every unit's text costs milliseconds at 16,000 lines); no call per
        # unit (a look-up by ``in`` and ``[]``): an edit's work must not grow with the file
        ends = [*cut.starts[1:], len(text)]
        parts = [text[a:b] for a, b in zip(cut.starts[head:len(ends) - tail], ends[head:len(ends) - tail])]
        units = [*self.cut_units[:head],
                 *[self.by_text[part] if part in self.by_text else self._read(part) for part in parts],
                 *self.cut_units[len(self.cut_units) - tail:]]
        self.cut_units = units
        if [u for u in units if u.unread]:
            return self._whole(text, context)
        identity_key: list[object] = [u.identity for u in units]
        context_key = [id(piece) for piece in context]
        rebuilt = identity_key != self.identity_key or context_key != self.context_key or self.merged is None
        if rebuilt:
            names = [name for u in units for name, _, _ in u.identity]
            if len(names) != len(set(names)):
                return self._whole(text, context)
            self._rebuild(units, context)
            self.identity_key, self.context_key = identity_key, context_key
        else:
            self._swap(units, bool(context))
        self.units = units
        self.by_text = {u.text: u for u in units}
        self._keep(self._compile([u for u in units if u.found is None], rebuilt))
        found: list[Diagnostic] = []
        line = 0
        for unit in units:
            assert unit.found is not None
            if unit.found:
                found += [_placed(d, self.path, line) for d in unit.found]
            line += unit.newlines
        if len(found) > DIAGNOSTIC_CAP:  # which are kept depends on the whole file's order
            return self._whole(text, context)
        self.whole = False
        return None, found

    # ------------------------------------------------------------------------------------------ the units
    def _read(self, part: str) -> Unit:
        self.serial += 1
        suffix = os.path.splitext(self.path)[1]
        return Unit.read(part, f"{self.path}.unit{self.serial}{suffix}", self.cpu_family)

    def _whole(self, text: str, context: Sequence[Loaded]) -> tuple[Optional[Loaded], list[Diagnostic]]:
        self.whole = True
        piece, found = check_text(self.path, text, context, config=self.config, cpu_family=self.cpu_family)
        return piece, found

    def _rebuild(self, units: list[Unit], context: Sequence[Loaded]) -> None:
        """Everything program-wide may have changed: one program of the context and the units, all to compile."""
        self.merged = merge([*context, *[u.piece for u in units]], cpu_family=self.cpu_family,
                            style=self.config.style)
        program = self.merged.program
        self.fbs = [bd.name for bd in program.blocks.values() if bd.kind == "FB"]
        self.udts = [bd.name for bd in program.types.values()]
        for unit in units:
            unit.found = None

    def _swap(self, units: list[Unit], has_context: bool) -> None:
        """The same objects by name, kind and number: put the new units' objects in place of the old ones, and
        mark for compiling the new units and those that use an object whose interface changed."""
        assert self.merged is not None
        merged, program = self.merged, self.merged.program
        changed: set[str] = set()
        base = len(merged.scl) - len(units)
        for index, (old, new) in enumerate(zip(self.units, units)):
            if old is new:
                continue
            for bd in _objects(old.piece):
                merged.file_of.pop(id(bd), None)
            for bd in _objects(new.piece):
                (program.types if bd.kind == "UDT" else program.blocks)[bd.name.lower()] = bd
                merged.file_of[id(bd)] = new.file
            merged.scl[base + index] = new.piece.scl[0]
            new.found = None
            if old.interface != new.interface:
                changed |= new.names
        program._views.clear()  # namespace views hold the objects they were made of
        if not changed:
            return
        if has_context:  # the context's objects' uses are unknown: any of them may reach the changed ones
            for unit in units:
                unit.found = None
            return
        while True:  # the users of a changed object, and their users (a type used through another type)
            users = [u for u in units if u.found is not None and not u.uses().isdisjoint(changed)]
            if not users:
                return
            for unit in users:
                unit.found = None
                changed |= unit.names

    def _compile(self, stale: list[Unit], rebuilt: bool) -> list[Diagnostic]:
        """The findings of the ``stale`` units' objects; without walking the whole program when the program-wide
        rules cannot find anything new on them (same names and numbers as before, no duplicate, none numbered)."""
        merged = self.merged
        assert merged is not None
        if not stale:
            return []
        objects = [bd for u in stale for bd in _objects(u.piece)]
        if rebuilt or merged.program.duplicates or any(bd.number is not None for bd in objects):
            return check(merged, info=True, only={u.file for u in stale})
        return check_edited(merged, objects, [u.piece.scl[0] for u in stale], self.fbs, self.udts)

    def _keep(self, fresh: list[Diagnostic]) -> None:
        """Each compiled unit's findings, the settings and its inline suppressions applied on its own text."""
        by_file: dict[str, list[Diagnostic]] = {}
        for d in fresh:
            by_file.setdefault(d.file or "", []).append(d)
        for unit in self.units:
            if unit.found is None:
                mine = by_file.get(unit.file, [])
                unit.found = apply_config(self.config, mine, texts={unit.file: unit.text})[0] if mine else []

    def whole_piece(self, text: str) -> Loaded:
        """The document read whole, its lines where the text has them (navigation's view of it)."""
        return read_piece(self.path, text.encode("utf-8", "replace"), cpu_family=self.cpu_family)

    def interface(self) -> object:
        """What the last text cut declares to the others (when it changes, they are checked again)."""
        return [(u.identity, u.interface) for u in self.units]


def _placed(d: Diagnostic, path: str, line: int) -> Diagnostic:
    """A unit's finding as the document's: its file, its line counted in the document."""
    return Diagnostic(d.message, d.line + line if d.line else d.line, d.column, d.block, d.severity, path, d.code,
                      d.network)
