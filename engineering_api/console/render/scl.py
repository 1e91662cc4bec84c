"""SCL (and STL) text as highlighted HTML lines with numbers, and compile diagnostics under their lines.

Highlighting uses the service's own SCL lexer (:mod:`simatic_xml.scl.lexer`), so the console colours what the
compiler reads; text the lexer refuses is shown plain, never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl.lexer import KEYWORDS, tokenize

__all__ = ("code_html", "highlight")

_CLASSES = {"QIDENT": "tok-sym", "LOCAL": "tok-loc", "STRING": "tok-str", "COMMENT": "tok-com", "INT": "tok-num",
            "REAL": "tok-num", "BASED": "tok-num", "TYPED": "tok-num", "TIME": "tok-num", "DATETIME": "tok-num",
            "ADDR": "tok-sym", "POINTER": "tok-num"}


def highlight(text: str) -> list[str]:
    """``text`` as one HTML string per line, tokens wrapped in ``<span class="tok-…">``."""
    try:
        tokens = tokenize(text, keep_comments=True)
    except SclSyntaxError:
        return [escape(line) for line in text.split("\n")]
    out: list[str] = []
    at = 0
    for token in tokens:
        if token.kind == "EOF":
            break
        end = token.pos + len(token.text)
        if token.pos < at or text[token.pos:end].lower() != token.text.lower():
            continue  # a token whose text the lexer rewrote: left in the plain run
        css = "tok-kw" if token.kind in KEYWORDS else _CLASSES.get(token.kind)
        if css is None:
            continue
        out.append(escape(text[at:token.pos]))
        out.append(f'<span class="{css}">{escape(text[token.pos:end])}</span>')
        at = end
    out.append(escape(text[at:]))
    return "".join(out).split("\n")


def code_html(text: str, anchor: str, diagnostics: Mapping[int, Iterable[Mapping[str, object]]] | None = None,
              *, plain: bool = False) -> str:
    """The ``<pre>`` body: numbered lines (ids ``{anchor}-l{n}``) and each line's diagnostics right below it."""
    lines = [escape(line) for line in text.split("\n")] if plain else highlight(text)
    diagnostics = diagnostics or {}
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        found = list(diagnostics.get(number, ()))
        severity = ""
        if found:
            severity = " has-error" if any(d.get("severity") == "Error" for d in found) else " has-warning"
        out.append(f'<span class="line{severity}" id="{escape(anchor)}-l{number}" data-line="{number}">'
                   f'<span class="ln">{number}</span>{line}<span class="value" hidden></span></span>\n')
        for diagnostic in found:
            kind = str(diagnostic.get("severity", "Error")).lower()
            column = diagnostic.get("column")
            where = f"line {number}" + (f", column {column}" if column else "")
            out.append(f'<span class="diag {escape(kind)}" role="note">{escape(kind.capitalize())} ({where}): '
                       f'{escape(str(diagnostic.get("message", "")))}</span>')
    return "".join(out)
