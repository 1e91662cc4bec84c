"""Statement rules of the checker: assignments, calls as statements, control flow, loop context.

A part of :class:`engineering_api.rules.compiler.checker.BlockChecker`; it relies on the checker's ``err`` and on the
expression and call rules (``expr``, ``lvalue``, ``call``) of the sibling parts, all declared by
:class:`~.check_context.CheckContext`.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from simatic_xml import cancel
from simatic_xml.scl import ast as A

from simatic_xml.scl.parse_expr import is_type_test

from .builtins import checker_type
from .check_calls import _text
from .check_context import CheckContext
from .program import BlockDef, access_root, literal_int
from .simulation import named, not_simulated_goto
from .types import BIT_LIT, BITSTRINGS, INT_LIT, INTEGERS, NamedT, SclType, assignable, display

__all__ = ["StatementChecks"]


_Loop = TypeVar("_Loop", A.For, A.While, A.RepeatLoop)


def _loop(method: Callable[[StatementChecks, _Loop], None]) -> Callable[[StatementChecks, _Loop], None]:
    # EXIT and CONTINUE are only legal inside a loop body: count the loops we are in.
    def run(self: StatementChecks, s: _Loop) -> None:
        self.loops += 1
        try:
            method(self, s)
        finally:
            self.loops -= 1
    return run


class StatementChecks(CheckContext):
    """The ``s_*`` rules, dispatched by statement type through :data:`_STMT`."""

    def body(self, stmts: list[A.Stmt]) -> None:
        dispatch = _STMT
        checkpoint = cancel.checkpoint
        for s in stmts:
            checkpoint()  # once per statement: a timed-out call stops here
            m = dispatch.get(type(s))
            if m is not None:
                m(self, s)

    def s_assign(self, s: A.Assign) -> SclType:
        tt = self.lvalue(s.target)
        v = s.value
        if isinstance(v, A.Assign):
            vt = self.s_assign(v)
        else:
            vt = self.expr(v)
        if s.op == ":=":
            self.fits(v, vt, tt)
        return tt

    def start_values(self, assignments: list[A.Assign]) -> None:
        """A data block's BEGIN section: each start value names a member of the DB (for an instance DB or a DB of
        a PLC data type, of its FB or type) and its value converts into the member's type as an assignment's
        would; a constant out of the member's range is refused as in code. TIA generates no DB from such a
        source. A DB whose FB or type is not in view is not checked (its MISSING_TYPE says why), nor the
        instance DB of a system FB (PID_Compact, TON...): its members depend on the instruction's version, and
        the catalog holds one version's (a PID_Compact 1.2 DB's static members are not PID_Compact 2.x's)."""
        members = self.vars
        if not members and self.b.instance_of:
            key = self.b.instance_of.lower()
            if key not in self.p.types and ((blk := self.p.blocks.get(key)) is None or blk.kind != "FB"):
                return
            found = self.members_of(NamedT(self.b.instance_of))
            if not found:
                return
            self.vars = members = found
        for s in assignments:
            root = access_root(s.target)
            if type(root) is not A.Name:
                continue
            if root.name.lower() not in members:
                self.err(root, "UNDECLARED", name=root.name)
            elif root.scope != "global":  # a quoted member name ("max speed" := 1) reads as a global: not typed
                self.s_assign(s)

    def fits(self, e: A.Expr | A.Assign, vt: SclType, tt: SclType) -> bool:
        """An implicit conversion of ``e`` (of type ``vt``) into ``tt``: an untyped integer constant must lie
        in ``tt``'s range (``#i := 40000`` for an Int), anything else must convert implicitly."""
        if (vt == INT_LIT or vt == BIT_LIT) and not self.fit_literal(e, tt):
            return False
        if not assignable(vt, tt, self.iec):
            self.err(e, "TYPE_MISMATCH", src=display(vt), dst=display(tt))
            return False
        return True

    def s_call(self, s: A.CallStmt) -> None:
        self.call(s.call, True)

    def s_if(self, s: A.If) -> None:
        for br in s.branches:
            self.cond(br.cond)
            self.body(br.body)
        if s.else_body:
            self.body(s.else_body)

    def s_case(self, s: A.Case) -> None:
        if is_type_test(s.selector):
            self.type_case(s)
            return
        st = self.expr(s.selector)
        if isinstance(st, str) and st not in _SELECTORS and not (st in INTEGERS or st in BITSTRINGS):
            self.err(s.selector, "CASE_SELECTOR", src=display(st))
            st = None
        taken: list[tuple[int, int]] = []
        for br in s.branches:
            for label in br.labels:
                if type(label) is A.CaseRange:
                    self.case_label(label.low, st)
                    self.case_label(label.high, st)
                else:
                    self.case_label(label, st)
                self.case_value_again(label, taken)
            self.body(br.body)
        if s.else_body:
            self.body(s.else_body)

    def case_value_again(self, label: A.Expr | A.CaseRange, taken: list[tuple[int, int]]) -> None:
        """A value that an earlier label of the same CASE already names (``1: ... 1:``, ``0..5: ... 3:``) is a
        Warning ``CASE_DUPLICATE``: the first branch is taken for it and the later one never is. TIA's verdict is
        not documented where searched (issue 50: the STEP 7 help's CASE page and the S7-1200/S7-1500 manuals as
        indexed here say nothing on it; IEC compilers such as CODESYS refuse it as C0216 "Case label duplicate",
        which is no evidence for TIA), and a false error is worse than a missed one. Only integer literals are
        compared: named constants are not folded."""
        if type(label) is A.CaseRange:
            low, high = literal_int(label.low), literal_int(label.high)
        else:
            low = high = literal_int(label)
        if low is None or high is None or low > high:
            return
        for first, last in taken:
            if low <= last and first <= high:
                self.err(label.low if type(label) is A.CaseRange else label, "CASE_DUPLICATE", "Warning",
                         value=max(low, first))
                break
        taken.append((low, high))

    def type_case(self, s: A.Case) -> None:
        """``CASE TypeOf(#v) OF Real: ...`` (or TypeOfElements): every label is a data type (TIA help "TypeOf:
        Read out data type of a VARIANT tag" shows the CASE form); a constant or an operand there is refused."""
        self.expr(s.selector)
        for br in s.branches:
            for label in br.labels:
                if type(label) is A.TypeLabel:
                    if label.quoted or not isinstance(checker_type(label.name), str):
                        self.check_type_name(label)  # PLC data type, system type, or a missing/unknown one
                else:
                    if type(label) is not A.CaseRange:
                        self.expr(label)
                    self.err(label, "CASE_LABEL", label=_label_text(label), type="data type (TypeOf)")
            self.body(br.body)
        if s.else_body:
            self.body(s.else_body)

    def case_label(self, label: A.Expr, st: SclType) -> None:
        """A CASE label is a constant (a literal, a local or a user constant) that converts implicitly into the
        selector's type; an untyped integer must lie in its range."""
        lt = self.expr(label)
        if not self.constant(label):
            self.err(label, "CASE_LABEL", label=_label_text(label), type=display(st) if st else "?")
            return
        if st is not None and lt is not None and (lt == INT_LIT or lt == BIT_LIT) and not self.fit_literal(label, st):
            return
        # a named integer constant of another integer type is accepted: its value, not its type, must fit, and
        # the checker does not fold constants
        if st is not None and not assignable(lt, st, self.iec) and not (_integral(lt) and _integral(st)):
            self.err(label, "CASE_LABEL", label=_label_text(label), type=display(st))

    def constant(self, e: A.Expr) -> bool:
        """Is ``e`` a constant: literals and constants, also combined by operators (``#LAST + 1``: accepted, not
        verified against TIA)? A name that is no local tag counts (a user constant, or unknown: reported apart)."""
        if isinstance(e, A.Literal):
            return True
        if isinstance(e, A.Name):
            v = self.vars.get(e.name.lower()) if e.scope != "global" else None
            return v is None or v.section == "Constant"
        if isinstance(e, A.UnaryOp):
            return self.constant(e.operand)
        if isinstance(e, A.Paren):
            return self.constant(e.expr)
        if isinstance(e, A.BinaryOp):
            return self.constant(e.left) and self.constant(e.right)
        return False

    @_loop
    def s_for(self, s: A.For) -> None:
        vt = self.lvalue(s.var)
        if isinstance(vt, str) and vt not in INTEGERS and vt not in _GENERIC:
            self.err(s.var, "FOR_VARIABLE", name=_label_text(s.var), src=display(vt))
            vt = None
        # The bounds and the increment must be integers; a constant must lie in the variable's range. A bound of
        # another integer type is accepted (a real export runs an Int from 1 TO a DInt): TIA converts it.
        for bound in (s.start, s.end, s.step):
            if bound is not None:
                bt = self.expr(bound)
                if vt is None or not isinstance(bt, str):
                    continue
                if bt == INT_LIT or bt == BIT_LIT:
                    self.fit_literal(bound, vt)
                elif bt not in INTEGERS and bt not in _GENERIC:
                    self.err(bound, "TYPE_MISMATCH", src=display(bt), dst=display(vt))
        self.body(s.body)

    @_loop
    def s_while(self, s: A.While) -> None:
        self.cond(s.cond)
        self.body(s.body)

    @_loop
    def s_repeat(self, s: A.RepeatLoop) -> None:
        self.body(s.body)
        self.cond(s.cond)

    def s_exit(self, s: A.Exit) -> None:
        if not self.loops:
            self.err(s, "EXIT_OUTSIDE_LOOP")

    def s_continue(self, s: A.Continue) -> None:
        if not self.loops:
            self.err(s, "CONTINUE_OUTSIDE_LOOP")

    def s_return(self, s: A.Return) -> None:
        if s.value is not None:
            self.err(s.value, "RETURN_VALUE")
            self.expr(s.value)

    def s_exprstmt(self, s: A.ExprStmt) -> None:
        self.err(s, "EXPRESSION_STATEMENT")
        self.expr(s.expr)

    def s_region(self, s: A.Region) -> None:
        self.body(s.body)

    @cached_property
    def jump_labels(self) -> set[str]:
        """The jump labels the block's SCL networks declare, lower case: read once per block (a checker checks one
        block), as each GOTO walked every network of it (a state machine has dozens)."""
        return _scl_labels(self.b)

    def s_goto(self, s: A.Goto) -> None:
        """GOTO jumps to a jump label of the same block (STEP 7 help, SCL "GOTO: Jump": "the jump label ... must
        be in the same block"): a label the block's SCL networks do not declare is refused."""
        if s.label.lower() not in self.jump_labels:
            self.err(s, "GOTO_LABEL", label=s.label)
        runs = s.label.lower() in self.stretch_labels
        self.not_simulated(s.line, s.col, lambda: named("GOTO", not_simulated_goto(runs)))

    @cached_property
    def stretch_labels(self) -> set[str]:
        """The labels a GOTO of the block jumps to on the simulated PLC, lower case: those standing in an SCL
        network's own statement list (or a REGION of it), in a block of SCL networks only
        (``fakes/runtime/codegen_jumps.py``)."""
        networks = self.b.networks
        if any(net.flgnet is not None or (net.language or "SCL").upper().removeprefix("F_") != "SCL"
               for net in networks):
            return set()
        return {st.name.lower() for net in networks for st in A.unregioned(net.statements) if type(st) is A.Label}

    @cached_property
    def declared_labels(self) -> set[str]:
        """The jump labels of the block's SCL networks met so far, lower case (filled by :meth:`s_label`)."""
        return set()

    def s_label(self, s: A.Label) -> None:
        """Each jump label of the block's SCL networks declared once (names compare in any letter case, as SCL's
        identifiers do): ``GOTO_DUPLICATE_LABEL`` at each later declaration, in its network. A warning: a GOTO to it
        names two targets, but no Siemens page or TIA error text found states that TIA refuses it. Met as the
        statements are checked: a walk of the whole block of its own cost a fifth of a compile's calls."""
        name = s.name.lower()
        if name in self.declared_labels:
            self.err(s, "GOTO_DUPLICATE_LABEL", "Warning", label=s.name)
        self.declared_labels.add(name)

    def cond(self, e: A.Expr) -> None:
        t = self.expr(e)
        if t is not None and t != "BOOL" and isinstance(t, str):
            self.err(e, "CONDITION_TYPE", src=display(t))


