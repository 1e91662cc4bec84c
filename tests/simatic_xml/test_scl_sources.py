"""Robustness of the SCL parser on real SCL sources (../shared/corpus/scl): every statement section
either parses and renders back to the same text, or uses a block comment, which is refused."""

from __future__ import annotations

import re

import pytest

from simatic_xml import SclSyntaxError, context_from_tokens, text_to_tokens, tokens_to_text
from simatic_xml.check import first_difference
from simatic_xml.scl_text import needs_quotes, strip_uids
from tests.simatic_xml.scl_bodies import BODIES, SOURCES
from tests.lib.shared_corpus import READS_SHARED


def test_sources_found():
    if not SOURCES.is_dir():
        pytest.skip(f"SCL corpus not found at {SOURCES}")
    assert len(BODIES) > 200


@READS_SHARED
@pytest.mark.parametrize("body", BODIES)
def test_statement_section(body):
    try:
        tokens = text_to_tokens(body)
    except SclSyntaxError as exc:
        assert "block comment is not closed" in str(exc) and ("(*" in body or "/*" in body)
        return
    # Tabs become blanks (their token form was never observed); everything else is kept exactly.
    text = tokens_to_text(tokens)
    # A quoted parameter name that needs no quotes ("y" := …) is written without them: a Parameter's
    # tokens have no quote flag (block comments made such bodies reach this comparison).
    expected = re.sub(r'([(,]\s*)"([A-Za-z_]\w*)"(\s*:=)',
                      lambda m: m.group() if needs_quotes(m.group(2), reserved=True)
                      else m.group(1) + m.group(2) + m.group(3),
                      body.replace("\t", " "))
    assert text == expected
    again = text_to_tokens(text, context=context_from_tokens(tokens))
    assert first_difference(strip_uids(tokens), strip_uids(again)) is None
