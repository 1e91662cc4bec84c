"""SCL text of statement ASTs: how a translated LAD/FBD network reads (tests, warnings, debugging).

The text is valid SCL that :func:`simatic_xml.scl.parser.parse_statements` reads back into the same
AST (parentheses are written where operator priorities require them), so tests can compare texts.
"""

from __future__ import annotations

import re

from simatic_xml.scl import ast as A
from simatic_xml.scl.parse_expr import BINARY_BP, UNARY_BP

__all__ = ("expr_text", "statements_text")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INDENT = "    "


def _name(name: str) -> str:
    return name if _IDENT.match(name) else f'"{name}"'


def expr_text(e: A.Expr, min_bp: int = 0) -> str:
    """The SCL text of an expression; ``min_bp`` is the binding power of the context."""
    if type(e) is A.BinaryOp:
        bp = BINARY_BP[e.op]
        # left-associative: the right operand needs parentheses at the same priority
        text = f"{expr_text(e.left, bp - 1)} {e.op} {expr_text(e.right, bp)}"
        return f"({text})" if bp <= min_bp else text
    if type(e) is A.UnaryOp:
        sep = " " if e.op == "NOT" else ""
        text = f"{e.op}{sep}{expr_text(e.operand, UNARY_BP)}"
        return f"({text})" if min_bp >= UNARY_BP else text
    return _primary(e)


def _primary(e: A.Expr) -> str:
    if type(e) is A.Literal:
        return e.text
    if type(e) is A.Name:
        if e.scope == "global":
            return f'"{e.name}"'
        return ("#" if e.scope == "local" else "") + _name(e.name)
    if type(e) is A.Member:
        return f"{_primary(e.base)}.{_name(e.name) if not e.quoted else chr(34) + e.name + chr(34)}"
    if type(e) is A.Index:
        return f"{_primary(e.base)}[{', '.join(expr_text(i) if i is not None else '' for i in e.indices)}]"
    if type(e) is A.Slice:
        return f"{_primary(e.base)}.%{e.size}{e.offset}"
    if type(e) is A.Deref:
        return f"{_primary(e.base)}^"
    if type(e) is A.Address:
        return "%" + e.text
    if type(e) is A.Paren:
        return f"({expr_text(e.expr)})"
    if type(e) is A.Call:
        return f"{_primary(e.callee)}({', '.join(_arg(a) for a in e.args)})"
    return f"({expr_text(e)})"


def _arg(a: A.Arg) -> str:
    if a.name is None:
        return expr_text(a.value)
    return f"{_name(a.name)} {a.op} {expr_text(a.value)}"


def statements_text(stmts: list[A.Stmt], indent: str = "") -> str:
    """The SCL text of a statement list, one statement per line (nested bodies indented)."""
    return "".join(_stmt(s, indent) for s in stmts)


def _stmt(s: A.Stmt, indent: str) -> str:
    if type(s) is A.Assign:
        return f"{indent}{_assignment(s)};\n"
    if type(s) is A.CallStmt:
        return f"{indent}{expr_text(s.call)};\n"
    if type(s) is A.If:
        out = []
        for i, br in enumerate(s.branches):
            out.append(f"{indent}{'IF' if i == 0 else 'ELSIF'} {expr_text(br.cond)} THEN\n")
            out.append(statements_text(br.body, indent + _INDENT))
        if s.else_body:
            out.append(f"{indent}ELSE\n{statements_text(s.else_body, indent + _INDENT)}")
        return "".join(out) + f"{indent}END_IF;\n"
    if type(s) is A.Return:
        return f"{indent}RETURN;\n"
    if type(s) is A.Goto:
        return f"{indent}GOTO {s.label};\n"
    if type(s) is A.Label:
        return f"{indent}{s.name}:\n"
    raise TypeError(f"no SCL text for {type(s).__name__}")


def _assignment(s: A.Assign) -> str:
    """``target := value``; a chained assignment's value is an assignment itself."""
    value = _assignment(s.value) if isinstance(s.value, A.Assign) else expr_text(s.value)
    return f"{expr_text(s.target)} {s.op} {value}"
