"""Token cursor and Pratt expression parser (operands, literals, calls)."""
from __future__ import annotations

import re

from ..absolute_addresses import InvalidAddressError, parse_absolute_address
from . import ast as A
from .errors import ClassicSclNotSupportedError, SclSyntaxError
from .lexer import KEYWORDS, Token

# Binding powers (higher binds tighter), following TIA's operator priorities:
# ** > unary -/+/NOT > * / MOD > + - > < > <= >= > = <> > AND/& > XOR > OR
BINARY_BP = {
    "OR": 1,
    "XOR": 2,
    "AND": 3,
    "&": 3,
    "=": 4,
    "<>": 4,
    "<": 5,
    ">": 5,
    "<=": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "MOD": 7,
    "**": 9,
}
UNARY_BP = 8

_WORDY = KEYWORDS | {"IDENT"}
_NAME_FOLLOW = frozenset([":=", ".", "["])
_SLICE = re.compile(r"%([XBWDxbwd])(\d+)$")
_TIME_PART = re.compile(r"(\d+(?:\.\d+)?)(MS|D|H|M|S|US|NS)", re.I)
_TIME_MS = {"D": 86400000, "H": 3600000, "M": 60000, "S": 1000, "MS": 1, "US": 0.001, "NS": 1e-6}
_TYPED_KIND = {
    "BOOL": "bool",
    "REAL": "real",
    "LREAL": "real",
    "STRING": "string",
    "WSTRING": "string",
    "CHAR": "string",
    "WCHAR": "string",
}
_POINTER = re.compile(r"(?i)P#(.*?\d+\.[0-7])(?:\s+(\w+)\s+(\d+))?$", re.S)
"""An ANY pointer constant: its address (blanks removed) and the optional type and repetition factor."""
_CLASSIC_ADDR = re.compile(r"(?i)^(DB\d+|DI\d+)$|^(FB|FC|SFB|SFC)\d+$")


def time_ms(text: str) -> int | None:
    """Milliseconds of a time literal value such as ``1s500ms``, ``6S_408MS`` or ``-5s``."""
    body = text.replace("_", "")
    neg = body.startswith("-")
    body = body.lstrip("+-")
    total = 0.0
    pos = 0
    for m in _TIME_PART.finditer(body):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _TIME_MS[m.group(2).upper()]
        pos = m.end()
    if pos != len(body) or pos == 0:
        return None
    ms = int(round(total))
    return -ms if neg else ms


