"""A page of a PLC's program tree: the blocks (or PLC data types) of one page in the tree's order, with every folder
and how many objects it holds (port models and the default paging of a listing).

The console's project page showed the whole tree: at 10,000 program objects 1.4 MB of HTML and ~130 health checks'
time (issue 93 asks for 20). A page shows what a reader reads: a page of objects and the folders' counts, found by
name. An adapter that keeps its objects in order answers in proportion to the page; the default pages a full listing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ("Category", "FolderCount", "ListedObject", "ProgramPage", "OrderedTree", "folder_order", "tree_order")

Category = Literal["blocks", "types"]
"""Which of a PLC's trees: "Program blocks" or "PLC data types"."""


class ListedObject(CamelStruct):
    """A block or PLC data type as the program tree lists it."""

    name: str
    kind: str
    """``OB``, ``FB``, ``FC``, a data block's kind, or ``UDT`` for a PLC data type."""
    number: int | None = None
    language: str | None = None
    folder: str = ""
    """Group path below the tree's root, ``/``-separated."""


class FolderCount(CamelStruct):
    """A folder of the tree and the objects directly in it (all of them, whatever the page's search)."""

    path: str
    objects: int


class ProgramPage(CamelStruct):
    """One page of a tree: its objects in the tree's order (a folder's subfolders before its own objects, each
    level by name whatever its case, as TIA's project tree lists them), every folder with its count, and how many
    objects there are and match the search."""

    total: int
    """Objects of the tree."""
    matching: int
    """Objects whose name holds the search (``total`` without one)."""
    offset: int
    """Place of the page's first object among the matching ones (0-based)."""
    folders: list[FolderCount]
    """Every folder, in the tree's order, empty ones included where the adapter knows them."""
    objects: list[ListedObject]


def folder_order(path: str) -> tuple[tuple[int, str], ...]:
    """A folder's place in the tree's order: its parts by name whatever their case."""
    return tuple((0, part.casefold()) for part in path.split("/")) if path else ()


def tree_order(folder: str, name: str) -> tuple[tuple[int, str], ...]:
    """An object's place in the tree's order: after every subfolder of its folder, by name whatever its case."""
    return (*folder_order(folder), (1, name.casefold()))


def _with_parents(paths: Iterable[str]) -> set[str]:
    every: set[str] = set()
    for path in paths:
        parts = path.split("/") if path else []
        every.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return every


class OrderedTree:
    """A tree's objects put in its order once, then paged in proportion to the page (a search reads every name,
    in one comprehension over the names kept folded).

    Args:
        objects: the tree's objects, any order.
        folders: its folders besides those holding objects (empty ones).
    """

    def __init__(self, objects: Iterable[ListedObject], folders: Iterable[str]) -> None:
        self._objects: Sequence[ListedObject] = sorted(objects, key=lambda o: tree_order(o.folder, o.name))
        self._folded = [o.name.casefold() for o in self._objects]
        counts = dict.fromkeys(sorted(_with_parents([*folders, *(o.folder for o in self._objects)]),
                                      key=folder_order), 0)
        for obj in self._objects:
            if obj.folder:
                counts[obj.folder] += 1
        self._folders = [FolderCount(path=path, objects=n) for path, n in counts.items()]

    def page(self, find: str, offset: int, limit: int) -> ProgramPage:
        """The page from ``offset`` (0-based), at most ``limit`` objects, of those whose name holds ``find``
        whatever its case."""
        wanted = find.casefold()
        if wanted:
            found = [i for i, name in enumerate(self._folded) if wanted in name]
            shown, matching = [self._objects[i] for i in found[offset:offset + limit]], len(found)
        else:
            shown, matching = list(self._objects[offset:offset + limit]), len(self._objects)
        return ProgramPage(total=len(self._objects), matching=matching, offset=offset, folders=list(self._folders),
                           objects=shown)
