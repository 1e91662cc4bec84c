"""Declaration and start value lines rebuilt from their tokens, as TIA's source export writes them.

The layout (corpus TIA exports, V14 and later; ``docs/simaticml-scl.md``): header lines at column 0
(``FUNCTION_BLOCK "Name"``, ``TITLE = ...``, the block's ``{ ... }`` attributes, ``VERSION : 0.1``, a block
comment's ``//`` lines); each section keyword three blanks in with one blank after it (``"   VAR_INPUT "``; the
qualified ``VAR RETAIN`` has none: both as written), members three blanks deeper per level
(``name { attrs} : Type := value;   // comment``), ``END_STRUCT;`` at its member's depth, ``END_VAR`` at the
section's; one empty line after each ``END_VAR``, two before ``BEGIN`` (TIA V13: one); a data block's start
values three blanks in (``   name := value;``) and one empty line before ``END_DATA_BLOCK``. Attribute lists
``{ ... }`` keep their text: TIA writes ``{ S7_Optimized_Access := 'TRUE' }`` but ``{InstructionName := ...}``
and ``{ S7_SetPoint := 'True'}`` (all in exports), so no one spacing of them is TIA's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from simatic_xml.scl.lexer import KEYWORDS, Token

__all__ = ("Profile", "declaration_lines", "start_value_lines", "tight", "type_text")


class Profile(enum.Enum):
    """TIA's layout generation: V13 (sections at column 0, members 2 deeper, no tab before the code) or later."""

    V13 = (0, 2, 1)
    CURRENT = (3, 3, 2)

    @property
    def section(self) -> int:
        return self.value[0]

    @property
    def step(self) -> int:
        return self.value[1]

    @property
    def blanks_before_begin(self) -> int:
        return self.value[2]


_TYPE_CASE = {t.upper(): t for t in (
    "Bool Byte Word DWord LWord SInt Int DInt LInt USInt UInt UDInt ULInt Real LReal Time LTime S5Time Date "
    "Time_Of_Day LTime_Of_Day Date_And_Time LDT DTL Char WChar String WString Variant Void Array of Struct").split()}
"""TIA's spelling of the elementary types and of ``Array[..] of`` and ``Struct`` in a declaration (as its
exports write them; ``TOD``, ``DT`` and other abbreviations keep their spelling)."""
_SECTIONS = frozenset({"VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT", "VAR", "VAR_TEMP", "VAR_STAT"})
_QUALIFIERS = frozenset({"CONSTANT", "RETAIN", "NON_RETAIN", "DB_SPECIFIC"})
_HEADER_KEYS = frozenset({"AUTHOR", "FAMILY", "NAME", "VERSION"})
_HEADER_FLAGS = frozenset({"NON_RETAIN", "KNOW_HOW_PROTECT", "UNLINKED", "READ_ONLY"})
_CLOSERS = frozenset({"END_TYPE", "END_DATA_BLOCK", "END_FUNCTION_BLOCK", "END_FUNCTION", "END_ORGANIZATION_BLOCK"})
_NO_SPACE_BEFORE = frozenset({"]", ")", ",", ";", "..", ".", "[", "("})
_NO_SPACE_AFTER = frozenset({"[", "(", "..", ".", "#"})
_WORDS = frozenset({"IDENT", "QIDENT", "LOCAL", "INT", "REAL", "BASED", "TYPED", "TIME", "DATETIME", "STRING",
                    "ADDR"}) | KEYWORDS


def _end(tok: Token) -> int:
    return tok.pos + len(tok.text)


