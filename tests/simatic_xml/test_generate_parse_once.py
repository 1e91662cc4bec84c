"""Generating an SCL source parses each network's text into tokens once where the check and the build agree."""

from __future__ import annotations

import pytest

from simatic_xml import scl_parse, scl_text
from simatic_xml.generate.from_source import generate_source
from simatic_xml.scl.ast import Stmt
from simatic_xml.scl_context import SclContext
from simatic_xml.xmlnode import XmlNode

_FB = """FUNCTION_BLOCK "Counter"
VAR_INPUT
  step : Int;
END_VAR
VAR
  total : Int;
END_VAR
BEGIN
  {comment}#total := #total + #step;
  IF #total > GLOBAL_LIMIT THEN
    #total := 0;
  END_IF;
END_FUNCTION_BLOCK
"""


@pytest.fixture(name="parses")
def fx_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    parse = scl_parse.parse_scl_statements

    def counted(text: str, *, version: str, context: SclContext) -> tuple[XmlNode, list[Stmt]]:
        texts.append(text)
        return parse(text, version=version, context=context)

    # Every caller's name for the parser: scl_text imports it by name, others (parse_scl too) reach it through its
    # module.
    monkeypatch.setattr(scl_parse, "parse_scl_statements", counted)
    monkeypatch.setattr(scl_text, "parse_scl_statements", counted)
    return texts


def _generate(comment: str, version: str | None = None) -> bytes:
    result = generate_source(_FB.format(comment=comment), file="Counter.scl", version=version)
    assert result.ok and not [d for d in result.diagnostics if d.severity == "Error"], result.diagnostics
    return result.blocks[0].xml


def test_a_network_the_check_reads_as_written_is_parsed_once(parses: list[str]) -> None:
    _generate("// a line comment stays in the text the check reads\n  ")
    assert len(parses) == 1


def test_a_network_whose_check_text_is_blanked_is_parsed_again_for_the_build(parses: list[str]) -> None:
    xml = _generate("(* #step in a block comment is no operand *)\n  ")
    assert len(parses) == 2 and parses[0] != parses[1]
    assert b"#step in a block comment" in xml


def test_a_build_for_another_structured_text_version_parses_again(parses: list[str]) -> None:
    _generate("", version="V16")  # StructuredText v3, the check parses v4
    assert len(parses) == 2
