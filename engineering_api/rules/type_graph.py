"""Which PLC types use which, as both adapters search it: the users of a type (a UDT's users are its users'
concern when it changes) and TIA's refusal of a PLC data type that contains itself through other PLC data types.

A UDT that names itself directly is refused when its document is read (:mod:`engineering_api.rules.program_objects`);
one that reaches itself through other UDTs only against the PLC's other types, which is :func:`refuse_recursion`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = ("ProgramType", "refuse_recursion", "type_users", "udt_chain", "uses_first")


class ProgramType(Protocol):
    """A block or UDT of a PLC as an adapter keeps it: its name and kind (``UDT``, ``FB``, ...)."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...


_Type = TypeVar("_Type", bound=ProgramType)
_Item = TypeVar("_Item")


def uses_first(items: Iterable[_Item], rank: Callable[[_Item], int],
               uses: Callable[[_Item], Iterable[_Item]]) -> list[_Item]:
    """``items`` in the order a PLC compiles them: by ``rank`` (UDTs, then blocks that others call or instance,
    ...), and inside a rank what an item uses (``uses``, of its rank or below) before it; each item once (by
    identity), a cycle cut where it closes. ``items`` are visited in the order given.

    A loop over an explicit path, not a recursive closure: a closure that calls itself is a reference cycle, which
    kept what it walked (the compiler's view of a whole program) alive until the cyclic collector's next full pass,
    and a call chain deeper than the interpreter's recursion limit would have stopped the walk."""
    order = list(items)
    ranks = {id(item): rank(item) for item in order}  # asked once an item: the walk compares ranks at every edge
    done: list[tuple[int, int, _Item]] = []  # (rank, place, item): sorted by rank, stable by place
    seen: set[int] = set()
    for root in order:
        root_key = id(root)
        if root_key in seen:
            continue
        on_path = {root_key}
        path = [(root, root_key, ranks[root_key], iter(uses(root)))]
        while path:
            item, item_key, item_rank, pending = path[-1]
            for used in pending:
                key = id(used)
                if key not in seen and key not in on_path:
                    used_rank = ranks.get(key)
                    if used_rank is None:
                        used_rank = ranks[key] = rank(used)
                    if used_rank <= item_rank:
                        on_path.add(key)
                        path.append((used, key, used_rank, iter(uses(used))))
                        break
            else:
                path.pop()
                on_path.discard(item_key)
                seen.add(item_key)
                done.append((item_rank, len(done), item))
    done.sort()
    return [item for _, _, item in done]


def type_users(name: str, objects: Sequence[_Type], uses: Callable[[_Type], Iterable[str]], *,
               transitive: bool = False) -> list[_Type]:
    """The blocks and UDTs among ``objects`` whose interface names ``"name"`` (``uses(obj)``: the types it names);
    with ``transitive``, also the users of every UDT found, and so on. ``uses`` is asked last (the bridge exports
    the object to answer it)."""
    found: dict[str, _Type] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        for obj in objects:
            if obj.name != name and obj.name not in found and current in uses(obj):
                found[obj.name] = obj
                if transitive and obj.kind == "UDT":
                    pending.append(obj.name)
    return list(found.values())


def udt_chain(start: Iterable[str], target: str, udt_uses: Callable[[str], Iterable[str] | None]) -> list[str] | None:
    """A chain of UDTs from one of ``start`` to ``target`` (a recursion), or None.

    ``udt_uses(name)``: the types the PLC's UDT ``name`` names, None when the PLC has no UDT of that name. Names are
    compared whatever their case, as TIA keeps them unique: ``"udt_a"`` in ``UDT_A`` is no other type.
    """
    stack = [(name, [name]) for name in start]
    seen: set[str] = set()
    folded_target = target.lower()
    while stack:
        name, path = stack.pop()
        folded = name.lower()
        if folded == folded_target:
            return path
        if folded in seen:
            continue
        seen.add(folded)
        stack.extend((used, [*path, used]) for used in udt_uses(name) or ())
    return None


def refuse_recursion(name: str, uses: Iterable[str], udt_uses: Callable[[str], Iterable[str] | None]) -> None:
    """Refuse the UDT ``name`` naming ``uses`` when one of them reaches ``name`` through the PLC's UDTs.

    Raises:
        ValidationError: ``RECURSIVE_TYPE`` with the chain (``details.chain``, ``name`` first).
    """
    chain = udt_chain(uses, name, udt_uses)
    if chain is not None:
        path = " -> ".join([name, *chain])
        raise ValidationError(f"'{name}' would contain itself ({path}); TIA refuses recursive data types.",
                              code=codes.RECURSIVE_TYPE, details={"chain": [name, *chain]})
