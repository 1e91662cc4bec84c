"""Declarations: attributes, VAR sections, types and initial values."""
from __future__ import annotations

from . import ast as A
from .errors import ClassicSclNotSupportedError
from .lexer import KEYWORDS, Token
from .parse_stmt import StmtParser, comment_texts

ELEMENTARY = frozenset(
    """
    BOOL BYTE WORD DWORD LWORD SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL
    TIME LTIME S5TIME DATE TIME_OF_DAY TOD LTIME_OF_DAY LTOD DATE_AND_TIME DT LDT DTL
    CHAR WCHAR STRING WSTRING VARIANT ANY POINTER VOID BLOCK_FB BLOCK_FC BLOCK_DB BLOCK_SDB
    TIMER COUNTER DB_ANY DB_WWW DB_DYN
    """.split()
)
SECTION_KINDS = frozenset(["VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT", "VAR", "VAR_TEMP", "VAR_STAT"])
QUALIFIERS = frozenset(["CONSTANT", "RETAIN", "NON_RETAIN", "DB_SPECIFIC"])
_NAME_KINDS = KEYWORDS | {"IDENT", "QIDENT"}
_AFTER_NAME = frozenset([":", "{", ","])
_END_DECLS = frozenset(["END_VAR", "END_STRUCT", "EOF"])


