"""Statement mutants of SCL sources (issue 89, "One checker, one verdict"), each made in the code of every suitable
corpus source and each with its near-miss control:

* a jump label declared twice in one block (``GOTO_DUPLICATE_LABEL``, a warning): a label of the block (or a new
  one) declared again in other letter case; control: a second label of another name;
* an integer literal no SCL literal spells (``12x``, a ``SYNTAX_ERROR`` at its line); control: the same value
  written with a radix (``16#C``; literals 0 and 1 are left out, as a Bool may be given them and no radix);
* an instruction function's input given with ``=>`` (``LIMIT(MN := 0, IN => #x, MX := 10)``, ``WRONG_PARAMETER``
  at the argument's line); control: the call unchanged.

A syntax error stops the reading of its source, so the literal mutants are judged by :func:`literal_verdict`, not
by :func:`tests.compiler.mutants.verdict`: the mutant's one syntax error at the literal's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from engineering_api.rules.compiler.builtins import FUNCTIONS
from engineering_api.rules.compiler.signatures import fc_signature
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl.lexer import tokenize
from tests.compiler.mutants import Mutant, verdict
from tests.compiler.mutants_instructions import _code_lines

__all__ = ("LABEL", "LITERAL", "ARROW", "judged", "literal_verdict", "scl_input_arrow_mutants", "scl_label_mutants",
           "scl_literal_mutants")

LABEL = "duplicate label (SCL)"
LITERAL = "integer literal (SCL)"
ARROW = "assignment arrow (instruction input)"

_BEGIN = re.compile(r"^[ \t]*BEGIN[ \t]*(?://[^\n]*)?\r?\n", re.IGNORECASE | re.MULTILINE)
_END_BLOCK = re.compile(r"^[ \t]*END_(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK)\b", re.IGNORECASE | re.MULTILINE)
_HEAD = re.compile(r"^[ \t]*(FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK|TYPE)\b",
                   re.IGNORECASE | re.MULTILINE)
_INSTRUCTION_CALL = re.compile(r"(?<![#\"'.\w])([A-Za-z_]\w*)[ \t]*\(([^();]*)\)")
_NAMED = re.compile(r"([A-Za-z_]\w*)[ \t]*(:=)[ \t]*(#[A-Za-z_]\w*)(?=[ \t]*[,)])")
"""A named argument given a local tag (``=>`` to a literal would add a second finding: a literal is not written)."""


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of the code of each code block (FB, FC, OB): from the line after BEGIN to its END_...
    line (a data block's BEGIN is followed by start values, no statements)."""
    for begin in _BEGIN.finditer(text):
        heads = _HEAD.findall(text, 0, begin.start())
        end = _END_BLOCK.search(text, begin.end())
        if heads and heads[-1].upper() != "DATA_BLOCK":
            yield begin.end(), end.start() if end else len(text)


def _block_labels(text: str, start: int, stop: int) -> list[str]:
    """The jump labels (a name followed by ``:``, comments left out) of one block's code; none when the block has a
    CASE, whose branch labels a named constant may spell alike, or when its code does not lex."""
    try:
        tokens = tokenize(text[start:stop])
    except SclSyntaxError:
        return []
    if any(t.kind == "CASE" for t in tokens):
        return []
    return [t.text for t, after in zip(tokens, tokens[1:]) if t.kind == "IDENT" and after.kind == ":"]


def scl_label_mutants(path: Path, text: str) -> Iterator[Mutant]:
    """In each code block: a block's own jump label declared again in other letter case, as a labelled empty
    statement at the end of its code, refused there; a block without one is given two such statements after BEGIN,
    the second's label the first's in other letter case. The control gives the second label another name."""
    for start, stop in _blocks(text):
        own = _block_labels(text, start, stop)
        at = stop if own else start
        line = text.count("\n", 0, at) + 1 + (0 if own else 2)
        first = own[0] if own else "Mut_label"
        for second, code in ((first.swapcase(), "GOTO_DUPLICATE_LABEL"), ("Mut_other", None)):
            added = f"{second}:\n;\n" if own else f"{first}:\n;\n{second}:\n;\n"
            yield Mutant(LABEL, path, (text[:at] + added + text[at:]).encode("utf-8"), line, code)


