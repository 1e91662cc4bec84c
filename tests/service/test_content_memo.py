"""WalkMemo (engineering_api.lib.content_memo): a walk over a program of any size finds every value the last walk
computed for an unchanged content, and keeps no more than one walk's values. An LRU of 4,096 entries (what the
cross-references kept before) computed every value again at each walk over 4,097 objects or more. RevisionMemo: a
value of the whole program kept under its revision, never under one a change raced."""

from __future__ import annotations

import pytest

from engineering_api.lib.content_memo import RevisionMemo, WalkMemo


def _memo() -> tuple[WalkMemo[bytes, int], list[bytes]]:
    computed: list[bytes] = []

    def compute(key: bytes) -> int:
        computed.append(key)
        return len(key)

    return WalkMemo(compute), computed


def test_a_second_walk_over_a_large_program_computes_only_what_changed() -> None:
    memo, computed = _memo()
    program = [f"block {i}".encode() for i in range(10_000)]
    with memo.walk() as lookup:
        assert [lookup(key) for key in program] == [len(key) for key in program]
    assert len(computed) == len(program)
    computed.clear()
    program[5] = b"block 5, changed"
    with memo.walk() as lookup:
        for key in program:
            lookup(key)
        lookup(program[7])  # asked twice in one walk: computed at most once
    assert computed == [b"block 5, changed"]


def test_a_walk_keeps_only_what_it_used_and_a_failed_walk_keeps_what_was_kept() -> None:
    memo, computed = _memo()
    with memo.walk() as lookup:
        lookup(b"a")
        lookup(b"b")
    with memo.walk() as lookup:
        lookup(b"a")  # "b" deleted from the program
    computed.clear()
    with pytest.raises(RuntimeError), memo.walk() as lookup:
        lookup(b"c")
        raise RuntimeError("the query failed half-way")
    with memo.walk() as lookup:
        lookup(b"a")
        lookup(b"b")
    assert computed == [b"c", b"b"]


def test_a_lookup_outside_a_walk_is_kept_until_the_next_walk_ends() -> None:
    memo, computed = _memo()
    assert memo(b"x") == 1 and memo(b"x") == 1
    assert computed == [b"x"]


def test_a_value_is_kept_under_its_revision_for_the_newest_few() -> None:
    memo: RevisionMemo[str, str] = RevisionMemo(kept=2)
    computed: list[str] = []

    def value(revision: str) -> str:
        def compute() -> str:
            computed.append(revision)
            return f"index of {revision}"

        return memo.get(lambda: revision, compute)

    assert [value("r1"), value("r1"), value("r2"), value("r1"), value("r3"), value("r1")] == [
        "index of r1", "index of r1", "index of r2", "index of r1", "index of r3", "index of r1"]
    assert computed == ["r1", "r2", "r3", "r1"]  # r1 was the oldest of two when r3 came


def test_a_value_is_not_kept_when_a_change_raced_it_or_the_revision_is_unknown() -> None:
    memo: RevisionMemo[str, int] = RevisionMemo()
    revisions = iter(["r1", "r2", "r2", "r2", "r2"])  # the program changed while the value was computed
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert memo.get(lambda: next(revisions), compute) == 1
    assert memo.get(lambda: next(revisions), compute) == 2  # r1's value was not kept as r2's
    assert memo.get(lambda: next(revisions), compute) == 2
    assert [memo.get(lambda: None, compute) for _ in range(2)] == [3, 4]
