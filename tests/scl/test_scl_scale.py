"""Issue 12, failure 6, library side: the SCL front end stops at checkpoints, TIA's block limit, linear helpers.

The timing side (time per statement at 300k vs 3k) is measured by ``bench/scl_scale.py``, not asserted here.
"""

from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import check_source
from simatic_xml.cancel import Canceled, CancelToken, checkpoint, current, installed
from simatic_xml.generate import generate_xml
from simatic_xml.generate.checks import scl_locals
from simatic_xml.scl import parse, parse_network, tokenize
from simatic_xml.scl.limits import (
    MAX_SOURCE_CHARS,
    MAX_STATEMENTS,
    BlockTooLargeError,
    check_block_size,
    check_document_size,
    count_statements,
)
from simatic_xml.scl_text import text_to_tokens

STATEMENTS = 200


def _source(statements: int = STATEMENTS) -> str:
    body = "\n".join(["#x := #x + 1;"] * statements)
    return f'FUNCTION "FC_X" : Int\nVAR_TEMP\n  x : Int;\nEND_VAR\nBEGIN\n{body}\n#FC_X := #x;\nEND_FUNCTION\n'


def _spec(statements: int = STATEMENTS) -> dict:
    return {
        "blockType": "FC", "name": "FC_X", "language": "SCL", "returnType": "Int",
        "interface": {"Temp": [{"name": "x", "dataType": "Int"}]},
        "networks": [{"scl": "\n".join(["#x := #x + 1;"] * statements)}],
    }


def _canceled(reason: str = "stop") -> CancelToken:
    token = CancelToken()
    token.cancel(RuntimeError(reason))
    return token


# ----- the token -------------------------------------------------------------------------------------
def test_a_checkpoint_without_a_token_does_nothing() -> None:
    assert current() is None
    checkpoint()


def test_a_checkpoint_raises_with_the_reason_once_the_token_is_set() -> None:
    token = CancelToken()
    with installed(token):
        checkpoint()
        token.cancel(RuntimeError("timed out"))
        token.cancel(RuntimeError("later reasons do not replace the first"))
        with pytest.raises(Canceled) as raised:
            checkpoint()
    assert str(raised.value.reason) == "timed out"
    assert current() is None  # the token is only current inside the with block


def test_canceled_is_not_swallowed_by_except_exception() -> None:
    with installed(_canceled()), pytest.raises(Canceled):
        try:
            checkpoint()
        except Exception:  # what per-item error collectors do
            pytest.fail("Canceled must not be an Exception")


# ----- checkpoints inside the front end ----------------------------------------------------------------
@pytest.mark.parametrize(
    "work",
    [
        pytest.param(lambda: tokenize(_source()), id="lexer"),
        pytest.param(lambda: parse(_source()), id="parser"),
        pytest.param(lambda: check_source(_source()), id="compiler"),
        pytest.param(lambda: generate_xml(_spec(), "V19"), id="generator"),
    ],
)
def test_the_scl_front_end_stops_at_a_checkpoint(work) -> None:
    work()  # runs to the end without a token
    with installed(_canceled()), pytest.raises(Canceled):
        work()


class TripAfter(CancelToken):
    """A token that trips after ``checks`` checkpoints (a test double: ``left`` counts them down)."""

    __slots__ = ("left",)

    def __init__(self, checks: int) -> None:  # test double
        self.reason = None
        self.left = checks

    @property  # checkpoint() reads the flag itself: the double makes it a countdown
    def _set(self) -> bool:  # type: ignore[override]  # a read-only property over the writable flag
        self.left -= 1
        return self.left < 0


def test_the_parser_stops_part_way_through_a_long_body() -> None:
    # A token that trips after some checkpoints: the parser stops there, not after the whole text.
    token = TripAfter(50)
    with installed(token), pytest.raises(Canceled):
        parse(_source(10_000))
    assert token.left == -1  # stopped at the first checkpoint after the trip, not 10,000 statements later


