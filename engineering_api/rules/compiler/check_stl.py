"""STL networks: the operands of bit logic instructions, and the block's jump labels.

A part of :class:`engineering_api.rules.compiler.checker.BlockChecker`, built on the LAD/FBD part (an STL operand is
an ``Access`` typed as in LAD/FBD, :meth:`~.check_flgnet.FlgNetChecks.access_type`).

Jump labels: the operand of a jump (JU, JC, JCN, JL, LOOP...) is a label of the same block, and a label marks one
line of it. The STL simulator TrySim, which models Siemens' S7 STL, states both in its jump-label help
(www.trysim.de, "Jump labels": "Within a block a jump label can only appear once"); Siemens' STL reference manual
for S7-300/S7-400 has the jump instructions' rules, but its page was not found in the corpora searched for issue 50,
so this cites the simulator. In SimaticML a line's label is ``<LabelDeclaration><Label Name=…/>`` before its
``StlToken`` and a jump's operand ``<Access Scope="Label"><Label Name=…/>`` (the ``StlStatement`` type of TIA's
``SW.PlcBlocks.STL`` schemas, v1 to v5), read by :mod:`simatic_xml.stl`. A jump finds its label without regard to
case, as a LAD/FBD jump does (``JU skip`` finds ``SKIP:``). Whether TIA's STL labels are
case-sensitive was not found in Siemens' documentation (TrySim says "The capitalization is significant"), so two
labels differing only in case are not reported as declared twice: both comparisons err on the side of accepting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .check_flgnet import LABEL, FlgNetChecks, _access_text, _At, _block_labels
from .types import display

if TYPE_CHECKING:
    from simatic_xml.stl import StlStatement

__all__ = ["StlChecks"]

_STL_BIT_LOGIC = frozenset(["A", "AN", "O", "ON", "X", "XN", "=", "ASSIGN", "S", "R", "FP", "FN", "RISE", "FALL"])
"""STL instructions whose operand is a bit. SimaticML writes ``=`` as ``Assign`` and FP/FN as ``Rise``/``Fall``
(the ``STL_TE`` token list of TIA's STL schema); the editor's spellings are kept for hand-written exports."""


class StlChecks(FlgNetChecks):
    """The STL rules; the block's labels are gathered once per block (:meth:`stl_labels`)."""

    def stl_bits(self, statements: list[StlStatement]) -> None:
        """An STL network: the operand of a bit logic instruction (A, AN, O, ON, X, XN, =, S, R, FP, FN) is a Bool
        (STEP 7 help, STL bit logic operations, e.g. "A: AND": operand of data type BOOL; a timer or counter may
        be scanned as in LAD), and a jump's label is one the block declares. Other instructions and their operands
        are not checked."""
        from simatic_xml.flgnet import FlgAccess

        for st in statements:
            if not isinstance(st.operand, FlgAccess):
                continue
            if st.operand.label is not None:
                declared = self.stl_declared()
                if declared is not None and st.operand.label.lower() not in declared:
                    self.err_line("STL_LABEL", st.operand.line, label=st.operand.label)
                continue
            if st.token.upper() not in _STL_BIT_LOGIC:
                continue
            typed = self.access_type(st.operand)
            t = typed[1] if typed is not None else None
            if isinstance(t, str) and t not in ("BOOL", LABEL, "TIMER", "COUNTER"):
                self.err(_At(st.operand.line), "FLGNET_TYPE", name=_access_text(st.operand), type=display(t),
                         part=st.token)

    def stl_labels(self) -> None:
        """A label declared on two lines of the block's STL networks is an error at the second one (the same
        spelling: labels that differ in case are not judged)."""
        seen: set[str] = set()
        for net in self.b.networks:
            self.network = net.index
            for st in net.stl or ():
                if st.label is None:
                    continue
                if st.label in seen:
                    self.err_line("STL_DUPLICATE_LABEL", st.label_line or 0, label=st.label)
                seen.add(st.label)

    def stl_declared(self) -> set[str] | None:
        """Lower-case names of the labels the block's STL lines declare; None unless every network of the block is
        an STL network that was read: a LAD/FBD network's label is not in a V16-V18 export (FlgNet v4 has no
        ``Labels``) and an unread network's labels are unknown, so no jump is judged then rather than a false
        error."""
        if not all(net.stl is not None for net in self.b.networks):
            return None
        return _block_labels(self.b)

