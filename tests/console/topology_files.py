"""The topology tests' files and their networks."""

from __future__ import annotations

from pathlib import Path

from simatic_xml import flgnet, graph
from simatic_xml.flgnet import FlgNet
from tests.simatic_xml.sxml_corpus import corpus_paths, load

__all__ = ("FILES", "flgnets_of")

FILES = [p for p in corpus_paths() if b"<FlgNet" in p.read_bytes()]


def flgnets_of(path: Path) -> list[tuple[str, FlgNet, str]]:
    """(where, net, language) of every FlgNet of the document."""
    block = load(path).object
    block_language = getattr(block, "programming_language", None) or ""
    found: list[tuple[str, FlgNet, str]] = []
    for number, unit in enumerate(getattr(block, "compile_units", None) or [], start=1):
        body = unit.network_source.body if unit.network_source is not None else None
        if body is None:
            continue
        if body.tag == "FlgNet":
            found.append((f"network {number}", flgnet.from_xml(body), unit.programming_language or block_language))
        elif body.tag == "Graph":
            sequence = graph.from_xml(body).sequence
            for transition in sequence.transitions:
                if transition.net is not None:
                    found.append((f"T{transition.number}", transition.net, transition.programming_language))
    return found
