"""The formatter over the shared SCL corpus (``../shared/corpus/scl``, styles from ``SOURCES.tsv``).

Every TIA export stays byte-equal (BOM and line endings included: the formatter writes a file's own line
ending); a badly laid-out copy of one comes back byte-equal; formatting is idempotent on every TIA-style source;
every classic STEP 7 source is left alone with the reason.
"""

from __future__ import annotations

import pytest

from simatic_xml.scl.lexer import tokenize
from simatic_xml.scl_format import format_source

from .corpus import CORPUS, by_style, mutate_layout
from tests.lib.shared_corpus import require_shared

require_shared()

EXPORTS = by_style("TIA-export")
HAND_WRITTEN = by_style("TIA-style(hand-written/generated)")
CLASSIC = by_style("classic-STEP7-SCL")


def _text(rel: str) -> str:
    return (CORPUS / rel).read_bytes().decode("utf-8")


def test_the_corpus_has_its_styles() -> None:
    assert (len(EXPORTS), len(HAND_WRITTEN), len(CLASSIC)) == (124, 95, 35)


@pytest.mark.parametrize("rel", EXPORTS)
def test_a_tia_export_stays_byte_equal(rel: str) -> None:
    raw = (CORPUS / rel).read_bytes()
    result = format_source(raw.decode("utf-8"))
    assert result.refused is None
    assert result.text.encode("utf-8") == raw
    assert not result.changed


@pytest.mark.parametrize("rel", EXPORTS)
def test_a_badly_laid_out_export_comes_back_byte_equal(rel: str) -> None:
    text = _text(rel)
    copy = mutate_layout(text)
    assert copy != text
    result = format_source(copy)
    assert result.refused is None
    assert result.changed
    assert result.text == text


@pytest.mark.parametrize("rel", EXPORTS + HAND_WRITTEN)
def test_formatting_is_idempotent(rel: str) -> None:
    first = format_source(_text(rel))
    second = format_source(first.text)
    assert second.text == first.text
    assert not second.changed
    assert second.refused == first.refused


def test_hand_written_sources_are_formatted_or_refused_for_a_bare_local() -> None:
    refused = {rel: format_source(_text(rel)).refused for rel in HAND_WRITTEN}
    reasons = {rel: why for rel, why in refused.items() if why is not None}
    # goosy's PE.scl is a code-generator template; the others name locals without '#' (micom7, BjAlvestad)
    assert all("without '#'" in why or "template" in why for why in reasons.values()), reasons
    assert len(reasons) == 15
    assert sum(format_source(_text(rel)).changed for rel in HAND_WRITTEN if rel not in reasons) == 45


@pytest.mark.parametrize("rel", CLASSIC)
def test_a_classic_step7_source_is_left_alone_with_the_reason(rel: str) -> None:
    text = _text(rel)
    result = format_source(text)
    assert result.refused is not None
    assert "TIA Portal" in result.refused
    assert result.text == text
    assert not result.changed


def _tokens(text: str) -> list[tuple[str, str]]:
    """The source's tokens: comments, strings, quoted names and region names exactly, the rest up to case."""
    exact = {"COMMENT", "STRING", "QIDENT", "TEXT", "TITLE"}
    return [(t.kind, t.text if t.kind in exact else t.text.upper())
            for t in tokenize(text.lstrip("\ufeff"), keep_comments=True)]


@pytest.mark.parametrize("rel", EXPORTS + HAND_WRITTEN)
def test_formatting_loses_no_comment_pragma_region_or_string(rel: str) -> None:
    text = _text(rel)
    for source in (text, mutate_layout(text)) if rel in EXPORTS else (text,):
        result = format_source(source)
        if result.refused is None:
            assert _tokens(result.text) == _tokens(source)
