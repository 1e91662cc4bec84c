"""TIA's refusal of a PLC data type that contains itself through other PLC data types, as both adapters apply it.

A UDT that names itself directly is refused when its document is read (:mod:`engineering_api.rules.program_objects`);
one that reaches itself through other UDTs only against the PLC's other types, which is this rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ("refuse_recursion", "udt_chain")


def udt_chain(start: Iterable[str], target: str, udt_uses: Callable[[str], Iterable[str] | None]) -> list[str] | None:
    """A chain of UDTs from one of ``start`` to ``target`` (a recursion), or None.

    ``udt_uses(name)``: the types the PLC's UDT ``name`` names, None when the PLC has no UDT of that name.
    """
    stack = [(name, [name]) for name in start]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        if name == target:
            return path
        if name in seen:
            continue
        seen.add(name)
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
