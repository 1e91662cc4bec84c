"""GRAPH charts as TIA lays them out (issue 93): an alternative branch whose paths end in jumps ends at its jumps,
each jump arm right under its transition, and a chart is no wider and no taller than its structure needs (see
:mod:`tests.console.graph_size`), on every corpus chart and on generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.console.render.structure import graph_html
from simatic_xml.graph import GraphNet, Sequence
from tests.console.graph_gen import generated_sequences, jump_ladder
from tests.console.graph_size import (R134A, Cells, corpus_sequences, drawn_cells, jumps_not_under_a_transition,
                                      needed_cells)


def _check(name: str, sequence: Sequence) -> Cells:
    html = graph_html(GraphNet(sequence)).html
    drawn, needed = drawn_cells(html), needed_cells(sequence)
    assert drawn.columns <= needed.columns, (name, drawn, needed)
    assert drawn.rows <= needed.rows, (name, drawn, needed)
    assert not jumps_not_under_a_transition(html), name
    return drawn


def test_every_corpus_chart_is_as_wide_and_tall_as_its_structure_needs() -> None:
    sequences = corpus_sequences()
    if not sequences:
        pytest.skip("the SimaticML corpus is not here")
    assert len(sequences) >= 6  # GF7 (V17, V18), StateMachine, GraphBranch, GraphJump, R134a
    for name, sequence in sequences.items():
        _check(name, sequence)


def test_the_r134a_chart_ends_its_branches_at_their_jumps() -> None:
    sequence = corpus_sequences().get(f"{Path(R134A)}#1")
    if sequence is None:
        pytest.skip("the SimaticML corpus is not here")
    drawn = _check("R134a", sequence)
    # 23 alternative branches, each path but the first a transition and a jump: at most step 16's branch is open
    # at once (its first path, its second with a branch of two jumps, its third); drawn open to the end of the
    # chain, every branch stood inside the one before (23 columns and more)
    assert drawn.columns <= 5, drawn
    html = graph_html(GraphNet(sequence)).html
    assert html.count('data-ends="open"') == 23 and 'data-ends="closed"' not in html


@pytest.mark.parametrize("name", sorted(generated_sequences()))
def test_generated_charts_are_as_wide_and_tall_as_their_structure_needs(name: str) -> None:
    _check(name, generated_sequences()[name])


def test_a_long_ladder_of_jumps_is_as_wide_as_one_of_its_branches() -> None:
    # the width does not grow with the chain: 30 branches of a path and a jump arm, two columns
    assert drawn_cells(graph_html(GraphNet(jump_ladder(30, 1))).html) == Cells(2, 30 * 2 + 1)
