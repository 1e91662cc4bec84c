"""The program's tables (:mod:`fakes.object_table`): the lowest free number after any mix of writes, and the lazy
copies a transaction's backup takes of them."""

from __future__ import annotations

import random

import pytest

from engineering_api.rules.program_objects import ProgramObject
from fakes.object_table import ObjectTable, first_number, lazy_copies, transaction_copy


def _fc(name: str, number: int) -> ProgramObject:
    return ProgramObject(kind="FC", name=name, xml=b"<x/>", number=number)


def _lowest_free_by_scan(table: ObjectTable) -> int:
    held = {o.number for o in table.values()}
    number = first_number("FC")
    while number in held:
        number += 1
    return number


@pytest.mark.parametrize("seed", range(20))
def test_the_lowest_free_number_after_any_writes_is_the_one_a_scan_finds(seed: int) -> None:
    """Adds at the lowest free number or a chosen one, removals, replacements and clears, drawn at random: after
    each, the table's lowest free number and the holders of a number are the scan's (freed numbers below the
    search's start included)."""
    rng = random.Random(seed)
    table = ObjectTable()
    for step in range(400):
        action = rng.random()
        names = list(table)
        if action < 0.45:
            table[f"FC_{step}"] = _fc(f"FC_{step}", table.lowest_free("FC"))
        elif action < 0.55:
            table[f"FC_{step}"] = _fc(f"FC_{step}", rng.randint(1, 60))
        elif action < 0.85 and names:
            del table[rng.choice(names)]
        elif action < 0.97 and names:
            name = rng.choice(names)
            table[name] = _fc(name, rng.randint(1, 60))
        elif action < 0.98:
            table.clear()
        assert table.lowest_free("FC") == _lowest_free_by_scan(table), step
        number = rng.randint(1, 60)
        assert sorted(table.holding("FC", number)) == sorted(n for n, o in table.items() if o.number == number)


def test_a_freed_number_is_found_without_walking_the_numbers_held_above_it() -> None:
    """Removing a block and adding one again (a one-block change) reuses its number, and the search after that
    starts where it was: it lowered its start to the freed number, and walked every held number above it."""
    table = ObjectTable((f"FC_{n}", _fc(f"FC_{n}", n)) for n in range(1, 10_001))
    assert table.lowest_free("FC") == 10_001
    del table["FC_5"]
    assert table.lowest_free("FC") == 5
    table["FC_5b"] = _fc("FC_5b", 5)
    probes = 0
    numbers = table._numbers

    class Counting(dict[tuple[str, int], set[str]]):
        def __contains__(self, key: object) -> bool:
            nonlocal probes
            probes += 1
            return dict.__contains__(self, key)

    table._numbers = Counting(numbers)
    assert table.lowest_free("FC") == 10_001
    assert probes <= 3


def test_a_lazy_copy_is_the_table_as_it_was_when_taken_and_costs_nothing_before() -> None:
    """Writes of every kind after the copy (a replacement, a removal, an addition at a freed number, one at a new
    number): the copy stays empty until it is kept, then holds the values, names and numbers of the moment it was
    made."""
    table = ObjectTable((f"FC_{n}", _fc(f"FC_{n}", n)) for n in range(1, 6))
    untouched = ObjectTable([("FC_9", _fc("FC_9", 9))])
    with lazy_copies() as taken:
        copy, other = transaction_copy(table), transaction_copy(untouched)
    assert taken == [copy, other]
    before = dict(table)
    table["FC_1"] = _fc("FC_1", 40)
    del table["FC_2"]
    table["FC_7"] = _fc("FC_7", table.lowest_free("FC"))
    table["fc_8"] = _fc("fc_8", 8)
    assert len(copy) == 0 and len(other) == 0  # nothing copied while the transaction runs
    copy.settle(keep=True)  # the transaction is undone: the copy becomes the live table
    other.settle(keep=True)
    assert dict(copy) == before and copy.lowest_free("FC") == 6 and copy.spelled("fc_2") == "FC_2"
    assert copy.spelled("fc_8") is None and copy.holders("FC", 40) == 0 and copy.holders("FC", 1) == 1
    assert dict(other) == dict(untouched) and other.spelled("fc_9") == "FC_9"
    assert table._snapshots is None and len(table) == 6  # the table itself is as the transaction left it


def test_a_lazy_copy_survives_a_clear_and_nested_copies() -> None:
    table = ObjectTable((f"FC_{n}", _fc(f"FC_{n}", n)) for n in range(1, 4))
    with lazy_copies():
        outer = transaction_copy(table)
    table["FC_4"] = _fc("FC_4", 4)
    with lazy_copies():
        inner = transaction_copy(table)
    del table["FC_1"]
    inner.settle(keep=False)  # the inner transaction kept its change
    table.clear()
    table["FC_X"] = _fc("FC_X", 1)
    outer.settle(keep=True)
    assert sorted(outer) == ["FC_1", "FC_2", "FC_3"] and outer.lowest_free("FC") == 4


def test_a_kept_transaction_lets_its_lazy_copies_go() -> None:
    table = ObjectTable([("FC_1", _fc("FC_1", 1))])
    with lazy_copies() as taken:
        transaction_copy(table)
    for copy in taken:
        copy.settle(keep=False)
    assert table._snapshots is None  # the next write copies nothing
    table["FC_2"] = _fc("FC_2", 2)
    assert len(taken[0]) == 0


def test_outside_a_transaction_a_copy_is_made_at_once() -> None:
    table = ObjectTable([("FC_1", _fc("FC_1", 1))])
    copy = transaction_copy(table)
    assert dict(copy) == dict(table) and copy is not table and table._snapshots is None
