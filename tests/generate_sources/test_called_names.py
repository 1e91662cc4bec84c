"""A block whose lines name none of its source's callables calls none of them: the generation does not walk its
statements for calls (``from_scl._names_any``), and loses no ``calls`` hint by it.

Held over every block of the corpus's sources: where the lines name none, the walk finds none.
"""

from __future__ import annotations


from simatic_xml.generate.from_scl import _called_globals, _names_any, source_callees
from simatic_xml.generate.from_source import generate_source
from simatic_xml.scl.errors import SclError
from simatic_xml.scl.lexer import source_lines
from simatic_xml.scl.parser import parse
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"


def test_a_block_whose_lines_name_no_callable_of_its_source_calls_none() -> None:
    named = unnamed = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() not in (".scl", ".udt", ".db"):
            continue
        text = path.read_bytes().decode("utf-8-sig", "replace")
        try:
            source = parse(text)
        except SclError:
            continue
        fbs = {b.name for b in source.blocks if b.kind == "FUNCTION_BLOCK"}
        callees = source_callees(source, fbs) | {b.name: {} for b in source.blocks}  # every block's name as well
        lines = source_lines(text)
        for block in source.blocks:
            if _names_any(block, lines, callees):
                named += 1
                continue
            unnamed += 1
            assert not [n for n in _called_globals(block) if n in callees], (path, block.name)
    assert named and unnamed


def test_a_call_of_an_fc_of_the_source_is_written_as_its_call_and_a_block_naming_none_is_generated_alike() -> None:
    text = ('FUNCTION "Helper" : Void\nBEGIN\n  ;\nEND_FUNCTION\n\n'
            'FUNCTION "Caller" : Void\nBEGIN\n  "Helper"();\nEND_FUNCTION\n\n'
            'FUNCTION "Other" : Void\nVAR_TEMP x : Int; END_VAR\nBEGIN\n  #x := 1;\nEND_FUNCTION\n')
    result = generate_source(text, file="calls.scl", version="V19")
    assert result.ok, result.diagnostics
    xml = {b.name: b.xml for b in result.blocks}
    assert b'BlockType="FC"' in xml["Caller"] and b"CallInfo" not in xml["Other"]


def test_a_source_with_more_callables_than_searched_by_text_still_writes_each_call() -> None:
    helpers = "".join(f'FUNCTION "Helper{n}" : Void\nBEGIN\n  ;\nEND_FUNCTION\n\n' for n in range(70))
    text = helpers + 'FUNCTION "Caller" : Void\nBEGIN\n  "Helper69"();\nEND_FUNCTION\n'
    source = parse(text)
    callees = source_callees(source, set()) | {b.name: {} for b in source.blocks}
    assert len(callees) > 64
    caller = next(b for b in source.blocks if b.name == "Caller")
    helper = next(b for b in source.blocks if b.name == "Helper0")
    assert _names_any(caller, source_lines(text), callees) and _names_any(helper, source_lines(text), callees)
    result = generate_source(text, file="many.scl", version="V19")
    assert result.ok, result.diagnostics
    xml = {b.name: b.xml for b in result.blocks}
    assert b"CallInfo" in xml["Caller"] and b'Name="Helper69"' in xml["Caller"] and b"CallInfo" not in xml["Helper0"]
