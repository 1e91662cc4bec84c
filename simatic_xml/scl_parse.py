"""SCL text -> StructuredText tokens (the writer behind :func:`simatic_xml.scl_text.text_to_tokens`).

A walk of the front end's syntax tree: the text is lexed and parsed once, by :mod:`simatic_xml.scl`
(:func:`~simatic_xml.scl.parse_network`), so the grammar lives there and a network has one verdict, the checker's;
what is refused here is valid SCL whose SimaticML form is unknown (:class:`GenerationNotSupportedError`).

The writer visits the statements and expressions in source order. What TIA nests comes from the tree: operands
(``Access`` > ``Symbol`` > ``Component``, array indexes inside their ``Component``), constants, calls
(``Access Scope="Call"`` > ``Instruction``/``CallInfo`` > ``Parameter``/``NamelessParameter``) and labels.
Everything between two such nodes (keywords, operators, punctuation) is a flat ``Token``, as TIA writes it,
and the blanks, line breaks and comments between tokens are laid out where the tokens' positions put them:
whitespace inside a parameter before ``:=`` belongs to the parameter, whitespace after its value to the call,
as in every corpus export.
"""

from __future__ import annotations

import re

from .cancel import checkpoint
from .errors import GenerationNotSupportedError, SclSyntaxError
from .renumber import number_new_structured_text
from .scl import ast as A
from .scl.lexer import Token as _Token
from .scl.parser import parse_network
from .scl_context import KEYWORDS, ST_NAMESPACE, SclContext, call_key
from .scl_parse_io import StElements, position_error
from .template_value import template_value_to_xml
from .xmlnode import XmlNode

__all__ = ("KEYWORDS", "parse_scl", "parse_scl_tokens")

_GAP = re.compile(r"(\n+)|[ \t]+")
_BLANKS = re.compile(r"[ \t]+")
_ODD_BLANK = re.compile("[\r\f\v\ufeff\u00a0]")
"""Blanks the front end's lexer skips that have no StructuredText form (a carriage return, a no-break space)."""
_LITERAL_WORDS = frozenset({"TRUE", "FALSE", "NULL"})
"""Words written as a LiteralConstant; NULL, the null reference, as TIA V20 exports it (Fwaldt/EssaisGit_TiaPortalV20
FB_OPC_AxisManagement.xml:12137: ``<ConstantValue>NULL</ConstantValue>``, no ConstantType)."""
_TYPED = frozenset({"TYPED", "TIME", "DATETIME"})
"""Token kinds written as a TypedConstant (``INT#5``, ``T#1s``, ``DT#…``); other literals are LiteralConstants."""
_NUMBERS = frozenset({"INT", "REAL", "BASED"})
_POSTFIX = (A.Member, A.Index, A.Slice, A.Call, A.Deref)
_REFERENCE_OPS = frozenset({"^", "?="})
_IN_REGION_TEXT = frozenset({"TEXT", "COMMENT", ";"})
"""What the lexer may find in the rest of a REGION or END_REGION line that TIA writes as the region's ``Text``: its
name, a ``//`` comment, the ``;`` of ``END_REGION ;`` (TurboLouis/TestRepo). Code the lexer reads there (``END_REGION
; #x := 1;``) would be written as text and lost: such a line is refused (it made the writer run off its tokens)."""


def _region_text_end(text: str, pos: int) -> tuple[int, int] | None:
    """REGION's name is free text up to the end of the line, and so is what follows END_REGION: TIA exports
    ``END_REGION ;`` as END_REGION, a blank and ``<Text>;</Text>`` (TurboLouis/TestRepo), and a source may close a
    region with its name again, apostrophes and all (SsiAmjad/Test Rech_Cir.scl). After the word at ``pos``: the
    end of its blanks and of its line, or None when no blank follows it."""
    blanks = _BLANKS.match(text, pos)
    if blanks is None:
        return None
    line_end = text.find("\n", blanks.end())
    return blanks.end(), len(text) if line_end < 0 else line_end


