"""One category of a PLC's program objects by name, with the indexes TIA's import rules look up kept as it changes.

TIA's rules ask, for every object imported: is the name taken whatever its case, is the block number taken in its
number space, which is the lowest free number. Answered by scanning the table, each question costs the program's
size, and a plant's import of N objects costs N² (8,000 blocks: ~20 s of CPU per block imported). The table keeps
the answers as it changes instead: each write updates them, so each question costs the same at 20,000 objects as
at 20. A dict subclass, so every writer of the model (``software.blocks[name] = obj``, ``pop``, ``clear``, the
rename's rebuild) keeps the indexes true without knowing of them.

A transaction's backup of the project takes each table lazily (:meth:`NameTable.snapshot`): the table notes what each
write replaces, and the copy is made only when the transaction is undone, so a one-block change costs its writes,
not a copy of the program.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

if TYPE_CHECKING:
    from engineering_api.rules.program_objects import ProgramObject

__all__ = ("NameTable", "ObjectTable", "first_number", "lazy_copies", "transaction_copy")

V = TypeVar("V")
_Table = TypeVar("_Table", bound="NameTable[Any]")

_MISSING: Any = object()


def first_number(number_class: str) -> int:
    """The lowest number TIA gives a block of ``number_class`` (program cycle OBs start at 123)."""
    return 123 if number_class == "OB" else 1


_stamps = itertools.count(1)
"""Stamps of table contents: each table's contents get a new one at every write, unique across tables."""

_taking: ContextVar[list[NameTable[Any]] | None] = ContextVar("fakes_lazy_copies", default=None)
"""The lazy copies of the transaction copy being made (:func:`lazy_copies`), or none."""


@contextmanager
def lazy_copies() -> Iterator[list[NameTable[Any]]]:
    """While the block runs, :func:`transaction_copy` takes lazy copies (:meth:`NameTable.snapshot`) and lists them
    in the list yielded; the caller settles each (:meth:`NameTable.settle`) when its transaction ends."""
    taken: list[NameTable[Any]] = []
    reset = _taking.set(taken)
    try:
        yield taken
    finally:
        _taking.reset(reset)


def transaction_copy(table: _Table) -> _Table:
    """A copy of ``table`` for a transaction's backup: lazy inside :func:`lazy_copies`, else a copy made now."""
    taken = _taking.get()
    if taken is None:
        return table.copy()
    clone = table.snapshot()
    taken.append(clone)
    return clone