def tight(toks: list[Token], text: str, *, casing: bool = False) -> str:
    """The tokens joined as TIA writes a type or a value: nothing inside brackets, ``, `` between items, one
    blank between words; around an operator, one blank if there was any."""
    out: list[str] = []
    for index, tok in enumerate(toks):
        word = _TYPE_CASE.get(tok.text.upper(), tok.text) if casing and tok.kind != "QIDENT" else tok.text
        if index:
            prev = toks[index - 1]
            if prev.kind == "," or "OF" in (tok.kind, prev.kind):
                out.append(" ")
            elif tok.kind in _NO_SPACE_BEFORE or prev.kind in _NO_SPACE_AFTER:
                pass
            elif (prev.kind in _WORDS and tok.kind in _WORDS) or text[_end(prev):tok.pos].strip(" \t") != \
                    text[_end(prev):tok.pos]:
                out.append(" ")
        out.append(word)
    return "".join(out)


def type_text(toks: list[Token], text: str) -> str:
    """A declaration's data type in TIA's spelling (``Array[0..9] of Int``, ``String[20]``, ``"UDT_X"``)."""
    return tight(toks, text, casing=True)


@dataclass(slots=True)
class _State:
    """Where the walk is: inside a section, how deep in structs, the lines written so far."""

    profile: Profile
    in_section: bool = False
    level: int = 0
    pending_until_semicolon: bool = False
    section: str = ""
    out: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # per written line: "blank", "end_var", "begin", "other"...
    sections: list[str] = field(default_factory=list)  # per written line: its section's interface section

    def emit(self, line: str, kind: str = "other", section: str = "") -> None:
        self.out.append(line)
        self.kinds.append(kind)
        self.sections.append(section)

    def indent(self, level: int | None = None) -> str:
        return " " * (self.profile.section + self.profile.step * (self.level if level is None else level))


def _split_comments(toks: list[Token]) -> tuple[list[Token], list[Token], bool]:
    """(significant tokens, trailing comments, whether a comment sits before the last significant token)."""
    sig = [t for t in toks if t.kind != "COMMENT"]
    comments = [t for t in toks if t.kind == "COMMENT"]
    inner = bool(sig) and any(c.pos < sig[-1].pos for c in comments)
    return sig, comments, inner


def _trailing(comments: list[Token], last: Token, text: str) -> str | None:
    """The trailing comment as TIA writes it after a member (three blanks, ``//``); ``(* *)`` keeps its gap.
    None when there is more than one comment or one spans lines."""
    if not comments:
        return ""
    if len(comments) > 1 or "\n" in comments[0].text:
        return None
    comment = comments[0]
    gap = "   " if comment.text.startswith("//") else text[_end(last):comment.pos]
    return gap + comment.text


def declaration_lines(text: str, lines: list[str], by_line: dict[int, list[Token]], span: tuple[int, int],
                      profile: Profile) -> list[str]:
    """Lines ``span`` (1-based, both included) of a block's header and declarations; ``lines`` are those of
    ``text``, ``by_line`` its tokens by line."""
    first, last = span
    state = _State(profile)
    covered = _comment_lines(by_line, first, last)
    for number in range(first, last + 1):
        if number in covered:  # a comment over several lines: its lines stay as written
            state.emit(lines[number - 1])
        else:
            _line(state, lines[number - 1], by_line.get(number, []), text)
    return _blank_lines(state)


