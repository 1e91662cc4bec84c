"""Typed views of GRAPH and STL networks: every corpus network converts both ways."""

from __future__ import annotations

import pytest

from simatic_xml import graph, stl
from simatic_xml.check import first_difference
from simatic_xml.flgnet import FlgAccess
from simatic_xml.versions import namespace_for

from tests.simatic_xml.sxml_corpus import CORPUS, bodies


def _bodies(tag: str):
    return [pytest.param(body, id=f"{path.name}#{i}") for i, (path, body) in enumerate(bodies(tag), 1)]


GRAPHS = _bodies("Graph")
STLS = _bodies("StatementList")


def test_corpus_counts():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus absent at {CORPUS}")
    assert (len(GRAPHS), len(STLS)) == (6, 2)


@pytest.mark.parametrize("body", GRAPHS)
def test_graph_round_trip(body):
    net = graph.from_xml(body)
    back = graph.to_xml(net, body.ns)
    # Equal up to layout blanks inside empty elements (one re-indented V14 SP1 sample has them).
    assert first_difference(body, back) is None
    assert [list(n.attrs) for n in back.iter()] == [list(n.attrs) for n in body.iter()]
    seq = net.sequence
    assert seq.steps and seq.transitions and seq.connections
    numbers = {s.number for s in seq.steps}
    for conn in seq.connections:
        for ref in (conn.source, conn.target):
            if ref.kind == "StepRef":
                assert ref.number in numbers


def test_build_a_two_step_sequence():
    ns = namespace_for("NetworkSource/Graph", "V18")
    seq = graph.Sequence(
        steps=[graph.Step("1", "Idle", "true", actions=graph.Actions([graph.Action("N", None, ['"Lamp"'])])),
               graph.Step("2", "Run")],
        transitions=[graph.Transition("1", "T1"), graph.Transition("2", "T2")],
        connections=[
            graph.Connection(graph.NodeRef("StepRef", "1"), graph.NodeRef("TransitionRef", "1")),
            graph.Connection(graph.NodeRef("TransitionRef", "1"), graph.NodeRef("StepRef", "2")),
            graph.Connection(graph.NodeRef("StepRef", "2"), graph.NodeRef("TransitionRef", "2")),
            graph.Connection(graph.NodeRef("TransitionRef", "2"), graph.NodeRef("StepRef", "1"), "Jump"),
        ],
    )
    body = graph.to_xml(graph.GraphNet(seq), ns)
    assert body.ns == ns
    assert graph.from_xml(body) == graph.GraphNet(seq)


@pytest.mark.parametrize("body", STLS)
def test_stl_round_trip(body):
    statements = stl.from_xml(body)
    back = stl.to_xml(statements, body.ns)
    assert back == body
    assert [list(n.attrs) for n in back.iter()] == [list(n.attrs) for n in body.iter()]
    assert statements[0].token == "A" and isinstance(statements[0].operand, FlgAccess)
    assert statements[0].comment == "Si entrée 0"
