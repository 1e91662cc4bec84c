"""Statement grammar of SCL code sections."""
from __future__ import annotations

from collections.abc import Callable

from .. import cancel
from . import ast as A
from .lexer import KEYWORDS, Token
from .parse_expr import ExprParser, is_type_test

# Tokens that end a statement list.
_STOP = frozenset(
    """
    END_IF ELSIF ELSE END_CASE END_FOR END_WHILE UNTIL END_REPEAT END_REGION
    END_FUNCTION END_FUNCTION_BLOCK END_ORGANIZATION_BLOCK END_DATA_BLOCK END_TYPE EOF
    FUNCTION FUNCTION_BLOCK ORGANIZATION_BLOCK DATA_BLOCK TYPE
    """.split()
)
# Tokens that may appear in a CASE label list before its ':'.
_LABEL_TOKS = frozenset(
    ["INT", "BASED", "TYPED", "STRING", "LOCAL", "QIDENT", "IDENT", "-", "+", "..", ",", "."]
)
_ASSIGN_OPS = frozenset([":=", "?=", "+=", "-=", "*=", "/="])
_LVALUE = (A.Name, A.Member, A.Index, A.Slice, A.Address, A.Deref)


def comment_texts(tok: Token) -> list[str]:
    pre = tok.pre
    if not pre:
        return []
    return [c.text for c in pre]


