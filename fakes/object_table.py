"""One category of a PLC's program objects by name, with the indexes TIA's import rules look up kept as it changes.

TIA's rules ask, for every object imported: is the name taken whatever its case, is the block number taken in its
number space, which is the lowest free number. Answered by scanning the table, each question costs the program's
size, and a plant's import of N objects costs N² (8,000 blocks: ~20 s of CPU per block imported). The table keeps
the answers as it changes instead: each write updates them, so each question costs the same at 20,000 objects as
at 20. A dict subclass, so every writer of the model (``software.blocks[name] = obj``, ``pop``, ``clear``, the
rename's rebuild) keeps the indexes true without knowing of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from engineering_api.rules.program_objects import ProgramObject

__all__ = ("NameTable", "ObjectTable", "first_number")

V = TypeVar("V")

_MISSING: Any = object()


def first_number(number_class: str) -> int:
    """The lowest number TIA gives a block of ``number_class`` (program cycle OBs start at 123)."""
    return 123 if number_class == "OB" else 1


class NameTable(dict[str, V], Generic[V]):
    """Values by name (the names as stored), with the names indexed by their lower case: TIA keeps names unique
    whatever their case, and asking whether one is taken costs a lookup, not a scan."""

    __slots__ = ("_folded", "_shadowed")

    def __init__(self, items: Mapping[str, V] | Iterable[tuple[str, V]] = ()) -> None:
        super().__init__()
        self._folded: dict[str, str] = {}
        self._shadowed: dict[str, set[str]] = {}
        """Names of the same lower case as another's (the rules never store two, a table filled by hand may)."""
        self.update(items)

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
        old = dict.get(self, name, _MISSING)
        if old is not _MISSING:
            self._unindex(name, old)
        super().__setitem__(name, value)
        self._index(name, value)

    def __delitem__(self, name: str) -> None:
        old = self[name]
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
        name, old = super().popitem()
        self._unindex(name, old)
        return name, old

    def clear(self) -> None:
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

    def copy(self) -> NameTable[V]:
        """A table of the same values (shared: they are values) and indexes, at the cost of copying dicts."""
        clone = type(self).__new__(type(self))
        dict.update(clone, self)
        self._copy_indexes(clone)
        return clone

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (dict(self),)


class ObjectTable(NameTable["ProgramObject"]):
    """Program objects by name, with two more indexes: how many blocks hold each number of each number space, and
    per number space a number below which every number is held (where the search for a free one starts)."""

    __slots__ = ("_low", "_numbers")

    def __init__(self, items: Mapping[str, ProgramObject] | Iterable[tuple[str, ProgramObject]] = ()) -> None:
        self._numbers: dict[tuple[str, int], int] = {}
        self._low: dict[str, int] = {}
        super().__init__(items)

    def holders(self, number_class: str, number: int) -> int:
        """How many objects hold ``number`` in ``number_class``."""
        return self._numbers.get((number_class, number), 0)

    def lowest_free(self, number_class: str) -> int:
        """The lowest number of ``number_class`` no object holds."""
        candidate = self._low.get(number_class, first_number(number_class))
        while (number_class, candidate) in self._numbers:
            candidate += 1
        self._low[number_class] = candidate  # every number below it is held: the next search starts here
        return candidate

    def _index(self, name: str, value: ProgramObject) -> None:
        super()._index(name, value)
        number_class = value.number_class
        if number_class is not None and value.number is not None:
            key = (number_class, value.number)
            self._numbers[key] = self._numbers.get(key, 0) + 1

    def _unindex(self, name: str, value: ProgramObject) -> None:
        super()._unindex(name, value)
        number_class = value.number_class
        if number_class is not None and value.number is not None:
            key = (number_class, value.number)
            left = self._numbers.get(key, 0) - 1
            if left > 0:
                self._numbers[key] = left
            else:
                self._numbers.pop(key, None)
                if value.number < self._low.get(number_class, first_number(number_class)):
                    self._low[number_class] = value.number

    def _clear_indexes(self) -> None:
        super()._clear_indexes()
        self._numbers.clear()
        self._low.clear()

    def _copy_indexes(self, clone: NameTable[ProgramObject]) -> None:
        super()._copy_indexes(clone)
        assert isinstance(clone, ObjectTable)
        clone._numbers = dict(self._numbers)
        clone._low = dict(self._low)

    def copy(self) -> ObjectTable:
        clone = super().copy()
        assert isinstance(clone, ObjectTable)
        return clone
