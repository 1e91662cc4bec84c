"""Values computed from a document's content, kept for the documents of the last walk over a program; values
computed from a whole program, kept under its revision.

A query over a whole program (the cross-references of a block, of a tag) reads every object. Its index is a function
of each object's content, so it is kept by content; an LRU of a fixed size evicts, during a walk larger than it, the
very entries the next walk needs first, and from a plant's 4,097th block on every query parsed the whole program
again. A walk here keeps what it used, so the next walk finds every object that did not change, and forgets what
it did not use (deleted objects, older contents): the memory is one program's values, whatever its size.

    with REFERENCES.walk() as references:
        found = {name: references(xml) for name, xml in program}
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar, cast

__all__ = ("RevisionMemo", "WalkMemo")

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
_MISSING = object()
V = TypeVar("V")


class WalkMemo(Generic[K, V]):
    """``compute(key)`` kept for the keys of the last :meth:`walk` (and of lookups outside one, until the next)."""

    def __init__(self, compute: Callable[[K], V]) -> None:
        self._compute = compute
        self._kept: dict[K, V] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def walk(self) -> Iterator[Callable[[K], V]]:
        """A lookup for one walk; when the walk ends, what it looked up is what is kept."""
        kept = self._kept
        used: dict[K, V] = {}

        def lookup(key: K) -> V:
            if key in used:
                return used[key]
            value = kept[key] if key in kept else self._compute(key)
            used[key] = value
            return value

        yield lookup  # a walk that fails keeps what was kept before it
        with self._lock:  # two walks at once: the later end is kept, each complete
            self._kept = used

    def cache_clear(self) -> None:
        """Forget every value (as ``functools.lru_cache``'s): a benchmark's cold run, a test's count."""
        with self._lock:
            self._kept = {}

    def __call__(self, key: K) -> V:
        """One lookup outside a walk: kept with the last walk's values until the next walk ends."""
        kept = self._kept
        if key in kept:
            return kept[key]
        value = self._compute(key)
        with self._lock:
            self._kept[key] = value
        return value


class RevisionMemo(Generic[R, V]):
    """Values derived from a whole program, each kept under the program's revision
    (:meth:`~engineering_api.backend.areas.program.ProgramPort.program_revision`) for the ``kept`` newest.

    A walk kept by content (:class:`WalkMemo`) still reads every object per query: a plant's 20,000 exports and
    lookups, whose working set outgrows the processor's caches (the query's CPU per object doubled from 1,000 to
    20,000 objects though its calls grew linearly). Under the revision a query reads what it answers; the first
    after a change walks again. A revision of None (an adapter that cannot tell) computes every time; a value is kept
    only when the revision is the same after its computation as before (no change raced it).
    """

    def __init__(self, kept: int = 4) -> None:
        self._kept: dict[R, V] = {}
        self._size = kept
        self._lock = threading.Lock()

    def get(self, revision: Callable[[], R | None], compute: Callable[[], V]) -> V:
        """The value kept under the current ``revision()``, else ``compute()`` (kept if the revision held)."""
        before = revision()
        if before is not None:
            kept = self._kept.get(before, _MISSING)
            if kept is not _MISSING:
                return cast("V", kept)
        value = compute()
        if before is not None and revision() == before:
            with self._lock:
                while len(self._kept) >= self._size:
                    self._kept.pop(next(iter(self._kept)))
                self._kept[before] = value
        return value

    def cache_clear(self) -> None:
        """Forget every value: a benchmark's cold run, a test's count."""
        with self._lock:
            self._kept = {}