class NameTable(dict[str, V], Generic[V]):
    """Values by name (the names as stored), with the names indexed by their lower case: TIA keeps names unique
    whatever their case, and asking whether one is taken costs a lookup, not a scan."""

    __slots__ = ("_folded", "_journal", "_shadowed", "_snapshots", "_source", "_stamp")

    def __init__(self, items: Mapping[str, V] | Iterable[tuple[str, V]] = ()) -> None:
        super().__init__()
        self._empty_indexes()
        self._snapshots: list[NameTable[V]] | None = None
        """Lazy copies of this table not taken yet (:meth:`snapshot`): each write is noted in their journals."""
        self._source: NameTable[V] | None = None
        """A lazy copy not taken yet: the table it copies."""
        self._journal: list[tuple[str, Any]] = []
        """A lazy copy not taken yet: what each write of its table since the copy replaced (name, the value it had
        or ``_MISSING``), in order: undone in reverse, it gives the table as it was at the copy."""
        self._stamp = next(_stamps)
        self.update(items)

    def _empty_indexes(self) -> None:
        self._folded: dict[str, str] = {}
        self._shadowed: dict[str, set[str]] = {}
        """Names of the same lower case as another's (the rules never store two, a table filled by hand may)."""

    # ----- lazy copies: a transaction's backup costs what the transaction writes ------------------------------------

    def snapshot(self) -> Self:
        """A copy of this table as it is now, made only when it is taken (:meth:`settle`): until then each write of
        this table notes in the copy's journal what it replaced. A transaction's backup copied every table of the
        project: a one-block change cost a copy of the whole program, a third of its CPU at 10,000 blocks. The copy
        is empty until taken: read it only once :meth:`settle` has kept it."""
        clone = type(self)()
        clone._source = self
        self._snapshots = [*(self._snapshots or ()), clone]
        return clone

    def settle(self, *, keep: bool) -> None:
        """End a lazy copy's wait: made now when it is kept (its transaction is undone and it becomes the live
        table: its table's values with the journal undone), else let go of (its transaction kept its changes)."""
        source = self._source
        if source is None:
            return
        source._snapshots = [c for c in source._snapshots or () if c is not self] or None
        if keep:
            self._take(source)
        self._source, self._journal = None, []

    def _take(self, source: NameTable[V]) -> None:
        """Become the copy: ``source``'s values and indexes, then its writes since the copy undone, newest first."""
        self._fill_from(source)
        journal, self._journal = self._journal, []
        for name, old in reversed(journal):
            if old is _MISSING:
                self.pop(name, None)
            else:
                self[name] = old

    def _fill_from(self, source: NameTable[V]) -> None:
        dict.update(self, source)
        source._copy_indexes(self)
        self._source = None
        self._stamp = next(_stamps)

    @property
    def stamp(self) -> int:
        """This table's contents: another number after every write, and no other table's number ever. What is
        computed from a table's values can be kept under its stamp (the fake's program listing)."""
        return self._stamp

    def _note(self, name: str) -> None:
        """Before ``name`` is written: what it holds, in the journal of each lazy copy waiting on this table."""
        for clone in self._snapshots or ():
            clone._journal.append((name, dict.get(self, name, _MISSING)))

    def spelled(self, name: str) -> str | None:
        """The name a value whose name is ``name`` whatever its case is stored under, or None."""
        return self._folded.get(name.lower())

    def _index(self, name: str, value: V) -> None:
        folded = name.lower()
        if self._folded.setdefault(folded, name) != name:
            self._shadowed.setdefault(folded, set()).add(name)

    def _unindex(self, name: str, value: V) -> None:
        folded = name.lower()
        shadowed = self._shadowed.get(folded)
        if self._folded.get(folded) != name:
            if shadowed is not None:
                shadowed.discard(name)
        elif shadowed:
            self._folded[folded] = shadowed.pop()
        else:
            del self._folded[folded]
        if shadowed is not None and not shadowed:
            del self._shadowed[folded]

    def _clear_indexes(self) -> None:
        self._folded.clear()
        self._shadowed.clear()

    def _copy_indexes(self, clone: NameTable[V]) -> None:
        clone._folded = dict(self._folded)
        clone._shadowed = {folded: set(names) for folded, names in self._shadowed.items()}

    # ----- dict's writers, each keeping the indexes ---------------------------------------------------------------

    def __setitem__(self, name: str, value: V) -> None:
        self._stamp = next(_stamps)
        if self._snapshots:
            self._note(name)
        old = dict.get(self, name, _MISSING)
        if old is not _MISSING:
            self._unindex(name, old)
        super().__setitem__(name, value)
        self._index(name, value)

    def __delitem__(self, name: str) -> None:
        old = self[name]
        self._stamp = next(_stamps)
        if self._snapshots:
            self._note(name)
        super().__delitem__(name)
        self._unindex(name, old)

    @overload
    def pop(self, name: str) -> V: ...
    @overload
    def pop(self, name: str, default: Any) -> Any: ...

    def pop(self, name: str, default: Any = _MISSING) -> Any:
        if name in self:
            old = self[name]
            del self[name]
            return old
        if default is _MISSING:
            raise KeyError(name)
        return default

    def popitem(self) -> tuple[str, V]:
        if not self:
            raise KeyError("popitem(): dictionary is empty")
        name = next(reversed(self))  # dict's own order: the last stored
        old = self[name]
        del self[name]
        return name, old

    def clear(self) -> None:
        pending, self._snapshots = self._snapshots, None
        for clone in pending or ():  # everything is written: each waiting copy is made now
            clone._take(self)
            clone._source = None
        self._stamp = next(_stamps)
        super().clear()
        self._clear_indexes()

    def update(self, *others: Any, **named: Any) -> None:
        for name, value in dict(*others, **named).items():
            self[name] = value

    def setdefault(self, name: str, default: Any = None, /) -> Any:
        if name not in self:
            self[name] = default
        return self[name]

    def _merged(self, other: Any) -> Any:
        self.update(other)
        return self

    __ior__ = _merged  # ``table |= other`` through the indexes too (dict's own merges in C, past them)

    def copy(self) -> Self:
        """A table of the same values (shared: they are values) and indexes, at the cost of copying dicts."""
        clone = type(self)()
        clone._fill_from(self)
        return clone

    def __reduce__(self) -> tuple[Any, ...]:
        self.settle(keep=True)  # a lazy copy pickled holds its values
        return type(self), (dict(self),)


