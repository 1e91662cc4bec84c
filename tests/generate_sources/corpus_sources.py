"""The corpus sources and their accepted verdicts, with their repositories and contexts."""

from __future__ import annotations

import csv

from simatic_xml.generate.from_source import SourceContext, context_from_files
from tests.lib.shared_corpus import SHARED

__all__ = ("ACCEPTED", "CORPUS", "repo_of", "source_context")

CORPUS = SHARED / "corpus" / "scl"


def _accepted() -> list[str]:
    table = CORPUS / "SOURCES.tsv"
    if not table.is_file():
        return []
    with table.open(encoding="utf-8") as handle:
        return [row["local_file"] for row in csv.DictReader(handle, delimiter="\t") if row["expect"] == "accept"]

ACCEPTED = _accepted()

_CONTEXTS: dict[str, SourceContext] = {}


def repo_of(name: str) -> str:
    return name.split("/", 1)[0]


def source_context(repo: str) -> SourceContext:
    if repo not in _CONTEXTS:
        _CONTEXTS[repo] = context_from_files([CORPUS / repo])
    return _CONTEXTS[repo]
