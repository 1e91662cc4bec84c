"""SCL text -> StructuredText tokens (the writer behind :func:`simatic_xml.scl_text.text_to_tokens`).

Not a second front end: the text is lexed and parsed by :mod:`simatic_xml.scl` (:func:`~simatic_xml.scl.parse_network`),
so a network has one verdict, the checker's; what is refused here is valid SCL whose SimaticML form is unknown
(:class:`GenerationNotSupportedError`). This writer lays the front end's tokens out as TIA's StructuredText, with
the blanks, line breaks and comments between them that TIA's tokens keep.

The token stream is flat except where TIA nests: operands (``Access`` > ``Symbol`` > ``Component``),
array indexes inside their ``Component``, calls (``Access Scope="Call"`` > ``Instruction``/``CallInfo``
> ``Parameter``/``NamelessParameter``) and labels. Whitespace inside a parameter before ``:=`` belongs to
the parameter; whitespace after its value belongs to the call, as in every corpus export.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .cancel import checkpoint
from .errors import GenerationNotSupportedError, SclSyntaxError
from .scl_parse_io import SPACING as _SPACING, IoAndTypeLabels, tree_facts
from .scl_parse_io import Lexeme as _Lex
from .scl_context import KEYWORDS, ST_NAMESPACE, SclContext, call_key
from .renumber import renumber_network
from .scl.lexer import KEYWORDS as _FRONT_KEYWORDS, Token as _Token
from .scl.parser import parse_network
from .template_value import template_value_to_xml
from .xmlnode import XmlNode

__all__ = ("KEYWORDS", "parse_scl")

_GAP = re.compile(r"(?P<nl>\n+)|(?P<ws>[ \t]+)")
_LITERAL_WORDS = frozenset({"TRUE", "FALSE", "NULL"})
"""Words written as a LiteralConstant; NULL, the null reference, as TIA V20 exports it (Fwaldt/EssaisGit_TiaPortalV20
FB_OPC_AxisManagement.xml:12137: ``<ConstantValue>NULL</ConstantValue>``, no ConstantType)."""

# The front end's token kinds (simatic_xml.scl.lexer) as the writer's lexeme kinds; keywords and words are "ident".
_KIND = {"LOCAL": "local", "QIDENT": "qident", "POINTER": "pointer", "TYPED": "typed", "TIME": "typed",
         "DATETIME": "typed", "BASED": "radix", "INT": "number", "REAL": "number", "STRING": "string",
         "IDENT": "ident", **{keyword: "ident" for keyword in _FRONT_KEYWORDS}}
_WRITER_OPS = frozenset(":= => <= >= <> += -= *= /= ** .. - + * / = < > ( ) [ ] , ; : . &".split())
_SLICE = re.compile(r"%[XBWDxbwd][0-9]+\Z")


def _lex(text: str, tokens: list[_Token]) -> list[_Lex]:
    """The writer's lexemes: the front end's tokens of ``text`` (comments in place) with the blanks and line
    breaks between them, which TIA's tokens keep; one lexer, so the writer reads what the checks read."""
    out: list[_Lex] = []
    pos = 0
    k = 0
    n = len(tokens)
    while k < n:
        if not len(out) & 1023:  # every 1024 lexemes: a timed-out call stops here
            checkpoint()
        tok = tokens[k]
        k += 1
        if tok.kind == "EOF":
            break
        _gap(text, pos, tok.pos, out)
        pos = tok.pos + len(tok.text)
        kind = tok.kind
        if kind == "COMMENT":
            if tok.text.startswith("(/*"):
                raise _error(text, tok.pos, "a documentation comment (/* ... */) is valid SCL, but this generator "
                                            "does not know how TIA writes it in SimaticML, so it cannot build this "
                                            "block; write it as a (* ... *) comment, or generate the block from the "
                                            "source in TIA (external source)", GenerationNotSupportedError)
            out.append(_Lex("comment" if tok.text.startswith("//") else "block", tok.text, tok.pos))
        elif kind in ("REGION", "END_REGION"):
            out.append(_Lex("ident", tok.text, tok.pos))
            # REGION's name is free text up to the end of the line, and so is what follows END_REGION: TIA
            # exports `END_REGION ;` as END_REGION, a blank and <Text>;</Text> (TurboLouis/TestRepo), and a
            # source may close a region with its name again, apostrophes and all (SsiAmjad/Test Rech_Cir.scl).
            blanks = _GAP.match(text, pos)
            if blanks is not None and blanks.lastgroup == "ws":
                out.append(_Lex("ws", blanks.group(), pos))
                line_end = text.find("\n", blanks.end())
                line_end = len(text) if line_end < 0 else line_end
                if line_end > blanks.end():
                    out.append(_Lex("regiontext", text[blanks.end():line_end], blanks.end()))
                pos = line_end
                while k < n and tokens[k].pos < pos:  # the front end's tokens of that text
                    k += 1
        elif kind == "ADDR":
            glued_p = (k + 1 < n and tokens[k].kind == ":" and tokens[k].pos == pos
                       and tokens[k + 1].text in ("P", "p") and tokens[k + 1].pos == pos + 1)
            if _SLICE.match(tok.text):
                out.append(_Lex("slice", tok.text, tok.pos))
            elif glued_p:  # %IW4:P, the I/O access of an address, is one operand
                out.append(_Lex("address", text[tok.pos:pos + 2], tok.pos))
                pos += 2
                k += 2
            else:
                out.append(_Lex("address", tok.text, tok.pos))
        elif kind in _KIND:
            out.append(_Lex(_KIND[kind], tok.text, tok.pos))
        elif kind in _WRITER_OPS:
            out.append(_Lex("op", tok.text, tok.pos))
        elif kind in _REFERENCE_OPS:
            raise _reference_error(text, tok.pos)
        else:  # TITLE, { }: not in a network's statements
            raise _error(text, tok.pos, f"unexpected {tok.text!r}")
    _gap(text, pos, len(text), out)
    return out


