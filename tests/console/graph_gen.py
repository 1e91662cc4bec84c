"""Generated GRAPH sequences of the shapes that are hard to lay out: chains of alternative branches whose paths end
in jumps (the corpus's R134a chart, longer), paths that hold branches of their own, simultaneous branches that
converge, and the linear chains with jumps :mod:`simatic_xml.generate.graphgen` builds from its JSON form.

The branch shapes are built as typed :class:`~simatic_xml.graph.Sequence` objects, connections as TIA exports them
(a branch's paths as its numbered outs, a jump as ``LinkType="Jump"`` after a transition), since graphgen makes
single chains only."""

from __future__ import annotations

from simatic_xml.generate.graphgen import build_graph
from simatic_xml.generate.operands import Operands
from simatic_xml.generate import BlockSpec, MemberSpec
from simatic_xml.graph import Branch, Connection, NodeRef, Sequence, Step, Transition

__all__ = ("generated_sequences",)


class _Builder:
    def __init__(self) -> None:
        self.sequence = Sequence()
        self.next_transition = 0
        self.next_branch = 0

    def step(self, number: int, init: bool = False) -> NodeRef:
        self.sequence.steps.append(Step(str(number), f"Step{number}", "true" if init else "false"))
        return NodeRef("StepRef", str(number))

    def transition(self) -> NodeRef:
        self.next_transition += 1
        number = str(self.next_transition)
        self.sequence.transitions.append(Transition(number, f"T{number}"))
        return NodeRef("TransitionRef", number)

    def branch(self, kind: str, outs: int) -> str:
        self.next_branch += 1
        self.sequence.branches.append(Branch(str(self.next_branch), kind, str(outs)))
        return str(self.next_branch)

    def link(self, source: NodeRef, target: NodeRef, jump: bool = False) -> None:
        self.sequence.connections.append(Connection(source, target, "Jump" if jump else "Direct"))

    def out(self, branch: str, index: int) -> NodeRef:
        return NodeRef("BranchRef", branch, out=str(index))

    def jump_arm(self, source: NodeRef, target: int) -> None:
        """A transition after ``source`` and its jump to step ``target``."""
        transition = self.transition()
        self.link(source, transition)
        self.link(transition, NodeRef("StepRef", str(target)), jump=True)


def jump_ladder(length: int, arms: int, nested_every: int = 0) -> Sequence:
    """Steps 1..``length``, each followed by an alternative branch: the first path goes on to the next step, the
    others are a transition and a jump back; every ``nested_every``-th step's second path first holds a step and an
    alternative branch of two jumps of its own (as R134a's step 16)."""
    build = _Builder()
    build.step(1, init=True)
    for number in range(1, length + 1):
        branch = build.branch("AltBegin", arms + 1)
        build.link(NodeRef("StepRef", str(number)), NodeRef("BranchRef", branch))
        forward = build.transition()
        build.link(build.out(branch, 0), forward)
        if number < length:
            build.link(forward, build.step(number + 1))
        else:
            build.link(forward, NodeRef("StepRef", "1"), jump=True)
        for arm in range(1, arms + 1):
            if nested_every and number % nested_every == 0 and arm == 1:
                lead = build.transition()
                build.link(build.out(branch, arm), lead)
                inner_step = build.step(500 + number)
                build.link(lead, inner_step)
                inner = build.branch("AltBegin", 2)
                build.link(inner_step, NodeRef("BranchRef", inner))
                build.jump_arm(build.out(inner, 0), 1)
                build.jump_arm(build.out(inner, 1), max(1, number - 1))
            else:
                build.jump_arm(build.out(branch, arm), max(1, number - arm))
    return build.sequence


def simultaneous(paths: int, length: int) -> Sequence:
    """Step 1, a transition, a simultaneous branch of ``paths`` paths of ``length`` steps each, closed by a branch
    end, a transition and the sequence end."""
    build = _Builder()
    first = build.step(1, init=True)
    start = build.transition()
    build.link(first, start)
    begin, end = build.branch("SimBegin", paths), build.branch("SimEnd", paths)
    build.link(start, NodeRef("BranchRef", begin))
    for path in range(paths):
        source = build.out(begin, path)
        for index in range(length):
            step = build.step(10 * (path + 1) + index)
            build.link(source, step)
            if index < length - 1:
                source = build.transition()
                build.link(step, source)
        build.link(step, NodeRef("BranchRef", end, in_=str(path)))
    after = build.transition()
    build.link(NodeRef("BranchRef", end, out="0"), after)
    build.link(after, NodeRef("EndConnection"))
    return build.sequence


def linear(length: int) -> Sequence:
    """graphgen's chain of ``length`` steps, each with a transition, jumping back to step 1 at the end."""
    spec = BlockSpec("FB", "Chain", "GRAPH", sections={"Static": [MemberSpec(name="Go", datatype="Bool")]})
    body = {"steps": [{"number": n, "name": f"S{n}", "init": n == 1} for n in range(1, length + 1)],
            "transitions": [{"from": n, "to": n + 1 if n < length else 1, "condition": "#Go"}
                            for n in range(1, length + 1)]}
    return build_graph(body, Operands(spec), "graph").sequence


def generated_sequences() -> dict[str, Sequence]:
    """The generated sequences by a name that says their shape."""
    return {
        "ladder of 30 with one jump arm": jump_ladder(30, 1),
        "ladder of 12 with three jump arms": jump_ladder(12, 3),
        "ladder of 20 with nested arms": jump_ladder(20, 2, nested_every=3),
        "simultaneous 4 x 3": simultaneous(4, 3),
        "linear 15 (graphgen)": linear(15),
    }