def _refuse_unwritable(text: str, tokens: list[_Token]) -> None:
    """Refuse, at the first one in the text, what the front end accepts but has no known StructuredText form."""
    odd_blanks = _ODD_BLANK.search(text) is not None
    end = 0
    for tok in tokens:
        if tok.pos < end:  # in a REGION's text
            if tok.kind not in _IN_REGION_TEXT:
                raise position_error(text, tok.pos, "code after END_REGION on the same line: the rest of an "
                                                    "END_REGION line is written as the region's text (as TIA exports "
                                                    "'END_REGION ;'), which would lose the code; put the code on a "
                                                    "line of its own", GenerationNotSupportedError)
            if tok.pos + len(tok.text) > end:
                raise position_error(text, tok.pos, "a comment opened after END_REGION on its line ends on a later "
                                                    "line: the rest of an END_REGION line is written as the region's "
                                                    "text, which cannot hold the lines after it; close the comment on "
                                                    "that line or start it on a line of its own",
                                     GenerationNotSupportedError)
            continue
        if odd_blanks and (odd := _ODD_BLANK.search(text, end, tok.pos)) is not None:
            raise position_error(text, odd.start(), f"unexpected character {odd.group()!r}")
        kind = tok.kind
        if kind == "COMMENT" and tok.text.startswith("(/*"):
            raise position_error(text, tok.pos, "a documentation comment (/* ... */) is valid SCL, but this "
                                                "generator does not know how TIA writes it in SimaticML, so it cannot "
                                                "build this block; write it as a (* ... *) comment, or generate the "
                                                "block from the source in TIA (external source)",
                                 GenerationNotSupportedError)
        if kind in _REFERENCE_OPS:
            raise _reference_error(text, tok.pos)
        end = tok.pos + len(tok.text)
        if kind in ("REGION", "END_REGION") and (region := _region_text_end(text, end)) is not None:
            end = region[1]


def _reference_error(text: str, pos: int) -> SclSyntaxError:
    """``#r^`` (dereferencing a REF_TO) and ``#r ?= #v`` (assignment attempt) are valid S7-1500 SCL that the
    checks read, but no TIA export holding either was found, so how TIA writes them in an SCL network's
    StructuredText is not known: the block is refused by name, never written in a guessed form TIA might refuse
    on import."""
    what = "dereferencing a reference ('^')" if text[pos] == "^" else "an assignment attempt ('?=')"
    return position_error(text, pos, f"{what} is valid SCL, but this generator does not know how TIA writes it in "
                                     "SimaticML, so it cannot build this block; generate the block from the source "
                                     "in TIA (external source) instead", GenerationNotSupportedError)