def _gap(text: str, pos: int, end: int, out: list[_Lex]) -> None:
    """The blanks and line breaks of ``text[pos:end]`` (between two tokens) as lexemes; any other character there
    (a carriage return, a no-break space) has no StructuredText form."""
    while pos < end:
        m = _GAP.match(text, pos, end)
        if m is None:
            raise _error(text, pos, f"unexpected character {text[pos]!r}")
        out.append(_Lex(m.lastgroup or "", m.group(), pos))
        pos = m.end()


_REFERENCE_OPS = ("^", "?=")


def _reference_error(text: str, pos: int) -> SclSyntaxError:
    """``#r^`` (dereferencing a REF_TO) and ``#r ?= #v`` (assignment attempt) are valid S7-1500 SCL that the
    checks read, but no TIA export holding either was found, so how TIA writes them in an SCL network's
    StructuredText is not known: the block is refused by name, never written in a guessed form TIA might refuse
    on import."""
    what = "dereferencing a reference ('^')" if text[pos] == "^" else "an assignment attempt ('?=')"
    return _error(text, pos, f"{what} is valid SCL, but this generator does not know how TIA writes it in "
                             "SimaticML, so it cannot build this block; generate the block from the source in TIA "
                             "(external source) instead", GenerationNotSupportedError)


def _error(text: str, pos: int, message: str, kind: type[SclSyntaxError] = SclSyntaxError) -> SclSyntaxError:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return kind(message, line, column)