def scl_literal_mutants(path: Path, text: str, per_file: int = 4) -> Iterator[Mutant]:
    """Up to ``per_file`` decimal integer literals of the code of the source's code blocks (comments and strings
    left out by the lexer; one a line, not an index, a range's bound or a CASE label), each with a letter appended
    (``12`` -> ``12x``: refused at its line) and, as the control, the same value in base 16 (``16#C``)."""
    try:
        tokens = tokenize(text)
    except SclSyntaxError:
        return
    blocks = list(_blocks(text))
    made, lines = 0, set()
    for before, token, after in zip(tokens, tokens[1:], tokens[2:]):
        if made >= per_file:
            return
        if (token.kind != "INT" or not token.text.isdigit() or int(token.text) <= 1 or token.line in lines
                or before.kind in (".", "[", "..") or after.kind in ("..", ":", "]")
                or not any(a <= token.pos < b for a, b in blocks)):
            continue
        at, value, tail = token.pos, token.text, text[token.pos + len(token.text):]
        made += 1
        lines.add(token.line)
        yield Mutant(LITERAL, path, (text[:at] + value + "x" + tail).encode("utf-8"), token.line, "SYNTAX_ERROR")
        yield Mutant(LITERAL, path, (text[:at] + f"16#{int(value):X}" + tail).encode("utf-8"), token.line, None)


_UNREAD = ("SYNTAX_ERROR", "CLASSIC_SCL")
"""A source that does not parse is refused by one of them: ``CLASSIC_SCL`` where its text also reads as STEP 7
classic SCL (names without ``#``), so that the parser's error is worded as that."""


def literal_verdict(mutant: Mutant, got: list[Diagnostic]) -> str | None:
    """What is wrong with the check ``got`` of a literal mutant (None: its one syntax error is at its line)."""
    syntax = [d for d in got if d.code in _UNREAD]
    if len(syntax) != 1 or syntax[0].line != mutant.line or syntax[0].severity != "Error":
        return f"expected one syntax error at line {mutant.line}: {[(d.line, d.code) for d in got]}"
    return None


def scl_input_arrow_mutants(path: Path, text: str, per_file: int = 4) -> Iterator[Mutant]:
    """Up to ``per_file`` calls of instruction functions (``LIMIT``, ``MAX``, ``SEL``, a conversion, a catalogue
    function such as ``T_DIFF``) whose input is given a local tag by name, each with that ``:=`` made ``=>``,
    refused at the argument's line (TIA: ``:=`` for inputs, ``=>`` for outputs; STEP 7 help, "Calling function
    blocks in SCL"); the control is the call as written."""
    made = 0
    for start, end, line in _code_lines(text):
        for call in _INSTRUCTION_CALL.finditer(text, start, end):
            name = call.group(1).upper()
            signature = fc_signature(name)
            inputs = ({p.upper() for p, *_ in FUNCTIONS[name][0]} if name in FUNCTIONS else
                      {n.upper() for n, v in signature.members.items() if v.section == "Input"} if signature else set())
            argument = next((a for a in _NAMED.finditer(call.group(2)) if a.group(1).upper() in inputs), None)
            if argument is None or made >= per_file:
                continue
            at = call.start(2) + argument.start(2)
            made += 1
            yield Mutant(ARROW, path, (text[:at] + "=>" + text[at + 2:]).encode("utf-8"), line, "WRONG_PARAMETER")
            yield Mutant(ARROW, path, text.encode("utf-8"), line, None)
            break


def judged(mutant: Mutant, original: list[Diagnostic], got: list[Diagnostic]) -> str | None:
    """:func:`literal_verdict` for a refused literal mutant (its syntax error ends the reading of its source),
    :func:`tests.compiler.mutants.verdict` for every other mutant."""
    return literal_verdict(mutant, got) if mutant.family == LITERAL and mutant.refused else verdict(mutant, original,
                                                                                                   got)