class ExprParser:
    """Cursor over the token list plus the expression grammar."""

    toks: list[Token]
    i: int

    # ---------------------------------------------------------------- cursor helpers
    in_case_labels = False  # True while a CASE label list is read: no `:P` I/O suffix there

    def error(self, message: str, tok: Token | None = None) -> SclSyntaxError:
        tok = tok or self.toks[self.i]
        return SclSyntaxError(message, tok.line, tok.col)

    def describe(self, tok: Token) -> str:
        if tok.kind == "EOF":
            return "end of file"
        return repr(tok.text)

    def expect(self, kind: str, what: str) -> Token:
        tok = self.toks[self.i]
        if tok.kind != kind:
            raise self.error(f"expected {what}, found {self.describe(tok)}", tok)
        self.i += 1
        return tok

    def accept(self, kind: str) -> Token | None:
        tok = self.toks[self.i]
        if tok.kind == kind:
            self.i += 1
            return tok
        return None

    def expect_semicolon(self, after: str) -> None:
        if self.toks[self.i].kind != ";":
            raise self.missing_semicolon(after)
        self.i += 1

    def missing_semicolon(self, after: str) -> SclSyntaxError:
        """No ';' after ``after`` at the cursor."""
        tok = self.toks[self.i]
        prev = self.toks[self.i - 1]
        if tok.line != prev.line:  # point at the end of the previous token, as TIA does
            return SclSyntaxError(f"expected ';' after {after}", prev.line, prev.col + len(prev.text))
        return self.error(f"expected ';' after {after}, found {self.describe(tok)}", tok)

    # ---------------------------------------------------------------- expressions
    def parse_expr(self, min_bp: int = 0) -> A.Expr:
        toks = self.toks
        tok = toks[self.i]
        kind = tok.kind
        left: A.Expr
        if kind == "-" or kind == "+" or kind == "NOT":
            self.i += 1
            operand = self.parse_expr(UNARY_BP)
            if kind == "-" and type(operand) is A.Literal and operand.kind in ("int", "real") \
                    and operand.type_name is None and not operand.text.startswith("-") \
                    and isinstance(operand.value, (int, float)):  # always, for these kinds
                left = A.Literal(tok.line, tok.col, operand.kind, -operand.value, "-" + operand.text)
            else:
                left = A.UnaryOp(tok.line, tok.col, kind, operand)
        else:
            left = self.parse_primary()
        return self.binary_tail(left, min_bp)

    def binary_tail(self, left: A.Expr, min_bp: int = 0) -> A.Expr:
        """Continue a Pratt loop after an already parsed left operand."""
        toks = self.toks
        bp_get = BINARY_BP.get
        while True:
            op = toks[self.i].kind
            bp = bp_get(op)
            if bp is None or bp <= min_bp:
                return left
            self.i += 1
            right = self.parse_expr(bp)
            if op == "=" or op == "<>":
                left, right = _type_comparison(left, right)
            left = A.BinaryOp(left.line, left.col, op, left, right)

    def _global_or_bare(self, name: A.Name) -> A.Expr:
        """A ``"global"`` or bare name: its ``:P`` I/O access (nothing may follow), or the name and its postfixes."""
        if self.periphery_suffix():
            name.periphery = True
            return name
        return self.parse_postfix(name)

    def parse_primary(self) -> A.Expr:
        tok = self.toks[self.i]
        kind = tok.kind
        if kind == "LOCAL":
            self.i += 1
            t = tok.text[1:]
            if t[0] == '"':
                t = t[1:-1]
            return self.parse_postfix(A.Name(tok.line, tok.col, t, "local"))
        if kind == "QIDENT":
            self.i += 1
            return self._global_or_bare(A.Name(tok.line, tok.col, tok.text[1:-1], "global"))
        if kind == "IDENT":
            self.i += 1
            if _CLASSIC_ADDR.match(tok.text) and self.toks[self.i].kind in (".", "("):
                raise ClassicSclNotSupportedError(
                    f"absolute block operand '{tok.text}' (use a symbolic name)", tok.line, tok.col
                )
            if tok.text.upper() == "NULL" and self.toks[self.i].kind not in (".", "(", "["):
                # the null reference (S7-1500 references, REF_TO): TIA exports it as a LiteralConstant whose
                # value is NULL (Siemens' SINUMERIK LBP library call in Fwaldt/EssaisGit_TiaPortalV20@65ddec5
                # FB_OPC_AxisManagement.xml:12137, V20), never as a tag
                return A.Literal(tok.line, tok.col, "null", None, tok.text)
            return self._global_or_bare(A.Name(tok.line, tok.col, tok.text, "bare"))
        if kind == "(":
            self.i += 1
            inner = self.parse_expr()
            self.expect(")", "')' to close the parenthesis")
            return A.Paren(tok.line, tok.col, inner)
        lit = self.parse_literal()
        if lit is not None:
            return lit
        if kind == "ADDR":
            self.i += 1
            addr = A.Address(tok.line, tok.col, tok.text[1:])
            addr.periphery = self.periphery_suffix()
            try:  # the grammar the generator writes by (simatic_xml.absolute_addresses): both refuse alike
                parse_absolute_address(tok.text + (":P" if addr.periphery else ""))
            except InvalidAddressError as exc:
                raise self.error(str(exc), tok) from None
            return addr if addr.periphery else self.parse_postfix(addr)
        if kind in KEYWORDS and self.toks[self.i + 1].kind in _NAME_FOLLOW:
            # a member that happens to be a keyword, e.g. a DB start value `Type := 1;`
            self.i += 1
            return self.parse_postfix(A.Name(tok.line, tok.col, tok.text, "bare"))
        if kind == "EOF":
            raise self.error("expected an expression, found end of file", tok)
        raise self.error(f"expected an operand or expression, found {self.describe(tok)}", tok)

    def periphery_suffix(self) -> bool:
        """Consume ``:P`` written right after a PLC tag or an absolute I/O address: the I/O (peripheral) access
        of the tag (S7-1200 System Manual A5E02486680, 4.2 "Data storage, memory areas, I/O and addressing":
        appending ":P" reads/writes the I/O directly; Siemens FAQ 89377245 passes "EW4":P to a block).
        Only ``:P`` glued to the operand, and never in a CASE label list (``"C":P := 1;`` there is the label
        ``"C"`` and a statement; a label is a constant, never an I/O tag)."""
        toks = self.toks
        colon = toks[self.i]
        if colon.kind != ":" or self.in_case_labels:
            return False
        letter = toks[self.i + 1]
        if letter.kind != "IDENT" or letter.text not in ("P", "p"):
            return False
        prev = toks[self.i - 1]
        if colon.pos != prev.pos + len(prev.text) or letter.pos != colon.pos + 1:
            return False
        self.i += 2
        return True

    def parse_literal(self) -> A.Literal | None:
        tok = self.toks[self.i]
        kind = tok.kind
        text = tok.text
        if kind == "INT":
            self.i += 1
            return A.Literal(tok.line, tok.col, "int", int(text.replace("_", "")), text)
        if kind == "REAL":
            self.i += 1
            return A.Literal(tok.line, tok.col, "real", float(text.replace("_", "")), text)
        if kind == "TRUE" or kind == "FALSE":
            self.i += 1
            return A.Literal(tok.line, tok.col, "bool", kind == "TRUE", text)
        if kind == "STRING":
            self.i += 1
            return A.Literal(tok.line, tok.col, "string", _unescape(text[1:-1]), text)
        if kind == "BASED":
            self.i += 1
            base, digits = text.split("#", 1)
            return A.Literal(tok.line, tok.col, "int", _based(base, digits, tok), text)
        if kind == "TYPED":
            self.i += 1
            prefix, rest = text.split("#", 1)
            prefix = prefix.upper()
            value: object
            if rest[:1] == "'":
                value = _unescape(rest[1:-1])
                lk = "string"
            elif "#" in rest:
                base, digits = rest.split("#", 1)
                value = _based(base, digits, tok)
                lk = "int"
            elif rest.upper() in ("TRUE", "FALSE"):
                value = rest.upper() == "TRUE"
                lk = "bool"
            else:
                clean = rest.replace("_", "")
                if "." in clean or "e" in clean or "E" in clean or _TYPED_KIND.get(prefix) == "real":
                    value = float(clean)
                    lk = "real"
                else:
                    value = int(clean)
                    lk = "int"
                if prefix == "BOOL" and lk == "int":
                    lk = "bool"
                    value = bool(value)
            return A.Literal(tok.line, tok.col, lk, value, text, prefix)
        if kind == "TIME":
            self.i += 1
            prefix, rest = text.split("#", 1)
            prefix = prefix.upper()
            ms = time_ms(rest)
            if ms is None:
                raise self.error(f"invalid time constant {text!r}", tok)
            return A.Literal(tok.line, tok.col, "time", ms, text, prefix)
        if kind == "POINTER":  # the value is the pointer as TIA writes it: no blank after P#, one between parts
            self.i += 1
            m = _POINTER.match(text)
            if m is None:  # the lexer's POINTER pattern is this one's prefix
                raise self.error(f"invalid pointer constant {text!r}", tok)
            pointer = "P#" + re.sub(r"\s+", "", m.group(1)).upper()
            if m.group(2):
                pointer += f" {m.group(2).upper()} {m.group(3)}"
            return A.Literal(tok.line, tok.col, "pointer", pointer, text)
        if kind == "DATETIME":
            self.i += 1
            prefix, rest = text.split("#", 1)
            prefix = prefix.upper()
            lk = {"D": "date", "DATE": "date", "TOD": "tod", "TIME_OF_DAY": "tod", "LTOD": "tod",
                  "LTIME_OF_DAY": "tod"}.get(prefix, "dt")
            return A.Literal(tok.line, tok.col, lk, rest, text, prefix)
        return None

    def parse_postfix(self, node: A.Expr) -> A.Expr:
        toks = self.toks
        while True:
            tok = toks[self.i]
            kind = tok.kind
            if kind == ".":
                nxt = toks[self.i + 1]
                nk = nxt.kind
                self.i += 2
                if nk == "IDENT" or nk in KEYWORDS:
                    node = A.Member(nxt.line, nxt.col, node, nxt.text, False)
                elif nk == "QIDENT":
                    node = A.Member(nxt.line, nxt.col, node, nxt.text[1:-1], True)
                elif nk == "LOCAL":
                    name = nxt.text[1:]
                    quoted = name[:1] == '"'
                    node = A.Member(nxt.line, nxt.col, node, name[1:-1] if quoted else name, quoted, True)
                elif nk == "ADDR":
                    m = _SLICE.match(nxt.text)
                    if not m:
                        raise self.error(f"invalid slice access {nxt.text!r}", nxt)
                    node = A.Slice(nxt.line, nxt.col, node, m.group(1).upper(), int(m.group(2)))
                elif nk == "INT" and type(node) is A.Name and node.scope == "bare":
                    raise ClassicSclNotSupportedError(
                        f"bit access '{node.name}.{nxt.text}' on an absolute operand", nxt.line, nxt.col
                    )
                else:
                    raise self.error(f"expected a member name after '.', found {self.describe(nxt)}", nxt)
            elif kind == "[":
                self.i += 1
                indices: list[A.Expr | None] = [self.parse_expr()]
                while toks[self.i].kind == ",":
                    self.i += 1
                    indices.append(self.parse_expr())
                self.expect("]", "']' to close the index")
                node = A.Index(tok.line, tok.col, node, indices)
            elif kind == "(":
                self.i += 1
                node = A.Call(node.line, node.col, node, self.parse_args())
            elif kind == "^":
                self.i += 1
                node = A.Deref(tok.line, tok.col, node)
            else:
                return node

    def parse_args(self) -> list[A.Arg]:
        toks = self.toks
        args: list[A.Arg] = []
        if toks[self.i].kind == ")":
            self.i += 1
            return args
        while True:
            tok = toks[self.i]
            nk = toks[self.i + 1].kind
            if (nk == ":=" or nk == "=>") and (tok.kind in _WORDY or tok.kind == "QIDENT"):
                self.i += 2
                name = tok.text[1:-1] if tok.kind == "QIDENT" else tok.text
                args.append(A.Arg(tok.line, tok.col, name, nk, self.parse_expr()))
            else:
                args.append(A.Arg(tok.line, tok.col, None, None, self.parse_expr()))
            tok = toks[self.i]
            if tok.kind == ",":
                self.i += 1
                continue
            if tok.kind == ")":
                self.i += 1
                return args
            raise self.error(f"expected ',' or ')' in the parameter list, found {self.describe(tok)}", tok)


