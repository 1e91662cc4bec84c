"""Which PLC types use which, as both adapters search it: the users of a type (a UDT's users are its users'
concern when it changes) and TIA's refusal of a PLC data type that contains itself through other PLC data types.

A UDT that names itself directly is refused when its document is read (:mod:`engineering_api.rules.program_objects`);
one that reaches itself through other UDTs only against the PLC's other types, which is :func:`refuse_recursion`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from engineering_api.backend.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = ("ProgramType", "refuse_recursion", "type_users", "udt_chain")


class ProgramType(Protocol):
    """A block or UDT of a PLC as an adapter keeps it: its name and kind (``UDT``, ``FB``, ...)."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...


_Type = TypeVar("_Type", bound=ProgramType)


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
                              code="RECURSIVE_TYPE", details={"chain": [name, *chain]})