class DeclParser(StmtParser):
    # ---------------------------------------------------------------- attributes
    def parse_attributes(self) -> list[A.Attribute]:
        """``{ name := 'value'; ... }`` -- the '{' is the current token."""
        toks = self.toks
        open_tok = toks[self.i]
        self.i += 1
        attrs: list[A.Attribute] = []
        while True:
            tok = toks[self.i]
            if tok.kind == "}":
                self.i += 1
                return attrs
            if tok.kind == ";":
                self.i += 1
                continue
            if tok.kind not in _NAME_KINDS:
                raise self.error(
                    f"expected an attribute name or '}}' in the attribute list of line {open_tok.line}, "
                    f"found {self.describe(tok)}",
                    tok,
                )
            self.i += 1
            name = tok.text[1:-1] if tok.kind == "QIDENT" else tok.text
            self.expect(":=", f"':=' after the attribute '{name}'")
            val = toks[self.i]
            if val.kind in ("STRING", "QIDENT"):
                value = val.text[1:-1]
            elif val.kind in ("}", ";", "EOF"):
                raise self.error(f"expected a value for the attribute '{name}'", val)
            else:
                value = val.text
            self.i += 1
            attrs.append(A.Attribute(tok.line, tok.col, name, value))

    # ---------------------------------------------------------------- VAR sections
    def parse_var_section(self) -> A.VarSection:
        toks = self.toks
        tok = toks[self.i]
        self.i += 1
        quals: list[str] = []
        while toks[self.i].kind == "IDENT" and toks[self.i].text.upper() in QUALIFIERS \
                and toks[self.i + 1].kind not in (":", "{", ","):
            quals.append(toks[self.i].text.upper())
            self.i += 1
        decls = self.parse_decls("END_VAR", tok)
        self.i += 1  # END_VAR
        self.accept(";")
        section = A.VarSection(tok.line, tok.col, tok.kind, quals, decls)
        if tok.pre:
            section.comments = comment_texts(tok)
        return section

    def parse_decls(self, closer: str, opener: Token) -> list[A.VarDecl]:
        toks = self.toks
        decls: list[A.VarDecl] = []
        while True:
            tok = toks[self.i]
            kind = tok.kind
            if kind == closer:
                return decls
            if kind in _END_DECLS or (kind in KEYWORDS and toks[self.i + 1].kind not in _AFTER_NAME):
                raise self.error(
                    f"expected {closer} to close the {opener.kind} of line {opener.line}, "
                    f"found {self.describe(tok)}",
                    tok,
                )
            if kind == ";":
                self.i += 1
                continue
            decls.extend(self.parse_decl())

    def parse_decl(self) -> list[A.VarDecl]:
        """``name [AT x] [{attrs}] : type [:= init];`` (also ``a, b : type;``)."""
        toks = self.toks
        first = toks[self.i]
        names: list[Token] = []
        while True:
            tok = toks[self.i]
            if tok.kind not in _NAME_KINDS:
                raise self.error(f"expected a declaration name, found {self.describe(tok)}", tok)
            self.i += 1
            names.append(tok)
            if toks[self.i].kind != ",":
                break
            self.i += 1
        at: str | None = None
        attrs = self.parse_attributes() if toks[self.i].kind == "{" else []
        nxt = toks[self.i]
        if nxt.kind == "IDENT" and nxt.text.upper() == "AT":
            self.i += 1
            target = toks[self.i]
            if target.kind not in _NAME_KINDS:
                raise self.error("expected the overlaid variable after AT", target)
            self.i += 1
            at = target.text[1:-1] if target.kind == "QIDENT" else target.text
            if toks[self.i].kind == "{":
                attrs = attrs + self.parse_attributes()
        tok = toks[self.i]
        if tok.kind != ":":
            name = names[-1].text
            if tok.kind == ":=":
                raise self.error(f"expected ':' and a data type after '{name}', found ':='", tok)
            raise self.error(f"expected ':' after the name '{name}', found {self.describe(tok)}", tok)
        self.i += 1
        type_node = self.parse_type()
        initial: A.Expr | None = None
        if toks[self.i].kind == ":=":
            self.i += 1
            initial = self.parse_initial()
        semi = toks[self.i]
        self.expect_semicolon("the declaration")
        comment: str | None = None
        leading = comment_texts(first)
        after = toks[self.i]
        if after.pre and after.pre[0].line == semi.line:
            comment = after.pre.pop(0).text
            if comment.startswith("//"):
                comment = comment[2:].strip()
        out: list[A.VarDecl] = []
        for n in names:
            quoted = n.kind == "QIDENT"
            decl = A.VarDecl(
                n.line, n.col, n.text[1:-1] if quoted else n.text, quoted, type_node, initial,
                attrs, comment, at,
            )
            if leading:
                decl.comments = leading
            out.append(decl)
        return out

    # ---------------------------------------------------------------- types
    def parse_type(self) -> A.TypeNode:
        toks = self.toks
        tok = toks[self.i]
        kind = tok.kind
        if kind == "IDENT":
            self.i += 1
            upper = tok.text.upper()
            if upper in ELEMENTARY:
                length: A.Expr | None = None
                if (upper == "STRING" or upper == "WSTRING") and toks[self.i].kind == "[":
                    self.i += 1
                    length = self.parse_expr()
                    self.expect("]", "']' after the string length")
                return A.ElementaryType(tok.line, tok.col, upper, tok.text, length)
            if upper == "REF_TO":
                return A.RefType(tok.line, tok.col, self.parse_type())
            return A.NamedType(tok.line, tok.col, tok.text, False)
        if kind == "QIDENT":
            self.i += 1
            return A.NamedType(tok.line, tok.col, tok.text[1:-1], True)
        if kind == "ARRAY":
            self.i += 1
            self.expect("[", "'[' after ARRAY")
            dims = [self._dimension()]
            while self.accept(","):
                dims.append(self._dimension())
            self.expect("]", "']' to close the array bounds")
            self.expect("OF", "OF after the array bounds")
            return A.ArrayType(tok.line, tok.col, dims, self.parse_type())
        if kind == "STRUCT":
            self.i += 1
            attrs = self.parse_attributes() if toks[self.i].kind == "{" else []
            members = self.parse_decls("END_STRUCT", tok)
            self.i += 1
            return A.StructType(tok.line, tok.col, members, attrs)
        raise self.error(f"expected a data type, found {self.describe(tok)}", tok)

    def _dimension(self) -> A.Dimension:
        tok = self.toks[self.i]
        if tok.kind == "*":
            self.i += 1
            return A.Dimension(tok.line, tok.col, None, None)
        low = self.parse_expr()
        self.expect("..", "'..' between the array bounds")
        high = self.parse_expr()
        return A.Dimension(tok.line, tok.col, low, high)

    # ---------------------------------------------------------------- initial values
    def parse_initial(self) -> A.Expr:
        toks = self.toks
        tok = toks[self.i]
        if tok.kind == "[":
            self.i += 1
            items = self._init_items("]")
            self.expect("]", "']' to close the initial values")
            return A.ArrayInit(tok.line, tok.col, items, True)
        item = self._init_item()
        if toks[self.i].kind == ",":  # classic: x : ARRAY[..] OF INT := 1, 2, 3;
            items = [item]
            while self.accept(","):
                items.append(self._init_item())
            return A.ArrayInit(tok.line, tok.col, items, False)
        return item

    def _init_items(self, closer: str) -> list[A.Expr]:
        items: list[A.Expr] = []
        if self.toks[self.i].kind == closer:
            return items
        items.append(self._init_item())
        while self.accept(","):
            items.append(self._init_item())
        return items

    def _init_item(self) -> A.Expr:
        toks = self.toks
        tok = toks[self.i]
        if tok.kind == "INT" and toks[self.i + 1].kind == "(":
            self.i += 2
            items = self._init_items(")")
            self.expect(")", "')' to close the repeat factor")
            return A.Repeat(tok.line, tok.col, int(tok.text.replace("_", "")), items)
        if tok.kind == "[":
            return self.parse_initial()
        if tok.kind == "(":
            nxt = toks[self.i + 1]
            if toks[self.i + 2].kind == ":=" and nxt.kind == "IDENT":
                raise ClassicSclNotSupportedError("named structured initial value", tok.line, tok.col)
            return self._struct_init()
        return self.parse_expr()

    def _struct_init(self) -> A.Expr:
        """``(1, 2, (), [()])`` -- TIA's structured start value; ``(x)`` stays an expression."""
        toks = self.toks
        tok = toks[self.i]
        self.i += 1
        items: list[A.Expr | None] = []
        if toks[self.i].kind != ")":
            while True:
                if toks[self.i].kind == "(" and toks[self.i + 1].kind == ")":
                    self.i += 2
                    items.append(None)
                else:
                    items.append(self._init_item())
                if not self.accept(","):
                    break
        self.expect(")", "')' to close the structured initial value")
        if len(items) == 1 and isinstance(items[0], A.Expr) and not isinstance(
            items[0], (A.ArrayInit, A.StructInit, A.Repeat)
        ):
            return self.binary_tail(A.Paren(tok.line, tok.col, items[0]))
        return A.StructInit(tok.line, tok.col, items)