def test_the_structuredtext_writer_stops_part_way_through_a_long_network() -> None:
    # The writer walks the front end's tree after the front end has read the text: trip 50 checkpoints into the walk.
    body = "\n".join(["#x := #x + 1;"] * 10_000)
    counting = TripAfter(10**9)
    with installed(counting):
        parse_network(body)
    token = TripAfter(10**9 - counting.left + 50)
    with installed(token), pytest.raises(Canceled):
        text_to_tokens(body)
    assert token.left == -1  # stopped at the first checkpoint after the trip, not 10,000 statements later


# ----- TIA's block size limit -------------------------------------------------------------------------
def test_count_statements_ignores_semicolons_in_comments_and_strings() -> None:
    text = "#a := 1; // not; these;\n(* nor; this *) #s := 'x;y'; /* or; */ #q := \"a;b\".c;\n"
    assert count_statements(text) == 3
    assert count_statements("#a := 1;\n#b := 2;") == 2
    assert count_statements("") == 0


def test_the_limit_is_the_documented_code_block_size() -> None:
    assert MAX_STATEMENTS == 512 * 1024 // 8
    check_block_size("#x := 1;\n" * MAX_STATEMENTS, "FC_Max")
    with pytest.raises(BlockTooLargeError) as raised:
        check_block_size(["#x := 1;\n" * MAX_STATEMENTS, "#x := 2;"], "FC_Over")
    error = raised.value
    assert (error.code, error.measure, error.limit, error.found) == ("BLOCK_TOO_LARGE", "statements", MAX_STATEMENTS,
                                                                     MAX_STATEMENTS + 1)
    assert "FC_Over" in str(error) and "512 KB" in str(error)


def test_text_without_statements_is_limited_by_its_length() -> None:
    with pytest.raises(BlockTooLargeError) as raised:
        check_block_size("// a comment\n" * (MAX_SOURCE_CHARS // 13 + 1))
    assert raised.value.measure == "characters"


def test_the_generator_refuses_an_oversized_block_before_parsing_it() -> None:
    with pytest.raises(BlockTooLargeError):
        generate_xml(_spec(MAX_STATEMENTS + 1), "V19")


def test_a_simaticml_document_is_measured_by_its_semicolon_tokens() -> None:
    xml = generate_xml(_spec(3), "V19")
    check_document_size(xml)
    assert xml.count(b'Text=";"') == 3
    padded = xml.replace(b"</StructuredText>", b'<Token Text=";" />' * MAX_STATEMENTS + b"</StructuredText>", 1)
    with pytest.raises(BlockTooLargeError) as raised:
        check_document_size(padded, "FC_X.xml")
    assert raised.value.found == MAX_STATEMENTS + 3


# ----- helpers that were quadratic ------------------------------------------------------------------------
def test_scl_locals_counts_lines_correctly() -> None:
    text = "#a := 1;\n\n// #not_me\n#b := #c; 'x #no'\n#\"q d\" := 2;\n"
    assert scl_locals(text) == [("a", 1), ("b", 4), ("c", 4), ("q d", 5)]


def _rescanning_topo(items: list[int], deps: dict[int, set[int]]) -> list[int]:
    """The bulk-import order as it was defined (rescanning for the earliest ready item): the reference."""
    remaining, done, out = list(items), set(), []
    while remaining:
        index = next((i for i, item in enumerate(remaining)
                      if all(d in done or d not in remaining for d in deps[item])), 0)
        item = remaining.pop(index)
        done.add(item)
        out.append(item)
    return out


def test_the_bulk_import_order_is_unchanged_by_the_heap() -> None:
    import random

    from simatic_xml.generate.order import _stable_topo

    rng = random.Random(12)
    for _ in range(500):
        universe = list(range(rng.randint(0, 10) + 4))
        items = rng.sample(universe, rng.randint(0, len(universe)))
        deps = {i: {d for d in rng.sample(universe, rng.randint(0, 4)) if d != i} for i in universe}
        assert _stable_topo(items, deps) == _rescanning_topo(items, deps), (items, deps)


def test_a_long_generated_sum_checks_without_exhausting_the_recursion_limit() -> None:
    terms = 10_000
    text = _source(1).replace("#x := #x + 1;", "#x := " + " + ".join(["1"] * terms) + ";")
    assert check_source(text) == []