_GENERIC = frozenset(["VARIANT", "ANY"])
"""Parameter types the checker cannot see through: a FOR variable or bound of one of them is not judged."""
_SELECTORS = _GENERIC | {INT_LIT, BIT_LIT, "CHAR", "WCHAR"}
"""Types a CASE selector may have besides integers and bit strings: constants, generic parameters, and
characters (CASE on a Char is accepted: not verified against TIA)."""


def _scl_labels(block: BlockDef) -> set[str]:
    """Lower-case names of the jump labels (``Name:``) in the block's SCL networks, at any depth."""
    return {n.name.lower() for net in block.networks for st in net.statements for n in A.walk(st)
            if type(n) is A.Label}


def _integral(t: SclType) -> bool:
    return isinstance(t, str) and (t in INTEGERS or t in BITSTRINGS)


def _label_text(e: A.Expr | A.CaseRange) -> str:
    if isinstance(e, A.CaseRange):
        return f"{_label_text(e.low)}..{_label_text(e.high)}"
    if isinstance(e, A.Literal):
        return e.text
    if isinstance(e, A.UnaryOp):
        return e.op + _label_text(e.operand)
    if isinstance(e, A.BinaryOp):
        return f"{_label_text(e.left)} {e.op} {_label_text(e.right)}"
    return _text(e)


_STMT: dict[type[object], Callable[[StatementChecks, Any], object]] = {
    A.Assign: StatementChecks.s_assign, A.CallStmt: StatementChecks.s_call, A.If: StatementChecks.s_if,
    A.Case: StatementChecks.s_case, A.For: StatementChecks.s_for, A.While: StatementChecks.s_while,
    A.RepeatLoop: StatementChecks.s_repeat, A.Exit: StatementChecks.s_exit, A.Continue: StatementChecks.s_continue,
    A.Return: StatementChecks.s_return, A.ExprStmt: StatementChecks.s_exprstmt, A.Region: StatementChecks.s_region,
    A.Goto: StatementChecks.s_goto, A.Label: StatementChecks.s_label,
}