def _line(state: _State, raw: str, toks: list[Token], text: str) -> None:  # one branch per line kind
    sig, comments, inner = _split_comments(toks)
    if not toks:
        state.emit("", "blank")
        return
    if state.pending_until_semicolon:
        state.emit(raw)
        state.pending_until_semicolon = not (sig and sig[-1].kind == ";")
        return
    if not sig:
        comment = comments[0].text if len(comments) == 1 else raw.strip()
        state.emit((state.indent() if state.in_section else "") + comment, "comment")
        return
    first = sig[0]
    kind = first.kind
    tail = None if inner else _trailing(comments, sig[-1], text)
    if tail is None:
        state.emit(raw)
        return
    if kind in _SECTIONS and all(t.kind in _QUALIFIERS or t.text.upper() in _QUALIFIERS for t in sig[1:]):
        state.in_section, state.level = True, 0
        blank = " " if raw.rstrip("\n") != raw.rstrip() else ""
        interface = "VAR CONSTANT" if any(t.text.upper() == "CONSTANT" for t in sig) else first.kind
        state.emit(state.indent() + " ".join(t.text.upper() for t in sig) + blank + tail, "section", interface)
        state.section = interface
        state.level = 1
    elif kind == "END_VAR" and len(sig) == 1:
        state.in_section, state.level = False, 0
        state.emit(state.indent(0) + "END_VAR" + tail, "end_var", state.section)
    elif kind == "STRUCT" and len(sig) == 1:
        state.emit(state.indent() + "STRUCT" + tail, "section")
        state.level += 1
    elif kind == "END_STRUCT" and [t.kind for t in sig] == ["END_STRUCT", ";"]:
        state.level = max(state.level - 1, 0)
        state.emit(state.indent() + "END_STRUCT;" + tail, "end_var" if state.level == 0 else "other")
    elif kind in ("BEGIN", *_CLOSERS) and len(sig) == 1 and not comments:
        state.emit(first.text.upper(), "begin" if kind == "BEGIN" else "closer")
    elif state.level > 0 and _declaration(state, sig, tail, text):
        return
    elif state.level == 0 and not state.in_section and _header(state, sig, tail, raw):
        return
    else:
        state.emit(raw)
        state.pending_until_semicolon = state.level > 0 and sig[-1].kind not in (";", "STRUCT")


def _header(state: _State, sig: list[Token], tail: str, raw: str) -> bool:
    """A header line at column 0; False when the line is none of them."""
    first = sig[0]
    word = first.text.upper()
    if first.kind in ("FUNCTION_BLOCK", "FUNCTION", "ORGANIZATION_BLOCK", "DATA_BLOCK", "TYPE"):
        name = sig[1:2]
        rest = sig[2:]
        if len(name) != 1 or name[0].kind not in ("QIDENT", "IDENT"):
            return False
        if rest and not (rest[0].kind == ":" and len(rest) == 2 and first.kind == "FUNCTION"):
            return False
        ret = f" : {type_text(rest[1:], raw)}" if rest else ""
        state.emit(f"{first.kind} {name[0].text}{ret}{tail}")
        return True
    if first.kind == "TITLE" and len(sig) == 1 and not tail:
        state.emit(f"TITLE = {first.text}")
        return True
    if first.kind == "{" and sig[-1].kind == "}":
        state.emit(raw.strip())
        return True
    if word in _HEADER_KEYS and len(sig) >= 3 and sig[1].kind == ":":
        value = raw[sig[2].col - 1:sig[-1].col - 1 + len(sig[-1].text)]
        state.emit(f"{word} : {value}{tail}")
        return True
    if word in _HEADER_FLAGS and len(sig) == 1:
        state.emit(word + tail)
        return True
    if first.kind == "QIDENT" and len(sig) == 1:  # an instance DB's FB, a DB's UDT
        state.emit(first.text + tail)
        return True
    return False


def _declaration(state: _State, sig: list[Token], tail: str, text: str) -> bool:
    """``name [AT x] [{ attrs}] : Type [:= value];`` (or ``: Struct`` opening members); False if not one."""
    names_end = 0
    while names_end < len(sig) and (sig[names_end].kind in ("IDENT", "QIDENT", ",") or
                                    sig[names_end].kind in KEYWORDS):
        if sig[names_end].text.upper() == "AT" or sig[names_end].kind == ":":
            break
        names_end += 1
    names = tight(sig[:names_end], text)
    rest = sig[names_end:]
    at = ""
    if rest and rest[0].text.upper() == "AT" and len(rest) > 1:
        at = f" AT {rest[1].text}"
        rest = rest[2:]
    attrs = ""
    if rest and rest[0].kind == "{":
        close = next((i for i, t in enumerate(rest) if t.kind == "}"), None)
        if close is None:
            return False
        attrs = " " + text[rest[0].pos:_end(rest[close])]
        rest = rest[close + 1:]
    if not names or not rest or rest[0].kind != ":":
        return False
    body = rest[1:]
    if body and body[-1].kind == "STRUCT":
        state.emit(f"{state.indent()}{names}{at}{attrs} : {type_text(body, text)}{tail}")
        state.level += 1
        return True
    if not body or body[-1].kind != ";":
        return False
    body = body[:-1]
    assign = next((i for i, t in enumerate(body) if t.kind == ":="), None)
    datatype = body if assign is None else body[:assign]
    value = "" if assign is None else f" := {tight(body[assign + 1:], text)}"
    if not datatype or (assign is not None and assign + 1 >= len(body)):
        return False
    state.emit(f"{state.indent()}{names}{at}{attrs} : {type_text(datatype, text)}{value};{tail}")
    return True


