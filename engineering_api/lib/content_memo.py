"""Values computed from a document's content, kept for the documents of the last walk over a program.

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
from typing import Generic, TypeVar

__all__ = ("WalkMemo",)

K = TypeVar("K", bound=Hashable)
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
