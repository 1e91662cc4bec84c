"""Shared, cached access to the SimaticML corpus for the simatic_xml tests (parsed once per session).

The documents are shared: tests that change one must work on ``copy.deepcopy`` of it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from simatic_xml import Document, read_file
from simatic_xml.model import NetworkSource, SwObject
from simatic_xml.xmlnode import XmlNode
from tests.lib.shared_corpus import SHARED

CORPUS = Path(os.environ.get("SIMATICML_CORPUS")
              or SHARED / "corpus" / "simaticml")
"""``../shared/corpus/simaticml`` beside the checkout, or ``$SIMATICML_CORPUS`` (a worktree sits deeper)."""


@lru_cache(maxsize=None)
def corpus_paths() -> tuple[Path, ...]:
    """Every corpus file, sorted; empty when the corpus is absent."""
    return tuple(sorted(CORPUS.rglob("*.xml"))) if CORPUS.is_dir() else ()


@lru_cache(maxsize=None)
def load(path: Path) -> Document:
    """The parsed document (shared: do not modify)."""
    return read_file(path)


def network_sources(path: Path) -> list[NetworkSource]:
    """All NetworkSources of a corpus document, in document order."""
    return document_sources(load(path))


def document_sources(document: Document) -> list[NetworkSource]:
    """All NetworkSources of ``document``, in document order."""
    out: list[NetworkSource] = []
    stack: list[SwObject] = [document.object]
    while stack:
        obj = stack.pop(0)
        out.extend(v for v in (obj.attributes or {}).values() if isinstance(v, NetworkSource))
        stack.extend(c for c in obj.children or () if isinstance(c, SwObject))
    return out


def _may_hold(path: Path, tag: str) -> bool:
    """Whether the file's text has an element named ``tag`` under any prefix: a condition every file with such a
    body meets, checked on the bytes (the exports are UTF-8) so that collection parses only the few files that
    can hold one, not the whole corpus."""
    return re.search(rb"<(?:[\w.-]+:)?" + re.escape(tag.encode()) + rb"[\s/>]", path.read_bytes()) is not None


def bodies(tag: str) -> list[tuple[Path, XmlNode]]:
    """(file, body) of every network whose body element is ``tag``."""
    return [(p, s.body) for p in corpus_paths() if _may_hold(p, tag)
            for s in network_sources(p) if s.kind == tag and s.body is not None]