def _blank_lines(state: _State) -> list[str]:
    """One empty line after each ``END_VAR`` (and a UDT's or DB's closing ``END_STRUCT;``) before what follows,
    none between two runs of one interface section (TIA splits a section by retentivity: ``VAR_INPUT``,
    ``VAR_INPUT DB_SPECIFIC``, ``VAR_INPUT`` follow each other without one, nlander-CONCR3DE ``FHPP_DPRD_DAT.scl``;
    ``VAR RETAIN`` then ``VAR``, Tayoriko ``Filter.scl``); before ``BEGIN`` one or two as written (TIA V13
    writes one, later versions two), else the profile's."""
    out: list[str] = []
    kinds = state.kinds
    index = 0
    while index < len(kinds):
        if kinds[index] != "end_var":
            out.append(state.out[index])
            index += 1
            continue
        out.append(state.out[index])
        run = index + 1
        while run < len(kinds) and kinds[run] == "blank":
            run += 1
        written = run - index - 1
        following = kinds[run] if run < len(kinds) else None
        if following == "begin":
            count = written if written in (1, 2) else state.profile.blanks_before_begin
        elif following == "section" and state.sections[run] == state.sections[index]:
            count = 0
        elif following in ("section", "comment", "closer"):
            count = 1
        else:
            count = written
        out.extend([""] * count)
        index = run
    return out


def _comment_lines(by_line: dict[int, list[Token]], first: int, last: int) -> set[int]:
    """Lines ``first``..``last`` that a comment over several lines starts on or covers."""
    covered: set[int] = set()
    for number in range(first, last + 1):
        for tok in by_line.get(number, []):
            if tok.kind == "COMMENT" and "\n" in tok.text:
                covered.update(range(number, number + tok.text.count("\n") + 1))
    return covered


def start_value_lines(text: str, lines: list[str], by_line: dict[int, list[Token]], span: tuple[int, int],
                      profile: Profile) -> list[str]:
    """A data block's start values (``span``: the line after ``BEGIN`` to ``END_DATA_BLOCK``), three blanks in."""
    first, last = span
    out: list[str] = []
    pad = " " * max(profile.section, 3)
    covered = _comment_lines(by_line, first, last)
    for number in range(first, last):
        toks = by_line.get(number, [])
        if number in covered:
            out.append(lines[number - 1])
            continue
        sig, comments, inner = _split_comments(toks)
        tail = None if inner or not sig else _trailing(comments, sig[-1], text)
        assign = next((i for i, t in enumerate(sig) if t.kind == ":="), None)
        if not toks:
            out.append("")
        elif tail is None or assign is None or assign == 0 or sig[-1].kind != ";" or assign + 2 >= len(sig):
            out.append(lines[number - 1])
        else:
            target = "".join(t.text if t.kind != "," else ", " for t in sig[:assign])
            out.append(f"{pad}{target} := {tight(sig[assign + 1:-1], text)};{tail}")
    while out and not out[-1]:
        out.pop()
    out.append("")
    closer = by_line.get(last, [])
    out.append(closer[0].text.upper() if len(closer) == 1 else lines[last - 1])
    return out
