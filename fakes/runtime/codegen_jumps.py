"""GOTO and jump labels in SCL: a block that jumps runs as a dispatcher over the stretches between its labels.

STEP 7 help, SCL "GOTO: Jump" (S7-1200/S7-1500): the program continues at the jump label GOTO names, which must be
in the same block; the statements between the GOTO and the label are not run. A Python function has no jump, so a
block whose SCL networks hold a GOTO is cut at the labels standing in a network's own statement list or in a REGION
of it (the usual ``Step_2: ...`` of a step sequence, ``END:`` before the outputs are written) into stretches, each
run in order from the one a jump names::

    _jump_at = 0
    _jump_count = rt.pass_limit
    while True:
        _jump_count -= 1
        if _jump_count < 0: _jump_count = _overrun(rt, block)
        try:
            if _jump_at <= 0:
                <stretch 0>
            if _jump_at <= 1:
                <stretch 1: from the first label to the next>
            break
        except _Jump as _j:
            _jump_at = _j.target

A GOTO outside the block's loops sets ``_jump_at`` and continues the dispatcher; inside a loop it raises ``_Jump``
(:mod:`.rtlib`), so it leaves the loops and IF statements it stands in, as on the CPU; the member cache writes back
what it holds on the way (its regions end in ``finally``). Every pass of the dispatcher (its first and one per jump)
counts as a loop's pass: more than ``rt.pass_limit`` in one call of the block is the time error of an endless loop
(docs/simulated-plc.md). A jump to a label inside a statement (IF, CASE, a loop), or in a block with LAD/FBD
networks, is not simulated: the GOTO stops the CPU when it runs, and ``plc check`` says so before
(``NOT_SIMULATED``). A label declared twice is the first one (a warning of the checker).
"""

from __future__ import annotations

from typing import Any, Protocol

from simatic_xml.scl import ast as A

__all__ = ("generate_jumps", "goto_src", "jump_stretches")


class _Generator(Protocol):
    """What this module uses of the block generator (:class:`.codegen.BlockGen`)."""

    bd: Any
    indent: int
    network: Any
    pos: Any
    loops: list[tuple[str, Any]]
    block_name: str
    jump_targets: dict[str, int]

    def emit(self, text: str) -> None: ...
    def body(self, stmts: list) -> None: ...
    def cover_network(self, index: Any) -> None: ...
    def unsupported_src(self, what: str) -> str: ...


_DISPATCHER = [("jump", None), ("jump", None)]
"""What the dispatcher adds to the generator's loops: its ``while`` and its ``try``."""

Stretch = list[tuple[Any, list]]
"""The statements from one label to the next, by network: (network, its statements in the stretch)."""


def jump_stretches(bd: Any) -> tuple[list[Stretch], dict[str, int]] | None:
    """The stretches of a block whose SCL networks hold a GOTO, and the stretch each top-level label starts (lower
    case); None when the block has no GOTO or a network that is not SCL (it is generated network by network)."""
    networks = bd.networks
    if not any(type(node) is A.Goto for net in networks for stmt in net.statements or () for node in A.walk(stmt)):
        return None
    if any(net.flgnet is not None or (net.language or "SCL").upper().removeprefix("F_") != "SCL"
           for net in networks):
        return None
    stretches: list[Stretch] = [[]]
    targets: dict[str, int] = {}
    for net in networks:
        chunk: list = []
        stretches[-1].append((net, chunk))
        for stmt in A.unregioned(net.statements):
            if type(stmt) is A.Label:
                targets.setdefault(stmt.name.lower(), len(stretches))
                chunk = []
                stretches.append([(net, chunk)])
            else:
                chunk.append(stmt)
    return stretches, targets


def generate_jumps(gen: _Generator) -> bool:
    """Emit the block's networks as the dispatcher of the module docstring; False (nothing emitted) when the block
    does not jump (:func:`jump_stretches`)."""
    found = jump_stretches(gen.bd)
    if found is None:
        return False
    stretches, gen.jump_targets = found
    gen.emit("_jump_at = 0")
    gen.emit("_jump_count = rt.pass_limit")
    gen.emit("while True:")
    gen.indent += 1
    gen.emit("_jump_count -= 1")
    gen.emit(f"if _jump_count < 0: _jump_count = _overrun(rt, {gen.block_name!r})")
    gen.emit("try:")
    gen.indent += 1
    gen.loops += _DISPATCHER  # the while and the try: Python's nested blocks (codegen_cache)
    covered: set[Any] = set()
    for number, stretch in enumerate(stretches):
        gen.emit(f"if _jump_at <= {number}:")
        gen.indent += 1
        for net, statements in stretch:
            gen.network = net.index
            gen.pos = (net.index, None)
            if net.index not in covered:
                covered.add(net.index)
                gen.cover_network(net.index)
            gen.body(statements)
        gen.indent -= 1
    del gen.loops[-len(_DISPATCHER):]
    gen.pos = None
    gen.emit("break")
    gen.indent -= 1
    gen.emit("except _Jump as _j:")
    gen.emit("    _jump_at = _j.target")
    gen.indent -= 1
    return True


def goto_src(gen: _Generator, s: A.Goto) -> str:
    """The jump of ``GOTO label``: to the stretch the label starts, or, when it starts none (a label inside IF,
    CASE or a loop; a block with LAD/FBD networks), the CPU's stop, which ``plc check`` announces."""
    target = gen.jump_targets.get(s.label.lower())
    if target is None:
        return gen.unsupported_src("GOTO")
    if len(gen.loops) == len(_DISPATCHER):  # in no loop of the block: the dispatcher's next pass
        return f"_jump_at = {target}; continue"
    return f"raise _Jump({target})"
