"""Network checks run during :func:`~simatic_xml.generate.spec.parse_spec`.

* SCL text must parse (:class:`~simatic_xml.errors.SclSyntaxError` becomes a :class:`SpecError` at
  ``networks[i].scl`` with line and column), and every ``#name`` it uses must be declared.
* LAD/FBD/GRAPH bodies are translated once (cheaply) so that shape errors and undeclared operands are
  reported with their path before any XML is written.
"""

from __future__ import annotations

import re

from ..cancel import checkpoint
from ..errors import SclError
from .errors import SpecError
from .spec import BlockSpec

__all__ = ("check_networks", "scl_locals")

_STRING_OR_COMMENT = re.compile(r"//[^\n]*|'(?:[^'$\n]|\$.)*'|\"[^\"\n]*\"")
_LOCAL = re.compile(r'(?<![\w#])#(?:"([^"\n]+)"|([^\W\d]\w*))')


def scl_locals(text: str) -> list[tuple[str, int]]:
    """``#names`` used in SCL text (outside comments and strings), with their line numbers."""
    out = []
    # Blank out strings, comments and quoted globals, keeping offsets, but keep #"quoted" locals.
    cleaned = []
    pos = 0
    for m in _STRING_OR_COMMENT.finditer(text):
        start = m.start()
        if m.group().startswith('"') and start > 0 and text[start - 1] == "#":
            continue
        cleaned.append(text[pos:start])
        cleaned.append(re.sub(r"[^\n]", " ", m.group()))
        pos = m.end()
    cleaned.append(text[pos:])
    plain = "".join(cleaned)
    # Lines are counted from the previous match on, not from the start: counting from 0 made this quadratic.
    line, counted = 1, 0
    for m in _LOCAL.finditer(plain):
        line += plain.count("\n", counted, m.start())
        counted = m.start()
        out.append((m.group(1) or m.group(2), line))
    return out


def check_networks(spec: BlockSpec) -> None:
    """Raise :class:`SpecError` for the first bad network.

    Raises:
        SpecError: a network does not parse or uses an undeclared operand.
        BlockTooLargeError: the block's SCL is over TIA's block size limit (:mod:`simatic_xml.scl.limits`).
    """
    from .builder import scl_context
    from .ladder import build_flgnet
    from .graphgen import build_graph
    from .operands import Operands
    from ..scl import parse_statements
    from ..scl.limits import check_block_size
    from ..scl_text import text_to_tokens

    # TIA's size limit for one block, on the text of all its SCL networks, before any of it is parsed.
    check_block_size([net.body for net in spec.networks if net.kind == "scl"], spec.name or "the block")
    ops = Operands(spec)
    for i, net in enumerate(spec.networks):
        checkpoint()  # once per network (the SCL parsers have their own): a timed-out call stops here
        path = f"networks[{i}].{net.kind}"
        if net.kind == "scl":
            for name, line in scl_locals(net.body):
                if ops.member(name) is None:
                    raise SpecError(path, f"line {line}: operand #{name} is not declared in the block interface")
            try:
                parse_statements(net.body)
                text_to_tokens(net.body, version="v4", context=scl_context(spec, net, "v4"))
            except SclError as exc:
                raise SpecError(path, str(exc)) from None
        elif net.kind in ("lad", "fbd"):
            build_flgnet(net.body, net.kind.upper(), ops, path)
        else:
            build_graph(net.body, ops, path)
