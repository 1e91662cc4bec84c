"""The syntax tree of an open document, and the :class:`~.symbols.Model` a request is answered from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from simatic_xml.scl import ast as A
from simatic_xml.scl import parse
from simatic_xml.scl.errors import SclError

from .symbols import Model
from .session import too_large, uri_path
from .text import Text

if TYPE_CHECKING:
    from .session import SclLanguageServer

__all__ = ("current_model", "model_at", "tree")

_TREES: dict[str, tuple[str, A.SourceFile]] = {}


def tree(path: str, source: str, typing_at: Optional[int] = None) -> Optional[A.SourceFile]:
    """The syntax tree of ``source``; when it does not parse, of ``source`` without the line being typed
    (``typing_at``, 0-based), else of the last text of ``path`` that parsed (None: none did, or ``source`` is
    longer than a document the server checks)."""
    if too_large(source):
        return None  # not checked (DOCUMENT_TOO_LARGE), so not parsed for a hover either: seconds of CPU each time
    cached = _TREES.get(path)
    if cached is not None and cached[0] == source:
        return cached[1]
    candidates = [source.lstrip("\ufeff")]
    if typing_at is not None:
        lines = candidates[0].split("\n")
        if 0 <= typing_at < len(lines):
            candidates.append("\n".join(lines[:typing_at] + [""] + lines[typing_at + 1:]))
    for candidate in candidates:
        try:
            parsed = parse(candidate, path)
        except (SclError, RecursionError):
            continue
        _TREES[path] = (source, parsed)
        return parsed
    return cached[1] if cached is not None else None


def model_at(ls: SclLanguageServer, uri: str, typing_at: Optional[int] = None) -> tuple[Optional[Model], Text]:
    doc = ls.workspace.get_text_document(uri)
    text = ls.text(uri)
    path = uri_path(uri)
    parsed = tree(path, doc.source, typing_at)
    return (Model(path, parsed, ls.project.view(path)) if parsed is not None else None), text


def current_model(ls: SclLanguageServer, uri: str) -> tuple[Optional[Model], Text]:
    """The document's model from its current text (None: the text does not parse now, or is too large): for a
    request whose answer must fit the text the client has, not the last text that parsed."""
    doc = ls.workspace.get_text_document(uri)
    path = uri_path(uri)
    parsed = tree(path, doc.source)
    cached = _TREES.get(path)
    if parsed is None or cached is None or cached[0] != doc.source:
        return None, ls.text(uri)
    return Model(path, parsed, ls.project.view(path)), ls.text(uri)