class StmtParser(ExprParser):
    def parse_statements(self, case_labels: bool = False) -> list[A.Stmt]:
        """Parse statements up to a closing keyword (not consumed)."""
        toks = self.toks
        out: list[A.Stmt] = []
        append = out.append
        checkpoint = cancel.checkpoint
        while True:
            checkpoint()  # once per statement: a timed-out call stops here
            tok = toks[self.i]
            kind = tok.kind
            if kind in _STOP:
                return out
            if case_labels and kind in _LABEL_TOKS and self._at_case_label():
                return out
            append(self.parse_statement())

    def _at_case_label(self) -> bool:
        """A label list (``1, 2..5, #C:``) starts here. A bare ``Word:`` inside a CASE
        branch is taken as a constant label, not as a jump label."""
        toks = self.toks
        j = self.i
        while toks[j].kind in _LABEL_TOKS:
            j += 1
        if toks[j].kind != ":" or j == self.i:
            return False
        # `"AW6":P := #x;` is a statement on the I/O access of a tag, not the label "AW6"
        letter = toks[j + 1]
        glued = toks[j].pos == toks[j - 1].pos + len(toks[j - 1].text) and letter.pos == toks[j].pos + 1
        return not (glued and letter.kind == "IDENT" and letter.text in ("P", "p") and j == self.i + 1
                    and toks[self.i].kind in ("QIDENT", "IDENT"))

    def parse_statement(self) -> A.Stmt:
        toks = self.toks
        tok = toks[self.i]
        kind = tok.kind
        comments = comment_texts(tok) if tok.pre else []
        method = _DISPATCH.get(kind)
        node: A.Stmt
        if method is not None:
            node = method(self, tok)
        elif kind == ";":
            self.i += 1
            node = A.Empty(tok.line, tok.col)
        elif kind == "IDENT" and toks[self.i + 1].kind == ":":
            self.i += 2
            node = A.Label(tok.line, tok.col, tok.text)
        else:
            node = self.parse_simple(tok)
        if comments:
            node.comments = comments
        after = toks[self.i]
        if after.pre and after.pre[0].line == toks[self.i - 1].line:
            node.comment = after.pre.pop(0).text
        return node

    def parse_simple(self, tok: Token) -> A.Stmt:
        """Assignment or call statement (or a bare expression, kept for the checker)."""
        kind = tok.kind
        if kind == "-" or kind == "+" or kind == "NOT":
            target = self.parse_expr()
        else:
            target = self.parse_primary()
        nxt = self.toks[self.i]
        nk = nxt.kind
        if nk in _ASSIGN_OPS:
            node = self._assignment(target, tok)
            self.expect_semicolon("the assignment")
            return node
        if type(target) is A.Call and nk == ";":
            self.i += 1
            return A.CallStmt(tok.line, tok.col, target)
        if nk == "=" and type(target) in _LVALUE:
            raise self.error("expected ':=' for an assignment, found '='", nxt)
        if nk == "(" and type(target) is A.Literal:
            raise self.error("a constant cannot be called", nxt)
        target = self.binary_tail(target)
        if self.toks[self.i].kind == ";":
            # TIA rejects a bare expression; keep it for the checker to report
            self.i += 1
            return A.ExprStmt(tok.line, tok.col, target)
        if type(target) is A.Call:
            raise self.missing_semicolon("the call")
        if type(target) in _LVALUE:
            nxt = self.toks[self.i]
            raise self.error(f"expected ':=' after the operand, found {self.describe(nxt)}", nxt)
        raise self.missing_semicolon("the expression")

    def _assignment(self, target: A.Expr, tok: Token) -> A.Assign:
        if type(target) not in _LVALUE:
            raise self.error("the left side of an assignment must be an operand", tok)
        op = self.toks[self.i].kind
        self.i += 1
        value = self.parse_expr()
        nk = self.toks[self.i].kind
        if nk in _ASSIGN_OPS:  # chained: a := b := x
            return A.Assign(target.line, target.col, target, self._assignment(value, self.toks[self.i]), op)
        return A.Assign(target.line, target.col, target, value, op)

    def _end(self, kind: str, opener: Token) -> None:
        tok = self.toks[self.i]
        if tok.kind != kind:
            raise self.error(
                f"expected {kind} to close the {opener.kind} of line {opener.line}, "
                f"found {self.describe(tok)}",
                tok,
            )
        self.i += 1
        self.expect_semicolon(kind)

    def _keyword_expr(self, closing: str, message: str) -> A.Expr:
        """Step over the keyword that opens a condition or selector, read it, and expect ``closing`` after it."""
        self.i += 1
        expr = self.parse_expr()
        self.expect(closing, message)
        return expr

    def parse_if(self, tok: Token) -> A.If:
        cond = self._keyword_expr("THEN", "THEN after the IF condition")
        branches = [A.IfBranch(tok.line, tok.col, cond, self.parse_statements())]
        else_body: list[A.Stmt] | None = None
        while True:
            t = self.toks[self.i]
            if t.kind == "ELSIF":
                cond = self._keyword_expr("THEN", "THEN after the ELSIF condition")
                branches.append(A.IfBranch(t.line, t.col, cond, self.parse_statements()))
            elif t.kind == "ELSE":
                self.i += 1
                else_body = self.parse_statements()
                break
            else:
                break
        self._end("END_IF", tok)
        return A.If(tok.line, tok.col, branches, else_body)

    def parse_case(self, tok: Token) -> A.Case:
        selector = self._keyword_expr("OF", "OF after the CASE selector")
        type_labels = is_type_test(selector)
        branches: list[A.CaseBranch] = []
        else_body: list[A.Stmt] | None = None
        toks = self.toks
        while True:
            t = toks[self.i]
            if t.kind == "ELSE":
                self.i += 1
                self.accept(":")
                else_body = self.parse_statements()
                break
            if t.kind == "END_CASE" or t.kind == "EOF":
                break
            self.in_case_labels = True
            try:
                labels = [self._case_label(type_labels)]
                while toks[self.i].kind == ",":
                    self.i += 1
                    labels.append(self._case_label(type_labels))
            finally:
                self.in_case_labels = False
            self.expect(":", "':' after the CASE label")
            branches.append(A.CaseBranch(t.line, t.col, labels, self.parse_statements(True)))
        self._end("END_CASE", tok)
        return A.Case(tok.line, tok.col, selector, branches, else_body)

    def _case_label(self, type_labels: bool = False) -> A.Expr | A.CaseRange:
        if type_labels:
            # CASE TypeOf(#v) OF Real: ... -- the labels are data types (TIA help "TypeOf: Read out data type
            # of a VARIANT tag"; real source: andresvosa/my_Siemens mov_avg.scl). A word or a quoted name
            # directly before ':' or ',' is a type; anything else stays an expression for the checker to refuse.
            tok = self.toks[self.i]
            after = self.toks[self.i + 1].kind
            if (tok.kind == "IDENT" or tok.kind == "QIDENT") and after in (":", ","):
                self.i += 1
                quoted = tok.kind == "QIDENT"
                return A.TypeLabel(tok.line, tok.col, tok.text[1:-1] if quoted else tok.text, quoted)
        low = self.parse_expr()
        if self.toks[self.i].kind == "..":
            self.i += 1
            return A.CaseRange(low.line, low.col, low, self.parse_expr())
        return low

    def parse_for(self, tok: Token) -> A.For:
        self.i += 1
        var = self.parse_expr()
        if type(var) not in _LVALUE:
            raise self.error("expected the control variable after FOR", tok)
        self.expect(":=", "':=' after the FOR control variable")
        start = self.parse_expr()
        self.expect("TO", "TO in the FOR statement")
        end = self.parse_expr()
        step: A.Expr | None = None
        if self.accept("BY"):
            step = self.parse_expr()
        self.expect("DO", "DO in the FOR statement")
        body = self.parse_statements()
        self._end("END_FOR", tok)
        return A.For(tok.line, tok.col, var, start, end, step, body)

    def parse_while(self, tok: Token) -> A.While:
        cond = self._keyword_expr("DO", "DO after the WHILE condition")
        body = self.parse_statements()
        self._end("END_WHILE", tok)
        return A.While(tok.line, tok.col, cond, body)

    def parse_repeat(self, tok: Token) -> A.RepeatLoop:
        self.i += 1
        body = self.parse_statements()
        self.expect("UNTIL", "UNTIL to close the REPEAT loop")
        cond = self.parse_expr()
        self.accept(";")
        self._end("END_REPEAT", tok)
        return A.RepeatLoop(tok.line, tok.col, body, cond)

    def parse_return(self, tok: Token) -> A.Return:
        self.i += 1
        value: A.Expr | None = None
        nk = self.toks[self.i].kind
        if nk != ";" and nk not in _STOP and (nk not in KEYWORDS or nk in ("NOT", "TRUE", "FALSE")):
            value = self.parse_expr()
        self.expect_semicolon("RETURN")
        return A.Return(tok.line, tok.col, value)

    def parse_goto(self, tok: Token) -> A.Goto:
        self.i += 1
        label = self.toks[self.i]
        if label.kind != "IDENT":
            raise self.error("expected a jump label after GOTO", label)
        self.i += 1
        self.expect_semicolon("the GOTO statement")
        return A.Goto(tok.line, tok.col, label.text)

    def parse_region(self, tok: Token) -> A.Region:
        self.i += 1
        name = ""
        if self.toks[self.i].kind == "TEXT":
            name = self.toks[self.i].text
            self.i += 1
        body = self.parse_statements()
        end = self.toks[self.i]
        if end.kind != "END_REGION":
            raise self.error(
                f"expected END_REGION to close the REGION of line {tok.line}, found {self.describe(end)}",
                end,
            )
        self.i += 1
        end_text = ""
        if self.toks[self.i].kind == "TEXT":
            end_text = self.toks[self.i].text
            self.i += 1
        self.accept(";")
        return A.Region(tok.line, tok.col, name, body, end_text)


def _simple_kw(cls: type[A.Stmt]) -> Callable[[StmtParser, Token], A.Stmt]:
    """The parser of a statement that is one keyword (``EXIT;``, ``CONTINUE;``)."""
    def parse(self: StmtParser, tok: Token) -> A.Stmt:
        self.i += 1
        self.expect_semicolon(tok.kind)
        return cls(tok.line, tok.col)

    return parse


_DISPATCH: dict[str, Callable[[StmtParser, Token], A.Stmt]] = {
    "IF": StmtParser.parse_if,
    "CASE": StmtParser.parse_case,
    "FOR": StmtParser.parse_for,
    "WHILE": StmtParser.parse_while,
    "REPEAT": StmtParser.parse_repeat,
    "EXIT": _simple_kw(A.Exit),
    "CONTINUE": _simple_kw(A.Continue),
    "RETURN": StmtParser.parse_return,
    "GOTO": StmtParser.parse_goto,
    "REGION": StmtParser.parse_region,
}