class ObjectTable(NameTable["ProgramObject"]):
    """Program objects by name, with two more indexes: the blocks that hold each number of each number space, and
    per number space a number below which every number is held (where the search for a free one starts)."""

    __slots__ = ("_freed", "_low", "_numbers")

    def _empty_indexes(self) -> None:
        super()._empty_indexes()
        self._numbers: dict[tuple[str, int], set[str]] = {}
        """The names of the blocks holding each number (the rules store one, a table filled by hand may hold more)."""
        self._low: dict[str, int] = {}
        self._freed: dict[str, list[int]] = {}
        """Per number space, a heap of numbers below its ``_low`` that were freed (some may be held again: looked
        at when they reach the top). Lowering ``_low`` to a freed number instead made the next search walk every
        held number above it: each one-block change (a block removed and written again) cost a walk of the
        program."""

    def holders(self, number_class: str, number: int) -> int:
        """How many objects hold ``number`` in ``number_class``."""
        return len(self._numbers.get((number_class, number), ()))

    def holding(self, number_class: str, number: int) -> list[str]:
        """The names of the objects that hold ``number`` in ``number_class``."""
        return list(self._numbers.get((number_class, number), ()))

    def lowest_free(self, number_class: str) -> int:
        """The lowest number of ``number_class`` no object holds."""
        freed = self._freed.get(number_class)
        while freed and (number_class, freed[0]) in self._numbers:
            heapq.heappop(freed)  # held again since it was freed
        if freed:
            return freed[0]  # below ``_low``, so lower than any number the search from there finds
        candidate = self._low.get(number_class, first_number(number_class))
        while (number_class, candidate) in self._numbers:
            candidate += 1
        self._low[number_class] = candidate  # every number below it is held: the next search starts here
        return candidate

    def _index(self, name: str, value: ProgramObject) -> None:
        super()._index(name, value)
        number_class = value.number_class
        if number_class is not None and value.number is not None:
            self._numbers.setdefault((number_class, value.number), set()).add(name)

    def _unindex(self, name: str, value: ProgramObject) -> None:
        super()._unindex(name, value)
        number_class = value.number_class
        if number_class is not None and value.number is not None:
            key = (number_class, value.number)
            names = self._numbers.get(key)
            if names is not None:
                names.discard(name)
            if not names:
                self._numbers.pop(key, None)
                if value.number < self._low.get(number_class, first_number(number_class)):
                    heapq.heappush(self._freed.setdefault(number_class, []), value.number)

    def _clear_indexes(self) -> None:
        super()._clear_indexes()
        self._numbers.clear()
        self._low.clear()
        self._freed.clear()

    def _copy_indexes(self, clone: NameTable[ProgramObject]) -> None:
        super()._copy_indexes(clone)
        assert isinstance(clone, ObjectTable)
        clone._numbers = {key: set(names) for key, names in self._numbers.items()}
        clone._low = dict(self._low)
        clone._freed = {number_class: list(heap) for number_class, heap in self._freed.items()}