class _Parser(IoAndTypeLabels):
    def __init__(self, text: str, version: str, ctx: SclContext) -> None:
        if version not in ST_NAMESPACE:
            raise SclSyntaxError(f"unknown StructuredText version {version!r} (v3 or v4)")
        self.text = text
        statements, tokens = parse_network(text)  # the front end's verdict first: the writer lays out valid SCL only
        self.lx = _lex(text, tokens)
        self.facts = tree_facts(text, statements)
        self.i = 0
        self.ns = ST_NAMESPACE[version]
        self.ctx = ctx
        self.templates = {name: list(occ) for name, occ in ctx.templates.items()}
        self.prev: _Lex | None = None  # previous significant lexeme (None after an operand too)
        self.after_operand = False

    # -- helpers
    def el(self, tag: str, attrs: dict[str, str] | None = None, children: list[XmlNode] | None = None,
           text: str | None = None) -> XmlNode:
        return XmlNode(tag, self.ns, attrs or {}, children or [], text)

    def peek(self, k: int = 0) -> _Lex | None:
        j = self.i + k
        return self.lx[j] if 0 <= j < len(self.lx) else None

    def next_is_op(self, text: str, k: int = 1) -> bool:
        """Is lexeme i+k the operator ``text``, directly adjacent to lexeme i+k-1?"""
        cur, nxt = self.peek(k - 1), self.peek(k)
        return (
            cur is not None and nxt is not None and nxt.kind == "op" and nxt.text == text
            and nxt.pos == cur.pos + len(cur.text)
        )

    def num(self, tag: str, n: int) -> XmlNode:
        attrs = {"Num": str(n)} if n > 1 or self.ctx.explicit_num_one else {}
        return self.el(tag, attrs)

    def error(self, lx: _Lex | None, message: str, kind: type[SclSyntaxError] = SclSyntaxError) -> SclSyntaxError:
        return _error(self.text, lx.pos if lx else len(self.text), message, kind)

    def operand(self) -> None:
        self.prev = None
        self.after_operand = True

    def significant(self, lx: _Lex) -> None:
        self.prev = lx
        self.after_operand = False

    # -- sequences
    def parse_seq(self, stops: frozenset[str]) -> list[XmlNode]:
        out: list[XmlNode] = []
        depth = 0
        while (lx := self.peek()) is not None:
            checkpoint()  # once per item: a timed-out call stops here
            if lx.kind == "op":
                if depth == 0 and lx.text in stops:
                    break
                if lx.text in ("(", "["):
                    depth += 1
                elif lx.text in (")", "]") and depth > 0:
                    depth -= 1
            self.parse_item(out)
        return out

    def parse_item(self, out: list[XmlNode]) -> None:
        lx = self.lx[self.i]
        kind = lx.kind
        if kind == "nl":
            out.append(self.num("NewLine", len(lx.text)))
        elif kind == "ws":
            out.append(self.num("Blank", len(lx.text)))
        elif kind == "comment":
            out.append(self.el("LineComment", dict(self.ctx.line_comment_attrs),
                               [self.el("Text", text=lx.text[2:] or None)]))
        elif kind == "block":
            out.append(self.block_comment(lx.text))
        elif kind == "regiontext":
            out.append(self.el("Text", text=lx.text))
        elif kind == "local":
            self.i += 1
            out.extend(self.parse_local(lx))
            return
        elif kind == "qident":
            self.i += 1
            if self.at_type_label(lx):  # a PLC data type ("UDT_Motor":) as a CASE TypeOf label
                out.extend(self.type_label(lx))
                return
            out.extend(self.parse_global(lx, lx.text[1:-1], quoted=True))
            return
        elif kind == "ident":
            self.i += 1
            out.extend(self.parse_ident(lx))
            return
        elif kind in ("number", "radix", "string", "pointer"):  # P#DB1.DBX0.0 BYTE 4: a LiteralConstant (TIA V20)
            out.append(self.constant("LiteralConstant", lx.text))
            self.operand()
        elif kind == "typed":
            out.append(self.constant("TypedConstant", lx.text))
            self.operand()
        elif kind == "address" or (kind == "slice" and not (self.prev is not None and self.prev.text == "."
                                                            and self.prev.kind == "op")):
            # a slice selector (%X3) is one only after a '.': as an operand it is read, and refused, as an address
            out.append(self.absolute_address(lx))
            self.operand()
        elif kind == "op" and lx.text == "-" and self.unary_position() and (after := self.peek(1)) is not None \
                and after.kind in ("number", "radix") and after.pos == lx.pos + 1:
            self.i += 2
            out.append(self.constant("LiteralConstant", "-" + self.lx[self.i - 1].text))
            self.operand()
            return
        else:  # op, slice
            out.append(self.el("Token", {"Text": lx.text}))
            self.significant(lx)
        self.i += 1

    def block_comment(self, text: str) -> XmlNode:
        """``(* … *)`` / ``/* … */`` as a ``Comment`` element: its lines as ``Text``, line breaks as
        ``NewLine`` (``Num`` for several). No export in the shared corpus holds a block comment, so this
        shape is the StructuredText schema's ``Comment`` element as third-party readers of TIA exports
        render it (``<Comment><Text>…</Text></Comment>``), not a verified export."""
        inner = text[2:-2].replace("\t", " ")  # tabs become blanks, as everywhere in the token stream
        node = self.el("Comment")
        for piece in re.split(r"(\n+)", inner):
            if not piece:
                continue
            if piece.startswith("\n"):
                node.children.append(self.num("NewLine", len(piece)))
            else:
                node.children.append(self.el("Text", text=piece))
        return node

    def unary_position(self) -> bool:
        if self.after_operand:
            return False
        prev = self.prev
        return prev is None or prev.kind == "ident" or (prev.kind == "op" and prev.text not in (")", "]"))

    def constant(self, scope: str, value: str) -> XmlNode:
        return self.el("Access", {"Scope": scope},
                       [self.el("Constant", children=[self.el("ConstantValue", text=value)])])

    # -- operands
    def component(self, name: str, quoted: bool) -> XmlNode:
        # A name that needs quotes in text may still carry no HasQuotes flag in the tokens.
        quoted = quoted and name not in self.ctx.unflagged_names
        kids = [self.el("BooleanAttribute", {"Name": "HasQuotes"}, text="true")] if quoted else []
        return self.el("Component", {"Name": name}, kids)

    def parse_symbol_rest(self, container: XmlNode) -> None:
        """Continue ``.member``, ``[index]`` and ``.%X3`` after the first component."""
        last = container.children[-1]
        while True:
            if self.next_is_op("[", 0):
                open_lx = self.lx[self.i]
                self.i += 1
                last.children.append(self.el("Token", {"Text": "["}))
                self.prev = open_lx
                self.after_operand = False
                last.children.extend(self.parse_seq(frozenset({"]"})))
                if self.peek() is None:
                    raise self.error(open_lx, "unclosed '['")
                last.children.append(self.el("Token", {"Text": "]"}))
                self.i += 1
                continue
            dot, nxt = self.peek(), self.peek(1)
            if (
                dot is not None and nxt is not None and dot.kind == "op" and dot.text == "."
                and nxt.kind in ("ident", "qident", "slice", "address") and nxt.pos == dot.pos + 1
                and dot.pos == self.lx[self.i - 1].pos + len(self.lx[self.i - 1].text)
            ):
                if nxt.kind == "address":  # .%L0, .%DB1: after a '.' a slice or nothing, as the checker reads it
                    raise self.error(nxt, f"invalid slice access {nxt.text!r}")
                self.i += 2
                container.children.append(self.el("Token", {"Text": "."}))
                if nxt.kind == "slice":
                    container.children.append(self.el("Token", {"Text": nxt.text}))
                    continue
                quoted = nxt.kind == "qident"
                last = self.component(nxt.text[1:-1] if quoted else nxt.text, quoted)
                container.children.append(last)
                continue
            return

    def symbol_access(self, scope: str, name: str, quoted: bool) -> XmlNode:
        symbol = self.el("Symbol", children=[self.component(name, quoted)])
        self.parse_symbol_rest(symbol)
        return self.el("Access", {"Scope": scope}, [symbol])

    def parse_local(self, lx: _Lex) -> list[XmlNode]:
        raw = lx.text[1:]
        quoted = raw.startswith('"')
        name = raw[1:-1] if quoted else raw
        return self.constant_or_variable(lx, name, quoted, self.ctx.local_constants, "LocalConstant", "LocalVariable")

    def constant_or_variable(self, lx: _Lex, name: str, quoted: bool, constants: Collection[str],
                             constant_scope: str, variable_scope: str) -> list[XmlNode]:
        """A named operand: the constant ``name`` of ``constants`` when nothing follows it (``.``, ``[``), else a
        variable, perhaps called."""
        if name in constants and not self.has_continuation_after(lx):
            self.operand()
            return [self.el("Access", {"Scope": constant_scope}, [self.el("Constant", {"Name": name})])]
        access = self.symbol_access(variable_scope, name, quoted)
        self.operand()
        return self.maybe_call(access, variable_scope)

    def has_continuation_after(self, lx: _Lex) -> bool:
        nxt = self.peek()
        return nxt is not None and nxt.kind == "op" and nxt.text in (".", "[") and nxt.pos == lx.pos + len(lx.text)

    def parse_global(self, lx: _Lex, name: str, quoted: bool) -> list[XmlNode]:
        if self.periphery_follows(lx):
            # TIA writes the I/O access as a modifier of the tag's component, as in LAD/FBD networks
            # (psi-func/ikea_vyatka_sorting "Загрузка.xml": Component Name="K1-333U" SimpleAccessModifier=
            # "Periphery"); no StructuredText export in the corpus shows it, so the same element is assumed.
            self.i += 2
            component = self.component(name, quoted)
            component.attrs["SimpleAccessModifier"] = "Periphery"
            self.operand()
            return [self.el("Access", {"Scope": "GlobalVariable"}, [self.el("Symbol", children=[component])])]
        return self.constant_or_variable(lx, name, quoted, self.ctx.global_constants, "GlobalConstant",
                                         "GlobalVariable")

    def maybe_call(self, access: XmlNode, scope: str) -> list[XmlNode]:
        """An operand directly followed by ``(`` is a call through that instance/block."""
        prev = self.lx[self.i - 1]
        nxt = self.peek()
        if nxt is None or nxt.kind != "op" or nxt.text != "(" or nxt.pos != prev.pos + len(prev.text):
            return [access]
        symbol = access.children[0]
        key = call_key(symbol.children)
        if key in self.ctx.calls:
            target = self.ctx.calls[key]
        else:
            target = ("FC", None) if scope == "GlobalVariable" else None
        if target is None:
            call = self.el("Instruction")
            self.parse_args(call)
            return [access, self.el("Access", {"Scope": "Call"}, [call])]
        attrs = {"BlockType": target[0]}
        if target[1] is not None:
            attrs["Name"] = target[1]
        instance = self.el("Instance", {"Scope": scope}, symbol.children)
        info = self.el("CallInfo", attrs, [instance])
        self.parse_args(info)
        return [self.el("Access", {"Scope": "Call"}, [info])]

    def parse_ident(self, lx: _Lex) -> list[XmlNode]:
        word = lx.text
        upper = word.upper()
        if upper in KEYWORDS:
            self.significant(lx)
            return [self.el("Token", {"Text": word})]
        if self.at_type_label(lx):
            return self.type_label(lx)
        if upper in _LITERAL_WORDS:
            self.operand()
            return [self.constant("LiteralConstant", word)]
        if lx.pos in self.facts.jump_labels:
            self.i += 1
            self.significant(self.lx[self.i - 1])
            label = self.el("Label", {"Name": word}, [self.el("Token", {"Text": ":"})])
            return [self.el("Access", {"Scope": "Label"}, [label])]
        if self.prev is not None and self.prev.kind == "ident" and self.prev.text.upper() == "GOTO":
            self.operand()
            return [self.el("Access", {"Scope": "Label"}, [self.el("Label", {"Name": word})])]
        call_follows = self.next_is_op("(", 0) and self.lx[self.i].pos == lx.pos + len(word)
        if word.casefold() in self.ctx.local_names and (
                not call_follows or word.casefold() in {k.casefold() for k in self.ctx.calls}):
            # A local written without '#': TIA resolves the name against the block interface (sources
            # such as micom7's leave the '#' out and TIA accepts them), so it is the local itself. Followed
            # by '(' it is a call of that local only when it is an instance (``LEN(…)`` beside a local
            # ``len`` is the instruction).
            return self.parse_local(_Lex("local", "#" + word, lx.pos - 1))
        if self.next_is_op("(", 0) and self.lx[self.i].pos == lx.pos + len(word):
            if self.ctx.calls.get(word) is not None:
                access = self.el("Access", {"Scope": "GlobalVariable"},
                                 [self.el("Symbol", children=[self.component(word, False)])])
                self.operand()
                return self.maybe_call(access, "GlobalVariable")
            call = self.el("Instruction", {"Name": word})
            occurrences = self.templates.get(word)
            if occurrences:
                tvs = occurrences.pop(0) if len(occurrences) > 1 else occurrences[0]
                call.children.extend(template_value_to_xml(tv, self.ns) for tv in tvs)
            self.operand()
            self.parse_args(call)
            return [self.el("Access", {"Scope": "Call"}, [call])]
        return self.parse_global(lx, word, quoted=False)

    # -- calls
    def parse_args(self, call: XmlNode) -> None:
        """Parse ``( … )`` into ``call``; the current lexeme is the opening parenthesis."""
        open_lx = self.lx[self.i]
        self.i += 1
        call.children.append(self.el("Token", {"Text": "("}))
        self.significant(open_lx)
        stops = frozenset({",", ")"})
        while True:
            lx = self.peek()
            if lx is None:
                raise self.error(open_lx, "unclosed '(' in a call")
            if lx.kind in _SPACING:
                self.parse_item(call.children)
            elif lx.kind == "op" and lx.text in (")", ","):
                call.children.append(self.el("Token", {"Text": lx.text}))
                self.significant(lx)
                self.i += 1
                if lx.text == ")":
                    self.operand()
                    return
            elif lx.kind in ("ident", "qident") and self.assignment_follows():
                name = lx.text[1:-1] if lx.kind == "qident" else lx.text
                param = self.el("Parameter", {"Name": name})
                self.i += 1
                while (ahead := self.peek()) is not None and ahead.kind in _SPACING:
                    self.parse_item(param.children)
                self.parse_item(param.children)  # := or =>
                param.children.extend(self.parse_seq(stops))
                call.children.append(param)
                call.children.extend(_pop_trailing_spacing(param))
            else:
                param = self.el("NamelessParameter", children=self.parse_seq(stops))
                call.children.append(param)
                call.children.extend(_pop_trailing_spacing(param))

    def assignment_follows(self) -> bool:
        k = 1
        while (lx := self.peek(k)) is not None and lx.kind in ("ws", "nl"):
            k += 1
        return lx is not None and lx.kind == "op" and lx.text in (":=", "=>")

    def parse(self) -> XmlNode:
        body = self.el("StructuredText")
        while self.peek() is not None:
            body.children.extend(self.parse_seq(frozenset()))
            if self.peek() is not None:  # an unmatched closing bracket at top level
                self.parse_item(body.children)
        return body


def _pop_trailing_spacing(param: XmlNode) -> list[XmlNode]:
    tail: list[XmlNode] = []
    while param.children and param.children[-1].tag in ("Blank", "NewLine", "LineComment", "Comment"):
        tail.insert(0, param.children.pop())
    return tail


def parse_scl(text: str, *, version: str, context: SclContext) -> XmlNode:
    """Parse SCL ``text`` into a StructuredText body, UIds numbered from 21 as TIA numbers them."""
    body = _Parser(text, version, context).parse()
    for node in body.iter():
        if node is body:
            continue
        if node.tag == "CallInfo":
            node.attrs = {"UId": "", **node.attrs}  # TIA writes UId first on CallInfo
        else:
            node.attrs["UId"] = ""
    renumber_network(body)
    return body
