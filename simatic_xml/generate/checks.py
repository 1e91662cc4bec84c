"""Network checks run during :func:`~simatic_xml.generate.spec.parse_spec`.

* SCL text must parse, and every ``#name`` it uses must be declared.
* LAD/FBD/GRAPH bodies are translated once (cheaply) so that shape errors and undeclared operands are
  reported with their path before any XML is written.

Every network is checked and every finding kept: the :class:`SpecError` raised names the first
(``networks[i].scl`` and its reason) and carries all of them as :class:`~simatic_xml.diagnostics.Diagnostic`
(network number, and line and column in the network's own text).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..cancel import checkpoint
from ..diagnostics import Diagnostic, capped
from ..errors import SclError
from ..scl.lexer import KEYWORDS
from ..scl_blanking import LONGEST_KEPT, blank_comments_and_strings
from .errors import SpecError
from .spec_types import BlockSpec, CheckedScl, NetworkSpec, checked_scl

if TYPE_CHECKING:
    from ..scl.lexer import Token
    from ..scl_context import SclContext

__all__ = ("check_networks", "scl_local_positions", "scl_locals")

_LOCAL = re.compile(r'(?<![\w#])#(?:"([^"\n]+)"|([^\W\d]\w*))')


def scl_locals(text: str) -> list[tuple[str, int]]:
    """``#names`` used in SCL text (outside comments and strings), with their line numbers."""
    return [(name, line) for name, line, _ in scl_local_positions(text)]


def scl_local_positions(text: str) -> list[tuple[str, int, int]]:
    """``#names`` used in SCL text (outside comments and strings), with their line and column (of the ``#``)."""
    return list((_local_positions if len(text) <= LONGEST_KEPT else _local_positions.__wrapped__)(text))


@lru_cache(maxsize=32)
def _local_positions(text: str) -> tuple[tuple[str, int, int], ...]:
    """:func:`scl_local_positions`, kept by text: generation's operand check and the network checks scan the same
    blanked text of a network (a function of the text alone, so a kept result is only served for that text)."""
    out = []
    plain = blank_comments_and_strings(text)
    # Lines are counted from the previous match on, not from the start: counting from 0 made this quadratic.
    line, counted, line_start = 1, 0, 0
    for m in _LOCAL.finditer(plain):
        breaks = plain.count("\n", counted, m.start())
        if breaks:
            line += breaks
            line_start = plain.rfind("\n", counted, m.start()) + 1
        counted = m.start()
        out.append((m.group(1) or m.group(2), line, m.start() - line_start + 1))
    return tuple(out)


def _significant(tokens: list[Token], *, hashed_as_read: bool = False) -> list[tuple[str, str, int]]:
    """The tokens the parser reads, as far as the checks' blanking can change them: no comments, no region names
    (``TEXT``) and no ``;`` after END_REGION, which the parser takes or leaves (``REGION`` and ``END_REGION`` take an
    optional name, ``END_REGION`` an optional ``;``). With ``hashed_as_read``, the ``#b`` of a member ``a.#b`` as the
    checks read it, ``a. b``: the word (a keyword's kind or ``IDENT``) or quoted name one place on; after ``.`` the
    parser takes any of them as the member's name, as it takes ``#b``."""
    out: list[tuple[str, str, int]] = []
    for tok in tokens:
        kind, text, pos = tok.kind, tok.text, tok.pos
        if kind == "COMMENT" or kind == "TEXT" or (kind == ";" and out and out[-1][0] == "END_REGION"):
            continue
        if hashed_as_read and kind == "LOCAL" and out and out[-1][0] == "." and out[-1][2] + 1 == pos:
            text, pos = text[1:], pos + 1
            kind = "QIDENT" if text[:1] == '"' else text.upper() if text.upper() in KEYWORDS else "IDENT"
        out.append((kind, text, pos))
    return out


