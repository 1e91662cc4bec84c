"""The compile order both compilers walk (:func:`engineering_api.rules.type_graph.uses_first`): by rank, and inside a
rank what an object uses first, each once, a cycle cut where it closes, at any depth."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field

from engineering_api.rules.type_graph import uses_first

__all__ = ()


@dataclass(eq=False)
class _Object:
    name: str
    rank: int
    uses: list[_Object] = field(default_factory=list)


def _order(objects: list[_Object]) -> list[str]:
    return [o.name for o in uses_first(objects, lambda o: o.rank, lambda o: o.uses)]


def test_what_an_object_uses_comes_first_inside_its_rank() -> None:
    udt, fb, fc, db = _Object("UDT", 0), _Object("FB", 1), _Object("FC", 1), _Object("DB", 2)
    fc.uses = [fb, udt]
    fb.uses = [db]  # a higher rank: its own rank's order decides
    db.uses = [fb]
    assert _order([db, fc, fb, udt]) == ["UDT", "FB", "FC", "DB"]


def test_a_cycle_is_cut_where_it_closes_and_each_object_comes_once() -> None:
    a, b, c = _Object("A", 1), _Object("B", 1), _Object("C", 1)
    a.uses, b.uses, c.uses = [b], [c], [a]
    assert _order([a, b, c]) == ["C", "B", "A"]


def test_two_objects_of_one_name_are_both_ordered() -> None:
    # A UDT and a block of one name are two objects: the walk tells them apart by identity, not by name.
    udt, fb = _Object("X", 0), _Object("X", 1)
    fb.uses = [udt]
    assert uses_first([fb, udt], lambda o: o.rank, lambda o: o.uses) == [udt, fb]


def test_a_chain_deeper_than_the_recursion_limit_is_walked() -> None:
    chain = [_Object(f"FC{i}", 1) for i in range(sys.getrecursionlimit() * 3)]
    for caller, callee in zip(chain, chain[1:]):
        caller.uses = [callee]
    assert _order(chain) == [o.name for o in reversed(chain)]


def test_every_object_follows_what_it_uses_in_random_programs() -> None:
    rng = random.Random(7)
    for _ in range(200):
        objects = [_Object(f"O{i}", rng.randrange(4)) for i in range(rng.randrange(1, 30))]
        for o in objects:
            o.uses = rng.sample(objects, rng.randrange(min(4, len(objects)) + 1))
        ordered = uses_first(objects, lambda o: o.rank, lambda o: o.uses)
        assert sorted(map(id, ordered)) == sorted(map(id, objects))
        place = {id(o): i for i, o in enumerate(ordered)}
        assert [o.rank for o in ordered] == sorted(o.rank for o in objects)
        for o in objects:  # what it uses of its rank comes first, unless the two are on one cycle
            for used in o.uses:
                if used.rank == o.rank and place[id(used)] > place[id(o)]:
                    assert _reaches(used, o), (o.name, used.name)


def _reaches(start: _Object, target: _Object) -> bool:
    seen, stack = set(), [start]
    while stack:
        o = stack.pop()
        if o is target:
            return True
        if id(o) not in seen:
            seen.add(id(o))
            stack.extend(u for u in o.uses if u.rank <= o.rank)
    return False
