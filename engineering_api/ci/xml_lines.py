"""Where a finding in a SimaticML block lies in its ``.xml`` file, for the reports an editor or a pull request reads.

The checker counts an SCL network's lines in the network's own text (the text TIA's editor shows, made from the
exported tokens by :func:`simatic_xml.tokens_to_text`), and that is what the JSON report and the REST answers
carry with ``network``. An editor's jump (``file:line:``) or a GitHub annotation (``line=``) needs a line of the
file instead: line 2 of an export is its ``<Document>``, not line 2 of network 1. So ``text``, ``junit`` and
``github`` put a finding on the file line of the exported token that starts its text line. A LAD/FBD/GRAPH network
has no text: its findings carry the file line of the element they are about (the ``Access``, ``Part``, ``Call`` or
``Wire``; :mod:`engineering_api.rules.compiler.check_flgnet`), in every format; one without a line (a network that
cannot be read) goes on its ``SW.Blocks.CompileUnit``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from simatic_xml.safe import parse_untrusted
from simatic_xml.scl_text import tokens_to_text
from simatic_xml.xmlnode import XmlNode, from_lxml, local_name

if TYPE_CHECKING:
    from lxml import etree

    from simatic_xml.diagnostics import Diagnostic

__all__ = ("file_line", "network_lines", "place", "textless_network")


def file_line(path: str, network: int, line: int | None, column: int | None = None) -> int | None:
    """The file line of the exported token at ``line``:``column`` of network ``network``'s text (1-based) in the
    export ``path``: the token the column falls in, or the line's first; the network's own line when ``line``
    is unknown or past its text; a LAD/FBD/GRAPH network's finding keeps its own ``line`` (already the file's);
    None when the file is no readable block export."""
    lines = network_lines(path)
    if not 1 <= network <= len(lines):
        return None
    unit_line, tokens = lines[network - 1]
    if not tokens:  # LAD/FBD/GRAPH: a finding carries the file line of its element (Access, Part, Wire) itself
        return line if line and line >= unit_line else unit_line
    if not line or line > len(tokens):
        return unit_line
    on_line = tokens[line - 1]
    return next((at for start, at in reversed(on_line) if start <= (column or 1)), on_line[0][1])


def textless_network(path: str, network: int) -> bool:
    """Is network ``network`` of the export ``path`` known to have no text (LAD/FBD/GRAPH), so that its findings'
    lines are the file's already? False when it has one (SCL) or the file cannot be read."""
    lines = network_lines(path)
    return 1 <= network <= len(lines) and not lines[network - 1][1]


Lines = tuple[tuple[int, tuple[tuple[tuple[int, int], ...], ...]], ...]


def network_lines(path: str) -> Lines:
    """Per network of the block export ``path``, in the order the checker numbers them: its CompileUnit's file
    line and, for an SCL network, per line of its text the tokens that start on it as (column, file line).
    Empty when the file cannot be read as XML."""
    try:
        stat = Path(path).stat()
    except OSError:
        return ()
    return _network_lines(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _network_lines(path: str, mtime_ns: int, size: int) -> Lines:
    """:func:`network_lines` of one version of the file (a report reads a file once per finding)."""
    try:
        root = parse_untrusted(Path(path).read_bytes(), keep_blank_text=False).getroot()
    except Exception:  # a report falls back to no file line; the check said what is wrong
        return ()
    networks = []
    for unit in root.iter():
        if isinstance(unit.tag, str) and local_name(unit) == "SW.Blocks.CompileUnit":
            body = next((el for el in unit.iter() if isinstance(el.tag, str) and local_name(el) == "StructuredText"),
                        None)
            networks.append((unit.sourceline or 0, _tokens_by_line(body) if body is not None else ()))
    return tuple(networks)


def _tokens_by_line(body: etree._Element) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per text line, the top-level tokens that start on it as (column, file line). The text is the tokens'
    texts one after the other (:func:`~simatic_xml.tokens_to_text`); a line inside a token (a comment over
    several lines) or a blank one is given the token it lies in."""
    lines: list[list[tuple[int, int]]] = [[]]
    column = 1
    last = 0
    for child in body:
        if not isinstance(child.tag, str):
            continue
        last = child.sourceline or last
        lines[-1].append((column, last))
        text = _token_text(child)
        breaks = text.count("\n")
        for _ in range(breaks):
            lines.append([(1, last)])
        column = len(text) - text.rfind("\n") if breaks else column + len(text)
    return tuple(tuple(on_line) for on_line in lines)


def _token_text(element: etree._Element) -> str:
    node = from_lxml(element)
    try:
        return tokens_to_text(XmlNode("StructuredText", node.ns, {}, [node], None))
    except Exception:  # an element the text cannot hold: it holds no newline either
        return ""


def place(d: Diagnostic) -> tuple[int | None, int | None, str]:
    """The file line and column of a finding, and how the message names its place in a network.

    A finding in a SimaticML block counts its line in the network's text; the file line is the one of the token
    that starts that text line (:mod:`.xml_lines`), no column, and the network's line and column go with the
    network into the message. Elsewhere (SCL sources) line and column count in the file.
    """
    if not d.network:
        return d.line, d.column, ""
    if not (d.file and d.file.lower().endswith(".xml")):
        return d.line, d.column, f"network {d.network}"
    in_text = d.line and not textless_network(d.file, d.network)  # a LAD/FBD finding's line is the file's already
    inside = f", line {d.line}" + (f", column {d.column}" if d.column else "") if in_text else ""
    return file_line(d.file, d.network, d.line, d.column), None, f"network {d.network}{inside}"