def _parsed_as_written(copy: NetworkSpec, net: NetworkSpec, context: SclContext) -> bool:
    """Parse the text of ``net``, whose checked ``copy`` has its block comments and REGION names blanked, and keep
    the parse for the builder; False (nothing kept) when it does not parse or the copy reads otherwise.

    Blanking a comment the lexer reads as one, or a REGION's name, leaves the tokens the parser reads as they are,
    where the lexer reads the word as that REGION (``Region := 1;`` at a line's start is an assignment, blanked
    after ``Region`` a REGION); ``a.#b`` read ``a. b`` is a member either way. When the two texts have those same
    tokens (:func:`_significant`, lengths and positions kept by the blanking) and the network's text parses, the
    copy parses too: one parse serves the check and the build. Otherwise the copy is parsed as before, for the
    check's verdict and position."""
    from ..scl.lexer import layout_tabs_as_blanks, tokenize
    from ..scl_parse import parse_scl_tokens

    try:
        body, statements, tokens = parse_scl_tokens(net.body, version="v4", context=context)
        if _significant(tokens, hashed_as_read=True) != _significant(tokenize(copy.body)):
            return False
    except SclError:
        return False
    net.checked = CheckedScl(net.body, "v4", context, body, statements, layout_tabs_as_blanks(net.body, tokens))
    return True


def check_networks(spec: BlockSpec) -> None:
    """Check every network; raise :class:`SpecError` naming the first finding and carrying all of them.

    Raises:
        SpecError: a network does not parse, uses an undeclared operand or has a bad LAD/FBD/GRAPH shape
            (``diagnostics`` holds every finding, up to :data:`~simatic_xml.diagnostics.DIAGNOSTIC_CAP`).
        BlockTooLargeError: the block's SCL is over TIA's block size limit (:mod:`simatic_xml.scl.limits`).
    """
    from .network_context import scl_context
    from .ladder import build_flgnet
    from .graphgen import build_graph
    from .operands import Operands
    from ..scl.limits import check_block_size

    # TIA's size limit for one block, on the text of all its SCL networks, before any of it is parsed.
    check_block_size([net.body for net in spec.networks if net.kind == "scl"], spec.name or "the block")
    ops = Operands(spec)
    block = spec.name or None
    findings: list[tuple[str, str, Diagnostic]] = []  # (field, reason, diagnostic)

    def found(path: str, reason: str, message: str, code: str, network: int, line: int = 0,
              column: int = 0) -> None:
        # 0: the whole network (Diagnostic's convention), where a spec's shape, not a line, is wrong
        findings.append((path, reason, Diagnostic(message, line, column, block, "Error", None, code, network)))

    for i, net in enumerate(spec.networks):
        checkpoint()  # once per network (the SCL parsers have their own): a timed-out call stops here
        path = f"networks[{i}].{net.kind}"
        if net.kind == "scl":
            for name, line, column in scl_local_positions(net.body):
                if ops.member(name) is None:
                    message = f"operand #{name} is not declared in the block interface"
                    found(path, f"line {line}: {message}", message, "UNDECLARED", i + 1, line, column)
            try:  # the front end's parse, then the tokens (one grammar: text_to_tokens parses first)
                context = scl_context(spec, net)
                written = net.blanked_from
                if written is None or not _parsed_as_written(net, written, context):
                    net.checked = checked_scl(net.body, "v4", context)  # the builder's, if the same
            except SclError as exc:
                found(path, str(exc), exc.message, getattr(exc, "code", None) or "SYNTAX_ERROR", i + 1, exc.line or 0,
                      exc.col or 0)
            continue
        try:
            if net.kind in ("lad", "fbd"):
                build_flgnet(net.body, net.kind.upper(), ops, path)
            else:
                build_graph(net.body, ops, path)
        except SpecError as exc:
            found(exc.field or path, exc.reason, str(exc), exc.code or "INVALID_NETWORK", i + 1)
    if findings:
        # within a network, by position: a syntax error is then not listed after the operands that follow it
        findings.sort(key=lambda f: (f[2].network, f[2].line or 0, f[2].column or 0))
        field, reason, _ = findings[0]
        raise SpecError(field, reason, tuple(capped([d for _, _, d in findings])))