TYPE_TESTS = frozenset(["TYPEOF", "TYPEOFELEMENTS", "TYPEOFDB"])
"""Instructions whose value is a data type, compared with one (``TypeOf(#v) = Real``) or labelling the branches of
a CASE. ``TypeOfDB`` tells the type of the DB a DB_ANY names: Siemens' LAxisCtrl library, in TIA V17's source
export, writes ``CASE TypeOfDB(#Slave) OF TO_SYNCHRONOUSAXIS: ...`` and ``IF TypeOfDB(#cam) = TO_Cam THEN``
(TurboLouis/TestRepo@d5c02c0 ``.../LAnyAxis_MC_SynchronousMotion/LAnyAxis_MC_CamIn.scl:98``,
``.../LAxisCtrl_Blocks/LAxisCtrl_SyncAxisCamming.scl:2419``)."""


def is_type_test(e: A.Expr) -> bool:
    """``TypeOf(...)``/``TypeOfElements(...)``: its value is a data type, compared with ``=``/``<>`` in IF or
    used as a CASE selector (TIA help "TypeOf: Read out data type of a VARIANT tag"; its uses are summarised in
    blog.csdn.net/weixin_42113552/article/details/112456273: IF TypeOf(a) = Byte, IF TypeOf(a) = TypeOf(b),
    CASE TypeOf(a) OF Byte: ...)."""
    return (type(e) is A.Call and type(e.callee) is A.Name and e.callee.scope == "bare"
            and e.callee.name.upper() in TYPE_TESTS)


