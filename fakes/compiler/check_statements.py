"""Statement rules of the checker: assignments, calls as statements, control flow, loop context.

A mixin of :class:`fakes.compiler.checker.BlockChecker`; it relies on the checker's ``err`` and on the
expression and call rules (``expr``, ``lvalue``, ``call``) of the sibling mixins.
"""
from __future__ import annotations

from simatic_xml.scl import ast as A

from .types import assignable, display

__all__ = ["StatementChecks"]


def _loop(method):
    # EXIT and CONTINUE are only legal inside a loop body: count the loops we are in.
    def run(self, s):
        self.loops += 1
        try:
            method(self, s)
        finally:
            self.loops -= 1
    return run


class StatementChecks:
    """The ``s_*`` rules, dispatched by statement type through :data:`_STMT`."""

    def body(self, stmts: list) -> None:
        dispatch = _STMT
        for s in stmts:
            m = dispatch.get(type(s))
            if m is not None:
                m(self, s)

    def s_assign(self, s: A.Assign):
        tt = self.lvalue(s.target)
        v = s.value
        if type(v) is A.Assign:
            vt = self.s_assign(v)
        else:
            vt = self.expr(v)
        if s.op == ":=" and not assignable(vt, tt):
            self.err(v, "type-mismatch", src=display(vt), dst=display(tt))
        return tt

    def s_call(self, s: A.CallStmt) -> None:
        self.call(s.call, True)

    def s_if(self, s: A.If) -> None:
        for br in s.branches:
            self.cond(br.cond)
            self.body(br.body)
        if s.else_body:
            self.body(s.else_body)

    def s_case(self, s: A.Case) -> None:
        self.expr(s.selector)
        for br in s.branches:
            self.body(br.body)
        if s.else_body:
            self.body(s.else_body)

    @_loop
    def s_for(self, s: A.For) -> None:
        self.lvalue(s.var)
        self.expr(s.start)
        self.expr(s.end)
        if s.step is not None:
            self.expr(s.step)
        self.body(s.body)

    @_loop
    def s_while(self, s: A.While) -> None:
        self.cond(s.cond)
        self.body(s.body)

    @_loop
    def s_repeat(self, s: A.RepeatLoop) -> None:
        self.body(s.body)
        self.cond(s.cond)

    def s_exit(self, s) -> None:
        if not self.loops:
            self.err(s, "exit-outside-loop")

    def s_continue(self, s) -> None:
        if not self.loops:
            self.err(s, "continue-outside-loop")

    def s_return(self, s: A.Return) -> None:
        if s.value is not None:
            self.err(s.value, "return-value")
            self.expr(s.value)

    def s_exprstmt(self, s: A.ExprStmt) -> None:
        self.err(s, "expression-statement")
        self.expr(s.expr)

    def s_region(self, s: A.Region) -> None:
        self.body(s.body)

    def cond(self, e) -> None:
        t = self.expr(e)
        if t is not None and t != "BOOL" and isinstance(t, str):
            self.err(e, "condition-type", src=display(t))


_STMT = {
    A.Assign: StatementChecks.s_assign, A.CallStmt: StatementChecks.s_call, A.If: StatementChecks.s_if,
    A.Case: StatementChecks.s_case, A.For: StatementChecks.s_for, A.While: StatementChecks.s_while,
    A.RepeatLoop: StatementChecks.s_repeat, A.Exit: StatementChecks.s_exit, A.Continue: StatementChecks.s_continue,
    A.Return: StatementChecks.s_return, A.ExprStmt: StatementChecks.s_exprstmt, A.Region: StatementChecks.s_region,
}