class _Writer:
    """One network: the front end's tree walked in source order, its tokens laid out up to ``done``."""

    def __init__(self, text: str, version: str, ctx: SclContext) -> None:
        if version not in ST_NAMESPACE:
            raise SclSyntaxError(f"unknown StructuredText version {version!r} (v3 or v4)")
        self.statements, self.tokens = parse_network(text)  # the front end's verdict first: valid SCL only
        _refuse_unwritable(text, self.tokens)
        self.text = text
        self.st = StElements(ST_NAMESPACE[version], ctx)
        self.ctx = ctx
        self.templates = {name: list(occ) for name, occ in ctx.templates.items()}
        self.next = 0  # index of the first token not laid out
        self.done = 0  # text offset laid out so far
        self.minus = False  # a unary '-' glued to a number waits for it: TIA writes "-5" as one constant

    def write(self) -> XmlNode:
        body = self.st.el("StructuredText")
        out = body.children
        for statement in self.statements:
            try:
                self.node(out, statement)
            except RecursionError:  # the walk recurses once per nesting level, as the front end's parser does
                raise SclSyntaxError("the statements are nested too deeply", statement.line, statement.col) from None
        self.flush(out, len(self.tokens) - 1)  # up to EOF
        self.gap(out, len(self.text))
        return body

    # -- layout: the tokens between the tree's nodes, and the blanks, line breaks and comments between tokens
    def gap(self, out: list[XmlNode], end: int) -> None:
        """The blanks and line breaks from ``done`` to ``end`` (between two tokens)."""
        text, pos = self.text, self.done
        while pos < end:
            m = _GAP.match(text, pos, end)
            assert m is not None  # _refuse_unwritable let only blanks, tabs and line breaks through
            out.append(self.st.num("Blank" if m.lastindex is None else "NewLine", m.end() - pos))
            pos = m.end()
        self.done = max(self.done, end)

    def flush(self, out: list[XmlNode], stop: int) -> None:
        """Lay out the tokens before index ``stop`` as they stand: comments, and the keywords, operators and
        punctuation the tree holds no node for, each a ``Token``."""
        tokens, st = self.tokens, self.st
        i = self.next
        while i < stop:
            tok = tokens[i]
            i += 1
            if tok.pos < self.done:  # in a REGION's text
                continue
            if tok.pos > self.done:  # most tokens follow the previous one directly: no call for no gap
                self.gap(out, tok.pos)
            self.done = tok.pos + len(tok.text)
            if tok.kind == "COMMENT":
                out.append(st.line_comment(tok.text[2:]) if tok.text.startswith("//") else st.block_comment(tok.text))
                continue
            out.append(st.token(tok.text))
            if tok.kind in ("REGION", "END_REGION") and (region := _region_text_end(self.text, self.done)):
                blank_end, line_end = region
                out.append(st.num("Blank", blank_end - self.done))
                if line_end > blank_end:
                    out.append(st.el("Text", text=self.text[blank_end:line_end]))
                self.done = line_end
        self.next = i

    def lead(self, out: list[XmlNode], node: A.Node) -> None:
        """Lay out everything before ``node``'s first token (``node`` starts at its line and column)."""
        tokens, j = self.tokens, self.next
        line, col = node.line, node.col
        tok = tokens[j]
        while tok.line != line or tok.col != col or tok.kind == "COMMENT":
            j += 1
            tok = tokens[j]
        if j > self.next:  # mostly the node's token is the next: nothing to lay out, no call
            self.flush(out, j)
        if tok.pos > self.done:
            self.gap(out, tok.pos)

    def take(self, out: list[XmlNode]) -> _Token:
        """The next significant token, the comments and blanks before it laid out in ``out``."""
        tokens, j, done = self.tokens, self.next, self.done
        tok = tokens[j]
        while tok.kind == "COMMENT" or tok.pos < done:
            j += 1
            tok = tokens[j]
        if j > self.next:
            self.flush(out, j)
        if tok.pos > self.done:
            self.gap(out, tok.pos)
        self.next = j + 1
        self.done = tok.pos + len(tok.text)
        return tok

    def close(self, out: list[XmlNode]) -> None:
        """The sign that closes a node whose children are written (``)``, ``]``, ``GOTO`` before its label)."""
        out.append(self.st.token(self.take(out).text))

    # -- the tree
    def node(self, out: list[XmlNode], node: A.Node) -> None:
        if isinstance(node, A.Expr):
            self.expr(out, node)
            return
        kind = type(node)
        if kind is A.Label:  # a jump label, Start: (not a CASE label: that is an expression)
            checkpoint()
            self.lead(out, node)
            label = self.st.el("Label", {"Name": self.take(out).text})
            self.close(label.children)
            out.append(self.st.el("Access", {"Scope": "Label"}, [label]))
        elif kind is A.Goto:
            checkpoint()
            self.lead(out, node)
            self.close(out)
            target = self.st.el("Label", {"Name": self.take(out).text})
            out.append(self.st.el("Access", {"Scope": "Label"}, [target]))
        else:
            if isinstance(node, A.Stmt):
                checkpoint()  # once per statement: a timed-out call stops here
            for child in A.children(node):
                self.node(out, child)

    def expr(self, out: list[XmlNode], expr: A.Expr) -> None:
        if isinstance(expr, A.BinaryOp):  # left-deep chains (a + b + c ...) walked without recursion
            rights: list[A.Expr] = []
            while isinstance(expr, A.BinaryOp):
                rights.append(expr.right)
                expr = expr.left
            self.expr(out, expr)
            for right in reversed(rights):
                self.expr(out, right)
        elif isinstance(expr, A.Literal):
            self.literal(out, expr)
        elif isinstance(expr, A.UnaryOp):
            if expr.op == "-":
                self.lead(out, expr)
                minus, after = self.tokens[self.next], self.tokens[self.next + 1]
                if after.kind in _NUMBERS and after.pos == minus.pos + 1:
                    self.next += 1
                    self.done = after.pos
                    self.minus = True
            self.expr(out, expr.operand)
        elif isinstance(expr, A.Paren):
            self.expr(out, expr.expr)
            self.close(out)
        elif isinstance(expr, A.TypeLabel):
            self.lead(out, expr)
            out.append(self.st.type_label(self.take(out).text))
        else:
            self.operand(out, expr)

    def literal(self, out: list[XmlNode], literal: A.Literal) -> None:
        self.lead(out, literal)
        tok = self.take(out)
        value = tok.text
        if tok.kind == "-":  # the front end folds -5 into one literal; TIA writes "-" apart when not glued
            number = self.tokens[self.next]
            if number.kind != "COMMENT" and number.pos == tok.pos + 1:  # a comment glued to "-" is no number
                value = "-" + self.take(out).text
            else:
                out.append(self.st.token("-"))
                value = self.take(out).text
        elif self.minus:
            value = "-" + value
            self.minus = False
        out.append(self.st.constant("TypedConstant" if tok.kind in _TYPED else "LiteralConstant", value))

    # -- operands
    def operand(self, out: list[XmlNode], expr: A.Expr) -> None:
        """A name or address with its postfixes (``.member``, ``[index]``, ``.%X3``, a call)."""
        chain: list[A.Expr] = []
        while isinstance(expr, _POSTFIX):
            chain.append(expr)
            expr = expr.callee if isinstance(expr, A.Call) else expr.base
        chain.reverse()
        self.lead(out, expr)
        tok = self.take(out)
        if isinstance(expr, A.Address):
            text = tok.text
            if expr.periphery:  # %IW4:P, the I/O access of an address, is one operand
                text += self.take(out).text + self.take(out).text
            out.append(self.st.absolute_address(text, self.text, tok.pos))
            self.flat(out, chain)
        elif isinstance(expr, A.Name):
            self.named(out, tok, expr.scope, expr.name, expr.periphery, chain)
        else:  # the front end builds no other operand root
            raise position_error(self.text, tok.pos, f"unexpected {tok.text!r}")

    def named(self, out: list[XmlNode], tok: _Token, scope: str, name: str, periphery: bool,
              chain: list[A.Expr]) -> None:
        """The operand named by ``tok``: ``#local`` (scope ``local``), ``"global"`` or a bare word."""
        ctx, st = self.ctx, self.st
        quoted = tok.text.startswith(('"', '#"'))
        first_call = chain[0] if chain and isinstance(chain[0], A.Call) else None
        calls_first = first_call is not None
        if scope == "bare":
            upper = name.upper()
            if upper in KEYWORDS or upper in _LITERAL_WORDS:
                out.append(st.token(name) if upper in KEYWORDS else st.constant("LiteralConstant", name))
                self.flat(out, chain)
                return
            folded = name.casefold()
            if folded in ctx.local_names and (not calls_first or folded in {k.casefold() for k in ctx.calls}):
                # A local written without '#': TIA resolves the name against the block interface (sources such as
                # micom7's leave the '#' out and TIA accepts them), so it is the local itself. Followed by '(' it
                # is a call of that local only when it is an instance (``LEN(…)`` beside a local ``len`` is the
                # instruction).
                scope = "local"
            elif first_call is not None and ctx.calls.get(name) is None:  # an instruction: LEN(…), SCALE_X(…)
                call = st.el("Instruction", {"Name": name})
                occurrences = self.templates.get(name)
                if occurrences:
                    values = occurrences.pop(0) if len(occurrences) > 1 else occurrences[0]
                    call.children.extend(template_value_to_xml(value, st.ns) for value in values)
                self.arguments(call, first_call)
                out.append(st.el("Access", {"Scope": "Call"}, [call]))
                self.flat(out, chain[1:])
                return
            elif first_call is not None:  # a block the context knows, called by its bare name
                symbol = st.el("Symbol", children=[st.component(name, False)])
                self.call(out, st.el("Access", {"Scope": "GlobalVariable"}, [symbol]), "GlobalVariable", first_call)
                self.flat(out, chain[1:])
                return
            else:
                scope = "global"
        if periphery:  # "tag":P
            self.take(out)
            self.take(out)
            out.append(st.periphery(name, quoted))
            return
        local = scope == "local"
        constants = ctx.local_constants if local else ctx.global_constants
        if name in constants and (not chain or calls_first):  # a constant: no member or index follows
            out.append(st.named_constant("LocalConstant" if local else "GlobalConstant", name))
            self.flat(out, chain)
            return
        variable = "LocalVariable" if local else "GlobalVariable"
        symbol = st.el("Symbol", children=[st.component(name, quoted)])
        rest = self.symbol(symbol, chain)
        access = st.el("Access", {"Scope": variable}, [symbol])
        if rest < len(chain) and isinstance(called := chain[rest], A.Call):
            self.call(out, access, variable, called)
            rest += 1
        else:
            out.append(access)
        self.flat(out, chain[rest:])

    def symbol(self, symbol: XmlNode, chain: list[A.Expr]) -> int:
        """Continue ``symbol`` with the ``.member``, ``[index]`` and ``.%X3`` of ``chain``; the index of the first
        postfix that is not part of it (a call, ``.#member``). Layout inside an operand stays there, as TIA exports
        it (``"HMI DB".ACIDIC ."CYCLE TIME MIN"``: a Blank in the Symbol, ebinchandycheriyil/tia PROCESS.xml)."""
        st, parts = self.st, symbol.children
        last = parts[0]
        for k, postfix in enumerate(chain):
            if isinstance(postfix, A.Index):
                self.close(last.children)  # [
                for index in postfix.indices:
                    if index is not None:
                        self.expr(last.children, index)
                self.close(last.children)  # ]
            elif isinstance(postfix, A.Member) and not postfix.hashed:
                self.close(parts)  # .
                last = st.component(postfix.name, postfix.quoted)
                self.take(parts)
                parts.append(last)
            elif isinstance(postfix, A.Slice):
                self.close(parts)  # .
                self.close(parts)  # %X3
            else:
                return k
        return len(chain)

    def flat(self, out: list[XmlNode], chain: list[A.Expr]) -> None:
        """Postfixes after an operand that TIA's tokens do not nest in it (after a call, after a constant or an
        address, ``.#member``): their signs as tokens, a member as an operand of its own."""
        for k, postfix in enumerate(chain):
            if isinstance(postfix, A.Member):
                self.close(out)  # .
                tok = self.take(out)
                scope = "local" if postfix.hashed else "global" if postfix.quoted else "bare"
                self.named(out, tok, scope, postfix.name, False, chain[k + 1:])
                return
            if isinstance(postfix, A.Index):
                self.close(out)
                for index in postfix.indices:
                    if index is not None:
                        self.expr(out, index)
                self.close(out)
            elif isinstance(postfix, A.Slice):
                self.close(out)
                self.close(out)
            elif isinstance(postfix, A.Call):
                call = self.st.el("Instruction")
                self.arguments(call, postfix)
                out.append(self.st.el("Access", {"Scope": "Call"}, [call]))

    # -- calls
    def call(self, out: list[XmlNode], access: XmlNode, scope: str, call: A.Call) -> None:
        """``access`` called: a ``CallInfo`` of the block the context names for it (an FC when it names none for a
        global), or the nameless ``Instruction`` after the operand."""
        st = self.st
        symbol = access.children[0]
        key = call_key(symbol.children)
        target = self.ctx.calls[key] if key in self.ctx.calls else ("FC", None) if scope == "GlobalVariable" else None
        if target is None:
            instruction = st.el("Instruction")
            self.arguments(instruction, call)
            out.extend((access, st.el("Access", {"Scope": "Call"}, [instruction])))
            return
        attrs = {"BlockType": target[0]}
        if target[1] is not None:
            attrs["Name"] = target[1]
        info = st.el("CallInfo", attrs, [st.el("Instance", {"Scope": scope}, symbol.children)])
        self.arguments(info, call)
        out.append(st.el("Access", {"Scope": "Call"}, [info]))

    def arguments(self, node: XmlNode, call: A.Call) -> None:
        """``( … )`` into ``node``: a named argument as a ``Parameter`` (the blanks before its ``:=`` inside it),
        a positional one as a ``NamelessParameter``; the blanks and commas between them belong to the call."""
        st, kids = self.st, node.children
        self.close(kids)  # (
        for arg in call.args:
            self.lead(kids, arg)
            if arg.name is None:
                param = st.el("NamelessParameter")
            else:
                self.take(kids)  # the name
                param = st.el("Parameter", {"Name": arg.name})
                self.close(param.children)  # := or =>
            self.expr(param.children, arg.value)
            kids.append(param)
        self.close(kids)  # )


def parse_scl(text: str, *, version: str, context: SclContext) -> XmlNode:
    """Parse SCL ``text`` into a StructuredText body, UIds numbered from 21 as TIA numbers them."""
    return parse_scl_tokens(text, version=version, context=context)[0]


def parse_scl_tokens(text: str, *, version: str, context: SclContext
                     ) -> tuple[XmlNode, list[A.Stmt], list[_Token]]:
    """:func:`parse_scl`, and the statements of ``text`` the body was written from (the front end's parse,
    :func:`~simatic_xml.scl.parse_statements` of ``text``) and the front end's tokens of ``text`` (comments in place)
    they were made from.

    Raises:
        SclSyntaxError: as :func:`parse_scl`.
    """
    writer = _Writer(text, version, context)
    body = writer.write()
    number_new_structured_text(body.walk())
    return body, writer.statements, writer.tokens