def _as_type(e: A.Expr) -> A.Expr:
    if type(e) is A.Name and e.scope != "local" and not e.periphery:
        return A.TypeLabel(e.line, e.col, e.name, e.scope == "global")
    return e


def _type_comparison(left: A.Expr, right: A.Expr) -> tuple[A.Expr, A.Expr]:
    """``TypeOf(#v) = Real`` / ``"UDT_A" <> TypeOfElements(#v)``: the name beside the type test is a data type."""
    if is_type_test(left):
        return left, _as_type(right)
    if is_type_test(right):
        return _as_type(left), right
    return left, right


def _unescape(s: str) -> str:
    if "$" not in s:
        return s
    out: list[str] = []
    i = 0
    n = len(s)
    esc = {"$": "$", "'": "'", "L": "\n", "N": "\n", "P": "\f", "R": "\r", "T": "\t", '"': '"'}
    while i < n:
        c = s[i]
        if c == "$" and i + 1 < n:
            nxt = s[i + 1]
            if nxt.upper() in esc:
                out.append(esc[nxt.upper()])
                i += 2
                continue
            if i + 2 < n and all(ch in "0123456789abcdefABCDEF" for ch in s[i + 1 : i + 3]):
                out.append(chr(int(s[i + 1 : i + 3], 16)))
                i += 3
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _based(base: str, digits: str, tok: Token) -> int:
    try:
        return int(digits.replace("_", ""), int(base))
    except ValueError:
        raise SclSyntaxError(f"invalid digits in constant {tok.text!r}", tok.line, tok.col) from None
